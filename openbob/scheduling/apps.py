from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "openbob.scheduling"
    label = "scheduling"
    verbose_name = "Periodic jobs"
