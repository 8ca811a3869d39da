"""Creating and moving agencies while keeping the materialised paths right."""

from __future__ import annotations

from django.db import transaction

from openbob.agencies.models import Agency


@transaction.atomic
def create_agency(*, name: str, parent: Agency | None = None, **fields: object) -> Agency:
    """Create an agency under `parent` (or a top-level agency) and set its path."""
    agency = Agency.objects.create(name=name, parent=parent, **fields)
    prefix = parent.path if parent is not None else "/"
    agency.path = f"{prefix}{agency.pk}/"
    agency.save(update_fields=["path"])
    return agency


def subtree_ids(agency: Agency) -> list[int]:
    """The ids of `agency` and every agency below it, at any depth."""
    return list(Agency.objects.filter(path__startswith=agency.path).values_list("pk", flat=True))


def is_in_subtree(agency_path: str, root: Agency) -> bool:
    """True when the agency with `agency_path` is `root` or lies below it."""
    return agency_path.startswith(root.path)
