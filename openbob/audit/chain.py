"""The audit hash chain: each row's hash covers the previous row's hash and its own content."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from typing import Any

GENESIS = "0" * 64


def canonical(content: Mapping[str, Any]) -> bytes:
    """A stable byte form of a row's content (sorted keys, no whitespace)."""
    return json.dumps(content, sort_keys=True, separators=(",", ":"), default=str).encode()


def link_hash(key: bytes, prev_hash: str, content: Mapping[str, Any]) -> str:
    """HMAC-SHA256 over the previous hash and this row's canonical content."""
    return hmac.new(key, prev_hash.encode() + b"|" + canonical(content), hashlib.sha256).hexdigest()
