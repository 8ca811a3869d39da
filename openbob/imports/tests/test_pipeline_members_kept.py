"""A household that changed keeps the members its source states the same way: their
rows (and encrypted PII) stay, its policies are written again. Members stated otherwise
are written again, and a household listed in two parts never gains its members twice."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from openbob.book.models import Enrollment, Member
from openbob.imports.choices import ImportStatus
from openbob.imports.pipeline import ImportResult, import_file
from openbob.imports.tests.pipeline_kit import policy, write_enrollments
from openbob.sources.generate import snapshot_time
from openbob.testing import Personas

pytestmark = pytest.mark.django_db
WEEK = snapshot_time(date(2025, 3, 7))
APP = "1700000000"  # policy(0)'s application


def _import(personas: Personas, path: Path, as_of: datetime) -> ImportResult:
    result = import_file(actor=personas.alice, agency=personas.agency_a, path=path, as_of=as_of)
    assert result.status == ImportStatus.SUCCEEDED, result.message
    return result


def _week(personas: Personas, tmp_path: Path, week: int, rows: list[dict[str, object]]) -> int:
    """Import `rows` as week `week`; the number of members the import wrote."""
    path = write_enrollments(tmp_path / f"week{week}.csv", rows)
    return _import(personas, path, WEEK + timedelta(days=7 * week)).counts["members"]


def _members(**values: object) -> list[tuple[object, ...]]:
    return list(
        Member.objects.filter(household__ffm_app_id=APP, **values)
        .order_by("pk")
        .values_list("pk", "first_name", "phone", "dob_encrypted")
    )


def test_a_household_whose_policy_changed_keeps_its_members_rows(
    personas: Personas, tmp_path: Path
) -> None:
    _week(personas, tmp_path, 0, [policy(n) for n in range(3)])
    before = _members()
    written = _week(personas, tmp_path, 1, [policy(0, net_premium="250.00"), policy(1), policy(2)])
    assert written == 0
    assert _members() == before  # the same rows: same ids, same ciphertexts
    premiums = Enrollment.objects.filter(household__ffm_app_id=APP).values_list(
        "net_premium", flat=True
    )
    assert list(premiums) == [Decimal("250.00")]


def test_a_member_stated_differently_is_written_again(personas: Personas, tmp_path: Path) -> None:
    _week(personas, tmp_path, 0, [policy(n) for n in range(3)])
    [(old_pk, *_)] = _members()
    written = _week(personas, tmp_path, 1, [policy(0, phone="(916) 555-0199"), policy(1)])
    assert written == 1
    [(pk, name, phone, _)] = _members()
    assert (name, phone) == ("Pat0", "9165550199")
    assert pk != old_pk


def test_a_household_listed_in_two_parts_never_gains_its_members_twice(
    personas: Personas, tmp_path: Path
) -> None:
    second_part = policy(0, first_name="Sam", ssn="900-00-9999", healthsherpa_id=5_999_999)
    split = [policy(0), policy(1), second_part]
    for week in range(3):
        _week(personas, tmp_path, week, split)
        assert [name for _, name, *_ in _members()] == ["Pat0", "Sam"]
    changed = [policy(0, net_premium="250.00"), policy(1), second_part]
    _week(personas, tmp_path, 3, changed)
    assert [name for _, name, *_ in _members()] == ["Pat0", "Sam"]
