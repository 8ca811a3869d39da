"""Working a case: interactions, the rules to close, transfers (audited)."""

from __future__ import annotations

import pytest

from openbob.accounts.models import User
from openbob.audit.models import AuditEvent
from openbob.retention import casework
from openbob.retention.choices import CaseStatus, Channel, Outcome, Resolution
from openbob.retention.dashboard import build
from openbob.retention.models import CaseTransfer
from openbob.retention.tests.conftest import IN_SEASON, case_of
from openbob.testing import Personas

pytestmark = pytest.mark.django_db


def test_closing_without_resolution_and_steps_says_what_is_missing(
    renewal_book: Personas,
) -> None:
    case = case_of(renewal_book.household_a)
    with pytest.raises(casework.CaseError) as caught:
        casework.close_case(
            actor=renewal_book.carol, case=case, resolution="", steps_to_resolve=" "
        )
    assert sorted(caught.value.errors) == ["resolution", "steps_to_resolve"]
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN


def test_the_automatic_left_book_reason_cannot_be_chosen(renewal_book: Personas) -> None:
    case = case_of(renewal_book.household_a)
    with pytest.raises(casework.CaseError) as caught:
        casework.close_case(
            actor=renewal_book.carol,
            case=case,
            resolution=Resolution.LEFT_BOOK,
            steps_to_resolve="x",
        )
    assert list(caught.value.errors) == ["resolution"]


def test_closing_with_every_required_field_closes_and_audits(renewal_book: Personas) -> None:
    case = case_of(renewal_book.household_a)
    casework.close_case(
        actor=renewal_book.carol,
        case=case,
        resolution=Resolution.RENEWED_SAME_PLAN,
        steps_to_resolve="Called, reviewed the renewal notice, consumer kept the plan.",
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert case.closed_by == renewal_book.carol
    assert case.resolution_seconds is not None
    assert AuditEvent.objects.filter(action="retention.close", subject_id=str(case.pk)).exists()
    with pytest.raises(casework.CaseError):
        casework.update_case(
            actor=renewal_book.carol, case=case, update=casework.CaseUpdate(steps_to_resolve="x")
        )


def test_logging_an_interaction_puts_an_open_case_in_progress(renewal_book: Personas) -> None:
    case = case_of(renewal_book.household_a)
    entry = casework.log_interaction(
        actor=renewal_book.carol, case=case, channel=Channel.PHONE, outcome=Outcome.VOICEMAIL
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS
    assert case.last_interaction_at == entry.at


def test_logging_an_interaction_is_audited_with_field_names_never_the_notes(
    renewal_book: Personas,
) -> None:
    case = case_of(renewal_book.household_a)
    notes = "Ana Alvarez asked to call back after her surgery."
    casework.log_interaction(
        actor=renewal_book.carol,
        case=case,
        channel=Channel.PHONE,
        outcome=Outcome.REACHED,
        notes=notes,
    )
    event = AuditEvent.objects.get(action="retention.interaction")
    assert (event.actor, event.subject_id) == (renewal_book.carol, str(case.pk))
    assert event.fields == ["at", "channel", "outcome", "notes"]
    stored = AuditEvent.objects.filter(pk=event.pk).values_list().get()
    assert not any("Alvarez" in str(value) or "surgery" in str(value) for value in stored)


def test_unknown_channel_and_outcome_are_refused_without_writing(renewal_book: Personas) -> None:
    case = case_of(renewal_book.household_a)
    with pytest.raises(casework.CaseError) as caught:
        casework.log_interaction(actor=renewal_book.carol, case=case, channel="fax", outcome="?")
    assert sorted(caught.value.errors) == ["channel", "outcome"]
    assert case.interactions.count() == 0
    assert not AuditEvent.objects.filter(action="retention.interaction").exists()


def test_a_transfer_moves_the_case_records_it_and_audits_it(
    renewal_book: Personas, dave: User
) -> None:
    case = case_of(renewal_book.household_a1)
    moved = casework.transfer_cases(actor=renewal_book.alice, cases=[case], to=dave)
    case.refresh_from_db()
    assert (moved, case.assignee) == (1, dave)
    transfer = CaseTransfer.objects.get(case=case)
    assert (transfer.from_user, transfer.to_user, transfer.actor) == (
        renewal_book.bob,
        dave,
        renewal_book.alice,
    )
    assert AuditEvent.objects.filter(action="retention.transfer").count() == 1


def test_a_transfer_to_an_agent_of_another_agency_is_refused(renewal_book: Personas) -> None:
    case = case_of(renewal_book.household_a1)
    with pytest.raises(casework.CaseError):
        casework.transfer_cases(actor=renewal_book.alice, cases=[case], to=renewal_book.carol)
    case.refresh_from_db()
    assert case.assignee == renewal_book.bob


def test_the_dashboard_counts_the_scope_and_managers_see_enroller_activity(
    renewal_book: Personas,
) -> None:
    case = case_of(renewal_book.household_a)
    casework.close_case(
        actor=renewal_book.carol,
        case=case,
        resolution=Resolution.NOT_RENEWING,
        steps_to_resolve="Consumer moving out of state.",
    )
    alice = build(renewal_book.alice, today=IN_SEASON)
    carol = build(renewal_book.carol, today=IN_SEASON)
    mallory = build(renewal_book.mallory, today=IN_SEASON)
    assert (alice.open_cases, carol.open_cases, mallory.open_cases) == (1, 0, 1)
    assert [bar.value for bar in alice.aging] == [1, 0, 0, 0, 0]
    assert {bar.label: bar.value for bar in alice.by_resolution} == {"Not renewing": 1}
    assert alice.average_days is not None
    activity = {a.enroller.email: (a.open, a.closed) for a in alice.activity}
    assert activity == {"bob@a1.test": (1, 0), "carol@a.test": (0, 1)}
    assert carol.activity == []
