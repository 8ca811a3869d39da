"""Which layout a file is, from its header row, and opening it with the right adapter.

`read` detects and parses in one pass over the file: prefer it to `detect` followed by
an adapter's own `read`, which would load a large workbook twice. `detect` is for
telling a user what a file is (or which headers it has) without reading its rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from openbob.sources import (
    calheers,
    healthsherpa_aor,
    healthsherpa_ede,
    healthsherpa_followups,
    healthsherpa_policies,
    healthsherpa_roster,
    mapped,
)
from openbob.sources.detection import find_generic_header, find_header, row_headers
from openbob.sources.errors import UnrecognisedFormatError
from openbob.sources.formats import DetectedFormat, FormatId
from openbob.sources.safety import DEFAULT_LIMITS, Limits
from openbob.sources.source_file import Adapter, SourceFile, open_source
from openbob.sources.table import open_table

ADAPTERS: tuple[Adapter[Any], ...] = (
    calheers.ADAPTER,
    healthsherpa_policies.ENROLLMENTS_ADAPTER,
    healthsherpa_policies.CLIENTS_ADAPTER,
    healthsherpa_aor.ADAPTER,
    healthsherpa_ede.ADAPTER,
    healthsherpa_followups.DMI_ADAPTER,
    healthsherpa_followups.SVI_ADAPTER,
    healthsherpa_roster.ADAPTER,
)
"""Every built-in layout, the more specific first (detection breaks ties by this order)."""


def detect(path: str | Path, *, limits: Limits = DEFAULT_LIMITS) -> DetectedFormat:
    """The file's layout, header row, encoding and delimiter, from its content alone.

    A file no built-in layout recognises is `FormatId.GENERIC`, with the first row that
    looks like a header; with no such row it raises `UnrecognisedFormatError`.
    """
    with open_table(Path(path), limits) as table:
        found = find_header(table.head, [adapter.spec for adapter in ADAPTERS])
        if found is not None:
            format_id, header = found[0].id, found[1]
        else:
            generic = find_generic_header(table.head)
            if generic is None:
                raise UnrecognisedFormatError(path, "no header row found in the first rows")
            format_id, header = FormatId.GENERIC, generic
        return DetectedFormat(
            format=format_id,
            kind=table.kind,
            header_row=header.number,
            headers=tuple(row_headers(header)),
            encoding=table.encoding,
            delimiter=table.delimiter,
        )


def read(
    path: str | Path,
    *,
    profile: Mapping[str, str] | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> SourceFile[Any]:
    """Open a file as its built-in layout, or through `profile` when one is given.

    Without a profile, a file of no built-in layout raises `UnrecognisedFormatError`;
    `detect(path).headers` and `propose_mapping` then help the user build a profile.
    """
    adapters = ADAPTERS if profile is None else (mapped.adapter(profile),)
    return open_source(Path(path), adapters, limits)
