"""The fingerprints taken of every skimmed household are written without `repr`, and
must still equal the general `fingerprint` of the same parts: last week's snapshot was
fingerprinted one way, this week's rows may be the other, and a mismatch would type and
write every household again."""

from __future__ import annotations

import hashlib

import pytest

from openbob.imports.records import fingerprint, fingerprint_of_rows, fingerprint_with_agent

ROWS = [hashlib.blake2b(bytes([n]), digest_size=16).hexdigest() for n in range(3)]


@pytest.mark.parametrize("count", [1, 2, 3])
def test_a_households_rows_fingerprint_as_the_general_fingerprint_does(count: int) -> None:
    digests = ROWS[:count]
    assert fingerprint_of_rows(digests) == fingerprint(digests)


@pytest.mark.parametrize(("user_id", "agency_id"), [(17, 3), (None, 3), (0, 123456789)])
def test_a_fingerprint_joined_with_its_agent_is_the_general_fingerprint(
    user_id: int | None, agency_id: int
) -> None:
    digest = ROWS[0]
    joined = fingerprint_with_agent(digest, user_id, agency_id)
    assert joined == fingerprint((digest, user_id, agency_id))
    assert joined != fingerprint_with_agent(digest, 18, agency_id)
