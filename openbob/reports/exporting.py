"""Exporting a saved report: the "report" kind of the export pipeline.

A report chooses its columns per report, so it is a dynamic export kind
(`openbob.exports.dynamic`), registered by `ReportsConfig.ready`. The export itself is
the export pipeline's: `openbob.exports.services.request_export` checks, audits and
queues it, the exports worker task writes it, and it has the same Exports History,
signed links, "Prevent exports" switch, notification and email as every export.

The job holds the report's id only (never its filter values, which may name a
consumer), and its email names the report by id, not by its user-typed name; the
portal (notification, Exports History) shows the name. When the job runs, the
requester must still see the report, and the rows are those of *their* scope, always
masked.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from openbob.accounts.models import User
from openbob.exports import services as exports
from openbob.exports.catalogue import ExportSpec
from openbob.exports.dynamic import Refused
from openbob.exports.models import ExportJob
from openbob.exports.rowsets import Request, Row
from openbob.reports import query
from openbob.reports.definition import Definition, DefinitionError, operator_label, parse
from openbob.reports.models import Report
from openbob.reports.services import get_report_for

REPORT_KIND = "report"
GONE = "The report was deleted or is no longer shared with you."
CHANGED = "The report's columns changed while it was exported. Retry the export."


def request_export(*, user: User, report: Report, fmt: str, bom: bool = False) -> ExportJob:
    """Check, record and queue the export of a saved report (always masked)."""
    return exports.request_export(
        user=user, kind=REPORT_KIND, fmt=fmt, options={"report_id": report.pk, "bom": bom}
    )


def _current(user: User, parameters: Mapping[str, Any]) -> tuple[Report, Definition] | None:
    """The job's report as `user` sees it now, with its definition; None when it is gone
    (deleted, no longer shared, the user lost reports, or no longer a valid definition)."""
    try:
        report = get_report_for(user, parameters.get("report_id"))
        return report, parse(report.definition)
    except (Http404, PermissionDenied, DefinitionError):
        return None


def export_spec(report: Report, definition: Definition) -> ExportSpec:
    """The report as an export: its columns are the catalogue's declarations."""
    filters = "; ".join(
        f"{f.field.label} {operator_label(f.op, f.field.filter_kind)} {f.value or ''}".strip()
        for f in definition.filters
    )
    notes = (
        f"Report “{report.name}”: {definition.type.title}, {definition.type.row}.",
        f"Filters: {filters or 'none'}.",
        "Holds only what your scope reaches; SSNs, dates of birth and income are masked.",
    )
    return ExportSpec(
        key=REPORT_KIND,
        title=report.name,
        description=f"Saved report “{report.name}”.",
        audience="agent",
        base=definition.type.key,
        fields=tuple(f.export_column for f in definition.columns),
        legend_notes=notes,
        email_title=f"My Reports report {report.pk}",
    )


_UNAVAILABLE = ExportSpec(
    key=REPORT_KIND,
    title="Report (deleted or no longer shared with you)",
    description="",
    audience="agent",
    base="",
    fields=(),
)


class ReportExport:
    """The "report" export kind: one saved report's columns, rows of the requester's scope."""

    key = REPORT_KIND

    def clean(self, user: User, options: Mapping[str, Any]) -> dict[str, Any]:
        """`report_id` of a report `user` sees, with a valid definition.

        A report no longer seen is a ValidationError, not a 404: retry passes the id of
        a report that may have been deleted since, and Exports History says so.
        """
        try:
            report = get_report_for(user, options.get("report_id"))
            parse(report.definition)
        except Http404:
            raise ValidationError(GONE) from None
        except DefinitionError as error:
            raise ValidationError(error.problems) from None
        return {"report_id": report.pk}

    def check(self, user: User, parameters: Mapping[str, Any]) -> None:
        if _current(user, parameters) is None:
            raise Refused(GONE)

    def spec_for(self, job: ExportJob) -> ExportSpec:
        found = _current(job.requester, job.parameters)
        return _UNAVAILABLE if found is None else export_spec(*found)

    def rows_for(self, request: Request) -> Iterator[Row]:
        """The report's rows; refused when its columns changed since the spec was taken."""
        found = _current(request.requester, request.parameters)
        if found is None:
            raise Refused(GONE)
        _report, definition = found
        if tuple(f.export_column for f in definition.columns) != request.spec.fields:
            raise Refused(CHANGED)
        return query.stream(request.requester, definition)
