"""Which change events, import runs, uploads and mappings a user may see, from the one scope."""

from __future__ import annotations

from django.db.models import QuerySet

from openbob.accounts.models import User
from openbob.accounts.roles import Perm
from openbob.book.scoping import households_visible_to, visible_agency_ids
from openbob.imports.models import ChangeEvent, ImportJob, ImportRun, MappingProfile


def events_visible_to(user: User) -> QuerySet[ChangeEvent]:
    """Events of the households `user` may see (`openbob.book.scoping`)."""
    return ChangeEvent.objects.filter(household__in=households_visible_to(user))


def imports_visible_to(user: User) -> QuerySet[ImportRun]:
    """Import runs into the agencies a user may import into."""
    if not user.can(Perm.IMPORT):
        return ImportRun.objects.none()
    return ImportRun.objects.filter(agency_id__in=visible_agency_ids(user))


def jobs_visible_to(user: User) -> QuerySet[ImportJob]:
    """Uploads into the agencies a user may import into (by anyone allowed to)."""
    if not user.can(Perm.IMPORT):
        return ImportJob.objects.none()
    return ImportJob.objects.filter(agency_id__in=visible_agency_ids(user))


def profiles_visible_to(user: User) -> QuerySet[MappingProfile]:
    """Column mappings of the agencies a user may import into."""
    if not user.can(Perm.IMPORT):
        return MappingProfile.objects.none()
    return MappingProfile.objects.filter(agency_id__in=visible_agency_ids(user))
