from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import python_calamine

from openbob.sources import (
    calheers,
    ground_truth,
    healthsherpa_aor,
    healthsherpa_followups,
    healthsherpa_policies,
    healthsherpa_roster,
)
from openbob.sources.formats import FormatId
from openbob.sources.generate import GenerationSummary, WeekOutput, generate
from openbob.sources.ground_truth import CalheersState, EventType, HealthSherpaState, Snapshot

PACIFIC = ZoneInfo("America/Los_Angeles")


def _value(member: StrEnum | None) -> str | None:
    return member.value if member is not None else None


def _money(amount: Decimal | None) -> str | None:
    return f"{amount:.2f}" if amount is not None else None


def calheers_states(week: WeekOutput) -> dict[str, CalheersState]:
    states: dict[str, CalheersState] = {}
    with calheers.read(week.files[FormatId.CALHEERS_BOOK]) as book:
        for row in book:
            assert row.case_number is not None
            states[row.case_number] = CalheersState(
                agent=row.agent_license_number,
                status=_value(row.health_status),
                plan=row.health_plan_name,
                gross_premium=_money(row.gross_premium),
                aptc=_money(row.aptc),
                net_premium=_money(row.net_premium),
                program=_value(row.program),
            )
    return states


def issues(path: Path, dmi: bool) -> dict[str, set[str]]:
    read = healthsherpa_followups.read_dmi if dmi else healthsherpa_followups.read_svi
    found: dict[str, set[str]] = defaultdict(set)
    with read(path) as export:
        for row in export:
            assert row.ffm_app_id is not None and row.issue_type is not None
            found[row.ffm_app_id].add(row.issue_type)
    return found


def healthsherpa_states(week: WeekOutput) -> dict[str, HealthSherpaState]:
    with healthsherpa_aor.read(week.files[FormatId.HEALTHSHERPA_AOR_AT_RISK]) as export:
        at_risk = {row.ffm_app_id for row in export}
    dmis = issues(week.files[FormatId.HEALTHSHERPA_DMI], dmi=True)
    svis = issues(week.files[FormatId.HEALTHSHERPA_SVI], dmi=False)
    states: dict[str, HealthSherpaState] = {}
    with healthsherpa_policies.read(week.files[FormatId.HEALTHSHERPA_ENROLLMENTS]) as export:
        for row in export:
            assert row.ffm_app_id is not None
            states[row.ffm_app_id] = HealthSherpaState(
                aor=row.aor_npn,
                status=_value(row.policy_status),
                plan=row.plan_name,
                gross_premium=_money(row.gross_premium),
                aptc=_money(row.subsidy),
                net_premium=_money(row.net_premium),
                at_risk=row.ffm_app_id in at_risk,
                dmis=frozenset(dmis[row.ffm_app_id]),
                svis=frozenset(svis[row.ffm_app_id]),
            )
    return states


def file_snapshot(week: WeekOutput) -> Snapshot:
    """What a change detector sees: the week's files, read through the adapters."""
    return Snapshot(calheers_states(week), healthsherpa_states(week))


@pytest.fixture(scope="module")
def snapshots(generated: GenerationSummary) -> list[Snapshot]:
    return [file_snapshot(week) for week in generated.weeks]


def test_it_writes_one_folder_per_friday_with_every_file(generated: GenerationSummary) -> None:
    fridays = [date(2025, 1, 3) + timedelta(weeks=index) for index in range(6)]
    assert [week.week for week in generated.weeks] == fridays
    for week in generated.weeks:
        assert week.folder.name == f"week-{week.week.isoformat()}"
        assert set(week.files) == set(FormatId) - {FormatId.GENERIC}
        expected = {path.name for path in week.files.values()} | {"ground_truth.json"}
        assert {path.name for path in week.folder.iterdir()} == expected


def test_the_calheers_book_is_as_of_friday_21_00_pacific(generated: GenerationSummary) -> None:
    week = generated.weeks[1]
    with calheers.read(week.files[FormatId.CALHEERS_BOOK]) as book:
        assert book.as_of == datetime(2025, 1, 10, 21, 0, tzinfo=PACIFIC)


def test_the_same_arguments_give_identical_files(tmp_path: Path) -> None:
    runs = [
        generate(tmp_path / name, agencies=3, agents=5, consumers=150, weeks=3, seed=5)
        for name in ("first", "second")
    ]
    for first, second in zip(runs[0].weeks, runs[1].weeks, strict=True):
        for format_id, path in first.files.items():
            other = second.files[format_id]
            if path.suffix == ".csv":
                assert path.read_bytes() == other.read_bytes()
            else:
                assert cells(path) == cells(other)
        assert first.ground_truth.read_bytes() == second.ground_truth.read_bytes()


def cells(path: Path) -> Sequence[Sequence[object]]:
    workbook = python_calamine.CalamineWorkbook.from_path(path)
    return workbook.get_sheet_by_index(0).to_python()


def test_another_seed_gives_another_book(tmp_path: Path) -> None:
    books = [
        generate(tmp_path / str(seed), agencies=2, agents=3, consumers=50, weeks=1, seed=seed)
        for seed in (1, 2)
    ]
    paths = [summary.weeks[0].files[FormatId.HEALTHSHERPA_ENROLLMENTS] for summary in books]
    assert paths[0].read_bytes() != paths[1].read_bytes()


def test_week_one_is_the_baseline_without_events(generated: GenerationSummary) -> None:
    first = json.loads(generated.weeks[0].ground_truth.read_text())
    assert first == {"week": "2025-01-03", "previous_week": None, "events": []}


def test_events_carry_exactly_the_agreed_fields_and_vocabulary(
    generated: GenerationSummary,
) -> None:
    for week in generated.weeks[1:]:
        document = json.loads(week.ground_truth.read_text())
        assert document["previous_week"] == (week.week - timedelta(weeks=1)).isoformat()
        for event in document["events"]:
            assert list(event) == ["week", "type", "source", "key", "old", "new"]
            assert event["week"] == week.week.isoformat()
            assert event["type"] in {member.value for member in EventType}
            assert event["source"] in ("calheers", "healthsherpa")


def test_the_ground_truth_matches_the_files_exactly(
    generated: GenerationSummary, snapshots: list[Snapshot]
) -> None:
    for index, week in enumerate(generated.weeks[1:], start=1):
        derived = ground_truth.diff(snapshots[index - 1], snapshots[index], week.week)
        assert derived == ground_truth.load(week.ground_truth)


def test_every_lost_household_was_in_last_weeks_book_and_not_this_weeks(
    generated: GenerationSummary, snapshots: list[Snapshot]
) -> None:
    keys = [
        {"calheers": set(snapshot.calheers), "healthsherpa": set(snapshot.healthsherpa)}
        for snapshot in snapshots
    ]
    for index, week in enumerate(generated.weeks[1:], start=1):
        for event in ground_truth.load(week.ground_truth):
            before, now = keys[index - 1][event.source], keys[index][event.source]
            if event.type is EventType.HOUSEHOLD_LOST:
                assert event.key in before and event.key not in now
            elif event.type is EventType.HOUSEHOLD_ADDED:
                assert event.key not in before and event.key in now
            else:
                assert event.key in before and event.key in now


def test_every_event_type_happens_within_a_few_weeks(generated: GenerationSummary) -> None:
    seen = {
        event.type for week in generated.weeks for event in ground_truth.load(week.ground_truth)
    }
    assert seen == set(EventType)


def test_aor_swaps_involve_an_agent_outside_the_book(generated: GenerationSummary) -> None:
    with healthsherpa_roster.read(generated.weeks[0].files[FormatId.HEALTHSHERPA_ROSTER]) as r:
        roster = {row.npn for row in r}
    swaps = [
        event
        for week in generated.weeks
        for event in ground_truth.load(week.ground_truth)
        if event.type is EventType.AOR_CHANGED
    ]
    assert swaps
    assert all(event.old not in roster or event.new not in roster for event in swaps)


def test_it_uses_only_ssns_from_the_never_issued_900_area(generated: GenerationSummary) -> None:
    week = generated.weeks[-1]
    ssns: list[str | None] = []
    with calheers.read(week.files[FormatId.CALHEERS_BOOK]) as book:
        ssns += [row.ssn for row in book]
    with healthsherpa_policies.read(week.files[FormatId.HEALTHSHERPA_ENROLLMENTS]) as export:
        for row in export:
            ssns += [row.ssn, *(member.ssn for member in row.members)]
    known = [ssn for ssn in ssns if ssn is not None]
    assert len(known) > 1000
    assert all(len(ssn) == 9 and 900 <= int(ssn[:3]) <= 999 for ssn in known)


def test_the_book_stores_phones_zips_and_case_numbers_as_numbers_and_null_for_empties(
    generated: GenerationSummary,
) -> None:
    rows = cells(generated.weeks[0].files[FormatId.CALHEERS_BOOK])
    assert str(rows[0][0]).startswith("File Created Fri Jan 03 21:00:00 PST 2025")
    headers, first = rows[1], rows[2]
    row = dict(zip(headers, first, strict=True))
    for header in ("Customer Phone Number", "Residence Address - Zip", "Case Number"):
        assert isinstance(row[header], float)
    assert "null" in first


def test_agencies_form_a_tree_under_the_first(generated: GenerationSummary) -> None:
    with healthsherpa_roster.read(generated.weeks[0].files[FormatId.HEALTHSHERPA_ROSTER]) as r:
        parents = {row.agency_name: row.parent_agency_name for row in r}
    assert len(parents) == generated.agencies == 4
    (top,) = [agency for agency, parent in parents.items() if parent is None]
    for agency in parents:
        chain = [agency]
        while (parent := parents[chain[-1]]) is not None:
            assert parent not in chain
            chain.append(parent)
        assert chain[-1] == top


def test_households_are_in_calheers_healthsherpa_or_both_as_the_same_people(
    generated: GenerationSummary,
) -> None:
    week = generated.weeks[0]
    with calheers.read(week.files[FormatId.CALHEERS_BOOK]) as book:
        in_calheers = {(r.first_name, r.last_name, r.dob, r.ssn) for r in book}
    with healthsherpa_policies.read(week.files[FormatId.HEALTHSHERPA_ENROLLMENTS]) as export:
        people = [(r.first_name, r.last_name, r.dob, r.ssn) for r in export if r.ssn]
    both = [person for person in people if person in in_calheers]
    assert 0 < len(both) < len(people)
    assert len(in_calheers) > len(both)
