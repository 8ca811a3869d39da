from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "openbob.alerts"
    label = "alerts"
    verbose_name = "Alerts"
