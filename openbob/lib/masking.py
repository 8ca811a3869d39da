"""Masked PII for roles without ``pii.view``, and SSN normalisation for the blind index.

The masks are built only from the clear ``ssn_last4`` and ``birth_year`` columns, so a
masked page never needs to decrypt anything (reliability.md A3). A mask function given
something other than what it expects shows the "unknown" mask rather than echoing its
input: passing a full SSN by mistake must not print it.
"""

from __future__ import annotations

import re

UNKNOWN_SSN = "***-**-****"
UNKNOWN_DOB = "**/**/****"
MASKED_INCOME = "*****"

_LAST4 = re.compile(r"[0-9]{4}")
_SSN = re.compile(r"\s*([0-9]{3})[- ]?([0-9]{2})[- ]?([0-9]{4})\s*")
_NEVER_ISSUED_AREAS = frozenset({"000", "666"})


def mask_ssn(last4: str | None) -> str:
    """``***-**-1234``, or ``***-**-****`` when the last four digits are unknown."""
    if last4 is None or not _LAST4.fullmatch(last4):
        return UNKNOWN_SSN
    return f"***-**-{last4}"


def mask_dob(birth_year: int | None) -> str:
    """``**/**/1980``: the birth year alone, which the book keeps in clear for age bands."""
    if isinstance(birth_year, bool) or not isinstance(birth_year, int):
        return UNKNOWN_DOB
    if not 1000 <= birth_year <= 9999:
        return UNKNOWN_DOB
    return f"**/**/{birth_year}"


def mask_income(_: object) -> str:
    """Always ``*****``: even the number of digits of an income is not shown."""
    return MASKED_INCOME


def normalize_ssn(raw: str) -> str | None:
    """The 9 digits of `raw` (``123-45-6789``, ``123 45 6789``, ``123456789``), or None.

    Rejects what SSA never issues: area 000 or 666, group 00, serial 0000. The 9xx
    areas are accepted on purpose: ITINs, which exchange files carry in the SSN field,
    start with 9, and test fixtures use 9xx so that they can never be a real SSN.
    """
    match = _SSN.fullmatch(raw)
    if match is None:
        return None
    area, group, serial = match.groups()
    if area in _NEVER_ISSUED_AREAS or group == "00" or serial == "0000":
        return None
    return f"{area}{group}{serial}"


def ssn_last4(ssn: str) -> str:
    """The last four digits of a valid SSN, in any form `normalize_ssn` accepts."""
    normalized = normalize_ssn(ssn)
    if normalized is None:
        raise ValueError("Not a valid SSN")
    return normalized[-4:]
