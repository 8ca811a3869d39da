"""Column declarations the export catalogue does not hold yet, in its own `Field` type.

Reports need a few columns no export writes: a follow-up's kind and delegations. They
are declared here with the same type (label, kind, meaning, source, masking) so that
moving them into `openbob.exports.catalogue` later is a cut and paste; until then this
is their one declaration.
"""

from __future__ import annotations

from openbob.exports.catalogue import CALHEERS, Field

_DELEGATIONS = "Delegations"

FOLLOW_UP_KIND = Field(
    "Kind", "text", "DMI, SVI or requested action.", "Follow-ups", ("kind",), "kind"
)

DELEGATION_FIELDS: tuple[Field, ...] = (
    Field(
        "Delegation Status",
        "text",
        "Pending, Active, Removed, Transferred or Declined.",
        _DELEGATIONS,
        ("status",),
        "delegation_status",
    ),
    Field(
        "Requested At",
        "datetime",
        "When the delegation was asked for.",
        _DELEGATIONS,
        ("requested_at",),
    ),
    Field(
        "Started At",
        "datetime",
        "When the delegation became active.",
        _DELEGATIONS,
        ("started_at",),
    ),
    Field("Ended At", "datetime", "When the delegation ended.", _DELEGATIONS, ("ended_at",)),
    Field("Reason", "text", "Why it ended or moved, as recorded.", _DELEGATIONS, ("reason",)),
    Field(
        "Delegation Source",
        "text",
        "Where the delegation step came from.",
        CALHEERS,
        ("source",),
        "source",
    ),
)
