from django.apps import AppConfig


class DelegationsConfig(AppConfig):
    name = "openbob.delegations"
    label = "delegations"
    verbose_name = "Delegations"
