"""PII at rest (E1): a copy of the database holds no seeded SSN, DOB or income.

GIVEN a fresh installation, migrated and seeded through the `bob` CLI in a subprocess,
WHEN we read the database the way a thief with a copy would (the SQLite file and its
WAL, or a pg_dump),
THEN no seeded value appears, formatted or digits-only.

The test learns the seeded values the way only a key holder can: by decrypting the
stored ciphertexts with the keys from the installation's own secrets.json.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest

from openbob.audit.tests.scratch import VENDORS, Scratch, scratch
from openbob.lib.crypto import DecryptionError, KeyRing

CONSUMERS = 300
# Runs of the characters every spelling is made of: each occurrence of a spelling lies
# inside one such run, so enumerating the runs' substrings finds them all, fast.
_RUN = re.compile(rb"[0-9$,./-]{7,}")
_WINDOW = 512  # longer than any value a coincidence could involve (see `_leaks`)
# Values random by construction (digests, UUIDs, ciphertexts, password hashes): they
# cannot hold plaintext, so digits inside one are always chance.
_RANDOM = re.compile(rb"[0-9a-f-]{32,}|v1\.[a-z0-9]+\.[\w-]+|(argon2|pbkdf2_sha256|!)\S+")


@pytest.fixture(scope="module", params=VENDORS)
def seeded(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Scratch]:
    with scratch(request.param, tmp_path_factory.mktemp(request.param)) as install:
        install.bob("migrate", "--verbosity", "0")
        install.bob("seed", "--consumers", str(CONSUMERS))
        yield install


def _ring(install: Scratch) -> KeyRing:
    return KeyRing.from_string(install.secret("OPENBOB_FIELD_KEYS"))


def _seeded_values(install: Scratch) -> tuple[list[str], list[date], list[Decimal]]:
    ring = _ring(install)
    members = install.rows("SELECT ssn_encrypted, dob_encrypted FROM book_member")
    incomes = install.rows("SELECT income_encrypted FROM book_household")
    return (
        [ring.decrypt(ssn) for ssn, _ in members],
        [date.fromisoformat(ring.decrypt(dob)) for _, dob in members],
        [Decimal(ring.decrypt(income)) for (income,) in incomes],
    )


def _spellings(ssns: list[str], dobs: list[date], incomes: list[Decimal]) -> set[bytes]:
    """Every seeded value, formatted and digits-only.

    Whole-dollar incomes ("45000") are left out: five-digit numbers stand in the clear
    data anyway (street numbers, ZIP codes, phone numbers) and would match by
    coincidence. The stored form "45000.00", its grouped forms and its digits are in.
    """
    spellings = set()
    for ssn in ssns:
        spellings |= {f"{ssn[:3]}-{ssn[3:5]}-{ssn[5:]}", ssn}
    for dob in dobs:
        spellings |= {dob.isoformat(), f"{dob:%m/%d/%Y}", f"{dob:%Y%m%d}", f"{dob:%m%d%Y}"}
    for income in incomes:
        stored = f"{income:.2f}"
        spellings |= {stored, stored.replace(".", ""), f"{income:,.2f}", f"${income:,.0f}"}
    return {spelling.encode() for spelling in spellings}


def _occurrences(raw: bytes, spellings: set[bytes]) -> set[bytes]:
    """Which of `spellings` occur anywhere in `raw` (as substrings, not whole words)."""
    lengths = {len(spelling) for spelling in spellings}
    return spellings & {
        run[start : start + length]
        for run in _RUN.findall(raw)
        for length in lengths
        for start in range(len(run) - length + 1)
    }


def _text_values(install: Scratch) -> set[bytes]:
    """Every text value stored in any table, as the database stores it."""
    return {
        value.encode()
        for table in install.tables()
        for row in install.rows(f'SELECT * FROM "{table}"')  # noqa: S608
        for value in row
        if isinstance(value, str) and value
    }


def _leaks(raw: bytes, hits: set[bytes], stored: set[bytes]) -> set[bytes]:
    """The hits that are real: some stored value holds them, not a chance juxtaposition.

    Digits line up by chance inside random hex (a blind index), and, as SQLite writes a
    row's columns back to back, across two values (a timestamp's microseconds and a case
    number). Near each occurrence, blank out the random values and every stored value
    that neither holds the hit nor could be part of it, longest first; a coincidence
    vanishes, a value holding PII stays.
    """
    leaks = set()
    for hit in hits:
        innocent = sorted(
            (v for v in stored if _RANDOM.fullmatch(v) or (hit not in v and v not in hit)),
            key=len,
            reverse=True,
        )
        for found in re.finditer(re.escape(hit), raw):
            window = raw[max(found.start() - _WINDOW, 0) : found.end() + _WINDOW]
            for value in innocent:
                window = window.replace(value, bytes(len(value)))
            if hit in window:
                leaks.add(hit)
    return leaks


def test_the_database_holds_no_seeded_ssn_dob_or_income_in_any_spelling(
    seeded: Scratch,
) -> None:
    ssns, dobs, incomes = _seeded_values(seeded)
    assert len(ssns) >= CONSUMERS and len(incomes) == CONSUMERS
    raw = seeded.raw_bytes()
    hits = _occurrences(raw, _spellings(ssns, dobs, incomes))
    assert _leaks(raw, hits, _text_values(seeded) if hits else set()) == set()


def test_the_scan_does_find_values_stored_in_the_clear(seeded: Scratch) -> None:
    """The control: the same scan over the same bytes sees clear phone numbers and dates."""
    ((phone, effective),) = seeded.rows(
        "SELECT h.primary_phone, e.effective_date FROM book_household h"
        " JOIN book_enrollment e ON e.household_id = h.id ORDER BY h.id LIMIT 1"
    )
    clear = {str(effective).encode(), str(phone).encode()}
    assert _occurrences(seeded.raw_bytes(), clear) == clear


def test_digits_lined_up_by_chance_are_told_apart_from_a_value_holding_them() -> None:
    stamp, case, ssn = b"2026-11-23 02:47:29.909037", b"9876723417", b"903798767"
    digest = b"2babd9479f7dba6f6262685c6fde" + ssn + b"b4127561001780dab89fa011a487a38"
    assert _leaks(b"|" + stamp + case + b"|" + digest, {ssn}, {stamp, case, digest}) == set()
    named = b"Ann" + ssn
    assert _leaks(b"|" + stamp + named + case + b"|", {ssn}, {stamp, named, case}) == {ssn}


def test_changing_any_byte_of_a_stored_ciphertext_makes_decryption_fail(seeded: Scratch) -> None:
    ring = _ring(seeded)
    ((token,),) = seeded.rows("SELECT ssn_encrypted FROM book_member ORDER BY id LIMIT 1")
    assert ring.decrypt(token).isdigit()
    prefix, body = token.rsplit(".", 1)
    sealed = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    for index in range(len(sealed)):
        for bit in range(8):
            changed = bytearray(sealed)
            changed[index] ^= 1 << bit
            encoded = base64.urlsafe_b64encode(bytes(changed)).rstrip(b"=").decode()
            with pytest.raises(DecryptionError):
                ring.decrypt(f"{prefix}.{encoded}")
    for index in range(len(token)):
        with pytest.raises(DecryptionError):
            ring.decrypt(token[:index] + chr(ord(token[index]) ^ 1) + token[index + 1 :])
