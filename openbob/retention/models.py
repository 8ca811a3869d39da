"""Retention cases, their interaction log and transfers, sync runs, and dashboard tallies.

A case is one household's renewal from plan year `plan_year` into the next. The sync
(`openbob.retention.sync`) creates and rescores cases; people only ever work them
(`openbob.retention.casework`). `agency` follows the household (so managers' scope is
one indexed filter), while `assignee` is who works the case: the household's agent at
creation, another agent after a transfer.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from openbob.retention.choices import CaseStatus, Channel, Outcome, Resolution, Risk


class RetentionCase(models.Model):
    """One household's renewal case for one plan year; at most one open at a time.

    `reasons` holds the keys of the rules that fired, comma-wrapped (",aptc_decrease,")
    so a reason is one LIKE away; `risk` is `exchange_risk` when the exchange sent one,
    else `computed_risk`.
    """

    household = models.ForeignKey(
        "book.Household", on_delete=models.CASCADE, related_name="retention_cases"
    )
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="retention_cases",
        db_index=False,
    )
    plan_year = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=20, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    consumer_name = models.CharField(max_length=200, blank=True)
    phone = models.CharField(max_length=20, blank=True)
    email = models.CharField(max_length=254, blank=True)
    language = models.CharField(max_length=40, blank=True)
    score = models.PositiveSmallIntegerField(default=0)
    computed_risk = models.PositiveSmallIntegerField(choices=Risk.choices, default=Risk.VERY_LOW)
    exchange_risk = models.PositiveSmallIntegerField(choices=Risk.choices, null=True, blank=True)
    risk = models.PositiveSmallIntegerField(choices=Risk.choices, default=Risk.VERY_LOW)
    reasons = models.CharField(max_length=400, blank=True, default=",")
    resolution = models.CharField(max_length=30, choices=Resolution.choices, blank=True)
    steps_to_resolve = models.TextField(blank=True, max_length=4000)
    opened_at = models.DateTimeField()
    opened_on = models.DateField(help_text="Pacific date the case opened (aging buckets).")
    scored_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolution_seconds = models.PositiveIntegerField(null=True, blank=True)
    last_interaction_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["household", "plan_year"],
                condition=~Q(status="closed"),
                name="one_open_retention_case_per_household_and_year",
            )
        ]
        # The case list's order (`openbob.retention.listing.ORDER`) within one agency or
        # assignee and status, so each page is a bounded index range; they also serve
        # the agency and assignee foreign keys, which therefore have no index of their own.
        indexes = [
            models.Index(
                fields=["agency", "status", "-risk", "opened_at", "id"],
                name="retention_case_agency_order",
            ),
            models.Index(
                fields=["assignee", "status", "-risk", "opened_at", "id"],
                name="retention_case_assignee_order",
            ),
        ]

    def __str__(self) -> str:
        return f"Retention case {self.pk} ({self.consumer_name})"

    @property
    def reason_keys(self) -> list[str]:
        return [key for key in self.reasons.split(",") if key]

    @property
    def is_open(self) -> bool:
        return self.status != CaseStatus.CLOSED


class Interaction(models.Model):
    """One outreach attempt logged on a case: when, how, what came of it, notes."""

    case = models.ForeignKey(RetentionCase, on_delete=models.CASCADE, related_name="interactions")
    at = models.DateTimeField()
    channel = models.CharField(max_length=20, choices=Channel.choices)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    notes = models.TextField(blank=True, max_length=2000)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.at:%Y-%m-%d}"


class CaseTransfer(models.Model):
    """A manager moving a case from one assignee to another (also in the audit log)."""

    case = models.ForeignKey(RetentionCase, on_delete=models.CASCADE, related_name="transfers")
    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"Case {self.case_id}: {self.from_user_id} -> {self.to_user_id}"


class SyncRun(models.Model):
    """A finished sync. `period` is unique: a second sync of the same day does nothing.

    The row is written in the sync's own transaction, so it exists only for a sync that
    committed; a crashed sync leaves no row and the next call simply runs again.
    """

    period = models.CharField(max_length=30, unique=True)
    plan_year = models.PositiveSmallIntegerField(null=True, blank=True)
    created = models.PositiveIntegerField(default=0)
    rescored = models.PositiveIntegerField(default=0)
    closed = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return self.period


class CaseTally(models.Model):
    """Case counts per agency, assignee, status, risk, resolution and opening day.

    The dashboard sums these rows instead of scanning a million cases; `tallies` rebuilds
    them for an agency (the sync, the Refresh action) or an assignee (every case write).
    """

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(max_length=20, choices=CaseStatus.choices)
    risk = models.PositiveSmallIntegerField(choices=Risk.choices)
    resolution = models.CharField(max_length=30, blank=True)
    opened_on = models.DateField()
    cases = models.PositiveIntegerField()
    resolution_seconds = models.BigIntegerField(default=0)
    last_interaction_at = models.DateTimeField(null=True)
    refreshed_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["agency", "assignee"])]

    def __str__(self) -> str:
        return f"{self.agency_id}/{self.assignee_id} {self.status} {self.risk}: {self.cases}"


class ReasonTally(models.Model):
    """How many cases (and open cases) of an agency and assignee carry each reason."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(max_length=40)
    cases = models.PositiveIntegerField()
    open_cases = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["agency", "assignee"])]

    def __str__(self) -> str:
        return f"{self.reason}: {self.cases}"
