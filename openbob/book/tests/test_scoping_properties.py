"""Scope holds for random agency trees: 2,000+ (user, household, action) triples per run.

The oracle below is written from the rules in the issue, not from `scoping.py`: it walks
parent pointers in Python instead of using materialised paths, and spells out the role
table instead of reading `ROLE_PERMS`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from openbob.accounts.models import User
from openbob.agencies.models import Agency
from openbob.agencies.services import create_agency
from openbob.book.models import Household
from openbob.book.scoping import Action, can, get_household_for, households_visible_to

ROLES = ["manager", "admin1", "admin2", "agent", "readonly"]
ORACLE_ALLOWED = {
    "view": {"manager", "admin1", "admin2", "agent", "readonly"},
    "edit": {"manager", "admin1", "admin2", "agent"},
    "transfer": {"manager", "admin2"},
    "reveal_pii": {"manager", "admin1", "admin2", "agent"},
}
EXAMPLES = 40
TRIPLES_PER_EXAMPLE = 60  # 40 x 60 = 2,400 triples per run


@dataclass(frozen=True)
class TreeSpec:
    parents: list[int | None]  # parents[i] is the index of agency i's parent (< i) or None
    users: list[tuple[int | None, str, bool]]  # (agency index or None, role, active)
    households: list[tuple[int, int | None]]  # (agency index, agent user index or None)


@st.composite
def trees(draw: st.DrawFn) -> TreeSpec:
    count = draw(st.integers(1, 7))
    parents: list[int | None] = [None]
    for i in range(1, count):
        parents.append(draw(st.one_of(st.none(), st.integers(0, i - 1))))
    users = draw(
        st.lists(
            st.tuples(
                st.one_of(st.none(), st.integers(0, count - 1)),
                st.sampled_from(ROLES),
                st.sampled_from([True, True, True, False]),
            ),
            min_size=1,
            max_size=8,
        )
    )
    households = draw(
        st.lists(
            st.tuples(
                st.integers(0, count - 1), st.one_of(st.none(), st.integers(0, len(users) - 1))
            ),
            min_size=1,
            max_size=10,
        )
    )
    return TreeSpec(parents, users, households)


def oracle_visible(spec: TreeSpec, user_index: int, household_index: int) -> bool:
    agency, role, active = spec.users[user_index]
    h_agency, h_agent = spec.households[household_index]
    if not active or agency is None:
        return False
    if role == "agent":
        return h_agent == user_index and h_agency == agency
    if role == "manager":
        node: int | None = h_agency
        while node is not None:
            if node == agency:
                return True
            node = spec.parents[node]
        return False
    return h_agency == agency


def oracle_outcome(spec: TreeSpec, user_index: int, household_index: int, action: str) -> str:
    if not oracle_visible(spec, user_index, household_index):
        return "404"
    role = spec.users[user_index][1]
    return "ok" if role in ORACLE_ALLOWED[action] else "403"


def build(spec: TreeSpec) -> tuple[list[User], list[Household]]:
    agencies: list[Agency] = []
    for index, parent in enumerate(spec.parents):
        agencies.append(
            create_agency(name=f"T{index}", parent=agencies[parent] if parent is not None else None)
        )
    users = [
        User.objects.create_user(
            f"u{i}@t.test",
            None,
            first_name="U",
            last_name=str(i),
            agency=agencies[a] if a is not None else None,
            role=role,
            is_active=active,
        )
        for i, (a, role, active) in enumerate(spec.users)
    ]
    households = [
        Household.objects.create(agency=agencies[a], agent=users[u] if u is not None else None)
        for a, u in spec.households
    ]
    return users, households


def observed(user: User, household: Household, action: Action) -> str:
    try:
        get_household_for(user, household.pk, action=action)
    except Http404:
        return "404"
    except PermissionDenied:
        return "403"
    return "ok"


class ScopingMatchesTheOracle(TestCase):
    @settings(max_examples=EXAMPLES, deadline=None)
    @given(
        spec=trees(),
        picks=st.lists(
            st.tuples(st.integers(0, 99), st.integers(0, 99), st.sampled_from(list(Action))),
            min_size=TRIPLES_PER_EXAMPLE,
            max_size=TRIPLES_PER_EXAMPLE,
        ),
    )
    def test_every_triple_matches_the_oracle(
        self, spec: TreeSpec, picks: list[tuple[int, int, Action]]
    ) -> None:
        users, households = build(spec)
        mismatches = []
        for u_pick, h_pick, action in picks:
            ui, hi = u_pick % len(users), h_pick % len(households)
            user, household = User.objects.get(pk=users[ui].pk), households[hi]
            expected = oracle_outcome(spec, ui, hi, action.value)
            got = observed(user, household, action)
            listed = households_visible_to(user).filter(pk=household.pk).exists()
            if (
                got != expected
                or listed != (expected != "404")
                or can(user, action, household) != (expected == "ok")
            ):
                mismatches.append((ui, hi, action.value, expected, got, listed))
        assert mismatches == []
