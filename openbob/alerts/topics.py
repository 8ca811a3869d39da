"""Notification topics and their frequency rules: the one place that says what is alerted when.

The first eight topics and their frequencies are Covered California's Daily Summary
topics (2026 Open Enrollment webinar, "Daily Summary Notification Topics and
Frequency"); the last six are OpenBoB's own, fed by the import pipeline's change events
and follow-ups (where the exchange-notice topics' data comes from:
`openbob.alerts.notices`). Each topic has a *condition* (a household is in it since some
day, see `openbob.alerts.conditions`) and a *rule* that says on which days a held
condition is put in the recipient's Daily Summary:

==============================  ===============================================
topic                           rule
==============================  ===============================================
Binder Payment Pending          every 7 days while the enrollment is pending
                                (counted from the day it was first seen pending)
Consent Valid Thru              on 1 August, 1 September and 1 October only
Actions Requested for Consumer  daily until resolved
NOD Notice                      once, when the notice is generated
Enrollment Canceled             once
Enrollment Terminated           once
Medicare Aged Out               daily until resolved
Enrollment Updates Pending      daily until resolved
Delegation lost                 once (ours)
AOR changed                     once (ours)
AOR at risk                     once (ours)
EDE permission lost             once (ours)
DMI due within 14 days          daily until resolved (ours)
SVI due within 14 days          daily until resolved (ours)
==============================  ===============================================

"Once" means once per household, topic and occurrence (an enrollment, a change
event), remembered in `SentOnce`; an occurrence older than `ONCE_LOOKBACK_DAYS` when
first seen is not alerted, so installing OpenBoB over an old book does not flood the
first summary with last year's cancellations.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import models

ONCE_LOOKBACK_DAYS = 7
DUE_SOON_DAYS = 14


class Topic(models.TextChoices):
    BINDER_PAYMENT_PENDING = "binder_payment_pending", "Binder Payment Pending"
    CONSENT_VALID_THRU = "consent_valid_thru", "Consent Valid Thru"
    ACTIONS_REQUESTED = "actions_requested", "Actions Requested for Consumer"
    NOD_NOTICE = "nod_notice", "NOD Notice"
    ENROLLMENT_CANCELED = "enrollment_canceled", "Enrollment Canceled"
    ENROLLMENT_TERMINATED = "enrollment_terminated", "Enrollment Terminated"
    MEDICARE_AGED_OUT = "medicare_aged_out", "Medicare Aged Out"
    ENROLLMENT_UPDATES_PENDING = "enrollment_updates_pending", "Enrollment Updates Pending"
    DELEGATION_LOST = "delegation_lost", "Delegation lost"
    AOR_CHANGED = "aor_changed", "AOR changed"
    AOR_AT_RISK = "aor_at_risk", "AOR at risk"
    EDE_PERMISSION_LOST = "ede_permission_lost", "EDE permission lost"
    DMI_DUE = "dmi_due", "DMI due within 14 days or expired"
    SVI_DUE = "svi_due", "SVI due within 14 days or expired"


@dataclass(frozen=True)
class Daily:
    """Every day the condition holds ("daily alert until resolved")."""

    def due(self, today: date, since: date) -> bool:
        return since <= today


@dataclass(frozen=True)
class EveryDays:
    """Every `days` days while the condition holds, counted from the day it began."""

    days: int

    def due(self, today: date, since: date) -> bool:
        return since <= today and (today - since).days % self.days == 0


@dataclass(frozen=True)
class OnDates:
    """Only on these (month, day) dates, while the condition holds."""

    dates: tuple[tuple[int, int], ...]

    def due(self, today: date, since: date) -> bool:
        return since <= today and (today.month, today.day) in self.dates


@dataclass(frozen=True)
class Once:
    """One alert per occurrence; `SentOnce` remembers which were sent."""

    def due(self, today: date, since: date) -> bool:
        return 0 <= (today - since).days <= ONCE_LOOKBACK_DAYS


Rule = Daily | EveryDays | OnDates | Once

RULES: dict[Topic, Rule] = {
    Topic.BINDER_PAYMENT_PENDING: EveryDays(7),
    Topic.CONSENT_VALID_THRU: OnDates(((8, 1), (9, 1), (10, 1))),
    Topic.ACTIONS_REQUESTED: Daily(),
    Topic.NOD_NOTICE: Once(),
    Topic.ENROLLMENT_CANCELED: Once(),
    Topic.ENROLLMENT_TERMINATED: Once(),
    Topic.MEDICARE_AGED_OUT: Daily(),
    Topic.ENROLLMENT_UPDATES_PENDING: Daily(),
    Topic.DELEGATION_LOST: Once(),
    Topic.AOR_CHANGED: Once(),
    Topic.AOR_AT_RISK: Once(),
    Topic.EDE_PERMISSION_LOST: Once(),
    Topic.DMI_DUE: Daily(),
    Topic.SVI_DUE: Daily(),
}


def is_once(topic: Topic) -> bool:
    return isinstance(RULES[topic], Once)


def describe(rule: Rule) -> str:
    """The rule in words, for the mailbox legend and the docs."""
    if isinstance(rule, EveryDays):
        return f"Every {rule.days} days while pending"
    if isinstance(rule, OnDates):
        return ", ".join(date(2000, m, d).strftime("%-d %B") for m, d in rule.dates) + " only"
    if isinstance(rule, Once):
        return "Once"
    return "Daily until resolved"
