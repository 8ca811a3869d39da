"""A file only writes into the importing manager's agency tree, and only managers import.

A row naming an agent of another agency is refused (0 writes without `allow_partial`);
a user without the import permission, or importing into another agency, is refused
before the file is read.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied

from openbob.imports.choices import ImportStatus
from openbob.imports.pipeline import import_file
from openbob.imports.tests.pipeline_kit import (
    POLICY_HEADERS,
    db_fingerprint,
    policy,
    write_enrollments,
)
from openbob.sources.healthsherpa_followups import DMI
from openbob.sources.healthsherpa_policies import AGENCY_COLUMNS
from openbob.sources.healthsherpa_roster import FIELDS as ROSTER_FIELDS
from openbob.testing import Personas

MALLORY = {"agent": "Mallory Tester", "agent_email": "mallory@b.test", "agency_name": "Agency B"}


@pytest.mark.django_db
def test_a_row_naming_another_agencys_agent_is_rejected_with_no_writes(
    personas: Personas, tmp_path: Path
) -> None:
    rows = [policy(1), policy(2, **MALLORY), policy(3)]
    path = write_enrollments(tmp_path / "enrollments.csv", rows)
    before = db_fingerprint()
    result = import_file(actor=personas.alice, agency=personas.agency_a, path=path)
    assert result.status == ImportStatus.REJECTED
    assert [(e.row, e.column) for e in result.errors] == [(3, "agent")]
    assert "outside Agency A" in result.errors[0].reason
    assert db_fingerprint() == before


@pytest.mark.django_db
def test_a_flag_row_naming_another_agencys_agent_is_rejected(
    personas: Personas, tmp_path: Path
) -> None:
    path = tmp_path / "dmi.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([spec.header for spec in DMI.schema.fields])
        writer.writerow(["Bea Baker", "1700000001", "Income", "Outstanding", "2025-05-01", "",
                         "Agency B", "Mallory Tester", "mallory@b.test"])  # fmt: skip
    before = db_fingerprint()
    result = import_file(actor=personas.alice, agency=personas.agency_a, path=path)
    assert [(e.row, e.column) for e in result.errors] == [(2, "Agent name")]
    assert db_fingerprint() == before


@pytest.mark.django_db
def test_a_roster_cannot_move_another_agencys_agent_into_the_tree(
    personas: Personas, tmp_path: Path
) -> None:
    path = tmp_path / "roster.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, [spec.header for spec in ROSTER_FIELDS], restval="")
        writer.writeheader()
        writer.writerow({"First name": "Mallory", "Last name": "Tester", "Email": "mallory@b.test",
                         "NPN": "1234567", "Agency name": "Agency A"})  # fmt: skip
    before = db_fingerprint()
    result = import_file(actor=personas.alice, agency=personas.agency_a, path=path)
    assert [(e.row, e.column) for e in result.errors] == [(2, "Email")]
    assert db_fingerprint() == before


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["sam", "bob", "rita"])
def test_a_user_without_the_import_permission_is_refused(
    personas: Personas, tmp_path: Path, who: str
) -> None:
    path = write_enrollments(tmp_path / "enrollments.csv", [policy(1)])
    before = db_fingerprint()
    with pytest.raises(PermissionDenied):
        import_file(actor=getattr(personas, who), agency=personas.agency_a, path=path)
    assert db_fingerprint() == before


@pytest.mark.django_db
def test_a_manager_cannot_import_into_another_agency(personas: Personas, tmp_path: Path) -> None:
    path = write_enrollments(tmp_path / "enrollments.csv", [policy(1)])
    with pytest.raises(PermissionDenied):
        import_file(actor=personas.alice, agency=personas.agency_b, path=path)
    with pytest.raises(PermissionDenied):
        import_file(actor=personas.mallory, agency=personas.agency_a1, path=path)


def _clients_export(path: Path, agent: str, email: str) -> Path:
    """An agent's HealthSherpa Clients export: the Enrollments columns less the agency's."""
    headers = [h for h in POLICY_HEADERS if h not in AGENCY_COLUMNS]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, headers, restval="", extrasaction="ignore")
        writer.writeheader()
        writer.writerow(policy(1, agent=agent, agent_email=email))
    return path


@pytest.mark.django_db
def test_an_agents_own_export_is_that_agents_snapshot_when_named(
    personas: Personas, tmp_path: Path
) -> None:
    path = _clients_export(tmp_path / "clients.csv", "Carol Tester", "carol@a.test")
    named = import_file(
        actor=personas.alice, agency=personas.agency_a, path=path, scope_agent=personas.bob
    )
    assert named.run is not None and named.run.snapshot.scope == f"agent:{personas.bob.pk}"
    assert named.header_row == 1


@pytest.mark.django_db
def test_naming_an_agent_outside_the_tree_as_the_exports_owner_is_refused(
    personas: Personas, tmp_path: Path
) -> None:
    path = _clients_export(tmp_path / "clients.csv", "Carol Tester", "carol@a.test")
    before = db_fingerprint()
    with pytest.raises(PermissionDenied, match="not in this agency's tree"):
        import_file(
            actor=personas.alice, agency=personas.agency_a, path=path, scope_agent=personas.mallory
        )
    assert db_fingerprint() == before
