from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from openbob.sources import (
    healthsherpa_aor,
    healthsherpa_ede,
    healthsherpa_followups,
    healthsherpa_policies,
    healthsherpa_roster,
)
from openbob.sources.errors import DuplicateColumnError, MissingColumnsError
from openbob.sources.formats import FormatId
from openbob.sources.tests.builders import write_text
from openbob.sources.vocab import EnrollmentStatus

CLIENTS = (
    "healthsherpa_id,first_name,last_name,dob,ssn,phone,zip_code,plan_name,gross_premium,"
    "subsidy,net_premium,policy_status,policy_status_notes,ffm_app_id,policy_aor,agent\r\n"
)


def policies(path: Path) -> list[healthsherpa_policies.PolicyRow]:
    with healthsherpa_policies.read(path) as export:
        return list(export)


def test_it_reads_quoted_commas_and_embedded_newlines(tmp_path: Path) -> None:
    text = CLIENTS + (
        '1,"Lopez, Maria Jose",Diaz,1980-02-03,900-11-2222,(305) 555-0101,07102,'
        '"Gold 80, HMO",500.00,400.00,100.00,Cancelled,"Canceled at member\'s request,\n'
        'called twice",111,"Jane Doe (NPN: 12345)",Jane Doe\r\n'
    )
    (row,) = policies(write_text(tmp_path / "clients.csv", text))
    assert row.first_name == "Lopez, Maria Jose"
    assert row.plan_name == "Gold 80, HMO"
    assert row.policy_status_notes == "Canceled at member's request,\ncalled twice"
    assert (row.zip_code, row.phone, row.ssn) == ("07102", "3055550101", "900112222")
    assert (row.gross_premium, row.subsidy, row.net_premium) == (
        Decimal("500.00"),
        Decimal("400.00"),
        Decimal("100.00"),
    )
    assert row.errors == []


@pytest.mark.parametrize(
    ("aor", "name", "npn"),
    [('"Jane Doe (NPN: 12345)"', "Jane Doe", "12345"), ("None", None, None), ("", None, None)],
)
def test_it_splits_policy_aor_into_name_and_npn(
    tmp_path: Path, aor: str, name: str | None, npn: str | None
) -> None:
    text = CLIENTS + f"1,Ann,Lee,,,,,,,,,Effectuated,,111,{aor},Jane Doe\r\n"
    (row,) = policies(write_text(tmp_path / "clients.csv", text))
    assert (row.aor_name, row.aor_npn) == (name, npn)


@pytest.mark.parametrize(
    ("raw", "status"),
    [("PendingEffectuation", EnrollmentStatus.PENDING),
     ("PendingFollowups", EnrollmentStatus.PENDING),
     ("Effectuated", EnrollmentStatus.EFFECTUATED),
     ("Cancelled", EnrollmentStatus.CANCELLED),
     ("Terminated", EnrollmentStatus.TERMINATED),
     ("SomethingNew", None)],
)  # fmt: skip
def test_it_normalises_policy_status_and_keeps_the_raw_word(
    tmp_path: Path, raw: str, status: EnrollmentStatus | None
) -> None:
    text = CLIENTS + f"1,Ann,Lee,,,,,,,,,{raw},,111,,\r\n"
    (row,) = policies(write_text(tmp_path / "clients.csv", text))
    assert (row.policy_status, row.policy_status_raw) == (status, raw)


def test_it_keeps_one_row_per_policy_even_for_the_same_person(tmp_path: Path) -> None:
    text = CLIENTS + (
        "1,Ann,Lee,1980-01-01,,,,Silver,,,,Effectuated,,111,,\r\n"
        "2,Ann,Lee,1980-01-01,,,,Dental,,,,Effectuated,,112,,\r\n"
    )
    rows = policies(write_text(tmp_path / "clients.csv", text))
    assert [(row.line, row.ffm_app_id, row.plan_name) for row in rows] == [
        (2, "111", "Silver"),
        (3, "112", "Dental"),
    ]


def test_it_tells_enrollments_from_clients_by_the_agency_columns(tmp_path: Path) -> None:
    clients = write_text(tmp_path / "a.csv", CLIENTS + "1,Ann,Lee,,,,,,,,,Effectuated,,111,,\r\n")
    enrollments = write_text(
        tmp_path / "b.csv",
        CLIENTS.replace("agent\r\n", "agent,agency_name,agent_email,agent_npn\r\n")
        + "1,Ann,Lee,,,,,,,,,Effectuated,,111,,Jo,Top Agency,jo@example.com,777\r\n",
    )
    with healthsherpa_policies.read(clients) as export:
        assert export.format is FormatId.HEALTHSHERPA_CLIENTS
    with healthsherpa_policies.read(enrollments) as export:
        assert export.format is FormatId.HEALTHSHERPA_ENROLLMENTS
        (row,) = list(export)
    assert (row.agency_name, row.agent_email, row.agent_npn) == (
        "Top Agency",
        "jo@example.com",
        "777",
    )


def test_it_coalesces_premium_and_gross_premium_preferring_the_canonical_name(
    tmp_path: Path,
) -> None:
    text = (
        "first_name,last_name,ffm_app_id,policy_status,policy_aor,premium,gross_premium\r\n"
        "Ann,Lee,111,Effectuated,,10.00,12.00\r\n"
        "Bo,Lee,112,Effectuated,,10.00,\r\n"
    )
    rows = policies(write_text(tmp_path / "clients.csv", text))
    assert [row.gross_premium for row in rows] == [Decimal("12.00"), Decimal("10.00")]


def test_it_refuses_the_same_header_twice(tmp_path: Path) -> None:
    text = "first_name,last_name,ffm_app_id,policy_status,policy_aor,First Name\r\nA,B,1,x,,C\r\n"
    with pytest.raises(DuplicateColumnError, match="column 'First Name' appears twice"):
        healthsherpa_policies.read(write_text(tmp_path / "clients.csv", text))


def test_it_names_a_missing_required_column(tmp_path: Path) -> None:
    text = "first_name,last_name,policy_status,policy_aor,healthsherpa_id\r\nA,B,x,,1\r\n"
    with pytest.raises(MissingColumnsError, match=r"clients\.csv, row 1: .*'ffm_app_id'"):
        healthsherpa_policies.read(write_text(tmp_path / "clients.csv", text))


def test_it_reads_spouse_and_other_members(tmp_path: Path) -> None:
    text = (
        "first_name,last_name,ffm_app_id,policy_status,policy_aor,spouse_first_name,"
        "spouse_last_name,spouse_dob,other_1_first_name,other_1_dob,other_2_first_name\r\n"
        "Ann,Lee,111,Effectuated,,Bo,Lee,1981-05-06,Cy,2015-01-02,\r\n"
    )
    (row,) = policies(write_text(tmp_path / "clients.csv", text))
    assert [(m.relationship, m.first_name, m.dob) for m in row.members] == [
        ("spouse", "Bo", date(1981, 5, 6)),
        ("other", "Cy", date(2015, 1, 2)),
    ]


def test_it_reads_masked_ssns_and_dates_of_birth_without_errors(tmp_path: Path) -> None:
    text = CLIENTS + "1,Ann,Lee,**/**/****,***-**-1234,,,,,,,Effectuated,,111,,\r\n"
    (row,) = policies(write_text(tmp_path / "clients.csv", text))
    assert (row.ssn, row.dob) == (None, None)
    assert row.errors == []


def test_it_reads_the_agency_aor_at_risk_export(tmp_path: Path) -> None:
    text = (
        "Federal Exchange ID,Client Details Page URL,Archived Status,Agency name,Agent name,"
        "Agent email address\r\n"
        "111,https://example.com/c/1,Not archived,Top Agency,Jo Agent,jo@example.com\r\n"
        "112,https://example.com/c/2,Archived,Top Agency,Jo Agent,jo@example.com\r\n"
    )
    with healthsherpa_aor.read(write_text(tmp_path / "aor.csv", text)) as export:
        rows = list(export)
    assert [(row.ffm_app_id, row.archived) for row in rows] == [("111", False), ("112", True)]
    assert rows[0].agent_name == "Jo Agent"


def test_it_reads_the_agent_aor_at_risk_export_without_agency_columns(tmp_path: Path) -> None:
    text = "Federal Exchange ID,Client Details Page URL,Archived Status\r\n111,u,Not archived\r\n"
    with healthsherpa_aor.read(write_text(tmp_path / "aor.csv", text)) as export:
        (row,) = list(export)
    assert (row.ffm_app_id, row.agency_name) == ("111", None)


def test_it_reads_the_ede_permission_lost_export(tmp_path: Path) -> None:
    text = (
        "Client name,Federal Exchange ID,Plan year,Policy status,EDE permission lost at\r\n"
        "Ann Lee,111,2025,PendingEffectuation,2025-01-10T17:00:00Z\r\n"
    )
    with healthsherpa_ede.read(write_text(tmp_path / "ede.csv", text)) as export:
        (row,) = list(export)
    assert (row.ffm_app_id, row.plan_year, row.policy_status) == (
        "111",
        2025,
        EnrollmentStatus.PENDING,
    )
    assert row.permission_lost_at == date(2025, 1, 10)


def test_it_reads_dmi_and_svi_follow_ups(tmp_path: Path) -> None:
    dmi = write_text(
        tmp_path / "dmi.csv",
        "Client name,Federal Exchange ID,DMI type,Status,Due date\r\n"
        "Ann Lee,111,Household income,Outstanding,2025-04-08\r\n",
    )
    svi = write_text(
        tmp_path / "svi.csv",
        "Federal Exchange ID,SVI type,Status,Due date\r\n111,Permanent move,Expired,2025-02-01\r\n",
    )
    with healthsherpa_followups.read_dmi(dmi) as export:
        assert [(r.ffm_app_id, r.issue_type, r.due_date) for r in export] == [
            ("111", "Household income", date(2025, 4, 8))
        ]
    with healthsherpa_followups.read_svi(svi) as export:
        assert [(r.issue_type, r.status) for r in export] == [("Permanent move", "Expired")]


def test_it_reads_the_agent_roster(tmp_path: Path) -> None:
    text = (
        "First name,Last name,Email,NPN,Agency name,Parent agency name,Exports enabled,"
        "Enrollments\r\nJo,Agent,jo@example.com,10000038,Sub Agency,Top Agency,Yes,13\r\n"
    )
    with healthsherpa_roster.read(write_text(tmp_path / "roster.csv", text)) as export:
        (row,) = list(export)
    assert (row.npn, row.parent_agency_name, row.exports_enabled, row.enrollments) == (
        "10000038",
        "Top Agency",
        True,
        13,
    )
