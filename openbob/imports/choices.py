"""Import statuses and the change-event vocabulary."""

from django.db import models


class ImportStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    REJECTED = "rejected", "Rejected (nothing written)"
    FAILED = "failed", "Failed (nothing written)"


class EventType(models.TextChoices):
    """What changed between two snapshots of one source and scope."""

    HOUSEHOLD_ADDED = "household_added", "New household"
    HOUSEHOLD_LOST = "household_lost", "No longer in the book (delegation lost)"
    AGENT_CHANGED = "agent_changed", "Delegated agent changed"
    AOR_CHANGED = "aor_changed", "Agent of record changed"
    AOR_AT_RISK = "aor_at_risk", "Agent of record at risk"
    STATUS_CHANGED = "status_changed", "Enrollment status changed"
    PLAN_CHANGED = "plan_changed", "Plan changed"
    GROSS_PREMIUM_CHANGED = "gross_premium_changed", "Gross premium changed"
    APTC_CHANGED = "aptc_changed", "APTC (subsidy) changed"
    NET_PREMIUM_CHANGED = "net_premium_changed", "Net premium changed"
    PROGRAM_CHANGED = "program_changed", "Program changed"
    DMI_OPENED = "dmi_opened", "New DMI"
    DMI_RESOLVED = "dmi_resolved", "DMI resolved"
    SVI_OPENED = "svi_opened", "New SVI"
    SVI_RESOLVED = "svi_resolved", "SVI resolved"
