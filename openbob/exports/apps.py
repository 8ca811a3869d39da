from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "openbob.exports"
    label = "exports"
    verbose_name = "Exports"
