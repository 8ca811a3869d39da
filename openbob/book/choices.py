"""The book's vocabularies, in the exchange's words."""

from django.db import models


class Program(models.TextChoices):
    COVERED_CALIFORNIA = "covered_california", "Covered California"
    MIXED_HOUSEHOLD = "mixed_household", "Mixed Household"
    MEDI_CAL = "medi_cal", "Medi-Cal"
    FFM = "ffm", "HealthCare.gov (FFM)"


class Coverage(models.TextChoices):
    HEALTH = "health", "Health (QHP)"
    DENTAL = "dental", "Dental (QDP)"


class MetalTier(models.TextChoices):
    MINIMUM = "minimum", "Minimum Coverage"
    BRONZE_HDHP = "bronze_hdhp", "Bronze HDHP"
    BRONZE = "bronze", "Bronze 60"
    SILVER = "silver", "Silver 70"
    SILVER_73 = "silver_73", "Enhanced Silver 73"
    SILVER_87 = "silver_87", "Enhanced Silver 87"
    SILVER_94 = "silver_94", "Enhanced Silver 94"
    GOLD = "gold", "Gold 80"
    PLATINUM = "platinum", "Platinum 90"


class PlanType(models.TextChoices):
    HMO = "HMO", "HMO"
    PPO = "PPO", "PPO"
    EPO = "EPO", "EPO"


class EnrollmentStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    EFFECTUATED = "effectuated", "Effectuated"
    CANCELLED = "cancelled", "Cancelled"
    TERMINATED = "terminated", "Terminated"


class BinderStatus(models.TextChoices):
    PAID = "paid", "Paid"
    PENDING = "pending", "Pending"
    PAST_DUE = "past_due", "Past Due"


class DelegationStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    ACTIVE = "active", "Active"
    REMOVED = "removed", "Removed"
    TRANSFERRED = "transferred", "Transferred"
    DECLINED = "declined", "Declined"


class Source(models.TextChoices):
    """Where a value came from (provenance)."""

    CALHEERS = "calheers", "CalHEERS Book of Business"
    HEALTHSHERPA = "healthsherpa", "HealthSherpa"
    CARRIER = "carrier", "Carrier file"
    PORTAL = "portal", "Entered in OpenBoB"
    SEED = "seed", "Synthetic seed"


class FollowUpKind(models.TextChoices):
    DMI = "dmi", "Data matching issue (DMI)"
    SVI = "svi", "SEP verification issue (SVI)"
    ACTION = "action", "Action requested"
