"""Exchange notices: derived each day from the CalHEERS book, or recorded by hand.

Two Daily Summary topics are about notices the exchange keeps, not about the book's
enrollments: NOD Notice and Enrollment Updates Pending. The CalHEERS Book of Business
counts them in its Notices Pending column, which the import stores on the household
(`notices_pending`). A count alone cannot say when a notice was generated, so before
each day's summaries `sync_from_book` compares it with the occurrences already open and
keeps `ExchangeNotice` rows up to date; the topics' frequency rules
(`openbob.alerts.topics`) then apply to them like to any other condition:

* **Enrollment Updates Pending**: the case has notices pending (a count above zero).
  The occurrence opens the day the count is first seen above zero and is resolved the
  day it is back to zero (or the household leaves the book).
* **NOD Notice**: a notice was generated: the pending count rose above the highest
  count seen since notices became pending. Each rise is one occurrence, alerted once.

Derived occurrences carry keys starting with ``calheers:``; only those are opened and
resolved here. An operator can still record a notice by hand (`record_notice`, from
the exchange's own notice list), and the sync leaves it alone.
"""

from __future__ import annotations

from datetime import date

from openbob.alerts.models import ExchangeNotice
from openbob.alerts.topics import Topic
from openbob.book.models import Household

NOTICE_TOPICS = (Topic.CONSENT_VALID_THRU, Topic.NOD_NOTICE, Topic.ENROLLMENT_UPDATES_PENDING)
DERIVED = "calheers:"
CHUNK = 20_000


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


def sync_from_book(today: date) -> None:
    """Open and resolve the derived notices so they match the book on `today`.

    Set-based (one scan of the households with notices pending and one of the open
    notices per topic), so it costs seconds, not minutes, over a million households.
    """
    in_book = Household.objects.filter(lost_at__isnull=True)
    counts = in_book.filter(notices_pending__gt=0).values_list("pk", "notices_pending")
    pending = {pk: count for pk, count in counts.iterator(CHUNK) if count}
    updates = _open_keys(Topic.ENROLLMENT_UPDATES_PENDING)
    _apply(
        Topic.ENROLLMENT_UPDATES_PENDING,
        updates,
        {pk: updates.get(pk) or f"{DERIVED}pending:{today.isoformat()}" for pk in pending},
        today,
    )
    raised = _open_keys(Topic.NOD_NOTICE)
    _apply(
        Topic.NOD_NOTICE,
        raised,
        {pk: _nod_key(raised.get(pk), count, today) for pk, count in pending.items()},
        today,
    )


def _nod_key(open_key: str | None, count: int, today: date) -> str:
    """The open NOD occurrence while the count does not rise above it, else a new one."""
    if open_key is not None and count <= int(open_key.rsplit(":", 1)[1]):
        return open_key
    return f"{DERIVED}nod:{today.isoformat()}:{count}"


def _open_keys(topic: Topic) -> dict[int, str]:
    """Household -> key of its open derived occurrence of `topic`."""
    rows = ExchangeNotice.objects.filter(
        topic=topic, resolved_on__isnull=True, key__startswith=DERIVED
    ).values_list("household_id", "key")
    return dict(rows.iterator(CHUNK))


def _apply(topic: Topic, current: dict[int, str], wanted: dict[int, str], today: date) -> None:
    """Resolve the `current` open occurrences no longer wanted; open the wanted ones missing."""
    stale = [pk for pk, key in current.items() if wanted.get(pk) != key]
    for start in range(0, len(stale), CHUNK):
        ExchangeNotice.objects.filter(
            topic=topic,
            household_id__in=stale[start : start + CHUNK],
            resolved_on__isnull=True,
            key__startswith=DERIVED,
        ).update(resolved_on=today)
    ExchangeNotice.objects.bulk_create(
        (
            ExchangeNotice(household_id=pk, topic=topic, key=key, since=today)
            for pk, key in wanted.items()
            if current.get(pk) != key
        ),
        batch_size=CHUNK // 4,
        ignore_conflicts=True,
    )
