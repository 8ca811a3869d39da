"""Formula-injection escaping for text written into spreadsheet cells (ASVS 1.2.10).

Excel, LibreOffice and Google Sheets run a cell as a formula when its text starts with
certain characters, so a consumer name such as ``=HYPERLINK(...)`` taken from an
exchange file could run in an agent's spreadsheet. OWASP's remedy is to prefix such
text with a single quote, which every spreadsheet shows as text.

Dangerous first characters:

* ``=`` ``+`` ``-`` ``@``, which start a formula;
* tab and CR, which OWASP's CSV-injection guidance lists as well;
* LF and NUL, defensively: like tab and CR they are invisible, so no one means to start
  a cell with them (reliability.md F2 names NUL);
* the full-width forms of ``= + - @`` (U+FF1D, U+FF0B, U+FF0D, U+FF20), defensively:
  Unicode compatibility folding (NFKC), which some tools apply, turns them into the
  ASCII ones.

Only text is escaped: a money or integer cell holding ``-12.50`` is a number, not a
formula, and is written as one.
"""

from __future__ import annotations

DANGEROUS_FIRST_CHARACTERS = frozenset("=+-@\t\r\n\0\uff1d\uff0b\uff0d\uff20")


def is_dangerous(value: str) -> bool:
    """True when a spreadsheet could read `value` as the start of a formula."""
    return value[:1] in DANGEROUS_FIRST_CHARACTERS


def escape_cell(value: str) -> str:
    """`value`, prefixed with ``'`` when a spreadsheet would read it as a formula."""
    return f"'{value}" if is_dangerous(value) else value
