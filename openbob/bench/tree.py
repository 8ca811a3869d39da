"""The benchmark agency: a top agency, sub-agencies, a manager and agents spread over them.

Built through the services (a few hundred rows); the book itself is seeded by each suite
with bulk SQL. Imported inside the measured process, after `django.setup()`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

AGENTS = 200
SUB_AGENCIES = 10


@dataclass(frozen=True)
class Tree:
    top: Any
    manager: Any
    agents: list[Any]


def agency_tree() -> Tree:
    """`SUB_AGENCIES` sub-agencies under one top agency; agents dealt round-robin."""
    from openbob.accounts.roles import Role
    from openbob.agencies.services import create_agency
    from openbob.testing import make_user

    top = create_agency(name="Benchmark Agency")
    agencies = [top, *(create_agency(name=f"Sub {n}", parent=top) for n in range(SUB_AGENCIES))]
    manager = make_user("bench.manager@openbob.invalid", Role.AGENCY_MANAGER, top)
    agents = [
        make_user(f"agent{n}@openbob.invalid", Role.AGENT, agencies[n % len(agencies)])
        for n in range(AGENTS)
    ]
    return Tree(top, manager, agents)
