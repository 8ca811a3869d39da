"""Emailing stored summaries (HTML and plain text) through Django's mail backend.

Each summary is claimed by compare-and-set (PENDING -> SENDING) before it is sent, so
two workers never send the same summary; a claim older than the lease (a worker killed
between claim and send) is taken over. The email carries what the Secure Mailbox
shows (case number, topic, consumer contact, household link), capped at
`EMAIL_ITEM_LIMIT` lines, and never SSN, date of birth or income: those are not even
read to build it.
"""

from __future__ import annotations

import logging
from datetime import date

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from openbob.alerts.models import DailySummary, EmailStatus, SummaryKind
from openbob.alerts.runs import lease

logger = logging.getLogger(__name__)

EMAIL_ITEM_LIMIT = 200


def send_pending(day: date | None = None) -> int:
    """Send every summary (of `day`, or any day) still to be emailed; returns how many."""
    now = timezone.now()
    waiting = DailySummary.objects.filter(
        Q(email_status=EmailStatus.PENDING)
        | Q(email_status=EmailStatus.SENDING, email_claimed_at__lt=now - lease())
    )
    if day is not None:
        waiting = waiting.filter(day=day)
    sent = 0
    connection = get_connection()
    for pk in list(waiting.order_by("pk").values_list("pk", flat=True)):
        if _claim(pk) and _send(pk, connection):
            sent += 1
    return sent


def _claim(pk: int) -> bool:
    now = timezone.now()
    return (
        DailySummary.objects.filter(pk=pk)
        .filter(
            Q(email_status=EmailStatus.PENDING)
            | Q(email_status=EmailStatus.SENDING, email_claimed_at__lt=now - lease())
        )
        .update(email_status=EmailStatus.SENDING, email_claimed_at=now)
        == 1
    )


def _send(pk: int, connection: BaseEmailBackend) -> bool:
    summary = DailySummary.objects.select_related("recipient").get(pk=pk)
    message = build_message(summary)
    message.connection = connection
    try:
        message.send()
    except OSError as error:  # smtplib errors are OSErrors; the mailbox still has it
        logger.warning("Summary %s: email not sent (%s)", pk, type(error).__name__)
        DailySummary.objects.filter(pk=pk).update(email_status=EmailStatus.FAILED)
        return False
    DailySummary.objects.filter(pk=pk).update(
        email_status=EmailStatus.SENT, emailed_at=timezone.now()
    )
    return True


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def build_message(summary: DailySummary) -> EmailMultiAlternatives:
    """The summary as an email: plain text body with an HTML alternative."""
    lines = list(summary.lines.all()[:EMAIL_ITEM_LIMIT])
    context = {
        "summary": summary,
        "manager": summary.kind == SummaryKind.MANAGER,
        "lines": [
            (line, _absolute(reverse("portal:household", args=[line.household_id])))
            for line in lines
            if line.household_id is not None
        ],
        "more": summary.item_count - len(lines),
        "mailbox": _absolute(reverse("alerts:summary", args=[summary.pk])),
        "preferences": _absolute(reverse("alerts:mailbox")),
    }
    message = EmailMultiAlternatives(
        subject=summary.subject,
        body=render_to_string("alerts/email_summary.txt", context),
        to=[summary.recipient.email],
    )
    message.attach_alternative(render_to_string("alerts/email_summary.html", context), "text/html")
    return message
