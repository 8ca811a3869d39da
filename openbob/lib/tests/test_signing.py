from __future__ import annotations

import re
import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openbob.lib.signing import BadToken, ExpiredToken, make_token, read_token

SECRET = b"a-test-secret-of-at-least-32-bytes!"
NOW = 1_790_000_000
PAYLOAD = {"export": 812, "user": 7}


def token(expires_at: int = NOW + 900, purpose: str = "export-download") -> str:
    return make_token(PAYLOAD, secret=SECRET, expires_at=expires_at, purpose=purpose)


def read(value: str, *, now: int = NOW, purpose: str = "export-download") -> dict[str, str | int]:
    return read_token(value, secret=SECRET, purpose=purpose, now=now)


@given(
    st.dictionaries(st.text(), st.one_of(st.text(), st.integers())),
    st.integers(NOW + 1, NOW + 10**9),
)
def test_it_round_trips_any_payload_until_it_expires(
    payload: dict[str, str | int], expires_at: int
) -> None:
    value = make_token(payload, secret=SECRET, expires_at=expires_at, purpose="p")
    assert read_token(value, secret=SECRET, purpose="p", now=expires_at - 1) == payload


def test_a_token_is_urlsafe_and_compact() -> None:
    value = token()
    assert re.fullmatch(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+", value)
    assert len(value) < 100


def test_it_raises_expired_token_from_the_expiry_second_on() -> None:
    value = token(expires_at=NOW)
    assert read(value, now=NOW - 1) == PAYLOAD
    with pytest.raises(ExpiredToken):
        read(value, now=NOW)


@given(st.data())
def test_a_tampered_token_is_bad_never_merely_expired(data: st.DataObject) -> None:
    value = token(expires_at=NOW - 60)
    position = data.draw(st.integers(0, len(value) - 1))
    alphabet = string.ascii_letters + string.digits + "-_."
    replacement = data.draw(st.sampled_from(alphabet).filter(lambda c: c != value[position]))
    with pytest.raises(BadToken) as error:
        read(value[:position] + replacement + value[position + 1 :])
    assert not isinstance(error.value, ExpiredToken)


def test_it_rejects_a_token_made_for_another_purpose() -> None:
    with pytest.raises(BadToken):
        read(token(purpose="password-reset"))


def test_it_rejects_a_token_signed_with_another_secret() -> None:
    value = make_token(PAYLOAD, secret=b"x" * 32, expires_at=NOW + 60, purpose="export-download")
    with pytest.raises(BadToken):
        read(value)


@given(st.text())
def test_it_raises_only_bad_token_on_garbage(value: str) -> None:
    with pytest.raises(BadToken):
        read(value)


def test_it_refuses_payload_values_other_than_text_and_integers() -> None:
    with pytest.raises(TypeError):
        make_token({"ok": True}, secret=SECRET, expires_at=NOW, purpose="p")


def test_it_refuses_a_short_secret_and_an_empty_purpose() -> None:
    with pytest.raises(ValueError, match="16 bytes"):
        make_token(PAYLOAD, secret=b"short", expires_at=NOW, purpose="p")
    with pytest.raises(ValueError, match="purpose"):
        make_token(PAYLOAD, secret=SECRET, expires_at=NOW, purpose="")
