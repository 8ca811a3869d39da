from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openbob.lib.masking import mask_dob, mask_income, mask_ssn, normalize_ssn, ssn_last4


def test_it_masks_an_ssn_down_to_its_last_four_digits() -> None:
    assert mask_ssn("1234") == "***-**-1234"
    assert mask_ssn("0042") == "***-**-0042"


@pytest.mark.parametrize("last4", [None, "", "123", "12a4", "900123456", "900-12-3456", "١٢٣٤"])
def test_it_shows_the_unknown_ssn_mask_for_anything_but_four_digits(last4: str | None) -> None:
    assert mask_ssn(last4) == "***-**-****"


def test_it_masks_a_birth_date_down_to_the_year() -> None:
    assert mask_dob(1980) == "**/**/1980"


@pytest.mark.parametrize("birth_year", [None, True, 80, 19800229])
def test_it_shows_the_unknown_dob_mask_for_anything_but_a_four_digit_year(
    birth_year: int | None,
) -> None:
    assert mask_dob(birth_year) == "**/**/****"


@pytest.mark.parametrize("income", [None, 0, 54000, "54000.00"])
def test_it_masks_every_income_the_same_way(income: object) -> None:
    assert mask_income(income) == "*****"


@pytest.mark.parametrize("raw", ["900-12-3456", "900 12 3456", "900123456", " 900-12-3456 "])
def test_it_normalizes_the_usual_ssn_spellings(raw: str) -> None:
    assert normalize_ssn(raw) == "900123456"


@pytest.mark.parametrize(
    "raw",
    [
        "000-12-3456",
        "666-12-3456",
        "900-00-3456",
        "900-12-0000",
        "90-012-3456",
        "900-12-345",
        "900-12-34567",
        "900.12.3456",
        "\uff19\uff10\uff10\uff11\uff12\uff13\uff14\uff15\uff16",  # full-width digits
        "",
    ],
)
def test_it_rejects_what_is_not_an_issuable_ssn(raw: str) -> None:
    assert normalize_ssn(raw) is None


@given(
    area=st.integers(1, 999).filter(lambda a: a != 666),
    group=st.integers(1, 99),
    serial=st.integers(1, 9999),
    separator=st.sampled_from(["", "-", " "]),
)
def test_it_accepts_every_issuable_ssn_including_the_9xx_test_range(
    area: int, group: int, serial: int, separator: str
) -> None:
    raw = f"{area:03d}{separator}{group:02d}{separator}{serial:04d}"
    assert normalize_ssn(raw) == f"{area:03d}{group:02d}{serial:04d}"


def test_it_takes_the_last_four_digits_of_a_valid_ssn() -> None:
    assert ssn_last4("900-12-3456") == "3456"


def test_it_refuses_the_last_four_of_an_invalid_ssn_without_echoing_it() -> None:
    with pytest.raises(ValueError) as error:
        ssn_last4("666-12-3456")
    assert "3456" not in str(error.value)
