"""Export kinds whose columns are decided per job, registered by the apps that own them.

The catalogue (`openbob.exports.catalogue.EXPORTS`) is static: a job's columns follow
from its kind. A saved report chooses its columns per report, so its jobs cannot be
resolved from the kind alone. Its app registers a `DynamicKind` here (from its
`AppConfig.ready`), and every place that needs a job's columns or title asks
`openbob.exports.services.spec_for(job)`. A dynamic export therefore takes the static
exports' path: the same request checks and audit row, worker task, Exports History,
signed links, masking, permission and "Prevent exports" switch, notification and email.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Protocol

from django.core.exceptions import ImproperlyConfigured

from openbob.accounts.models import User
from openbob.exports import catalogue
from openbob.exports.catalogue import ExportSpec
from openbob.exports.models import ExportJob
from openbob.exports.rowsets import Request, Row


class Refused(Exception):
    """The export may not run (permission, switch, or what it exports is gone); the
    message is shown to the user in Exports History."""


class DynamicKind(Protocol):
    """What an app provides for an export kind whose columns vary per job."""

    @property
    def key(self) -> str:
        """The job kind (`ExportJob.kind`); never a key of the static catalogue."""

    def clean(self, user: User, options: Mapping[str, Any]) -> dict[str, Any]:
        """The job's parameters from a request's options: ids only, never PII.

        Raises Http404 for something `user` cannot see, ValidationError for bad values.
        Retry passes a job's own parameters back in, so they must clean to themselves.
        """

    def check(self, user: User, parameters: Mapping[str, Any]) -> None:
        """Raise `Refused` when `user` may no longer export this; the worker asks before
        it writes, since what the job names may have changed since the request."""

    def spec_for(self, job: ExportJob) -> ExportSpec:
        """The job's title and columns (masking rules included, for the Legend).

        Must not raise for a job whose subject is gone: history and the API still list
        the job, under a title that says so.
        """

    def rows_for(self, request: Request) -> Iterator[Row]:
        """The rows of `request.user`'s scope, masked, in `request.spec`'s column order.

        Called once `check` passed; it may raise `Refused` itself (before the first
        row), e.g. when the columns changed since `spec_for`.
        """


_KINDS: dict[str, DynamicKind] = {}


def register(kind: DynamicKind) -> None:
    """Make `kind` known; registering the same key twice is a configuration error."""
    if kind.key in catalogue.BY_KEY:
        raise ImproperlyConfigured(f"Export kind {kind.key!r} is a static catalogue export.")
    known = _KINDS.get(kind.key)
    if known is not None and type(known) is not type(kind):
        raise ImproperlyConfigured(f"Export kind {kind.key!r} is registered twice.")
    _KINDS[kind.key] = kind


def get(key: str) -> DynamicKind | None:
    return _KINDS.get(key)
