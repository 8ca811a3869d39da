from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from openbob.sources.detect import detect, read
from openbob.sources.errors import UnrecognisedFormatError
from openbob.sources.formats import FileKind, FormatId
from openbob.sources.generate import GenerationSummary
from openbob.sources.healthsherpa_policies import PolicyRow
from openbob.sources.mapped import MappedRow
from openbob.sources.tests.builders import write_text


def test_it_detects_every_generated_file_from_its_content_alone(
    generated: GenerationSummary, tmp_path: Path
) -> None:
    week = generated.weeks[-1]
    for index, (format_id, source) in enumerate(sorted(week.files.items())):
        anonymous = shutil.copy(source, tmp_path / f"download ({index}).bin")
        detected = detect(anonymous)
        assert detected.format is format_id
        assert detected.header_row == (2 if format_id is FormatId.CALHEERS_BOOK else 1)


def test_it_ignores_the_file_name(tmp_path: Path) -> None:
    path = write_text(
        tmp_path / "book_of_business.xlsx",
        "Federal Exchange ID,Client Details Page URL,Archived Status\r\n111,u,Archived\r\n",
    )
    detected = detect(path)
    assert (detected.format, detected.kind, detected.encoding, detected.delimiter) == (
        FormatId.HEALTHSHERPA_AOR_AT_RISK,
        FileKind.CSV,
        "utf-8",
        ",",
    )


def test_it_matches_headers_by_alias_in_any_case_and_punctuation(tmp_path: Path) -> None:
    path = write_text(
        tmp_path / "export.csv",
        "First-Name,LAST NAME,FFM Application ID,Policy Status,Policy AOR,HealthSherpa ID\r\n"
        "Ann,Lee,111,Effectuated,Jo (NPN: 5),9\r\n",
    )
    with read(path) as export:
        assert export.format is FormatId.HEALTHSHERPA_CLIENTS
        (row,) = list(export)
    assert isinstance(row, PolicyRow)
    assert (row.ffm_app_id, row.aor_npn, row.healthsherpa_id) == ("111", "5", "9")


def test_it_reports_an_unknown_layout_as_generic_with_its_header_row(tmp_path: Path) -> None:
    path = write_text(
        tmp_path / "carrier.csv",
        "Acme Book of Business\r\n\r\n"
        "Member,Plan,Effective,Status\r\nAnn Lee,Gold,1/1/2025,Active\r\n",
    )
    detected = detect(path)
    assert (detected.format, detected.header_row) == (FormatId.GENERIC, 3)
    assert detected.headers == ("Member", "Plan", "Effective", "Status")


def test_it_raises_when_no_row_looks_like_a_header(tmp_path: Path) -> None:
    path = write_text(tmp_path / "numbers.csv", "1,2,3\r\n4,5,6\r\n")
    with pytest.raises(UnrecognisedFormatError, match=r"numbers\.csv: no header row"):
        detect(path)


def test_read_refuses_an_unknown_layout_without_a_profile_and_reads_it_with_one(
    tmp_path: Path,
) -> None:
    path = write_text(tmp_path / "carrier.csv", "Member,Plan\r\nAnn Lee,Gold\r\n")
    with pytest.raises(UnrecognisedFormatError, match="no header row of a known layout"):
        read(path)
    with read(path, profile={"full_name": "Member", "plan_name": "Plan"}) as export:
        (row,) = list(export)
    assert isinstance(row, MappedRow)
    assert (row.full_name, row.plan_name) == ("Ann Lee", "Gold")


def test_a_source_file_streams_its_rows_once(tmp_path: Path) -> None:
    path = write_text(tmp_path / "aor.csv", "Federal Exchange ID,Archived Status\r\n111,No\r\n")
    with read(path) as export:
        assert len(list(export)) == 1
        with pytest.raises(RuntimeError, match="streams its rows once"):
            list(export)
