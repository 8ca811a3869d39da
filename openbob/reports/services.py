"""Saved reports: who sees and changes which, save, save as, edit, delete, Recent.

Seeing a saved report is not seeing its rows: the rows always come from the viewer's
own scope (`openbob.reports.query`). Private reports are their owner's alone; a report
in a shared folder is seen by the users of that folder's agency and of its
sub-agencies, and by the managers above it (whose scope holds that agency); the sample
is seen by everyone. Outsiders get 404, those who may see but
not change a report 403. Every write is audited, without filter values (they may name
a consumer).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from openbob.accounts.models import User
from openbob.accounts.roles import Perm
from openbob.audit.services import record
from openbob.book.scoping import agencies_visible_to
from openbob.exports.access import ancestor_ids
from openbob.reports.definition import Definition
from openbob.reports.models import RecentReport, Report, ReportFolder

PRIVATE = "private"
RECENT = 10
RECENT_KEPT = 50
NO_REPORTS = "Your role does not include reports."
NO_SHARING = "Only agency managers and admin staff may save reports in a shared folder."
SAMPLE_IS_FIXED = "The sample report cannot be changed. Use Save As to keep your version."


def may_use_reports(user: User) -> bool:
    return user.is_active and user.can(Perm.VIEW_BOOK)


def may_share(user: User) -> bool:
    """Managers and admin staff (not agents, not read-only) may write shared folders."""
    return user.can(Perm.VIEW_ROSTER) and user.can(Perm.EDIT_HOUSEHOLD)


def _require_reports(user: User) -> None:
    if not may_use_reports(user):
        raise PermissionDenied(NO_REPORTS)


def readable_folders(user: User) -> QuerySet[ReportFolder]:
    """Folders shared with an agency above the user's, or one in their scope
    (`openbob.book.scoping`: their own, and for managers every sub-agency), so every
    folder a user may save into is one they can read."""
    if user.agency is None or not may_use_reports(user):
        return ReportFolder.objects.none()
    return ReportFolder.objects.filter(
        Q(agency_id__in=ancestor_ids(user.agency)) | Q(agency__in=agencies_visible_to(user))
    ).select_related("agency")


def writable_folders(user: User) -> QuerySet[ReportFolder]:
    """Shared folders the user may save into: those of agencies in their scope."""
    if not may_share(user):
        return ReportFolder.objects.none()
    return ReportFolder.objects.filter(agency__in=agencies_visible_to(user))


def visible_reports(user: User) -> QuerySet[Report]:
    """The saved reports `user` sees: the sample, their private ones, shared ones."""
    if not may_use_reports(user):
        return Report.objects.none()
    return Report.objects.filter(
        Q(sample=True)
        | Q(owner=user, folder__isnull=True)
        | Q(folder__in=readable_folders(user).values("pk"))
    ).select_related("folder", "owner")


def may_edit(user: User, report: Report) -> bool:
    if report.sample:
        return False
    if report.folder_id is None:
        return report.owner_id == user.pk
    return writable_folders(user).filter(pk=report.folder_id).exists()


def get_report_for(user: User, pk: object, *, write: bool = False) -> Report:
    """Report `pk`: 404 when the user cannot see it, 403 when they may not change it."""
    _require_reports(user)
    try:
        report = visible_reports(user).get(pk=int(str(pk)))
    except (Report.DoesNotExist, ValueError, OverflowError):
        raise Http404("No such report") from None
    if write and not may_edit(user, report):
        raise PermissionDenied(
            SAMPLE_IS_FIXED if report.sample else "You may not change this report."
        )
    return report


@dataclass(frozen=True)
class Target:
    """Where a report is saved: Private Reports, a shared folder, or a new shared folder."""

    folder_id: int | None = None
    new_folder: str = ""


def _folder(user: User, target: Target) -> ReportFolder | None:
    if target.new_folder:
        if not may_share(user):
            raise PermissionDenied(NO_SHARING)
        assert user.agency is not None  # may_share is False without an agency
        name = target.new_folder.strip()[:100]
        folder, _ = ReportFolder.objects.get_or_create(
            agency=user.agency, name=name, defaults={"created_by": user}
        )
        return folder
    if target.folder_id is None:
        return None
    writable = writable_folders(user).filter(pk=target.folder_id).first()
    if writable is None:
        if readable_folders(user).filter(pk=target.folder_id).exists():
            raise PermissionDenied(NO_SHARING)
        raise Http404("No such folder")
    return writable


def _clean_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned or len(cleaned) > 100:
        raise ValidationError("Give the report a name of 1 to 100 characters.")
    if any(ord(c) < 32 for c in cleaned):
        raise ValidationError("A report name holds printable characters only.")
    return cleaned


def _check_unique(user: User, name: str, folder: ReportFolder | None, exclude: int | None) -> None:
    same = Report.objects.filter(name__iexact=name, folder=folder, sample=False)
    if folder is None:
        same = same.filter(owner=user)
    if exclude is not None:
        same = same.exclude(pk=exclude)
    if same.exists():
        where = folder.name if folder else "Private Reports"
        raise ValidationError(f"{where} already holds a report named “{name}”.")


def _audit_detail(report: Report, definition: Definition) -> dict[str, object]:
    return {
        "name": report.name,
        "folder": report.folder_name,
        "type": definition.type.key,
        "columns": len(definition.columns),
        "filters": [f"{f.field.key} {f.op}" for f in definition.filters],
    }


def save_new(
    *, user: User, definition: Definition, name: str, target: Target, description: str = ""
) -> Report:
    """Save a definition as a new report (Save, and Save As from any visible report)."""
    _require_reports(user)
    name = _clean_name(name)
    with transaction.atomic():
        folder = _folder(user, target)
        _check_unique(user, name, folder, None)
        report = Report.objects.create(
            name=name,
            description=description.strip()[:300],
            owner=user,
            folder=folder,
            definition=definition.to_json(),
        )
        record(
            actor=user,
            action="report.create",
            subject=report,
            detail=_audit_detail(report, definition),
        )
        touch(user, report)
    return report


def update(
    *, user: User, report: Report, definition: Definition, name: str | None = None
) -> Report:
    """Save changes to a report the user may edit (same folder)."""
    if not may_edit(user, report):
        raise PermissionDenied(
            SAMPLE_IS_FIXED if report.sample else "You may not change this report."
        )
    with transaction.atomic():
        if name is not None:
            report.name = _clean_name(name)
            _check_unique(user, report.name, report.folder, report.pk)
        report.definition = definition.to_json()
        report.save(update_fields=["name", "definition", "updated_at"])
        record(
            actor=user,
            action="report.update",
            subject=report,
            detail=_audit_detail(report, definition),
        )
        touch(user, report)
    return report


def delete(*, user: User, report: Report) -> None:
    if not may_edit(user, report):
        raise PermissionDenied(
            SAMPLE_IS_FIXED if report.sample else "You may not delete this report."
        )
    with transaction.atomic():
        detail = {"name": report.name, "folder": report.folder_name}
        record(actor=user, action="report.delete", subject=report, detail=detail)
        report.delete()


def touch(user: User, report: Report) -> None:
    """Put `report` at the top of the user's Recent list (keeping the list short)."""
    RecentReport.objects.update_or_create(
        user=user, report=report, defaults={"opened_at": timezone.now()}
    )
    stale = RecentReport.objects.filter(user=user).order_by("-opened_at")[RECENT_KEPT:]
    RecentReport.objects.filter(pk__in=list(stale.values_list("pk", flat=True))).delete()


def recent(user: User, limit: int = RECENT) -> list[Report]:
    """The reports the user opened last, newest first, those they still see only."""
    opened = RecentReport.objects.filter(user=user, report__in=visible_reports(user))
    return [
        row.report for row in opened.select_related("report__folder").order_by("-opened_at")[:limit]
    ]
