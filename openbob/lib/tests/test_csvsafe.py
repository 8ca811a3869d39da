from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openbob.lib.csvsafe import DANGEROUS_FIRST_CHARACTERS, escape_cell, is_dangerous


@pytest.mark.parametrize(
    "value",
    [
        '=HYPERLINK("http://x","y")',
        "+1",
        "-2+3",
        "@SUM(A1)",
        "\t=1",
        "\r=1",
        "\n=1",
        "\0=1",
        "\uff1d1+1",
    ],
)
def test_it_prefixes_text_a_spreadsheet_would_read_as_a_formula(value: str) -> None:
    assert is_dangerous(value)
    assert escape_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["", "Smith", "a=b", " =1", "'=1", "(916) 555-0100", "1-800"])
def test_it_leaves_other_text_unchanged(value: str) -> None:
    assert not is_dangerous(value)
    assert escape_cell(value) is value


@given(st.text())
def test_no_escaped_cell_starts_with_a_dangerous_character(value: str) -> None:
    escaped = escape_cell(value)
    assert escaped[:1] not in DANGEROUS_FIRST_CHARACTERS
    assert escaped in (value, "'" + value)
