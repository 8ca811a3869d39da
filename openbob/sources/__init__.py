"""Format adapters for the files OpenBoB imports, and the synthetic file generator.

Pure Python, no Django. A file's layout is detected from its header row (never its
name), checked for safety before parsing, and streamed as typed rows that keep every
unknown column in `extra` and every bad value as a `RowError`:

    with read(path) as source:          # detect + parse in one pass
        source.format, source.as_of     # FormatId, and CalHEERS' File Created time
        for row in source: ...          # CalheersRow, PolicyRow, AorAtRiskRow, ...

Layouts no adapter knows (carrier files) are read through a mapping profile, plain
JSON-ready data that `propose_mapping` drafts from a header row. The synthetic weekly
exports and their ground truth come from `openbob.sources.generate` (imported on its
own: it needs Faker and the xlsx writer).
"""

from openbob.sources.calheers import CalheersRow
from openbob.sources.detect import detect, read
from openbob.sources.errors import (
    DuplicateColumnError,
    MalformedFileError,
    MissingColumnsError,
    RowError,
    SourceError,
    UnrecognisedFormatError,
    UnsafeFileError,
)
from openbob.sources.formats import DetectedFormat, FileKind, FormatId
from openbob.sources.healthsherpa_aor import AorAtRiskRow
from openbob.sources.healthsherpa_ede import EdeLostRow
from openbob.sources.healthsherpa_followups import FollowUpRow
from openbob.sources.healthsherpa_policies import HouseholdMember, PolicyRow
from openbob.sources.healthsherpa_roster import RosterRow
from openbob.sources.mapped import MappedRow, MappingProfile, propose_mapping
from openbob.sources.safety import DEFAULT_LIMITS, Limits
from openbob.sources.source_file import SourceFile
from openbob.sources.vocab import EnrollmentStatus, Program

__all__ = [
    "DEFAULT_LIMITS",
    "AorAtRiskRow",
    "CalheersRow",
    "DetectedFormat",
    "DuplicateColumnError",
    "EdeLostRow",
    "EnrollmentStatus",
    "FileKind",
    "FollowUpRow",
    "FormatId",
    "HouseholdMember",
    "Limits",
    "MalformedFileError",
    "MappedRow",
    "MappingProfile",
    "MissingColumnsError",
    "PolicyRow",
    "Program",
    "RosterRow",
    "RowError",
    "SourceError",
    "SourceFile",
    "UnrecognisedFormatError",
    "UnsafeFileError",
    "detect",
    "propose_mapping",
    "read",
]
