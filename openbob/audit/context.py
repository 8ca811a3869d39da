"""The current request id, so audit rows written deep in a service can name their request."""

from __future__ import annotations

from contextvars import ContextVar

current_request_id: ContextVar[str] = ContextVar("openbob_request_id", default="")
