"""Daily summaries (the Secure Mailbox), their scheduling, broadcasts and last visits.

Exactly-once is held by the database, not by luck: one `SummaryRun` per Pacific day
(claimed by compare-and-set), one `DailySummary` per recipient, day and kind, one
`SentOnce` per household, topic and occurrence, and an email claimed by
compare-and-set before it is sent.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from openbob.alerts.topics import Topic


class SummaryKind(models.TextChoices):
    DAILY = "daily", "Daily Summary"
    MANAGER = "manager", "Daily Manager Summary"


class EmailStatus(models.TextChoices):
    PENDING = "pending", "To send"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    OFF = "off", "Email off (mailbox only)"
    FAILED = "failed", "Not sent (mail server error)"


class RunStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    RUNNING = "running", "Running"
    DONE = "done", "Done"


class ExchangeNotice(models.Model):
    """A notice the exchange reported for a household that the book itself does not hold.

    NOD notices and Enrollment Updates Pending: derived each day from the CalHEERS
    Notices Pending count the import stores on the household, by
    `openbob.alerts.notices.sync_from_book`; or recorded by hand (`record_notice`, any
    of the three notice topics), so that the frequency rules apply to them. `key` names
    the occurrence (a notice id or date; derived ones start with ``calheers:``).
    """

    household = models.ForeignKey("book.Household", on_delete=models.CASCADE, related_name="+")
    topic = models.CharField(max_length=40, choices=Topic.choices)
    key = models.CharField(max_length=60)
    since = models.DateField()
    resolved_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["household", "topic", "key"], name="one_notice_per_occurrence"
            )
        ]

    def __str__(self) -> str:
        return f"{self.topic} {self.key}"


class SentOnce(models.Model):
    """A "once" alert already put in a summary: household, topic and occurrence."""

    household = models.ForeignKey("book.Household", on_delete=models.CASCADE, related_name="+")
    topic = models.CharField(max_length=40, choices=Topic.choices)
    key = models.CharField(max_length=60)
    day = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["household", "topic", "key"], name="one_alert_per_occurrence"
            )
        ]

    def __str__(self) -> str:
        return f"{self.topic} {self.key} on {self.day}"


class SummaryRun(models.Model):
    """The production of one Pacific day's summaries, claimed by one worker at a time.

    The row is created once per day (unique); a worker claims it by moving it to
    RUNNING only if nobody holds it or the holder's lease ran out (a worker killed
    mid-run), so a second worker skips it.
    """

    day = models.DateField(unique=True)
    due_at = models.DateTimeField()
    status = models.CharField(max_length=20, choices=RunStatus.choices, default=RunStatus.SCHEDULED)
    claimed_by = models.CharField(max_length=64, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    summaries = models.PositiveIntegerField(default=0)
    items = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-day"]

    def __str__(self) -> str:
        return f"summaries of {self.day} ({self.status})"


class DailySummary(models.Model):
    """One recipient's Daily Summary or Daily Manager Summary of one day.

    Unique per recipient, day and kind: two workers, or a restarted one, can never
    store (or email) a second. Items carry case number, topic and contact information
    only; never SSN, date of birth or income.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="daily_summaries"
    )
    day = models.DateField()
    kind = models.CharField(max_length=10, choices=SummaryKind.choices)
    subject = models.CharField(max_length=60)
    item_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    email_status = models.CharField(
        max_length=10, choices=EmailStatus.choices, default=EmailStatus.PENDING
    )
    email_claimed_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-day", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "day", "kind"], name="one_summary_per_recipient_day_kind"
            )
        ]
        indexes = [models.Index(fields=["day", "email_status"])]

    def __str__(self) -> str:
        return f"{self.subject} {self.day} for {self.recipient_id}"


class SummaryItem(models.Model):
    """One line of a summary: which household, which topic, and how to reach the consumer."""

    summary = models.ForeignKey(DailySummary, on_delete=models.CASCADE, related_name="lines")
    household = models.ForeignKey(
        "book.Household", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    topic = models.CharField(max_length=40, choices=Topic.choices)
    case_number = models.CharField(max_length=40, blank=True)
    client_name = models.CharField(max_length=200, blank=True)
    phone = models.CharField(max_length=20, blank=True)
    email = models.CharField(max_length=254, blank=True)
    agent_name = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.topic} {self.case_number}"


class BroadcastCategory(models.TextChoices):
    OUTAGE = "outage", "System outage"
    HOLIDAY = "holiday", "Holiday closure"
    RELEASE = "release", "Release notes"
    EVENT = "event", "Event"
    URGENT = "urgent", "Urgent update"


class Broadcast(models.Model):
    """A portal-wide message an administrator posts (outage, holiday, release, event).

    Shown to every signed-in user between `starts_at` and `ends_at`, newest first; the
    text is the administrator's and never about a consumer.
    """

    category = models.CharField(max_length=20, choices=BroadcastCategory.choices)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True, max_length=4000)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField(null=True, blank=True)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class Page(models.TextChoices):
    AOR = "aor", "AOR at-risk"
    BELL = "bell", "Notifications"


class Visit(models.Model):
    """When a user last looked at a list, for its "new since your last visit" badge."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    page = models.CharField(max_length=10, choices=Page.choices)
    seen_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "page"], name="one_visit_per_page")]

    def __str__(self) -> str:
        return f"{self.user_id} saw {self.page} at {self.seen_at}"
