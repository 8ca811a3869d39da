"""One row per (job, period) the scheduler has queued: the idempotency record."""

from __future__ import annotations

from django.db import models


class ScheduledRun(models.Model):
    """A periodic job queued for one period; the unique key makes queuing happen once."""

    job = models.CharField(max_length=100)
    period = models.CharField(max_length=40)
    enqueued_at = models.DateTimeField(auto_now_add=True)
    task_id = models.CharField(max_length=64, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["job", "period"], name="scheduled_run_once_per_period")
        ]
        ordering = ["-enqueued_at"]

    def __str__(self) -> str:
        return f"{self.job} @ {self.period}"
