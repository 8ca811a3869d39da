"""Export jobs (one requested file and its lifecycle) and portal notifications."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ExportStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    PROCESSING = "processing", "Processing"
    SUCCEEDED = "succeeded", "Ready"
    FAILED = "failed", "Failed"
    EXPIRED = "expired", "Expired (file deleted)"
    CANCELLED = "cancelled", "Cancelled"


class ExportFormat(models.TextChoices):
    XLSX = "xlsx", "Excel (.xlsx)"
    CSV = "csv", "CSV (UTF-8)"


class ExportJob(models.Model):
    """One requested export file, from the request to its deletion.

    `parameters` holds only ids and options (never PII), so the history page may show
    them. `file_path` is set only once the complete file is in place, so a worker
    killed mid-write never leaves a path a download link could serve.
    """

    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_jobs"
    )
    kind = models.CharField(max_length=40)
    format = models.CharField(max_length=4, choices=ExportFormat.choices)
    parameters = models.JSONField(default=dict, blank=True)
    masked = models.BooleanField(default=True)
    purpose = models.CharField(max_length=300, blank=True)
    status = models.CharField(
        max_length=20, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    rows = models.PositiveIntegerField(null=True, blank=True)
    size = models.BigIntegerField(null=True, blank=True)
    file_path = models.CharField(max_length=500, blank=True)
    error = models.CharField(max_length=500, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    requested_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        indexes = [
            models.Index(fields=["requester", "-requested_at"]),
            models.Index(fields=["status", "finished_at"]),
        ]

    def __str__(self) -> str:
        return f"export {self.pk} {self.kind} ({self.status})"


class Notification(models.Model):
    """A message for one user in the portal (an export is ready or failed).

    Kept small on purpose: a later alerts feature will generalise it. Text never
    carries PII, only what the user asked for and its outcome.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=40)
    text = models.CharField(max_length=300)
    link = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.text


class WeeklyBook(models.Model):
    """The Book of Business as it stood at one weekly cutoff (Friday 21:00 Pacific).

    CalHEERS' Book of Business reflects the week up to Friday 21:00, and so does ours by
    default. One row per week (unique), filled once by the periodic task; `complete`
    turns True only when every row is in, so an export never reads a half-taken week.
    Rows hold masked cells only: plaintext PII is never copied here.
    """

    week = models.DateField(unique=True)
    cutoff = models.DateTimeField()
    taken_at = models.DateTimeField(auto_now_add=True)
    complete = models.BooleanField(default=False)
    rows = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-week"]

    def __str__(self) -> str:
        return f"weekly book {self.week}"


class WeeklyBookRow(models.Model):
    """One consumer row of a weekly book: its scope keys and its masked cells (JSON)."""

    book = models.ForeignKey(WeeklyBook, on_delete=models.CASCADE, related_name="entries")
    household_id = models.BigIntegerField()
    member_id = models.BigIntegerField()
    agent_id = models.BigIntegerField(null=True)
    cells = models.TextField()

    class Meta:
        indexes = [models.Index(fields=["book", "household_id"])]

    def __str__(self) -> str:
        return f"{self.book_id}/{self.member_id}"
