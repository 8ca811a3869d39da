"""Saved reports, the agency folders they are shared in, and each user's recent reports."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ReportFolder(models.Model):
    """A folder shared with an agency: its users (and its sub-agencies' users) see the
    reports in it, each through their own scope. "Private Reports" is not a row: a
    report without a folder is private to its owner."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=100)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "name"], name="one_report_folder_name")
        ]

    def __str__(self) -> str:
        return self.name


class Report(models.Model):
    """A saved report definition (`openbob.reports.definition`, stored as JSON).

    Private (no folder): only `owner` sees it. In a folder: shared with that folder's
    agency. `sample`: the installed "My Book of Business", seen by everyone, never
    changed (start from it and Save As). A definition holds field keys and filter
    values only; the rows are always computed from the viewer's scope.
    """

    name = models.CharField(max_length=100)
    description = models.CharField(max_length=300, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reports",
    )
    folder = models.ForeignKey(
        ReportFolder, null=True, blank=True, on_delete=models.PROTECT, related_name="reports"
    )
    sample = models.BooleanField(default=False)
    definition = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["owner", "folder"])]

    def __str__(self) -> str:
        return self.name

    @property
    def folder_name(self) -> str:
        if self.sample:
            return "Sample Reports"
        return self.folder.name if self.folder else "Private Reports"


class RecentReport(models.Model):
    """When a user last opened a report: the "Recent" list of My Reports."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="+")
    opened_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "report"], name="one_recent_row_per_report")
        ]
        indexes = [models.Index(fields=["user", "-opened_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} opened {self.report_id}"
