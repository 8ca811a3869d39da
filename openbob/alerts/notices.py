"""Recording exchange notices the book does not hold (Consent Valid Thru, NOD, updates).

The CalHEERS Book of Business carries Consent Valid Through and Notices Pending, which
the book does not store; an importer (or an operator with `bob alerts notice`) records
them here so that their topics' frequency rules apply.
"""

from __future__ import annotations

from datetime import date

from openbob.alerts.models import ExchangeNotice
from openbob.alerts.topics import Topic
from openbob.book.models import Household

NOTICE_TOPICS = (Topic.CONSENT_VALID_THRU, Topic.NOD_NOTICE, Topic.ENROLLMENT_UPDATES_PENDING)


def record_notice(*, household: Household, topic: Topic, key: str, since: date) -> ExchangeNotice:
    """Record (or keep) one notice occurrence; the same occurrence twice is one notice."""
    if topic not in NOTICE_TOPICS:
        raise ValueError(f"{topic.label} is not an exchange notice topic")
    notice, _ = ExchangeNotice.objects.get_or_create(
        household=household, topic=topic, key=key, defaults={"since": since}
    )
    return notice


def resolve_notice(*, household: Household, topic: Topic, key: str, on: date) -> int:
    """Mark an occurrence resolved from `on`; "daily until resolved" alerts stop then."""
    return ExchangeNotice.objects.filter(
        household=household, topic=topic, key=key, resolved_on__isnull=True
    ).update(resolved_on=on)
