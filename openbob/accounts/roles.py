"""Enroller roles and what each may do: the one role x permission matrix.

The roles are Covered California's (Agency Manager, Admin Staff Level 1 and 2, Certified
Agent) plus a read-only role. Which *households* a user reaches is decided by
`openbob.book.scoping`; this module only says which *kinds* of action a role may take.
"""

from __future__ import annotations

from enum import StrEnum

from django.db import models


class Role(models.TextChoices):
    AGENCY_MANAGER = "manager", "Agency Manager"
    ADMIN_STAFF_1 = "admin1", "Admin Staff Level 1"
    ADMIN_STAFF_2 = "admin2", "Admin Staff Level 2"
    AGENT = "agent", "Certified Agent"
    READ_ONLY = "readonly", "Read-only"


class Perm(StrEnum):
    """A kind of action. Checked together with scope, never instead of it."""

    VIEW_BOOK = "view_book"
    VIEW_ROSTER = "view_roster"
    EDIT_HOUSEHOLD = "edit_household"
    UPLOAD = "upload"
    IMPORT = "import"
    TRANSFER_DELEGATION = "transfer_delegation"
    ADD_AGENT = "add_agent"
    VIEW_PII = "view_pii"
    EXPORT = "export"
    EXPORT_UNMASKED = "export_unmasked"
    MANAGE_AGENCY = "manage_agency"
    VIEW_AUDIT = "view_audit"
    MANAGE_RETENTION = "manage_retention"  # transfer retention cases, enroller activity


_LEVEL_1 = {
    Perm.VIEW_BOOK,
    Perm.VIEW_ROSTER,
    Perm.EDIT_HOUSEHOLD,
    Perm.UPLOAD,
    Perm.VIEW_PII,
    Perm.EXPORT,
}

ROLE_PERMS: dict[str, frozenset[Perm]] = {
    Role.AGENCY_MANAGER: frozenset(Perm),
    Role.ADMIN_STAFF_2: frozenset(_LEVEL_1 | {Perm.ADD_AGENT, Perm.TRANSFER_DELEGATION}),
    Role.ADMIN_STAFF_1: frozenset(_LEVEL_1),
    Role.AGENT: frozenset(
        {Perm.VIEW_BOOK, Perm.EDIT_HOUSEHOLD, Perm.UPLOAD, Perm.VIEW_PII, Perm.EXPORT}
    ),
    Role.READ_ONLY: frozenset({Perm.VIEW_BOOK, Perm.VIEW_ROSTER}),
}


def role_has(role: str, perm: Perm) -> bool:
    """True when `role` grants `perm`."""
    return perm in ROLE_PERMS.get(role, frozenset())
