"""The Secure Mailbox, email preference, AOR at-risk tab, bell and API, per persona."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from openbob.accounts.models import User
from openbob.alerts import runs
from openbob.alerts.models import Broadcast, DailySummary
from openbob.alerts.tests.conftest import TODAY, event
from openbob.api.tests.conftest import ApiCaller
from openbob.book.choices import DelegationStatus
from openbob.book.models import Delegation, Household
from openbob.imports.choices import EventType
from openbob.testing import Personas, sign_in

pytestmark = pytest.mark.django_db

PAGES = ("alerts:mailbox", "alerts:aor", "alerts:bell")
PERSONAS = ("alice", "sam", "rita", "bob", "carol", "mallory")


@pytest.mark.parametrize("name", PAGES)
def test_every_signed_in_persona_opens_the_alert_pages_and_anonymous_is_sent_to_sign_in(
    personas: Personas, client: Client, name: str
) -> None:
    assert client.get(reverse(name)).status_code == 302
    for persona in PERSONAS:
        sign_in(client, getattr(personas, persona))
        assert client.get(reverse(name)).status_code == 200, persona


def test_a_summary_is_readable_only_by_its_recipient(alert_book: Personas, client: Client) -> None:
    runs.produce(TODAY)
    carols = DailySummary.objects.get(recipient=alert_book.carol, kind="daily")
    url = reverse("alerts:summary", args=[carols.pk])
    page = sign_in(client, alert_book.carol).get(url)
    assert page.status_code == 200
    assert str(alert_book.household_a.case_number).encode() in page.content
    assert b"Binder Payment Pending" in page.content
    for other in ("alice", "bob", "mallory", "rita"):
        assert sign_in(client, getattr(alert_book, other)).get(url).status_code == 404


def test_the_mailbox_lists_the_summaries_and_turns_email_off_and_on(
    alert_book: Personas, client: Client
) -> None:
    runs.produce(TODAY)
    sign_in(client, alert_book.alice)
    page = client.get(reverse("alerts:mailbox"))
    assert b"Daily Manager Summary" in page.content and b"Daily Summary" in page.content
    assert client.get(reverse("alerts:preferences")).status_code == 405
    client.post(reverse("alerts:preferences"), {})
    assert not User.objects.get(pk=alert_book.alice.pk).email_alerts
    client.post(reverse("alerts:preferences"), {"email_alerts": "on"})
    assert User.objects.get(pk=alert_book.alice.pk).email_alerts


def _badge(client: Client, name: str) -> str:
    """The badge fragment htmx loads into the navigation, as its visible text."""
    html = client.get(reverse(name)).content.decode()
    return re.sub(r"<[^>]+>", "", html).strip()


def test_the_aor_tab_shows_the_scope_newest_first_with_a_badge_of_what_is_new(
    personas: Personas, client: Client
) -> None:
    a, a1, b = personas.household_a, personas.household_a1, personas.household_b
    now = timezone.now()
    Household.objects.filter(pk=a.pk).update(aor_at_risk_at=now - timedelta(days=2))
    Household.objects.filter(pk=b.pk).update(ede_permission_lost_at=now)
    event(a1, EventType.AOR_CHANGED, now - timedelta(days=1))
    sign_in(client, personas.alice)
    page = client.get(reverse("alerts:aor")).content.decode()
    assert page.index("Ben Brooks") < page.index("Ana Alvarez")
    assert "Bea Baker" not in page
    assert "AOR changed" in page and "AOR at risk" in page
    assert _badge(client, "alerts:aor_badge") == "2 new"
    assert client.post(reverse("alerts:seen", args=["aor"])).status_code == 204
    assert _badge(client, "alerts:aor_badge") == ""
    with time_machine.travel(now + timedelta(minutes=5)):
        Household.objects.filter(pk=a1.pk).update(ede_permission_lost_at=timezone.now())
        assert _badge(client, "alerts:aor_badge") == "1 new"
    bob_page = sign_in(client, personas.bob).get(reverse("alerts:aor")).content.decode()
    assert "Ben Brooks" in bob_page and "Ana Alvarez" not in bob_page
    assert client.post(reverse("alerts:seen", args=["nope"])).status_code == 404


def test_the_bell_merges_broadcasts_delegations_and_exports_newest_first(
    personas: Personas, client: Client
) -> None:
    call_command("alerts", "broadcast", "--category", "holiday", "--title", "Closed on 4 July")
    Broadcast.objects.create(
        category="outage",
        title="Old outage",
        starts_at=timezone.now() - timedelta(days=10),
        ends_at=timezone.now() - timedelta(days=9),
    )
    Delegation.objects.create(
        household=personas.household_a,
        agency=personas.agency_a,
        agent=personas.carol,
        status=DelegationStatus.PENDING,
        requested_at=timezone.now() - timedelta(hours=1),
    )
    sign_in(client, personas.carol)
    page = client.get(reverse("alerts:bell")).content.decode()
    assert "Closed on 4 July" in page and "Old outage" not in page
    assert page.index("Closed on 4 July") < page.index("Delegation of Ana Alvarez is pending")
    assert "New:" in page
    assert _badge(client, "alerts:bell_badge") == "2 unread"
    client.post(reverse("alerts:seen", args=["bell"]))
    assert "New:" not in client.get(reverse("alerts:bell")).content.decode()
    assert _badge(client, "alerts:bell_badge") == ""
    mallory = sign_in(client, personas.mallory).get(reverse("alerts:bell")).content.decode()
    assert "Closed on 4 July" in mallory and "Ana Alvarez" not in mallory


def test_the_api_lists_only_your_own_summaries_and_your_scope_at_risk(
    alert_book: Personas, client: Client
) -> None:
    runs.produce(TODAY)
    api = ApiCaller(client)
    carols = DailySummary.objects.get(recipient=alert_book.carol, kind="daily")
    listed = api.call("GET", "/api/alerts/summaries", as_user=alert_book.carol)
    assert listed.status_code == 200
    assert [s["id"] for s in listed.json()["items"]] == [carols.pk]
    detail = api.call("GET", f"/api/alerts/summaries/{carols.pk}", as_user=alert_book.carol).json()
    assert {i["topic"] for i in detail["items"]} == {"binder_payment_pending", "actions_requested"}
    assert (
        api.call(
            "GET", f"/api/alerts/summaries/{carols.pk}", as_user=alert_book.mallory
        ).status_code
        == 404
    )
    Household.objects.filter(pk=alert_book.household_a.pk).update(aor_at_risk_at=timezone.now())
    mine = api.call("GET", "/api/alerts/aor-at-risk", as_user=alert_book.carol).json()["items"]
    assert [e["household_id"] for e in mine] == [alert_book.household_a.pk]
    assert (
        api.call("GET", "/api/alerts/aor-at-risk", as_user=alert_book.mallory).json()["items"] == []
    )
    assert api.call("GET", "/api/alerts/broadcasts", as_user=alert_book.bob).status_code == 200
