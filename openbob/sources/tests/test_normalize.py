from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from openbob.sources import normalize as n
from openbob.sources.cells import Cell
from openbob.sources.errors import InvalidValue
from openbob.sources.schema import normalize_header
from openbob.sources.vocab import EnrollmentStatus, Program, enrollment_status, program


@pytest.mark.parametrize(
    "cell", [9165551234.0, 9165551234, "(916) 555-1234", "916.555.1234", "+1 916 555 1234"]
)
def test_it_recovers_phone_numbers_stored_as_numbers_or_formatted(cell: Cell) -> None:
    assert n.phone(cell) == "9165551234"


@pytest.mark.parametrize(
    ("cell", "reason"),
    [
        ("9.17E+09", "scientific notation"),
        ("555-1234", "10 digits"),
        ("916 555 1234 x12", "letters or an extension"),
        (9165551234.5, "whole digits"),
    ],
)
def test_it_refuses_phone_numbers_it_cannot_trust(cell: Cell, reason: str) -> None:
    with pytest.raises(InvalidValue, match=reason):
        n.phone(cell)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [(2134.0, "02134"), ("2134", "02134"), (95815, "95815"), ("95815-1234", "95815"),
     (958151234.0, "95815"), ("958151234", "95815"), (" 07102 ", "07102")],
)  # fmt: skip
def test_it_restores_the_leading_zeros_excel_drops_from_zip_codes(
    cell: Cell, expected: str
) -> None:
    assert n.zip_code(cell) == expected


@pytest.mark.parametrize("cell", ["12", "ABCDE", "958151", 12.5, "95815-12"])
def test_it_refuses_what_is_not_a_zip_code(cell: Cell) -> None:
    with pytest.raises(InvalidValue):
        n.zip_code(cell)


@pytest.mark.parametrize("cell", ["900-12-3456", "900 12 3456", "900123456", 900123456.0])
def test_it_reads_ssns_from_text_and_numbers(cell: Cell) -> None:
    assert n.ssn(cell) == "900123456"


def test_it_restores_the_leading_zeros_of_an_ssn_stored_as_a_number() -> None:
    assert n.ssn(12345678) == "012345678"


@pytest.mark.parametrize("cell", ["***-**-****", "***-**-6789", "XXX-XX-1234", "*********"])
def test_it_reads_masked_ssns_as_unknown_without_an_error(cell: Cell) -> None:
    assert n.ssn(cell) is None


def test_it_never_repeats_an_ssn_in_its_reason() -> None:
    with pytest.raises(InvalidValue) as caught:
        n.ssn("900-12-345")
    assert "900" not in str(caught.value)
    assert "345" not in caught.value.reason


def test_it_masks_ssns_to_the_last_four_digits() -> None:
    assert n.mask_ssn("900123456") == "***-**-3456"


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("1/2/1976", date(1976, 1, 2)),
        ("01/02/1976", date(1976, 1, 2)),
        ("1976-01-02", date(1976, 1, 2)),
        ("2025-01-03T17:00:00Z", date(2025, 1, 3)),
        ("2025-01-03 17:00:00 UTC", date(2025, 1, 3)),
        ("06/01/2024 10:15:42 AM", date(2024, 6, 1)),
        (date(1976, 1, 2), date(1976, 1, 2)),
        (datetime(1976, 1, 2, 8, 30), date(1976, 1, 2)),
        (27761.0, date(1976, 1, 2)),
    ],
)
def test_it_parses_dates_in_every_format_the_exports_use(cell: Cell, expected: date) -> None:
    assert n.parse_date(cell) == expected


def test_it_reads_12_31_9999_as_no_end_date() -> None:
    assert n.parse_date("12/31/9999") is None


@pytest.mark.parametrize("cell", ["**/**/1980", " */*/1980 ", "1980-**-**", "**/**/****"])
def test_it_reads_a_masked_date_of_birth_even_with_its_year_as_unknown(cell: Cell) -> None:
    """OpenBoB's own masked exports show the birth year alone; re-importing them works."""
    assert n.parse_date(cell) is None


@pytest.mark.parametrize("cell", ["**/**/19800", "1/**/1980", "**/02/1980"])
def test_a_partly_masked_date_is_still_refused(cell: Cell) -> None:
    with pytest.raises(InvalidValue):
        n.parse_date(cell)


@pytest.mark.parametrize("cell", ["2/30/2024", "13/01/2024", "yesterday", "1/2/76", True, -5])
def test_it_refuses_impossible_or_unreadable_dates(cell: Cell) -> None:
    with pytest.raises(InvalidValue):
        n.parse_date(cell)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("$1,234.5", "1234.50"), ("(12.00)", "-12.00"), ("-3.455", "-3.46"), (403.59, "403.59"),
     (12, "12.00"), (" 0 ", "0.00"), (".5", "0.50")],
)  # fmt: skip
def test_it_parses_money_to_two_decimal_places(cell: Cell, expected: str) -> None:
    assert n.money(cell) == Decimal(expected)


@pytest.mark.parametrize("cell", ["12abc", "(12.00", float("nan"), True, "1" * 20, "1e5"])
def test_it_refuses_what_is_not_money(cell: Cell) -> None:
    with pytest.raises(InvalidValue):
        n.money(cell)


@pytest.mark.parametrize(
    ("cell", "expected"), [("Y", True), ("no", False), ("TRUE", True), (0, False), (True, True)]
)
def test_it_reads_yes_no_flags(cell: Cell, expected: bool) -> None:
    assert n.flag(cell) is expected


def test_it_refuses_a_flag_that_is_neither_yes_nor_no() -> None:
    with pytest.raises(InvalidValue):
        n.flag("maybe")


def test_it_reads_whole_numbers_stored_as_floats_and_refuses_fractions() -> None:
    assert n.integer(3.0) == 3
    assert n.integer("1,200") == 1200
    with pytest.raises(InvalidValue):
        n.integer(3.5)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("Jane Doe (NPN: 12345)", ("Jane Doe", "12345")),
        ("  Lopez, Maria Jose (npn 9988776) ", ("Lopez, Maria Jose", "9988776")),
        ("HealthSherpa referral", ("HealthSherpa referral", None)),
        ("None", (None, None)),
        ("", (None, None)),
        (None, (None, None)),
    ],
)
def test_it_splits_the_agent_of_record_into_name_and_npn(
    cell: Cell, expected: tuple[str | None, str | None]
) -> None:
    assert n.agent_of_record(cell) == expected


def test_it_collapses_whitespace_in_names() -> None:
    assert n.name("  Mary \t Ann   Lee ") == "Mary Ann Lee"


def test_it_keeps_identifiers_stored_as_numbers_as_digits() -> None:
    assert n.identifier(1234567890.0) == "1234567890"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Effectuated", EnrollmentStatus.EFFECTUATED),
        ("PendingEffectuation", EnrollmentStatus.PENDING),
        ("pending_effectuation", EnrollmentStatus.PENDING),
        ("PendingFollowups", EnrollmentStatus.PENDING),
        ("Canceled", EnrollmentStatus.CANCELLED),
        ("Terminated", EnrollmentStatus.TERMINATED),
        ("Grace period", EnrollmentStatus.EFFECTUATED),
        ("Unpaid binder", EnrollmentStatus.PENDING),
        ("submission_failed", None),
        (None, None),
    ],
)
def test_it_normalises_status_words_from_every_source(
    raw: str | None, expected: EnrollmentStatus | None
) -> None:
    assert enrollment_status(raw) is expected


def test_it_normalises_calheers_program_types() -> None:
    assert program("Medi-Cal") is Program.MEDI_CAL
    assert program("MIXED HOUSEHOLD") is Program.MIXED_HOUSEHOLD
    assert program("Something else") is None


def test_headers_match_regardless_of_case_spacing_underscores_and_punctuation() -> None:
    keys = {
        normalize_header(header)
        for header in ("Residence Address - Zip", "residence_address_zip", "ResidenceAddressZip",
                       "\ufeffRESIDENCE ADDRESS  ZIP")
    }  # fmt: skip
    assert len(keys) == 1
