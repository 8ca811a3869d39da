"""Producing a morning's summaries: who gets what, the subjects, and the emails."""

from __future__ import annotations

import email
import re
from email.message import Message

import pytest
from django.core.management import call_command

from openbob.accounts.models import User
from openbob.alerts import delivery, runs
from openbob.alerts.models import DailySummary, EmailStatus, SummaryKind
from openbob.alerts.tests.conftest import SEEDED_DOBS, SEEDED_SSNS, TODAY
from openbob.alerts.topics import Topic
from openbob.testing import Personas, SmtpInbox

pytestmark = pytest.mark.django_db


def _summary(user: User, kind: SummaryKind = SummaryKind.DAILY) -> DailySummary:
    return DailySummary.objects.get(recipient=user, day=TODAY, kind=kind)


def _topics(summary: DailySummary) -> set[tuple[str, str]]:
    return {(line.case_number, line.topic) for line in summary.lines.all()}


def _parsed(inbox: SmtpInbox) -> list[Message]:
    return [email.message_from_bytes(m.original_content) for m in inbox.messages]


def test_each_enroller_gets_a_daily_summary_of_their_own_households(alert_book: Personas) -> None:
    runs.produce(TODAY)
    a, a1 = alert_book.household_a, alert_book.household_a1
    carol = _summary(alert_book.carol)
    assert carol.subject == "Daily Summary"
    assert _topics(carol) == {
        (a.case_number, Topic.BINDER_PAYMENT_PENDING),
        (a.case_number, Topic.ACTIONS_REQUESTED),
    }
    line = carol.lines.first()
    assert line is not None
    assert (line.client_name, line.phone, line.email) == (
        "Ana Alvarez",
        "9165550101",
        "ana@client.test",
    )
    assert _topics(_summary(alert_book.bob)) == {
        (a1.case_number, Topic.DMI_DUE),
        (a1.case_number, Topic.ENROLLMENT_CANCELED),
    }


def test_an_enroller_with_nothing_due_gets_no_alerts_daily_summary(alert_book: Personas) -> None:
    runs.produce(TODAY)
    sam = _summary(alert_book.sam)
    assert (sam.subject, sam.item_count) == ("No Alerts Daily Summary", 0)
    assert not DailySummary.objects.filter(recipient=alert_book.rita).exists()


def test_managers_get_a_manager_summary_across_every_sub_agency_and_nothing_else(
    alert_book: Personas,
) -> None:
    runs.produce(TODAY)
    alice = _summary(alert_book.alice, SummaryKind.MANAGER)
    assert alice.subject == "Daily Manager Summary"
    cases = {case for case, _ in _topics(alice)}
    assert cases == {alert_book.household_a.case_number, alert_book.household_a1.case_number}
    assert {line.agent_name for line in alice.lines.all()} == {"Carol Tester", "Bob Tester"}
    mallory = _summary(alert_book.mallory, SummaryKind.MANAGER)
    assert _topics(mallory) == {(alert_book.household_b.case_number, Topic.SVI_DUE)}
    assert not DailySummary.objects.filter(recipient=alert_book.carol, kind="manager").exists()


def test_a_manager_with_nothing_due_gets_no_alerts_daily_manager_summary(
    personas: Personas,
) -> None:
    runs.produce(TODAY)
    assert _summary(personas.alice, SummaryKind.MANAGER).subject == (
        "No Alerts Daily Manager Summary"
    )


def test_producing_a_day_twice_stores_nothing_more(alert_book: Personas) -> None:
    assert runs.produce(TODAY) is not None
    count = DailySummary.objects.count()
    assert runs.produce(TODAY) is None
    call_command("alerts", "run", "--day", TODAY.isoformat(), "--no-email")
    assert DailySummary.objects.count() == count


def test_summaries_are_emailed_as_text_and_html_without_ssn_or_dob(
    alert_book: Personas,
    smtp: SmtpInbox,
) -> None:
    runs.produce(TODAY)
    sent = delivery.send_pending(TODAY)
    messages = _parsed(smtp)
    assert sent == len(messages) == DailySummary.objects.count()
    by_recipient = {(m["To"], m["Subject"]) for m in messages}
    assert ("carol@a.test", "Daily Summary") in by_recipient
    assert ("alice@a.test", "Daily Manager Summary") in by_recipient
    assert ("sam@a.test", "No Alerts Daily Summary") in by_recipient
    carol = next(m for m in messages if m["To"] == "carol@a.test")
    parts = {
        p.get_content_type(): bytes(p.get_payload(decode=True)).decode()
        for p in carol.walk()
        if not p.is_multipart()
    }
    household_link = f"/households/{alert_book.household_a.pk}/"
    for body in (parts["text/plain"], parts["text/html"]):
        assert str(alert_book.household_a.case_number) in body
        assert "Binder Payment Pending" in body
        assert "9165550101" in body
        assert household_link in body
    everything = b"\n".join(m.original_content for m in smtp.messages)
    digits = re.sub(rb"\D", b"", everything)
    for ssn in SEEDED_SSNS:
        assert ssn.encode() not in digits
    for dob in SEEDED_DOBS:
        assert dob.encode() not in everything
    assert not DailySummary.objects.exclude(email_status=EmailStatus.SENT).exists()
    assert delivery.send_pending(TODAY) == 0


def test_a_user_who_turned_email_off_finds_the_summary_only_in_the_mailbox(
    alert_book: Personas, smtp: SmtpInbox
) -> None:
    User.objects.filter(pk=alert_book.carol.pk).update(email_alerts=False)
    runs.produce(TODAY)
    delivery.send_pending(TODAY)
    assert _summary(alert_book.carol).email_status == EmailStatus.OFF
    assert "carol@a.test" not in {m["To"] for m in _parsed(smtp)}


def test_a_mail_server_that_is_down_leaves_the_summary_in_the_mailbox(
    alert_book: Personas, settings: object
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"  # type: ignore[attr-defined]
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # type: ignore[attr-defined]
    runs.produce(TODAY)
    assert delivery.send_pending(TODAY) == 0
    assert _summary(alert_book.carol).email_status == EmailStatus.FAILED
