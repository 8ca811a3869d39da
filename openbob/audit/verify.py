"""Walking the audit hash chain to prove no row was edited, removed, reordered or forged.

Each row must name its predecessor's hash as `prev_hash` and carry
`hash = HMAC(audit key, prev_hash + content)`. Without the key nobody can forge a row
that passes; a removed or reordered row breaks the link of the row after it.

A chain alone cannot notice that its newest rows were cut off: the shortened chain is
still a valid chain. So `verify_chain` also accepts a *witnessed head*, the (id, hash)
that an earlier run printed and the operator kept outside the database; if that row
is gone or changed, the tail was cut.
"""

from __future__ import annotations

from dataclasses import dataclass

from openbob.audit.chain import GENESIS, link_hash
from openbob.audit.models import AuditEvent
from openbob.audit.services import audit_key, row_content

DEFAULT_CHUNK = 2_000


@dataclass(frozen=True)
class Head:
    """The newest row of a chain, as `bob audit verify` prints it: ``<id>:<hash>``."""

    id: int
    hash: str

    def __str__(self) -> str:
        return f"{self.id}:{self.hash}"

    @classmethod
    def parse(cls, text: str) -> Head:
        """Read ``<id>:<hash>``; raises ValueError on anything else."""
        row_id, separator, hash_ = text.partition(":")
        if not separator or not row_id.isdigit() or len(hash_) != len(GENESIS):
            raise ValueError("A head is written <row id>:<64 hex digits>")
        return cls(int(row_id), hash_.lower())


@dataclass(frozen=True)
class ChainReport:
    """The outcome of one walk: how many rows were checked and where it first broke."""

    checked: int
    head: Head | None
    broken_id: int | None = None
    reason: str = ""

    @property
    def intact(self) -> bool:
        return self.broken_id is None


def verify_chain(*, witnessed: Head | None = None, chunk_size: int = DEFAULT_CHUNK) -> ChainReport:
    """Recompute every link in id order, streaming, and report the first broken row."""
    key = audit_key()
    prev_hash, checked, head = GENESIS, 0, None
    witness_seen = False
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=chunk_size):
        reason = _link_problem(event, prev_hash, key)
        if reason:
            return ChainReport(checked, head, event.id, reason)
        if witnessed is not None and event.id == witnessed.id:
            if event.hash != witnessed.hash:
                return ChainReport(checked, head, event.id, "differs from the witnessed head")
            witness_seen = True
        prev_hash, checked, head = event.hash, checked + 1, Head(event.id, event.hash)
    if witnessed is not None and not witness_seen:
        return ChainReport(checked, head, witnessed.id, "the witnessed head row is missing")
    return ChainReport(checked, head)


def _link_problem(event: AuditEvent, prev_hash: str, key: bytes) -> str:
    if event.prev_hash != prev_hash:
        return "does not link to the row before it (a row was removed, moved or inserted)"
    if event.hash != link_hash(key, prev_hash, row_content(event)):
        return "content does not match its hash (the row was edited or forged)"
    return ""
