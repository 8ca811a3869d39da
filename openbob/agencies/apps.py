from django.apps import AppConfig


class AgenciesConfig(AppConfig):
    name = "openbob.agencies"
    label = "agencies"
    default_auto_field = "django.db.models.BigAutoField"
