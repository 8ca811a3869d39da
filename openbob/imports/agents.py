"""Finding the agent a row names, inside the importing agency's tree — or refusing it.

A file may only write into the importing user's agency tree: a row naming an agent who
belongs to an agency outside that tree (or to no agency) is rejected. An agent OpenBoB
has never seen is created (without a usable password) in the sub-agency the row names,
or in the importing agency, so a first import of a real book needs no roster set-up.
A large book names a few hundred agents in hundreds of thousands of rows, so every
answer is remembered for the rest of the import.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from openbob.accounts.models import User
from openbob.accounts.roles import Role
from openbob.agencies.models import Agency
from openbob.imports.records import AgentRef
from openbob.imports.validate import max_length, text_problem

_SLUG = re.compile(r"[^a-z0-9]+")
_IMPORTED_DOMAIN = "imported.openbob.invalid"


class AgentRefused(Exception):
    """The row's agent cannot be used: outside the tree, or not creatable as named."""


class AgentOutsideTree(AgentRefused):
    """The named agent belongs to an agency outside the importing agency's tree."""


@dataclass(frozen=True, slots=True)
class ResolvedAgent:
    user_id: int | None
    agency_id: int


def _norm(value: str | None) -> str:
    return " ".join((value or "").split()).casefold()


@dataclass
class AgentDirectory:
    """Every enroller, indexed by license, NPN, email and name, split by tree membership."""

    root: Agency
    inside: dict[str, tuple[int, int]] = field(default_factory=dict)
    outside: set[str] = field(default_factory=set)
    emails: set[str] = field(default_factory=set)
    agencies_by_name: dict[str, int] = field(default_factory=dict)
    created: list[int] = field(default_factory=list)
    _answers: dict[AgentRef, ResolvedAgent | AgentRefused] = field(default_factory=dict)

    @classmethod
    def load(cls, root: Agency) -> AgentDirectory:
        directory = cls(root)
        tree = Agency.objects.filter(path__startswith=root.path)
        directory.agencies_by_name = {_norm(a.name): a.pk for a in tree}
        users = User.objects.values_list(
            "pk",
            "agency_id",
            "agency__path",
            "license_number",
            "npn",
            "email",
            "first_name",
            "last_name",
        )
        for pk, agency_id, path, license_number, npn, email, first, last in users:
            directory.emails.add(email.lower())
            keys = _keys(license_number, npn, email, f"{first} {last}")
            if path is not None and path.startswith(root.path):
                for key in keys:
                    directory.inside.setdefault(key, (pk, agency_id))
            else:
                directory.outside.update(keys)
        return directory

    def resolve(self, ref: AgentRef) -> ResolvedAgent:
        """The agent and agency for a row, creating the agent if new.

        Raises `AgentRefused` (`AgentOutsideTree` for another agency's agent).
        """
        answer = self._answers.get(ref)
        if answer is None:
            try:
                answer = self._resolve(ref)
            except AgentRefused as refused:
                answer = refused
            self._answers[ref] = answer
        if isinstance(answer, AgentRefused):
            raise answer
        return answer

    def check_inside(self, ref: AgentRef) -> None:
        """Raise `AgentOutsideTree` when `ref` names another agency's agent; never creates."""
        keys = _keys(ref.license_number, ref.npn, ref.email, ref.name)
        if not any(key in self.inside for key in keys):
            self._refuse_outside(ref, keys)

    def _resolve(self, ref: AgentRef) -> ResolvedAgent:
        if ref.is_empty:
            return ResolvedAgent(None, self._agency_for(ref))
        keys = _keys(ref.license_number, ref.npn, ref.email, ref.name)
        for key in keys:
            if key in self.inside:
                user_id, agency_id = self.inside[key]
                return ResolvedAgent(user_id, agency_id)
        self._refuse_outside(ref, keys)
        return self._create(ref, keys)

    def _refuse_outside(self, ref: AgentRef, keys: list[str]) -> None:
        """Names never prove 'outside': two agencies may each have a Maria Lopez."""
        if any(key in self.outside for key in keys if not key.startswith("name:")):
            raise AgentOutsideTree(
                f"agent {ref.name or ref.license_number or ref.npn or ref.email} belongs to "
                f"an agency outside {self.root.name}"
            )

    def _agency_for(self, ref: AgentRef) -> int:
        return self.agencies_by_name.get(_norm(ref.agency_name), self.root.pk)

    def _create(self, ref: AgentRef, keys: list[str]) -> ResolvedAgent:
        agency_id = self._agency_for(ref)
        first, _, last = (ref.name or "").strip().partition(" ")
        values = {
            "first_name": first or "Agent",
            "last_name": last or (ref.license_number or ""),
            "license_number": ref.license_number or "",
            "npn": ref.npn or "",
        }
        _check_fields(values)
        user = User.objects.create_user(
            self._new_email(ref), None, agency_id=agency_id, role=Role.AGENT, **values
        )
        for key in keys:
            self.inside.setdefault(key, (user.pk, agency_id))
        self.created.append(user.pk)
        return ResolvedAgent(user.pk, agency_id)

    def _new_email(self, ref: AgentRef) -> str:
        """The row's agent email, or a placeholder address no one else uses."""
        if ref.email:
            email = ref.email.strip().lower()
            try:
                validate_email(email)
            except ValidationError:
                raise AgentRefused(
                    f"agent email of {ref.name or 'the agent'} is not valid"
                ) from None
            if email in self.emails:
                raise AgentRefused(
                    f"agent email of {ref.name or 'the agent'} belongs to another user"
                )
        else:
            handle = _SLUG.sub("-", (ref.license_number or ref.npn or ref.name or "").lower())
            base = handle.strip("-")[:60] or "agent"
            email, copy = f"{base}@{_IMPORTED_DOMAIN}", 1
            while email in self.emails:
                copy += 1
                email = f"{base}-{copy}@{_IMPORTED_DOMAIN}"
        self.emails.add(email)
        return email


def _check_fields(values: dict[str, str]) -> None:
    for name, value in values.items():
        problem = text_problem(value, max_length(User, name))
        if problem:
            raise AgentRefused(f"agent {name.replace('_', ' ')} {problem}")


def _keys(
    license_number: str | None, npn: str | None, email: str | None, name: str | None
) -> list[str]:
    """Lookup keys in order of trust; the name comes last and never proves 'outside'."""
    keys = [
        f"lic:{_norm(license_number)}" if license_number else "",
        f"npn:{_norm(npn)}" if npn else "",
        f"email:{_norm(email)}" if email else "",
        f"name:{_norm(name)}" if name and name.strip() else "",
    ]
    return [k for k in keys if k]
