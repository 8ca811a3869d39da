"""The HealthSherpa agent roster: agencies and agents of the importing agency's tree.

Sub-agencies named by the roster are created under their parent (or the importing
agency); agents are matched by NPN, then email, and created or updated in place. An
agent who belongs to an agency outside the tree is refused, never moved into it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from openbob.accounts.models import User
from openbob.accounts.roles import Role
from openbob.agencies.models import Agency
from openbob.agencies.services import create_agency
from openbob.imports.validate import max_length, text_problem
from openbob.sources.errors import RowError
from openbob.sources.healthsherpa_roster import RosterRow


class _Refused(Exception):
    def __init__(self, column: str, reason: str) -> None:
        super().__init__(reason)
        self.column = column
        self.reason = reason


@dataclass
class RosterWriter:
    root: Agency
    file_name: str
    errors: list[RowError] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)

    def write(self, rows: Iterable[RosterRow]) -> None:
        agencies = {
            a.name.casefold(): a for a in Agency.objects.filter(path__startswith=self.root.path)
        }
        for row in rows:
            try:
                _check(row)
                user = self._existing(row)
                self._agent(row, user, self._agency(row, agencies))
            except _Refused as refused:
                self.errors.append(
                    RowError(self.file_name, row.line, refused.column, refused.reason, None)
                )

    def _agency(self, row: RosterRow, agencies: dict[str, Agency]) -> Agency:
        name = (row.agency_name or "").strip()
        if not name or name.casefold() in agencies:
            return agencies.get(name.casefold(), self.root)
        parent = agencies.get((row.parent_agency_name or "").casefold(), self.root)
        agency = create_agency(name=name, parent=parent)
        agencies[name.casefold()] = agency
        self.counts["agencies_created"] += 1
        return agency

    def _existing(self, row: RosterRow) -> User | None:
        """The agent the row names, by NPN then email; refused if outside the tree."""
        users = User.objects.select_related("agency")
        user = users.filter(npn=row.npn).first() if row.npn else None
        user = user or users.filter(email__iexact=row.email or "").first()
        if user is not None and (
            user.agency is None or not user.agency.path.startswith(self.root.path)
        ):
            raise _Refused("Email", "this agent belongs to an agency outside yours")
        return user

    def _agent(self, row: RosterRow, user: User | None, agency: Agency) -> None:
        first, last = _names(row)
        values = {
            "first_name": first,
            "last_name": last,
            "npn": row.npn or "",
            "license_number": row.license_number or "",
            "agency": agency,
            "is_active": (row.status or "active").strip().lower() != "inactive",
        }
        if user is None:
            User.objects.create_user(row.email or "", None, role=Role.AGENT, **values)
            self.counts["agents_created"] += 1
            return
        for name, value in values.items():
            setattr(user, name, value)
        user.save()
        self.counts["agents_updated"] += 1


def _names(row: RosterRow) -> tuple[str, str]:
    """First and last name, from a single `Agent name` column when the split ones are empty."""
    first, last = row.first_name, row.last_name
    if not (first or last) and row.agent_name:
        first, _, last = row.agent_name.partition(" ")
    return first or "", last or ""


def _check(row: RosterRow) -> None:
    """Refuse a row whose email is missing or invalid, or whose text no column holds."""
    try:
        validate_email(row.email or "")
    except ValidationError:
        raise _Refused("Email", "a valid email address is required") from None
    first, last = _names(row)
    values = {
        "Email": (row.email or "", User, "email"),
        "First name": (first, User, "first_name"),
        "Last name": (last, User, "last_name"),
        "License number": (row.license_number or "", User, "license_number"),
        "Agency name": (row.agency_name or "", Agency, "name"),
        "Parent agency name": (row.parent_agency_name or "", Agency, "name"),
    }
    for header, (value, model, name) in values.items():
        problem = text_problem(value, max_length(model, name))
        if problem:
            raise _Refused(header, problem)
