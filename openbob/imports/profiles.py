"""Column-mapping profiles for layouts OpenBoB does not know: checking, saving, finding again.

A profile maps target fields (`openbob.sources.mapped.TARGETS`) to a file's headers. It
is saved with the *header signature* of the file it was made for, so the next file of
that layout (carriers send the same one every month) is offered the same mapping even
when its columns come in another order or spelling.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Case, Value, When

from openbob.accounts.models import User
from openbob.agencies.models import Agency
from openbob.audit.services import record as audit
from openbob.imports.models import MappingProfile
from openbob.imports.queries import profiles_visible_to
from openbob.sources.mapped import TARGETS, profile_schema, propose_mapping
from openbob.sources.schema import normalize_header

KEY_FIELDS = ("case_number", "ffm_app_id")
"""A mapped row becomes a household by one of these (see `pipeline._mapped_key`)."""

_LABELS = {spec.name: spec.header for spec in TARGETS}


class MappingError(ValueError):
    """A mapping that cannot read the file; `problems` says every reason, in words."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


@dataclass(frozen=True)
class Proposal:
    """What to offer for a file's headers: a saved profile that fits, or a fresh guess."""

    mapping: dict[str, str]
    profile: MappingProfile | None


def header_signature(headers: Iterable[str]) -> str:
    """sha256 of the normalised, sorted header names: order, case and spacing do not count."""
    keys = sorted({key for header in headers if (key := normalize_header(header))})
    return hashlib.sha256("\n".join(keys).encode("utf-8")).hexdigest()


def check_mapping(mapping: Mapping[str, str], headers: Sequence[str] | None) -> dict[str, str]:
    """`mapping` without blank entries, or `MappingError`.

    With `headers` (the file's), every mapped header must be one of them.
    """
    cleaned = {target: header.strip() for target, header in mapping.items() if header.strip()}
    problems = _header_problems(cleaned, headers)
    if not any(field in cleaned for field in KEY_FIELDS):
        problems.append(
            "Map a Case Number or an FFM Application ID column: each household needs one."
        )
    if not problems:
        try:
            profile_schema(cleaned)
        except ValueError as exc:
            problems.append(str(exc))
    if problems:
        raise MappingError(problems)
    return cleaned


def _header_problems(mapping: Mapping[str, str], headers: Sequence[str] | None) -> list[str]:
    problems = []
    if headers is not None:
        known = {normalize_header(header) for header in headers}
        missing = sorted({h for h in mapping.values() if normalize_header(h) not in known})
        if missing:
            problems.append(f"Not a column of the file: {', '.join(missing)}.")
    uses = Counter(normalize_header(header) for header in mapping.values())
    for target, header in mapping.items():
        if uses[normalize_header(header)] > 1:
            problems.append(f"{_LABELS.get(target, target)}: column {header!r} is used twice.")
    return problems


def propose(agency: Agency, headers: Sequence[str]) -> Proposal:
    """The agency's saved profile for this layout when there is one, else a guess."""
    saved = (
        MappingProfile.objects.filter(agency=agency, header_signature=header_signature(headers))
        .order_by("-updated_at", "-pk")
        .first()
    )
    if saved is not None:
        return Proposal(dict(saved.mapping), saved)
    return Proposal(propose_mapping(headers), None)


def profile_named(user: User, name: str, agency: Agency) -> MappingProfile | None:
    """The profile `name` to import into `agency` with: the agency's own, else one the
    user sees elsewhere in the tree (the one nearest the top first)."""
    own_first = Case(When(agency=agency, then=Value(0)), default=Value(1))
    named = profiles_visible_to(user).filter(name=name)
    return named.order_by(own_first, "agency__path", "pk").first()


def save_profile(
    *,
    actor: User,
    agency: Agency,
    name: str,
    mapping: Mapping[str, str],
    headers: Sequence[str] | None,
) -> MappingProfile:
    """Create the agency's profile `name`, or replace its mapping (audited).

    The caller has checked that `actor` may import into `agency`.
    """
    cleaned = check_mapping(mapping, headers)
    signature = header_signature(headers) if headers else ""
    with transaction.atomic():
        profile, created = MappingProfile.objects.update_or_create(
            agency=agency,
            name=name,
            defaults={"mapping": cleaned, "header_signature": signature},
            create_defaults={
                "mapping": cleaned,
                "header_signature": signature,
                "created_by": actor,
            },
        )
        audit(
            actor=actor,
            action="mapping_profile.save",
            subject=profile,
            detail={"name": name, "fields": sorted(cleaned), "created": created},
        )
    return profile
