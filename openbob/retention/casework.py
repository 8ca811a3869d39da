"""Working a case: logging interactions, updating, closing, transferring, exchange risk.

Every write goes through these functions (views, API, CLI alike). Each validates all of
its input first and raises `CaseError` with every problem found, writing nothing; the
writes of one call share a transaction with their audit row and the tallies of the
assignees they touch (`tallies.refresh_assignees`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from openbob.accounts.models import User
from openbob.accounts.roles import Role
from openbob.audit.services import record
from openbob.retention import tallies
from openbob.retention.choices import (
    CHOOSABLE_RESOLUTIONS,
    CaseStatus,
    Channel,
    Outcome,
    Risk,
)
from openbob.retention.models import CaseTransfer, Interaction, RetentionCase

REQUIRED_TO_CLOSE = {
    "status": "Status must be Closed to close the case.",
    "resolution": "Choose the resolution reason that best fits the outcome of your outreach.",
    "steps_to_resolve": "Describe the steps taken to resolve the case.",
}
MAX_STEPS = 4000
MAX_NOTES = 2000


class CaseError(ValueError):
    """Invalid case input; `errors` maps each field to what is wrong with it."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class CaseUpdate:
    """The fields an enroller sets on a case; `None` keeps the current value."""

    status: str | None = None
    resolution: str | None = None
    steps_to_resolve: str | None = None


def missing_to_close(case: RetentionCase, update: CaseUpdate) -> dict[str, str]:
    """What a close still lacks: required fields after `update`, with why each is needed."""
    resolution = update.resolution if update.resolution is not None else case.resolution
    steps = (
        update.steps_to_resolve if update.steps_to_resolve is not None else case.steps_to_resolve
    )
    missing = {}
    if resolution not in dict(CHOOSABLE_RESOLUTIONS):
        missing["resolution"] = REQUIRED_TO_CLOSE["resolution"]
    if not steps.strip():
        missing["steps_to_resolve"] = REQUIRED_TO_CLOSE["steps_to_resolve"]
    return missing


def _validate(case: RetentionCase, update: CaseUpdate) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not case.is_open:
        errors["status"] = "The case is closed; it can no longer be changed."
        return errors
    if update.status is not None and update.status not in CaseStatus.values:
        errors["status"] = f"Unknown status {update.status!r}."
    if update.resolution not in (None, "") and update.resolution not in dict(CHOOSABLE_RESOLUTIONS):
        errors["resolution"] = f"Unknown resolution reason {update.resolution!r}."
    if update.steps_to_resolve is not None and len(update.steps_to_resolve) > MAX_STEPS:
        errors["steps_to_resolve"] = f"At most {MAX_STEPS} characters."
    if update.status == CaseStatus.CLOSED and not errors:
        errors.update(missing_to_close(case, update))
    return errors


def update_case(*, actor: User, case: RetentionCase, update: CaseUpdate) -> list[str]:
    """Apply `update`; closing needs a resolution reason and steps to resolve.

    Returns the changed field names (none: nothing written). Audited.
    """
    errors = _validate(case, update)
    if errors:
        raise CaseError(errors)
    changes = {
        name: value
        for name, value in vars(update).items()
        if value is not None and getattr(case, name) != value
    }
    if not changes:
        return []
    now = timezone.now()
    fields = list(changes)
    with transaction.atomic():
        for name, value in changes.items():
            setattr(case, name, value)
        if changes.get("status") == CaseStatus.CLOSED:
            case.closed_at, case.closed_by = now, actor
            case.resolution_seconds = max(0, int((now - case.opened_at).total_seconds()))
            fields += ["closed_at", "closed_by", "resolution_seconds"]
        case.save(update_fields=fields)
        action = "retention.close" if case.status == CaseStatus.CLOSED else "retention.update"
        record(actor=actor, action=action, subject=case, fields=list(changes))
        tallies.refresh_assignees([(case.agency_id, case.assignee_id)])
    return list(changes)


def close_case(
    *, actor: User, case: RetentionCase, resolution: str, steps_to_resolve: str
) -> list[str]:
    """Close `case` with its resolution reason and steps (both required)."""
    update = CaseUpdate(CaseStatus.CLOSED, resolution, steps_to_resolve)
    return update_case(actor=actor, case=case, update=update)


def log_interaction(
    *,
    actor: User,
    case: RetentionCase,
    channel: str,
    outcome: str,
    notes: str = "",
    at: datetime | None = None,
) -> Interaction:
    """Add an interaction to the log; an Open case becomes In Progress. Audited with
    the names of the fields set, never the notes themselves (they may name a consumer)."""
    now = timezone.now()
    errors = {}
    if not case.is_open:
        errors["case"] = "The case is closed; log interactions on an open case."
    if channel not in Channel.values:
        errors["channel"] = f"Unknown channel {channel!r}."
    if outcome not in Outcome.values:
        errors["outcome"] = f"Unknown outcome {outcome!r}."
    if len(notes) > MAX_NOTES:
        errors["notes"] = f"At most {MAX_NOTES} characters."
    if at is not None and at > now:
        errors["at"] = "An interaction cannot be in the future."
    if errors:
        raise CaseError(errors)
    with transaction.atomic():
        entry = Interaction.objects.create(
            case=case, at=at or now, channel=channel, outcome=outcome, notes=notes, actor=actor
        )
        case.last_interaction_at = max(filter(None, (case.last_interaction_at, entry.at)))
        fields = ["last_interaction_at"]
        if case.status == CaseStatus.OPEN:
            case.status = CaseStatus.IN_PROGRESS
            fields.append("status")
        case.save(update_fields=fields)
        logged = ["at", "channel", "outcome", *(["notes"] if notes else [])]
        record(actor=actor, action="retention.interaction", subject=case, fields=logged)
        tallies.refresh_assignees([(case.agency_id, case.assignee_id)])
    return entry


def transfer_cases(*, actor: User, cases: Sequence[RetentionCase], to: User) -> int:
    """Assign `cases` to agent `to`, who must be an active agent of each case's agency.

    Recorded on each case (`CaseTransfer`) and in the audit log; returns how many moved.
    """
    wrong = [case.pk for case in cases if case.agency_id != to.agency_id]
    if not to.is_active or to.role != Role.AGENT:
        raise CaseError({"agent": "Cases can only be transferred to an active Certified Agent."})
    if wrong:
        listed = ", ".join(map(str, wrong[:10]))
        message = f"The agent works in another agency than cases {listed}."
        raise CaseError({"agent": message})
    moving = [case for case in cases if case.assignee_id != to.pk and case.is_open]
    if not moving:
        return 0
    now = timezone.now()
    with transaction.atomic():
        CaseTransfer.objects.bulk_create(
            CaseTransfer(case=c, from_user_id=c.assignee_id, to_user=to, actor=actor, at=now)
            for c in moving
        )
        RetentionCase.objects.filter(pk__in=[c.pk for c in moving]).update(assignee=to)
        record(
            actor=actor,
            action="retention.transfer",
            subject=to,
            detail={
                "cases": [c.pk for c in moving],
                "from": sorted({c.assignee_id or 0 for c in moving}),
                "to": to.pk,
            },
        )
        before = {(c.agency_id, c.assignee_id) for c in moving}
        tallies.refresh_assignees(before | {(agency_id, to.pk) for agency_id, _ in before})
    for case in moving:
        case.assignee = to
    return len(moving)


def set_exchange_risk(*, actor: User, case: RetentionCase, risk: int | None) -> None:
    """Record the exchange's own risk category (None: clear it); it overrides ours.

    Only on an open case, like every other change. Audited with the category set (a
    number from 1 to 5, nothing about the consumer).
    """
    if not case.is_open:
        raise CaseError({"case": "The case is closed; it can no longer be changed."})
    if risk is not None and risk not in Risk.values:
        raise CaseError({"risk": "A risk category is 1 (Very Low) to 5 (Very High)."})
    with transaction.atomic():
        case.exchange_risk = risk
        case.risk = risk or case.computed_risk
        case.save(update_fields=["exchange_risk", "risk"])
        record(
            actor=actor,
            action="retention.exchange_risk",
            subject=case,
            fields=["exchange_risk", "risk"],
            detail={"exchange_risk": risk},
        )
        tallies.refresh_assignees([(case.agency_id, case.assignee_id)])
