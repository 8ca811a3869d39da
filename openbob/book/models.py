"""The book: households (cases), their members, enrollments and delegations.

Scoping columns (`agency`, `agent`) are denormalised onto `Household` from its active
delegation so that "which households may this user see" is one indexed filter even at a
million households; `openbob.book.delegations` keeps them in step.

Provenance: each row records the source, import and as-of time that last wrote it, and
`field_sources` maps a field name to the source that said its current value, so the
portal can show where a value came from. The import pipeline fills both.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from openbob.book.choices import (
    BinderStatus,
    Coverage,
    DelegationStatus,
    EnrollmentStatus,
    FollowUpKind,
    MetalTier,
    PlanType,
    Program,
    Source,
)


class Provenanced(models.Model):
    """Who said this row's values, and as of when."""

    source = models.CharField(max_length=20, choices=Source.choices, default=Source.PORTAL)
    source_import_id = models.BigIntegerField(null=True, blank=True)
    source_as_of = models.DateTimeField(null=True, blank=True)
    field_sources = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Household(Provenanced):
    """A household (a CalHEERS case or an FFM application) and who it is delegated to."""

    agency = models.ForeignKey(
        "agencies.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="households",
    )
    case_number = models.CharField(max_length=30, null=True, blank=True, db_index=True)
    ffm_app_id = models.CharField(max_length=40, null=True, blank=True, db_index=True)
    application_year = models.PositiveSmallIntegerField(null=True, blank=True)
    program = models.CharField(
        max_length=30, choices=Program.choices, default=Program.COVERED_CALIFORNIA
    )
    archived = models.BooleanField(default=False)
    household_size = models.PositiveSmallIntegerField(null=True, blank=True)
    income_encrypted = models.TextField(blank=True, default="")
    primary_name = models.CharField(max_length=200, blank=True, db_index=True)
    primary_phone = models.CharField(max_length=20, blank=True)
    primary_email = models.CharField(max_length=254, blank=True)
    lost_at = models.DateTimeField(
        null=True, blank=True, help_text="When the household left the book (delegation lost)."
    )
    aor_at_risk_at = models.DateTimeField(null=True, blank=True)
    ede_permission_lost_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["agency", "primary_name"]),
            models.Index(fields=["agent", "primary_name"]),
        ]

    def __str__(self) -> str:
        return self.primary_name or f"Household {self.pk}"


class Member(Provenanced):
    """A person in a household. SSN, DOB and income are stored only encrypted.

    `ssn_last4` and `birth_year` are kept in the clear because masked displays show
    exactly those (``***-**-1234``, birth year only) without a decryption; `ssn_index`
    and `identity_index` are keyed blind indexes for exact lookup and cross-source
    matching, useless without the index key.
    """

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="members")
    is_primary = models.BooleanField(default=False)
    first_name = models.CharField(max_length=100)
    middle_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100)
    dob_encrypted = models.TextField(blank=True, default="")
    birth_year = models.PositiveSmallIntegerField(null=True, blank=True)
    ssn_encrypted = models.TextField(blank=True, default="")
    ssn_last4 = models.CharField(max_length=4, blank=True)
    ssn_index = models.CharField(max_length=64, blank=True, db_index=True)
    identity_index = models.CharField(max_length=64, blank=True, db_index=True)
    relationship = models.CharField(max_length=40, blank=True)
    applying = models.BooleanField(default=True)
    phone = models.CharField(max_length=20, blank=True)
    secondary_phone = models.CharField(max_length=20, blank=True)
    text_opt_in = models.BooleanField(default=False)
    email = models.CharField(max_length=254, blank=True)
    written_language = models.CharField(max_length=40, blank=True)
    spoken_language = models.CharField(max_length=40, blank=True)
    residence_line1 = models.CharField(max_length=200, blank=True)
    residence_line2 = models.CharField(max_length=200, blank=True)
    residence_city = models.CharField(max_length=100, blank=True)
    residence_state = models.CharField(max_length=2, blank=True)
    residence_zip = models.CharField(max_length=10, blank=True)
    residence_county = models.CharField(max_length=60, blank=True)
    mailing_line1 = models.CharField(max_length=200, blank=True)
    mailing_line2 = models.CharField(max_length=200, blank=True)
    mailing_city = models.CharField(max_length=100, blank=True)
    mailing_state = models.CharField(max_length=2, blank=True)
    mailing_zip = models.CharField(max_length=10, blank=True)
    experiencing_homelessness = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"


class Enrollment(Provenanced):
    """A health (QHP) or dental (QDP) enrollment of a household, as one source reports it."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="enrollments")
    coverage = models.CharField(max_length=10, choices=Coverage.choices, default=Coverage.HEALTH)
    policy_id = models.CharField(max_length=60, blank=True)
    carrier = models.CharField(max_length=120, blank=True)
    plan_name = models.CharField(max_length=200, blank=True)
    hios_plan_id = models.CharField(max_length=30, blank=True)
    metal_tier = models.CharField(max_length=20, choices=MetalTier.choices, blank=True)
    plan_type = models.CharField(max_length=5, choices=PlanType.choices, blank=True)
    gross_premium = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    aptc = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    net_premium = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    effective_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=EnrollmentStatus.choices, default=EnrollmentStatus.PENDING
    )
    paid_through_date = models.DateField(null=True, blank=True)
    binder_status = models.CharField(max_length=20, choices=BinderStatus.choices, blank=True)
    on_exchange = models.BooleanField(default=True)
    aor_name = models.CharField("agent of record", max_length=200, blank=True)
    aor_npn = models.CharField("agent of record NPN", max_length=20, blank=True)

    class Meta:
        indexes = [models.Index(fields=["household", "coverage"])]

    def __str__(self) -> str:
        return f"{self.get_coverage_display()} {self.plan_name}"


class Delegation(models.Model):
    """A household's delegation to an agent and agency, and every step taken on it."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="delegations")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="delegations",
    )
    status = models.CharField(max_length=20, choices=DelegationStatus.choices)
    requested_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    acted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=300, blank=True)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.PORTAL)

    class Meta:
        indexes = [
            models.Index(fields=["agent", "status"]),
            models.Index(fields=["agency", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} -> {self.agent_id} ({self.status})"


class FollowUp(models.Model):
    """An open or resolved follow-up of a household: a DMI, an SVI or a requested action."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="follow_ups")
    kind = models.CharField(max_length=10, choices=FollowUpKind.choices)
    issue_type = models.CharField(max_length=120, blank=True)
    status = models.CharField(max_length=60, blank=True)
    due_date = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.PORTAL)
    opened_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["household", "kind", "resolved_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.issue_type}"
