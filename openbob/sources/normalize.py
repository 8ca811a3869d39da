"""Turning one raw cell into one typed value: names, phones, ZIPs, SSNs, dates, money, flags.

Every parser takes a raw `Cell` (text from a CSV, or whatever python-calamine returned)
and returns the typed value, ``None`` for a blank cell, or raises `InvalidValue` with a
reason that never repeats the value (the caller decides whether the value may be shown).

Spreadsheets mangle identifiers: Excel stores a phone number or a ZIP code as a number,
so 09165551234 becomes the float 9165551234.0 and ZIP 02134 becomes 2134. The parsers
here undo exactly those manglings and refuse what cannot be undone (a phone number shown
as 9.17E+09 has lost its digits).
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from openbob.sources.cells import Cell, cell_text, integral_float_text
from openbob.sources.errors import InvalidValue

_CENT = Decimal("0.01")
_MONEY_LIMIT = Decimal(10) ** 9
_EXCEL_EPOCH = date(1899, 12, 30)
_EXCEL_LAST_SERIAL = 2_958_465  # 9999-12-31
_NO_END_DATE = date(9999, 12, 31)

_TIME_TAIL = (
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:[AaPp][Mm])?"
    r"\s*(?:Z|[A-Za-z]{2,4}|[+-]\d{2}:?\d{2})?)?"
)
_US_DATE = re.compile(r"(\d{1,2})[/-](\d{1,2})[/-](\d{4})" + _TIME_TAIL)
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})" + _TIME_TAIL)
_MONEY = re.compile(r"(\()?(-)?(\d+(?:\.\d*)?|\.\d+)(\))?")
_INTEGER = re.compile(r"[+-]?\d{1,18}(?:\.0+)?")
_SCIENTIFIC = re.compile(r"[+-]?\d(?:\.\d+)?[eE][+-]?\d+")
_LETTERS = re.compile(r"[A-Za-z]")
_ZIP = re.compile(r"(\d{5})(?:[- ]?\d{4})?|(\d{3,4})")
_SSN_MASK_CHARS = frozenset("*Xx#- ")
_MASK_CHARS = frozenset("*-/., ")
_YEAR_ONLY = re.compile(r"\*{1,2}[/-]\*{1,2}[/-]\d{4}|\d{4}-\*{1,2}-\*{1,2}")
_AOR = re.compile(r"(?P<name>.*?)\s*\(\s*NPN\s*[:#]?\s*(?P<npn>\d+)\s*\)\s*", re.IGNORECASE)
_NO_AOR = frozenset({"none", "null", "n/a", "na", "-"})
_TRUE = frozenset({"y", "yes", "true", "t", "1"})
_FALSE = frozenset({"n", "no", "false", "f", "0"})


def text(cell: Cell) -> str | None:
    """Trimmed text; None when blank."""
    value = cell_text(cell).strip()
    return value or None


def _masked(value: str) -> bool:
    """True for a value HealthSherpa masked with asterisks (DOB, income) under CMS rules."""
    return "*" in value and set(value) <= _MASK_CHARS


def name(cell: Cell) -> str | None:
    """A person's or agency's name with runs of whitespace collapsed."""
    value = text(cell)
    return " ".join(value.split()) if value else None


def identifier(cell: Cell) -> str | None:
    """A case number or ID as text, even when Excel stored it as a number."""
    if isinstance(cell, float) and integral_float_text(cell) is None:
        raise InvalidValue("an identifier cannot have decimals")
    return text(cell)


def _numeric_digits(cell: Cell, what: str) -> str | None:
    """Digits of a number cell (Excel's mangling of a digit string), else None."""
    if isinstance(cell, bool):
        raise InvalidValue(f"{what} cannot be TRUE/FALSE")
    if isinstance(cell, int):
        if cell < 0:
            raise InvalidValue(f"{what} cannot be negative")
        return str(cell)
    if isinstance(cell, float):
        digits = integral_float_text(cell) if cell >= 0 else None
        if digits is None:
            raise InvalidValue(f"{what} must be whole digits")
        return digits
    return None


def npn(cell: Cell) -> str | None:
    """A National Producer Number: 1 to 10 digits."""
    value = _numeric_digits(cell, "an NPN") or text(cell)
    if value is None:
        return None
    if not value.isascii() or not value.isdigit() or len(value) > 10:
        raise InvalidValue("an NPN must be 1 to 10 digits")
    return value


def phone(cell: Cell) -> str | None:
    """Ten digits: '(916) 555-1234', '+1 916 555 1234' and 9165551234.0 all give '9165551234'."""
    digits = _numeric_digits(cell, "a phone number")
    if digits is None:
        value = text(cell)
        if value is None:
            return None
        if _SCIENTIFIC.fullmatch(value):
            raise InvalidValue("phone number was saved in scientific notation and lost digits")
        if _LETTERS.search(value):
            raise InvalidValue("phone number contains letters or an extension")
        digits = "".join(ch for ch in value if ch.isascii() and ch.isdigit())
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) != 10:
        raise InvalidValue("phone number must have 10 digits")
    return digits


def zip_code(cell: Cell) -> str | None:
    """A 5-digit ZIP; restores the leading zeros Excel drops and cuts ZIP+4 to five digits."""
    digits = _numeric_digits(cell, "a ZIP code")
    value = digits if digits is not None else text(cell)
    if value is None:
        return None
    match = _ZIP.fullmatch(value)
    if match is None:
        raise InvalidValue("not a ZIP code")
    return match.group(1) or match.group(2).zfill(5)


def ssn(cell: Cell) -> str | None:
    """Nine digits, or None for a blank or masked (``***-**-1234``) SSN."""
    digits = _numeric_digits(cell, "an SSN")
    if digits is not None:
        if len(digits) > 9:
            raise InvalidValue("SSN must have 9 digits")
        return digits.zfill(9)
    value = text(cell)
    if value is None or _is_mask(value):
        return None
    compact = value.replace("-", "").replace(" ", "")
    if len(compact) != 9 or not compact.isascii() or not compact.isdigit():
        raise InvalidValue("SSN must have 9 digits")
    return compact


def _is_mask(value: str) -> bool:
    """True for HealthSherpa's masked exports: asterisks, optionally the last four digits."""
    has_mask = any(ch in "*Xx#" for ch in value)
    return has_mask and all(ch in _SSN_MASK_CHARS or ch.isdigit() for ch in value)


def mask_ssn(value: str) -> str:
    """The only form of an SSN fit for a screen or a log: ``***-**-1234``."""
    return f"***-**-{value[-4:]}" if len(value) >= 4 else "***-**-****"


def parse_date(cell: Cell) -> date | None:
    """A calendar date from M/D/YYYY, YYYY-MM-DD (with or without a time), an Excel date
    cell or an Excel serial number. 12/31/9999, the carriers' "no end date", and a
    masked value (asterisks, or OpenBoB's own year-only ``**/**/1980``) are None."""
    if isinstance(cell, bool):
        raise InvalidValue("not a date")
    if isinstance(cell, datetime):
        return _real_date(cell.date())
    if isinstance(cell, date):
        return _real_date(cell)
    if isinstance(cell, int | float):
        return _real_date(_excel_serial(cell))
    value = text(cell)
    if value is None or _masked(value) or _YEAR_ONLY.fullmatch(value):
        return None
    if match := _US_DATE.fullmatch(value):
        month, day, year = (int(part) for part in match.groups())
    elif match := _ISO_DATE.fullmatch(value):
        year, month, day = (int(part) for part in match.groups())
    else:
        raise InvalidValue("not a date (expected M/D/YYYY or YYYY-MM-DD)")
    try:
        return _real_date(date(year, month, day))
    except ValueError:
        raise InvalidValue("no such calendar date") from None


def _excel_serial(number: float) -> date:
    if not math.isfinite(number) or not 1 <= number <= _EXCEL_LAST_SERIAL:
        raise InvalidValue("number is not an Excel date")
    return _EXCEL_EPOCH + timedelta(days=int(number))


def _real_date(value: date) -> date | None:
    return None if value == _NO_END_DATE else value


def money(cell: Cell) -> Decimal | None:
    """Dollars with two decimals: '$1,234.5' -> 1234.50, '(12.00)' -> -12.00; a masked
    value (asterisks) is None."""
    if isinstance(cell, bool):
        raise InvalidValue("not an amount")
    if isinstance(cell, float):
        if not math.isfinite(cell):
            raise InvalidValue("not an amount")
        amount = Decimal(repr(cell))
    elif isinstance(cell, int):
        amount = Decimal(cell)
    else:
        value = text(cell)
        if value is None or _masked(value):
            return None
        compact = "".join(value.replace("$", "").replace(",", "").split())
        match = _MONEY.fullmatch(compact)
        if match is None or bool(match.group(1)) != bool(match.group(4)):
            raise InvalidValue("not an amount")
        negative = bool(match.group(1)) or bool(match.group(2))
        amount = -Decimal(match.group(3)) if negative else Decimal(match.group(3))
    if abs(amount) >= _MONEY_LIMIT:
        raise InvalidValue("amount out of range")
    return amount.quantize(_CENT, rounding=ROUND_HALF_UP)


def integer(cell: Cell) -> int | None:
    """A whole number; 3.0 (how Excel stores 3) is 3, 3.5 is an error."""
    if isinstance(cell, bool):
        raise InvalidValue("not a whole number")
    if isinstance(cell, int):
        return cell
    if isinstance(cell, float):
        digits = integral_float_text(cell)
        if digits is None:
            raise InvalidValue("not a whole number")
        return int(digits)
    value = text(cell)
    if value is None:
        return None
    compact = value.replace(",", "")
    if not _INTEGER.fullmatch(compact):
        raise InvalidValue("not a whole number")
    return int(compact.split(".")[0])


def flag(cell: Cell) -> bool | None:
    """Y/N, Yes/No, True/False, 1/0 (any case) as a boolean."""
    if isinstance(cell, bool):
        return cell
    if isinstance(cell, int | float) and cell in (0, 1):
        return bool(cell)
    value = text(cell)
    if value is None:
        return None
    folded = value.casefold()
    if folded in _TRUE:
        return True
    if folded in _FALSE:
        return False
    raise InvalidValue("not a yes/no value")


def agent_of_record(cell: Cell) -> tuple[str | None, str | None]:
    """('Jane Doe', '12345') from HealthSherpa's 'Jane Doe (NPN: 12345)'.

    Blank and 'None' mean no agent of record; a value without an NPN (such as
    'HealthSherpa referral') is a name without an NPN.
    """
    value = name(cell)
    if value is None or value.casefold() in _NO_AOR:
        return None, None
    match = _AOR.fullmatch(value)
    if match is None:
        return value, None
    return match.group("name") or None, match.group("npn")
