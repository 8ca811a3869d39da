"""`bob retention ...` acts with the named user's scope and rules."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from openbob.audit.models import AuditEvent
from openbob.retention.choices import CaseStatus, Risk
from openbob.retention.tests.conftest import case_of
from openbob.testing import Personas

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = StringIO()
    call_command("retention", *args, stdout=out)
    return out.getvalue()


def test_sync_runs_once_per_day(personas: Personas) -> None:
    from openbob.retention.tests.conftest import make_renewing

    make_renewing(personas.household_a)
    assert "1 created" in _run("sync", "--today", "2026-10-05")
    assert "already synced" in _run("sync", "--today", "2026-10-05")


def test_list_shows_only_the_users_cases(renewal_book: Personas) -> None:
    lines = _run("list", "--as", "bob@a1.test").splitlines()
    assert [json.loads(line)["consumer"] for line in lines] == ["Ben Brooks"]


def test_list_ranks_the_managers_tree_highest_risk_first_up_to_the_limit(
    renewal_book: Personas,
) -> None:
    from openbob.retention.models import RetentionCase

    RetentionCase.objects.filter(household=renewal_book.household_a1).update(risk=4)
    ranked = [
        json.loads(line)["risk"] for line in _run("list", "--as", "alice@a.test").splitlines()
    ]
    assert ranked == [4, 1]
    top = _run("list", "--limit", "1", "--as", "alice@a.test").splitlines()
    assert json.loads(top[0])["id"] == case_of(renewal_book.household_a1).pk
    assert len(top) == 1


def test_an_outsider_cannot_show_a_case(renewal_book: Personas) -> None:
    pk = case_of(renewal_book.household_a).pk
    with pytest.raises(CommandError):
        _run("show", str(pk), "--as", "mallory@b.test")


def test_close_explains_missing_fields_then_closes(renewal_book: Personas) -> None:
    pk = str(case_of(renewal_book.household_a).pk)
    with pytest.raises(CommandError, match="steps_to_resolve"):
        _run("close", pk, "--as", "carol@a.test", "--resolution", "not_renewing")
    _run("close", pk, "--as", "carol@a.test", "--resolution", "not_renewing", "--steps", "Moved.")
    assert case_of(renewal_book.household_a).status == CaseStatus.CLOSED


def test_transfer_needs_a_manager(renewal_book: Personas) -> None:
    pk = str(case_of(renewal_book.household_a1).pk)
    with pytest.raises(CommandError):
        _run("transfer", pk, "--to", "carol@a.test", "--as", "sam@a.test")


def test_risk_overrides_the_category_audited_and_clear_goes_back_to_the_computed_one(
    renewal_book: Personas,
) -> None:
    case = case_of(renewal_book.household_a)
    computed = case.computed_risk
    out = _run("risk", str(case.pk), str(Risk.VERY_HIGH), "--as", "carol@a.test")
    assert out == f"case {case.pk}: 5 Very High Risk (exchange)\n"
    case.refresh_from_db()
    assert (case.exchange_risk, case.risk) == (Risk.VERY_HIGH, Risk.VERY_HIGH)
    _run("risk", str(case.pk), "--clear", "--as", "alice@a.test")
    case.refresh_from_db()
    assert (case.exchange_risk, case.risk) == (None, computed)
    audit = AuditEvent.objects.filter(action="retention.exchange_risk", subject_id=str(case.pk))
    assert [(e.actor_id, e.detail) for e in audit.order_by("pk")] == [
        (renewal_book.carol.pk, {"exchange_risk": Risk.VERY_HIGH}),
        (renewal_book.alice.pk, {"exchange_risk": None}),
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["9", "--as", "carol@a.test"], "1 \\(Very Low\\) to 5"),
        (["--as", "carol@a.test"], "either a risk category"),
        (["4", "--clear", "--as", "carol@a.test"], "either a risk category"),
        (["4", "--as", "rita@a.test"], "does not allow"),
        (["4", "--as", "mallory@b.test"], "No such case"),
        (["4", "--as", "bob@a1.test"], "No such case"),
    ],
)
def test_risk_refuses_bad_categories_and_users_out_of_scope_or_read_only(
    renewal_book: Personas, args: list[str], message: str
) -> None:
    case = case_of(renewal_book.household_a)
    with pytest.raises(CommandError, match=message):
        _run("risk", str(case.pk), *args)
    case.refresh_from_db()
    assert case.exchange_risk is None
    assert not AuditEvent.objects.filter(action="retention.exchange_risk").exists()


def test_risk_cannot_change_a_closed_case(renewal_book: Personas) -> None:
    pk = str(case_of(renewal_book.household_a).pk)
    _run("close", pk, "--as", "carol@a.test", "--resolution", "not_renewing", "--steps", "Moved.")
    with pytest.raises(CommandError, match="closed"):
        _run("risk", pk, "4", "--as", "carol@a.test")
