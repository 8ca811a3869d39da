"""The risk rules: every factor that raises a renewal case's risk, with its weight.

This module is the one place weights live (README "Retention Workspace" repeats the
table). A case's score is the sum of the weights of the rules that fired for its
household; `category` turns the score into the CRW's 1 (Very Low) to 5 (Very High).
How each rule is detected from the book and the change events is in
`openbob.retention.signals`, one function per rule key.

A risk category imported from the exchange (`RetentionCase.exchange_risk`) overrides
the computed one; the case then says so, and still lists the computed reasons.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from openbob.retention.choices import Risk

LOOKBACK_DAYS = 365
"""How far back change events, delegation losses and cancellations count."""


@dataclass(frozen=True)
class Rule:
    key: str
    label: str
    weight: int
    why: str


RULES: tuple[Rule, ...] = (
    Rule(
        "premium_increase",
        "Premium or net premium increase",
        2,
        "The gross or net monthly premium went up in the past year (change events).",
    ),
    Rule(
        "aptc_decrease",
        "APTC decrease",
        2,
        "The advance premium tax credit went down in the past year (change events).",
    ),
    Rule(
        "dmi_svi_open",
        "Open DMI or SVI",
        2,
        "A data matching or SEP verification issue is open and not yet due.",
    ),
    Rule(
        "dmi_svi_expired",
        "Expired DMI or SVI",
        4,
        "A data matching or SEP verification issue is past its due date: subsidy or "
        "coverage may be lost.",
    ),
    Rule(
        "binder_pending",
        "Binder or premium payment pending",
        3,
        "An active enrollment's binder payment is pending or past due.",
    ),
    Rule(
        "aor_changed",
        "Agent of record changed",
        3,
        "The carrier reported a different agent of record in the past year.",
    ),
    Rule(
        "aor_at_risk",
        "Agent of record at risk",
        3,
        "HealthSherpa lists the household as AOR at risk.",
    ),
    Rule(
        "delegation_lost",
        "Delegation lost",
        3,
        "A delegation of the household was removed or moved to another agent in the past "
        "year, or HealthSherpa's EDE permission was lost.",
    ),
    Rule(
        "program_change",
        "Program change (Medi-Cal / Covered California)",
        3,
        "The household moved between Medi-Cal, mixed household and Covered California in "
        "the past year.",
    ),
    Rule(
        "turning_65",
        "Turning 65 (Medicare)",
        2,
        "An applying member turns 65 this plan year or next, and may move to Medicare.",
    ),
    Rule(
        "no_contact",
        "Missing phone and email",
        2,
        "The household has neither a phone number nor an email address to reach it by.",
    ),
    Rule(
        "cancellation_past_year",
        "Cancellation or termination in the past year",
        3,
        "An enrollment of the household was cancelled or terminated in the past year.",
    ),
)
BY_KEY: dict[str, Rule] = {rule.key: rule for rule in RULES}
WEIGHTS: dict[str, int] = {rule.key: rule.weight for rule in RULES}

CATEGORY_FLOORS: tuple[tuple[int, Risk], ...] = (
    (9, Risk.VERY_HIGH),
    (6, Risk.HIGH),
    (3, Risk.MEDIUM),
    (1, Risk.LOW),
    (0, Risk.VERY_LOW),
)
"""Lowest score of each category: 0 Very Low, 1-2 Low, 3-5 Medium, 6-8 High, 9+ Very High."""


def category(score: int) -> Risk:
    """The risk category of a score."""
    return next(risk for floor, risk in CATEGORY_FLOORS if score >= floor)


def score(fired: Iterable[str]) -> tuple[int, Risk]:
    """The score and category of the rules that fired (unknown keys are a bug: KeyError)."""
    total = sum(WEIGHTS[key] for key in fired)
    return total, category(total)


def encode(fired: Iterable[str]) -> str:
    """The `reasons` column: fired keys in rule order, comma-wrapped (",a,b,")."""
    keys = set(fired)
    return "," + "".join(f"{rule.key}," for rule in RULES if rule.key in keys)
