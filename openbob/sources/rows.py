"""What every typed row carries besides its fields: where it came from and what went wrong.

`line` is the spreadsheet's 1-based row number; `extra` holds the raw text of every
column no field claims (keyed by header), so nothing in a file is silently dropped;
`errors` lists the row's value problems, whose fields are None on the row.
"""

from __future__ import annotations

from dataclasses import dataclass

from openbob.sources.errors import RowError


@dataclass(slots=True, kw_only=True)
class SourceRow:
    line: int
    extra: dict[str, str]
    errors: list[RowError]
