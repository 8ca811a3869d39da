"""`bob export`: synchronous, same checks and job as the portal, file copied to --out."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from openbob.exports.models import ExportJob, ExportStatus
from openbob.sources.detect import read
from openbob.sources.formats import FormatId
from openbob.testing import Personas

pytestmark = pytest.mark.django_db


def test_it_writes_an_agents_book_found_by_a_partial_search(book: Personas, tmp_path: Path) -> None:
    out = tmp_path / "carol.xlsx"
    call_command(
        "export", "book_agent", "--as", "ALICE@a.test", "--agent", "caro", "--out", str(out)
    )
    with read(out) as source:
        assert source.format == FormatId.CALHEERS_BOOK
        assert {row.delegated_agent for row in source} == {"Carol Tester"}
    assert ExportJob.objects.get().status == ExportStatus.SUCCEEDED


def test_it_refuses_what_the_portal_refuses(personas: Personas, tmp_path: Path) -> None:
    out = tmp_path / "x.csv"
    with pytest.raises(CommandError, match="role"):
        call_command(
            "export", "book_all", "--as", "rita@a.test", "--format", "csv", "--out", str(out)
        )
    with pytest.raises(CommandError, match="exactly one agent"):
        call_command(
            "export", "book_agent", "--as", "alice@a.test", "--agent", "zzz", "--out", str(out)
        )
    assert not out.exists()
