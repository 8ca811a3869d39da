"""The audit page (`audit:log`): managers only, each sees the own subtree's events, filters.

Personas (see openbob/testing.py): alice manages A and sub-agency A1, sam is admin staff
and rita read-only in A, bob and carol are agents (A1, A), mallory manages agency B.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from openbob.accounts.models import User
from openbob.accounts.roles import Role
from openbob.audit.models import AuditEvent
from openbob.audit.services import record
from openbob.audit.views import PAGE_SIZE
from openbob.testing import Personas, make_user, sign_in

pytestmark = pytest.mark.django_db


def _url() -> str:
    return reverse("audit:log")


def _at(day: int, hour: int = 12, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


def _record(actor: User | None, action: str, when: datetime) -> int:
    with time_machine.travel(when, tick=False):
        return record(actor=actor, action=action, purpose="test").pk


@pytest.fixture
def events(personas: Personas) -> dict[str, int]:
    """One event per actor, on known UTC days; "system" has no agency."""
    return {
        "alice": _record(personas.alice, "pii.reveal", _at(1, 10)),
        "bob": _record(personas.bob, "pii.reveal", _at(2, 23, 30)),  # 15:30 in California
        "sam": _record(personas.sam, "household.update", _at(3)),
        "mallory": _record(personas.mallory, "pii.reveal", _at(2)),
        "system": _record(None, "keys.rotate", _at(2)),
    }


def _listed(client: Client, user: User, **filters: str) -> list[int]:
    response = sign_in(client, user).get(_url(), filters)
    assert response.status_code == 200
    return [event.pk for event in response.context["page"]]


def _ids(events: dict[str, int], *names: str) -> list[int]:
    return sorted((events[name] for name in names), reverse=True)


def test_a_manager_sees_the_own_agency_and_sub_agencies_newest_first(
    client: Client, personas: Personas, events: dict[str, int]
) -> None:
    assert _listed(client, personas.alice) == _ids(events, "alice", "bob", "sam")


def test_an_outsider_manager_sees_only_the_own_agency(
    client: Client, personas: Personas, events: dict[str, int]
) -> None:
    assert _listed(client, personas.mallory) == _ids(events, "mallory")


def test_a_sub_agency_manager_never_sees_the_parent_agency(
    client: Client, personas: Personas, events: dict[str, int]
) -> None:
    anna = make_user("anna@a1.test", Role.AGENCY_MANAGER, personas.agency_a1)
    assert _listed(client, anna) == _ids(events, "bob")


def test_an_event_stays_with_the_agency_the_actor_had_at_the_time(
    client: Client, personas: Personas, events: dict[str, int]
) -> None:
    personas.sam.agency = personas.agency_b
    personas.sam.save()
    later = _record(personas.sam, "household.update", _at(4))
    assert _listed(client, personas.alice) == _ids(events, "alice", "bob", "sam")
    assert _listed(client, personas.mallory) == sorted([later, events["mallory"]], reverse=True)


@pytest.mark.parametrize("who", ["sam", "rita", "bob", "carol"])
def test_everyone_but_a_manager_is_refused(
    client: Client, personas: Personas, events: dict[str, int], who: str
) -> None:
    assert sign_in(client, getattr(personas, who)).get(_url()).status_code == 403


def test_an_anonymous_visitor_is_sent_to_sign_in(client: Client) -> None:
    response = client.get(_url())
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_page_only_answers_get(client: Client, personas: Personas) -> None:
    assert sign_in(client, personas.alice).post(_url()).status_code == 405


def test_filtering_by_action(client: Client, personas: Personas, events: dict[str, int]) -> None:
    listed = _listed(client, personas.alice, action="pii.reveal")
    assert listed == _ids(events, "alice", "bob")


def test_filtering_by_actor(client: Client, personas: Personas, events: dict[str, int]) -> None:
    listed = _listed(client, personas.alice, actor=str(personas.sam.pk))
    assert listed == _ids(events, "sam")


def test_filtering_by_a_date_range_counts_whole_utc_days(
    client: Client, personas: Personas, events: dict[str, int]
) -> None:
    assert _listed(client, personas.alice, since="2026-03-02", until="2026-03-02") == _ids(
        events, "bob"
    )
    assert _listed(client, personas.alice, since="2026-03-02") == _ids(events, "bob", "sam")
    assert _listed(client, personas.alice, until="2026-03-01") == _ids(events, "alice")


def test_filters_combine(client: Client, personas: Personas, events: dict[str, int]) -> None:
    listed = _listed(
        client,
        personas.alice,
        action="pii.reveal",
        actor=str(personas.alice.pk),
        since="2026-03-02",
    )
    assert listed == []


def test_an_outsider_cannot_filter_for_another_agencys_actor(
    client: Client, personas: Personas, events: dict[str, int]
) -> None:
    response = sign_in(client, personas.mallory).get(_url(), {"actor": str(personas.alice.pk)})
    assert list(response.context["page"]) == []
    assert response.context["form"].errors["actor"]


def test_a_reversed_date_range_shows_an_error_and_no_events(
    client: Client, personas: Personas, events: dict[str, int]
) -> None:
    response = sign_in(client, personas.alice).get(
        _url(), {"since": "2026-03-03", "until": "2026-03-01"}
    )
    assert list(response.context["page"]) == []
    assert b"The start date is after the end date." in response.content


def test_events_without_an_agency_appear_on_no_agency_page(
    client: Client, personas: Personas, events: dict[str, int]
) -> None:
    shown = set(_listed(client, personas.alice)) | set(_listed(client, personas.mallory))
    assert events["system"] not in shown
    assert AuditEvent.objects.filter(pk=events["system"], agency_id=None).exists()


def test_the_next_page_link_keeps_the_filters(client: Client, personas: Personas) -> None:
    for _ in range(PAGE_SIZE + 1):
        record(actor=personas.alice, action="pii.reveal", purpose="test")
    response = sign_in(client, personas.alice).get(_url(), {"action": "pii.reveal"})
    assert len(response.context["page"]) == PAGE_SIZE
    assert b'href="?action=pii.reveal&amp;page=2"' in response.content
