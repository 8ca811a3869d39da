"""Import runs, snapshots of each source, change events, and saved column mappings."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from openbob.imports.choices import EventType, ImportStatus


class ImportRun(models.Model):
    """One file given to the importer, and what came of it.

    A succeeded run is unique per agency, file hash and snapshot week: importing the same
    bytes again for the same week writes nothing and points at this run (the same bytes
    as another week's file are that week's snapshot).
    """

    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    file_name = models.CharField(max_length=255)
    stored_path = models.CharField(max_length=500, blank=True)
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.BigIntegerField(default=0)
    format = models.CharField(max_length=40, blank=True)
    scope = models.CharField(max_length=60, blank=True)
    as_of = models.DateTimeField(null=True, blank=True)
    week = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=ImportStatus.choices)
    allow_partial = models.BooleanField(default=False)
    rows = models.PositiveIntegerField(default=0)
    rejected_rows = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict, blank=True)
    message = models.TextField(blank=True)
    errors_path = models.CharField(max_length=500, blank=True)
    rejected_path = models.CharField(max_length=500, blank=True)
    profile = models.ForeignKey(
        "imports.MappingProfile", null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "sha256", "week"],
                condition=models.Q(status="succeeded"),
                name="one_succeeded_import_per_file_and_week",
            )
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.status})"


class Snapshot(models.Model):
    """A source's view of its scope (an agency or one agent) as of one time.

    Change events come from comparing a snapshot with the previous one of the same
    source and scope; entries hold just the values that events are about.
    """

    run = models.OneToOneField(ImportRun, on_delete=models.CASCADE, related_name="snapshot")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    source = models.CharField(max_length=40)
    scope = models.CharField(max_length=60)
    as_of = models.DateTimeField()
    week = models.DateField()

    class Meta:
        indexes = [models.Index(fields=["agency", "source", "scope", "as_of"])]

    def __str__(self) -> str:
        return f"{self.source} {self.scope} as of {self.as_of:%Y-%m-%d %H:%M}"


class SnapshotEntry(models.Model):
    """One household's tracked values in a snapshot; `digest` lets a diff skip equal rows."""

    # No index of its own: the (snapshot, key, digest) index serves every lookup by
    # snapshot, and each index costs the import's bulk insert of a row per household.
    # The digest in it lets two snapshots be compared from the index alone: only the
    # entries whose fingerprints differ are read from the table (`changes.py`).
    # No foreign-key constraint in the database either (`db_constraint=False`): entries
    # are only written with their snapshot, in its import's transaction, and deleted with
    # it by Django's cascade; a checked key costs PostgreSQL a lookup and a row lock per
    # entry at commit, about half a second of a weekly import's 200,000 entries.
    snapshot = models.ForeignKey(
        Snapshot,
        on_delete=models.CASCADE,
        related_name="entries",
        db_index=False,
        db_constraint=False,
    )
    key = models.CharField(max_length=60)
    household_id = models.BigIntegerField(null=True)
    digest = models.CharField(max_length=32)
    data = models.TextField()

    class Meta:
        indexes = [models.Index(fields=["snapshot", "key", "digest"])]

    def __str__(self) -> str:
        return self.key


class ChangeEvent(models.Model):
    """A typed change between two snapshots. Scoped like households (agency and agent).

    Like snapshot entries, events are written in bulk by one import, in its transaction,
    from rows that exist: their keys are not checked by the database (four checks an
    event, at commit), and Django's `on_delete` keeps them consistent when a row they
    name is deleted.
    """

    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="+", db_constraint=False
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    household = models.ForeignKey(
        "book.Household",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="change_events",
        db_constraint=False,
    )
    run = models.ForeignKey(
        ImportRun, on_delete=models.CASCADE, related_name="events", db_constraint=False
    )
    source = models.CharField(max_length=40)
    type = models.CharField(max_length=40, choices=EventType.choices)
    key = models.CharField(max_length=60)
    old = models.CharField(max_length=300, null=True, blank=True)
    new = models.CharField(max_length=300, null=True, blank=True)
    week = models.DateField()
    as_of = models.DateTimeField()

    class Meta:
        ordering = ["-as_of", "id"]
        indexes = [
            models.Index(fields=["agency", "week", "type"]),
            models.Index(fields=["agent", "week"]),
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.key}"


class MappingProfile(models.Model):
    """A saved column mapping for a layout OpenBoB does not know (a carrier's file)."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=120)
    mapping = models.JSONField(default=dict)
    header_signature = models.CharField(max_length=64, db_index=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "name"], name="unique_profile_name")
        ]

    def __str__(self) -> str:
        return self.name


class JobStatus(models.TextChoices):
    """Where an uploaded file is, from upload to result."""

    QUEUED = "queued", "Queued"
    RUNNING = "running", "Importing"
    NEEDS_MAPPING = "needs_mapping", "Needs a column mapping"
    SUCCEEDED = "succeeded", "Imported"
    DUPLICATE = "duplicate", "Already imported"
    REJECTED = "rejected", "Rejected (nothing written)"
    FAILED = "failed", "Failed (nothing written)"


PENDING_JOB_STATUSES = (JobStatus.QUEUED, JobStatus.RUNNING)


class ImportJob(models.Model):
    """One file uploaded through the portal or the API, followed from upload to result.

    `ImportRun` is created inside the import's own transaction, so it exists only once a
    file was written into the book; the job is what the uploader follows meanwhile (a
    large file waits for the worker) and what remains of a refused upload: its message
    and report files. The job owns the private copy of the upload (`upload_path`) until
    the import is over, or until a column mapping is chosen for an unknown layout.
    """

    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    file_name = models.CharField(max_length=255)
    upload_path = models.CharField(max_length=500, blank=True)
    size = models.BigIntegerField(default=0)
    as_of = models.DateTimeField(null=True, blank=True)
    allow_partial = models.BooleanField(default=False)
    profile = models.ForeignKey(
        MappingProfile, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=20, choices=JobStatus.choices, default=JobStatus.QUEUED)
    task_id = models.CharField(max_length=64, blank=True)
    run = models.ForeignKey(
        ImportRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="jobs"
    )
    format = models.CharField(max_length=40, blank=True)
    rows = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True)
    error_count = models.PositiveIntegerField(default=0)
    errors_path = models.CharField(max_length=500, blank=True)
    rejected_path = models.CharField(max_length=500, blank=True)
    headers = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.status})"

    @property
    def is_pending(self) -> bool:
        return self.status in PENDING_JOB_STATUSES
