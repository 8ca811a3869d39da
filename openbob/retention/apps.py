from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "openbob.retention"
    label = "retention"
    verbose_name = "Consumer Retention Workspace"

    def ready(self) -> None:
        """Register the "retention_cases" export kind, so case exports run the export
        pipeline (`openbob.exports.dynamic`)."""
        from openbob.exports import dynamic
        from openbob.retention.exporting import RetentionCasesExport

        dynamic.register(RetentionCasesExport())
