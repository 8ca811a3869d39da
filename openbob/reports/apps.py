from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "openbob.reports"
    label = "reports"
    verbose_name = "My Reports"

    def ready(self) -> None:
        """Register the "report" export kind, so report exports run the export pipeline."""
        from openbob.exports import dynamic
        from openbob.reports.exporting import ReportExport

        dynamic.register(ReportExport())
