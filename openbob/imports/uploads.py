"""Receiving uploaded files: the size limit before parsing, private copies, and ownership.

An upload holds consumer PII, so it never touches the shared temp directory where
Django's own handlers would spool it: `PrivateUploadHandler` streams each file straight
into a file only the service user may read, under ``DATA_DIR/uploads``, and stops as
soon as the request grows past ``OPENBOB_UPLOAD_MAX_BYTES`` (a client may leave out or
understate Content-Length, which `declared_too_large` checks first). The request owns
every file it received until an import job claims it; whatever is unclaimed when the
request ends is deleted (`private_uploads`).
"""

from __future__ import annotations

import os
import re
import secrets
import string
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest

MB = 1024 * 1024
DEFAULT_UPLOAD_MAX_BYTES = 100 * MB
DEFAULT_INLINE_MAX_BYTES = 5 * MB
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def upload_limit() -> int:
    """The largest request body an upload may have (OPENBOB_UPLOAD_MAX_BYTES)."""
    return int(getattr(settings, "OPENBOB_UPLOAD_MAX_BYTES", DEFAULT_UPLOAD_MAX_BYTES))


def inline_limit() -> int:
    """Uploads up to this size are imported in the request (OPENBOB_IMPORT_INLINE_MAX_BYTES)."""
    return int(getattr(settings, "OPENBOB_IMPORT_INLINE_MAX_BYTES", DEFAULT_INLINE_MAX_BYTES))


def too_large_message() -> str:
    return f"The upload is larger than the limit of {upload_limit() / MB:g} MB; nothing was read."


def declared_too_large(request: HttpRequest) -> bool:
    """True when the request announces a body over the limit (checked before any read)."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False  # Django refuses a malformed Content-Length itself
    return length > upload_limit()


def delete_upload(path: str | Path) -> None:
    """Remove an upload and its private folder, if they are still there."""
    if path:
        with suppress(FileNotFoundError):
            Path(path).unlink()
        with suppress(OSError):
            Path(path).parent.rmdir()


def safe_file_name(name: str) -> str:
    """`name` (a client's file name) with anything but letters, digits, dot, dash and
    underscore replaced, fit for a path or a Content-Disposition header."""
    return _UNSAFE.sub("_", Path(name).name)[-120:] or "upload"


def _private_path(file_name: str) -> Path:
    """A path for an upload in a new folder of its own under DATA_DIR/uploads.

    The file keeps the client's name, so row errors name the file the user knows and the
    date a name carries (``enrollments_20250110.csv``) means what it does on the command
    line; the folder's random name is letters only, so that date stays the only one.
    """
    root = settings.DATA_DIR / "uploads"
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder = root / "".join(secrets.choice(string.ascii_lowercase) for _ in range(20))
    folder.mkdir(mode=0o700)
    return folder / safe_file_name(file_name)


class PrivateUploadedFile(UploadedFile[bytes]):
    """An uploaded file kept at `path` (mode 0600) until a job claims it or it is discarded."""

    def __init__(self, path: Path, name: str, content_type: str, charset: str | None) -> None:
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
        super().__init__(os.fdopen(descriptor, "w+b"), name, content_type, 0, charset)
        self.path = path
        self.claimed = False

    def temporary_file_path(self) -> str:
        return str(self.path)

    def claim(self) -> Path:
        """Hand the file over to its new owner (an import job): the request keeps off it."""
        self.close()
        self.claimed = True
        return self.path

    def discard(self) -> None:
        self.close()
        delete_upload(self.path)


class PrivateUploadHandler(FileUploadHandler):
    """Streams every file of a request into a private file, within the request's limit."""

    def __init__(self, request: HttpRequest, *, limit: int) -> None:
        super().__init__(request)
        self.limit = limit
        self.received = 0
        self.too_large = False
        self.created: list[PrivateUploadedFile] = []

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        name = str(self.file_name or "upload")
        self.file = PrivateUploadedFile(
            _private_path(name), name, str(self.content_type or ""), self.charset
        )
        self.created.append(self.file)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        self.received += len(raw_data)
        if self.received > self.limit:
            self.too_large = True
            raise StopUpload(connection_reset=True)
        self.file.write(raw_data)

    def file_complete(self, file_size: int) -> PrivateUploadedFile:
        self.file.seek(0)
        self.file.size = file_size
        return self.file

    def discard_unclaimed(self) -> None:
        for upload in self.created:
            if not upload.claimed:
                upload.discard()


@contextmanager
def private_uploads(request: HttpRequest) -> Iterator[PrivateUploadHandler]:
    """Receive this request's files privately; delete the ones no job claimed at the end.

    Must be entered before anything reads ``request.POST`` or ``request.FILES`` (Django
    refuses to change upload handlers afterwards), so views using it are CSRF-exempt
    and apply `csrf_protect` inside.
    """
    handler = PrivateUploadHandler(request, limit=upload_limit())
    request.upload_handlers = [handler]
    try:
        yield handler
    finally:
        handler.discard_unclaimed()
