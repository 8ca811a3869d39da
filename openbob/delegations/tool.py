"""The delegation tool: find a consumer as the exchange would, then delegate by consent.

Step 1 searches every household of this installation (the tool stands in for the
exchange's own search, so a consumer still in another agency's book can move, as
they can on the exchange) by SSN (blind index), name + date of birth + ZIP (the
identity blind index plus the residence ZIP) or case id. The outcome is all the
enroller learns: one match, no match, several matches, or "already yours". A single
match is held server side in a `Passcode` row; its household id never reaches the
browser (reliability A1: no other agency's ids in any response).

Step 2 sends a one-time passcode to the phone number the consumer gives, and step 3
delegates when the consumer reads the code back. Codes expire, are single-use and
allow five wrong tries; sending and searching are rate limited per enroller, and
sending per phone number.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone
from django.utils.crypto import salted_hmac

from openbob.accounts.models import User
from openbob.accounts.roles import Perm, Role
from openbob.audit.services import record
from openbob.book.delegations import delegate_by_consent
from openbob.book.models import Delegation, Household, Member
from openbob.book.pii import identity_index, ssn_index
from openbob.delegations.models import Passcode, PasscodeSend, ToolSearch
from openbob.delegations.sms import backend

SEARCHES_PER_HOUR = 30
SENDS_PER_HOUR = 5
SENDS_PER_PHONE_PER_HOUR = 3
WRONG_TRIES = 5
_HOUR = timedelta(hours=1)
_CODE_SALT = "openbob.delegations.passcode"
_PHONE_SALT = "openbob.delegations.phone"


class Method(StrEnum):
    SSN = "ssn"
    NAME_DOB_ZIP = "name_dob_zip"
    CASE = "case"


class Outcome(StrEnum):
    ONE = "one"
    NONE = "none"
    SEVERAL = "several"
    YOURS = "yours"


class Limited(Exception):
    """Too many searches, sends or tries: answered with 429."""


@dataclass(frozen=True)
class Found:
    outcome: Outcome
    passcode: Passcode | None = None
    household_id: int | None = None
    """Only for "already yours": the household the enroller may already open."""


def may_use(user: User) -> bool:
    """Enrollers who hold consumers: Certified Agents and Agency Managers."""
    return user.can(Perm.EDIT_HOUSEHOLD) and user.role in (Role.AGENT, Role.AGENCY_MANAGER)


def require_tool(user: User) -> None:
    if not may_use(user):
        raise PermissionDenied("Only agents and agency managers use the delegation tool")


def _matches(
    method: Method, *, ssn: str, first: str, last: str, dob: date | None, zip_code: str, case: str
) -> list[int]:
    """Ids of the households matching the search (at most three: enough to tell)."""
    members = Member.objects.all()
    if method == Method.SSN:
        # Only the digits: the index was built from the file's digits, and an exchange
        # may hold numbers (ITINs, odd groups) a strict SSN check would refuse.
        digits = "".join(c for c in ssn if c.isdigit())
        if len(digits) != 9:
            raise ValidationError("Enter the 9-digit Social Security Number.")
        members = members.filter(ssn_index=ssn_index(digits))
    elif method == Method.NAME_DOB_ZIP:
        if not (first.strip() and last.strip() and dob and zip_code.strip()):
            raise ValidationError("Enter first name, last name, date of birth and ZIP code.")
        members = members.filter(
            identity_index=identity_index(first, last, dob),
            residence_zip__startswith=zip_code.strip()[:5],
        )
    else:
        if not case.strip():
            raise ValidationError("Enter the case ID.")
        return list(
            Household.objects.filter(case_number=case.strip())
            .values_list("pk", flat=True)
            .distinct()[:3]
        )
    return list(members.order_by().values_list("household_id", flat=True).distinct()[:3])


@transaction.atomic
def search(
    *,
    actor: User,
    method: Method,
    ssn: str = "",
    first: str = "",
    last: str = "",
    dob: date | None = None,
    zip_code: str = "",
    case: str = "",
) -> Found:
    """Step 1: search, record the outcome (not the terms), and hold a single match."""
    require_tool(actor)
    recent = ToolSearch.objects.filter(user=actor, at__gt=timezone.now() - _HOUR)
    if recent.count() >= SEARCHES_PER_HOUR:
        raise Limited("Too many searches in the last hour; try again later.")
    ids = _matches(method, ssn=ssn, first=first, last=last, dob=dob, zip_code=zip_code, case=case)
    found = _outcome(actor, method, ids)
    ToolSearch.objects.create(user=actor, method=method, outcome=found.outcome)
    record(
        actor=actor,
        action="delegation.tool_search",
        detail={"method": str(method), "outcome": str(found.outcome)},
    )
    return found


def _outcome(actor: User, method: Method, ids: list[int]) -> Found:
    if not ids:
        return Found(Outcome.NONE)
    if len(ids) > 1:
        return Found(Outcome.SEVERAL)
    household = Household.objects.get(pk=ids[0])
    if household.agent_id == actor.pk and household.lost_at is None:
        return Found(Outcome.YOURS, household_id=household.pk)
    return Found(
        Outcome.ONE, Passcode.objects.create(user=actor, household=household, method=method)
    )


def get_passcode_for(user: User, pk: object) -> Passcode:
    """The user's own pending passcode; anyone else's (or a used one) is a 404."""
    try:
        return Passcode.objects.get(pk=int(str(pk)), user=user, used_at__isnull=True)
    except (Passcode.DoesNotExist, ValueError) as exc:
        raise Http404("No such delegation") from exc


def normalize_phone(raw: str) -> str:
    digits = "".join(c for c in raw if c.isdigit())
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) != 10 or digits[0] in "01":
        raise ValidationError("Enter the consumer's 10-digit US cell phone number.")
    return digits


def _hash(salt: str, value: str) -> str:
    return salted_hmac(salt, value, algorithm="sha256").hexdigest()


@transaction.atomic
def send_code(*, actor: User, passcode: Passcode, phone: str) -> None:
    """Step 2: text a fresh code to the consumer's phone (any earlier code stops working)."""
    digits = normalize_phone(phone)
    now = timezone.now()
    phone_hash = _hash(_PHONE_SALT, digits)
    recent = PasscodeSend.objects.filter(at__gt=now - _HOUR)
    if recent.filter(user=actor).count() >= SENDS_PER_HOUR:
        raise Limited("Too many passcodes sent in the last hour; try again later.")
    if recent.filter(phone_hash=phone_hash).count() >= SENDS_PER_PHONE_PER_HOUR:
        raise Limited("Too many passcodes sent to this phone in the last hour.")
    code = f"{secrets.randbelow(10**6):06d}"
    PasscodeSend.objects.create(user=actor, phone_hash=phone_hash)
    passcode.phone_last4 = digits[-4:]
    passcode.code_hash = _hash(_CODE_SALT, f"{passcode.pk}:{code}")
    passcode.sent_at = now
    passcode.expires_at = now + timedelta(seconds=settings.OPENBOB_PASSCODE_SECONDS)
    passcode.attempts = 0
    passcode.save()
    backend().send(
        digits,
        f"Covered California delegation: your one-time passcode is {code}. Read it to your "
        "agent only if you agree to be delegated to them. It expires in "
        f"{settings.OPENBOB_PASSCODE_SECONDS // 60} minutes.",
    )


def verify(*, actor: User, passcode: Passcode, code: str) -> Delegation:
    """Step 3: the code the consumer read back; delegates on success (single use)."""
    with transaction.atomic():
        locked = Passcode.objects.select_for_update().get(pk=passcode.pk)
        _check_usable(locked)
        good = hmac.compare_digest(
            locked.code_hash, _hash(_CODE_SALT, f"{locked.pk}:{code.strip()}")
        )
        if good:
            locked.used_at = timezone.now()
            locked.save(update_fields=["used_at"])
            return delegate_by_consent(
                actor=actor, household=locked.household, via="delegation tool passcode"
            )
        Passcode.objects.filter(pk=locked.pk).update(attempts=F("attempts") + 1)
    raise ValidationError("That passcode is not right. Check it with the consumer.")


def _check_usable(passcode: Passcode) -> None:
    if passcode.used_at is not None:
        raise ValidationError("This passcode was already used.")
    if passcode.sent_at is None or passcode.expires_at is None:
        raise ValidationError("Send a passcode first.")
    if passcode.expires_at <= timezone.now():
        raise ValidationError("This passcode has expired; send a new one.")
    if passcode.attempts >= WRONG_TRIES:
        raise Limited("Too many wrong passcodes; send a new one.")
