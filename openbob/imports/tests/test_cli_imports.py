"""`bob generate`, `bob import`, `bob changes` and `bob mapping`, end to end on real files."""

from __future__ import annotations

import csv
import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from openbob.accounts.models import User
from openbob.accounts.roles import Role
from openbob.agencies.services import create_agency
from openbob.imports.models import ImportRun, MappingProfile
from openbob.imports.tests.uploading import CARRIER_MAPPING, carrier_csv
from openbob.testing import Personas, make_user

GENERATED_AGENCY_MANAGER = "owner@burton.test"


def _bob(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def _top_agency(roster: Path) -> str:
    """The roster's first row names the generated tree's top agency."""
    with roster.open(newline="", encoding="utf-8") as handle:
        return next(csv.DictReader(handle))["Agency name"]


def _ground_truth(folder: Path) -> set[tuple[str, ...]]:
    events = json.loads((folder / "ground_truth.json").read_text())["events"]
    return {
        (e["week"], e["type"], e["source"], e["key"], e["old"] or "", e["new"] or "")
        for e in events
    }


@pytest.mark.django_db
def test_generate_import_and_list_the_changes(tmp_path: Path) -> None:
    out = tmp_path / "generated"
    summary = _bob(
        "generate", "--out", str(out), "--weeks", "2", "--consumers", "60", "--agencies", "2",
        "--agents", "5",
    )  # fmt: skip
    assert summary.count("CalHEERS") == 2
    weeks = sorted(out.glob("week-*"))
    agency = create_agency(name=_top_agency(next(weeks[0].glob("agent_roster_*.csv"))))
    make_user(GENERATED_AGENCY_MANAGER, Role.AGENCY_MANAGER, agency)
    files = [str(p) for week in weeks for p in week.iterdir() if p.suffix in {".csv", ".xlsx"}]

    _bob("import", *files, "--as", GENERATED_AGENCY_MANAGER)

    assert ImportRun.objects.filter(agency__path__startswith=agency.path).count() >= 14
    assert User.objects.filter(role=Role.AGENT, agency__path__startswith=agency.path).exists()
    listed = _bob("changes", "--since", weeks[1].name.removeprefix("week-"), "--as",
                  GENERATED_AGENCY_MANAGER)  # fmt: skip
    found = set()
    for line in listed.splitlines():
        week, kind, source, key, _name, old, new = line.split("\t")
        found.add((week, kind, source, key, old, new))
    assert found == _ground_truth(weeks[1])


@pytest.mark.django_db
def test_import_refuses_an_unknown_enroller_or_profile(tmp_path: Path, personas: Personas) -> None:
    carrier = str(carrier_csv(tmp_path))
    with pytest.raises(CommandError, match="No enroller"):
        _bob("import", carrier, "--as", "nobody@a.test")
    with pytest.raises(CommandError, match="No mapping profile named 'Acme'"):
        _bob("import", carrier, "--as", personas.alice.email, "--profile", "Acme")
    with pytest.raises(CommandError, match="Some files were not imported"):
        _bob("import", carrier, "--as", personas.alice.email)
    with pytest.raises(CommandError, match="not in this agency's tree"):
        _bob("import", carrier, "--as", personas.alice.email, "--agent", personas.mallory.email)


def test_mapping_propose_prints_json(tmp_path: Path) -> None:
    proposal = json.loads(_bob("mapping", "propose", str(carrier_csv(tmp_path))))
    assert proposal["ffm_app_id"] == "Exchange ID" and proposal["full_name"] == "Member Name"


@pytest.mark.django_db
def test_mapping_save_list_then_import_with_it(tmp_path: Path, personas: Personas) -> None:
    carrier = str(carrier_csv(tmp_path))
    edited = tmp_path / "mapping.json"
    edited.write_text(json.dumps(CARRIER_MAPPING))
    alice = personas.alice.email

    saved = _bob("mapping", "save", "Acme", carrier, "--as", alice, "--json", str(edited))

    assert "Saved mapping profile 'Acme' for Agency A (6 fields)" in saved
    assert MappingProfile.objects.get().mapping == CARRIER_MAPPING
    assert _bob("mapping", "list", "--as", alice).startswith("Acme\tAgency A\t6 fields\t")
    assert _bob("mapping", "list", "--as", personas.mallory.email) == ""
    _bob("import", carrier, "--as", alice, "--profile", "Acme")
    run = ImportRun.objects.get()
    assert (run.profile, run.rows) == (MappingProfile.objects.get(), 2)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--as", "rita@a.test"), "your role does not allow this"),
        (("--as", "alice@a.test", "--json", "missing.json"), "not a readable JSON file"),
    ],
)
def test_mapping_save_refuses(
    tmp_path: Path, personas: Personas, args: tuple[str, ...], message: str
) -> None:
    with pytest.raises(CommandError, match=message):
        _bob("mapping", "save", "Acme", str(carrier_csv(tmp_path)), *args)
    assert not MappingProfile.objects.exists()


@pytest.mark.django_db
def test_mapping_save_explains_a_mapping_that_cannot_work(
    tmp_path: Path, personas: Personas
) -> None:
    no_key: dict[str, Any] = {"full_name": "Member Name"}
    (tmp_path / "m.json").write_text(json.dumps(no_key))
    with pytest.raises(CommandError, match="Case Number or an FFM Application ID"):
        _bob(
            "mapping", "save", "Acme", str(carrier_csv(tmp_path)), "--as", personas.alice.email,
            "--json", str(tmp_path / "m.json"),
        )  # fmt: skip
