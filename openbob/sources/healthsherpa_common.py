"""Columns shared by HealthSherpa's smaller exports (AOR at-risk, EDE lost, DMI, SVI).

These exports speak Title Case (`Federal Exchange ID`, as the AOR at-risk help page
shows) where the Clients export speaks snake_case; header matching ignores the
difference. Agency-level versions add the agency and agent columns; agent-level
versions leave them out, so they are never required.
"""

from __future__ import annotations

from openbob.sources import normalize as n
from openbob.sources.schema import FieldSpec as F

FFM_APP_ID = F(
    "ffm_app_id",
    "Federal Exchange ID",
    n.identifier,
    ("ffm_app_id", "FFM application ID", "Exchange ID", "FFM app ID"),
    required=True,
)
CLIENT_NAME = F("client_name", "Client name", n.name, ("Client", "Client full name"))
CLIENT_DETAILS_URL = F(
    "client_details_url", "Client Details Page URL", aliases=("Client details URL", "Client URL")
)
LAST_SYNCED_AT = F("last_synced_at", "Last synced at", n.parse_date, ("Last EDE sync",))
AGENCY_COLUMNS = (
    F("agency_name", "Agency name", n.name),
    F("agent_name", "Agent name", n.name),
    F("agent_email", "Agent email address", aliases=("Agent email",)),
)
