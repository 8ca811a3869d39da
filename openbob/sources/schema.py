"""What a layout's columns are: field specs, header aliases, and header normalisation.

Headers are matched by name, never by position, because no export documents its column
order and the vendors change it. Matching ignores case, spacing, underscores and
punctuation, so `Residence Address - Zip`, `residence_address_zip` and
`ResidenceAddressZip` are one header. Each field lists aliases; a real file that names a
column differently needs one more alias, not new code.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from openbob.sources.cells import Cell
from openbob.sources.normalize import text

Parser = Callable[[Cell], object]

_MOJIBAKE_BOM = "ï»¿"  # a UTF-8 BOM read as latin-1


def normalize_header(header: str) -> str:
    """The comparison key of a header: lower case, letters and digits only."""
    folded = unicodedata.normalize("NFKC", header.removeprefix(_MOJIBAKE_BOM)).casefold()
    return "".join(ch for ch in folded if ch.isalnum())


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One field of a layout: its name on the row, its canonical header, how to parse it.

    `sensitive` fields (SSN, DOB, income) never show their value in a `RowError`.
    """

    name: str
    header: str
    parse: Parser = text
    aliases: tuple[str, ...] = ()
    required: bool = False
    sensitive: bool = False

    def match_keys(self) -> tuple[str, ...]:
        """Normalised header and aliases, in order of preference."""
        return tuple(normalize_header(label) for label in (self.header, *self.aliases))


@dataclass(frozen=True, slots=True)
class Schema:
    """A layout's fields, and the tokens it writes for "no value" (CalHEERS: `null`)."""

    fields: tuple[FieldSpec, ...]
    null_tokens: frozenset[str] = frozenset()
    index: dict[str, tuple[FieldSpec, int]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index: dict[str, tuple[FieldSpec, int]] = {}
        for spec in self.fields:
            for priority, key in enumerate(spec.match_keys()):
                if not key:
                    raise ValueError(f"field {spec.name!r} has a header without letters or digits")
                if key in index and index[key][0] is not spec:
                    raise ValueError(f"header {key!r} is claimed by two fields")
                index.setdefault(key, (spec, priority))
        object.__setattr__(self, "index", index)

    def match(self, header: str) -> tuple[FieldSpec, int] | None:
        """The field a header names and the alias priority (0 = canonical), if any."""
        return self.index.get(normalize_header(header))

    def field_names(self) -> frozenset[str]:
        return frozenset(spec.name for spec in self.fields)

    def hits(self, keys: Iterable[str]) -> frozenset[str]:
        """Names of the fields these normalised headers name."""
        return frozenset(
            matched[0].name for key in keys if (matched := self.index.get(key)) is not None
        )
