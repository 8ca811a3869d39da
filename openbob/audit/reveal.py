"""The one way to turn stored PII back into plaintext, and it always leaves an audit row.

No other module may call the decrypt primitive (`test_decrypt_callers` enforces it),
so "every PII read is audited" (D1) holds by construction. Every function here checks
the purpose and the actor's scope first, writes the audit row, and only then lets a
value out. The row commits with the caller's transaction: a rollback that discards it
also discards the response that would have carried the values.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Literal, TypedDict, cast

from django.core.exceptions import PermissionDenied

from openbob.accounts.models import User
from openbob.audit.services import record
from openbob.book.models import Household, Member
from openbob.book.pii import keyring
from openbob.book.scoping import ACTION_PERMS, Action, can, households_visible_to

MemberField = Literal["ssn", "dob"]
RowField = Literal["ssn", "dob", "income"]
_MEMBER_COLUMNS: dict[str, str] = {"ssn": "ssn_encrypted", "dob": "dob_encrypted"}
_SCOPE_BATCH = 500


class RevealedRow(TypedDict, total=False):
    """One member's revealed values, as `reveal_rows` yields them."""

    member_id: int
    ssn: str
    dob: str
    income: str


def reveal_member(
    *, actor: User, member: Member, fields: Sequence[MemberField], purpose: str
) -> dict[str, str]:
    """Decrypt `fields` of `member` for `actor`, after checking scope, and audit it."""
    _check(actor, member.household, purpose)
    values: dict[str, str] = {f: _decrypt(getattr(member, _MEMBER_COLUMNS[f])) for f in fields}
    record(actor=actor, action="pii.reveal", subject=member, fields=list(fields), purpose=purpose)
    return values


def reveal_income(*, actor: User, household: Household, purpose: str) -> str:
    """Decrypt the household income for `actor`, after checking scope, and audit it."""
    _check(actor, household, purpose)
    value = _decrypt(household.income_encrypted)
    record(actor=actor, action="pii.reveal", subject=household, fields=["income"], purpose=purpose)
    return value


def reveal_rows(
    *, actor: User, members: Iterable[Member], fields: Sequence[RowField], purpose: str
) -> Iterator[RevealedRow]:
    """Decrypt `fields` of many members (an export), writing ONE audit row for all of them.

    The checks and the audit row (listing every member id) happen here, before this
    returns; the values are then decrypted lazily, row by row, as the caller consumes
    them. Only ciphertexts are held meanwhile. For "income", pass members with their
    household loaded (`select_related("household")`) to avoid a query per member.
    Raises PermissionDenied, writing nothing, if any member is out of the actor's scope.
    """
    _check_purpose(purpose)
    if not actor.can(ACTION_PERMS[Action.REVEAL_PII]):
        raise PermissionDenied("Your role may not reveal PII")
    sealed = [_Sealed.of(member, fields) for member in members]
    _check_scope_of_all(actor, {row.household_id for row in sealed})
    record(
        actor=actor,
        action="pii.reveal",
        fields=list(fields),
        purpose=purpose,
        detail={"member_ids": [row.member_id for row in sealed]},
    )
    return (row.open() for row in sealed)


@dataclass(frozen=True)
class _Sealed:
    """A member's ciphertexts for the requested fields, not yet decrypted."""

    member_id: int
    household_id: int
    tokens: dict[str, str]

    @classmethod
    def of(cls, member: Member, fields: Sequence[RowField]) -> _Sealed:
        tokens: dict[str, str] = {
            f: member.household.income_encrypted
            if f == "income"
            else getattr(member, _MEMBER_COLUMNS[f])
            for f in fields
        }
        return cls(member.pk, member.household_id, tokens)

    def open(self) -> RevealedRow:
        values = {field: _decrypt(token) for field, token in self.tokens.items()}
        return cast(RevealedRow, {"member_id": self.member_id, **values})


def _check(actor: User, household: Household, purpose: str) -> None:
    _check_purpose(purpose)
    if not can(actor, Action.REVEAL_PII, household):
        raise PermissionDenied("You may not reveal this consumer's PII")


def _check_purpose(purpose: str) -> None:
    if not purpose.strip():
        raise PermissionDenied("A purpose is required to reveal PII")


def _check_scope_of_all(actor: User, household_ids: set[int]) -> None:
    """The scope half of `can()` for every household, in a few queries rather than one each."""
    pending = sorted(household_ids)
    visible = households_visible_to(actor)
    for start in range(0, len(pending), _SCOPE_BATCH):
        batch = pending[start : start + _SCOPE_BATCH]
        if visible.filter(pk__in=batch).count() != len(batch):
            raise PermissionDenied("You may not reveal PII of every one of these consumers")


def _decrypt(token: str) -> str:
    return keyring().decrypt(token) if token else ""
