"""`bob retention ...`: sync, list, show, update, close, log, risk, transfer and refresh.

Every subcommand but `sync` acts `--as` an enroller, with exactly that user's scope and
role (the same `access` and `casework` functions as the pages and the API), so the CLI
cannot see or do more than the portal would let that user.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404

from openbob.accounts.models import User
from openbob.book.scoping import visible_agency_ids
from openbob.retention import casework, listing, tallies
from openbob.retention.access import (
    CaseAction,
    cases_visible_to,
    get_case_for,
    require,
    transfer_targets,
)
from openbob.retention.choices import OPEN_STATUSES, CaseStatus
from openbob.retention.sync import sync


class Command(BaseCommand):
    help = "Retention Workspace: daily sync, and case work from the command line."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser(
            "sync", help="create, rescore and close cases now (`bob worker` runs it daily)"
        )
        run.add_argument("--today", type=date.fromisoformat, help="YYYY-MM-DD (default today)")
        run.add_argument("--force", action="store_true", help="run again for a synced day")
        listing = sub.add_parser("list", help="cases, highest risk first (JSON lines)")
        listing.add_argument("--all", action="store_true", help="closed cases too")
        listing.add_argument("--limit", type=int, default=50)
        show = sub.add_parser("show", help="one case with its interaction log (JSON)")
        show.add_argument("case", type=int)
        update = sub.add_parser("update", help="set status, resolution, steps")
        update.add_argument("case", type=int)
        update.add_argument("--status")
        update.add_argument("--resolution")
        update.add_argument("--steps")
        close = sub.add_parser("close", help="close with a resolution reason and steps")
        close.add_argument("case", type=int)
        close.add_argument("--resolution", default="")
        close.add_argument("--steps", default="")
        log = sub.add_parser("log", help="log an interaction")
        log.add_argument("case", type=int)
        log.add_argument("--channel", required=True)
        log.add_argument("--outcome", required=True)
        log.add_argument("--notes", default="")
        risk = sub.add_parser(
            "risk", help="set the exchange's risk category, which overrides ours (or --clear)"
        )
        risk.add_argument("case", type=int)
        risk.add_argument("category", type=int, nargs="?", help="1 Very Low to 5 Very High")
        risk.add_argument("--clear", action="store_true", help="back to the computed category")
        move = sub.add_parser("transfer", help="move cases to an agent (Agency Managers)")
        move.add_argument("cases", type=int, nargs="+")
        move.add_argument("--to", required=True, help="the agent's email")
        sub.add_parser("refresh", help="rebuild the dashboard figures of your scope")
        for name, action in sub.choices.items():
            if name != "sync":
                action.add_argument("--as", dest="as_user", required=True, help="user email")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "sync":
            self._sync(options)
            return
        user = User.objects.filter(email__iexact=options["as_user"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {options['as_user']!r}")
        try:
            getattr(self, f"_{action}")(user, options)
        except (Http404, PermissionDenied) as exc:
            raise CommandError(str(exc) or "Not allowed") from exc
        except casework.CaseError as exc:
            raise CommandError("\n".join(f"{f}: {m}" for f, m in exc.errors.items())) from exc

    def _sync(self, options: dict[str, Any]) -> None:
        outcome = sync(today=options["today"], force=options["force"])
        if outcome.already_done:
            self.stdout.write(f"{outcome.period} was already synced: nothing to do")
            return
        self.stdout.write(
            f"{outcome.period}: plan year {outcome.plan_year or '- (out of season)'}; "
            f"{outcome.created} created, {outcome.rescored} rescored, {outcome.closed} closed"
        )

    def _emit(self, data: dict[str, Any]) -> None:
        self.stdout.write(json.dumps(data, default=str))

    def _list(self, user: User, options: dict[str, Any]) -> None:
        require(user, CaseAction.VIEW)
        statuses = list(CaseStatus.values) if options["all"] else list(OPEN_STATUSES)
        parts = listing.branches(user, statuses)
        rows, _ = listing.page(cases_visible_to(user), parts, None, options["limit"])
        for case in rows:
            self._emit(_summary(case))

    def _show(self, user: User, options: dict[str, Any]) -> None:
        case = get_case_for(user, options["case"])
        interactions = case.interactions.values("at", "channel", "outcome", "notes")
        self._emit(
            {
                **_summary(case),
                "phone": case.phone,
                "email": case.email,
                "language": case.language,
                "steps_to_resolve": case.steps_to_resolve,
                "interactions": list(interactions),
            }
        )

    def _update(self, user: User, options: dict[str, Any]) -> None:
        case = get_case_for(user, options["case"], action=CaseAction.WORK)
        update = casework.CaseUpdate(options["status"], options["resolution"], options["steps"])
        changed = casework.update_case(actor=user, case=case, update=update)
        self.stdout.write(f"case {case.pk}: {', '.join(changed) or 'nothing changed'}")

    def _close(self, user: User, options: dict[str, Any]) -> None:
        case = get_case_for(user, options["case"], action=CaseAction.WORK)
        casework.close_case(
            actor=user,
            case=case,
            resolution=options["resolution"],
            steps_to_resolve=options["steps"],
        )
        self.stdout.write(f"case {case.pk} closed")

    def _log(self, user: User, options: dict[str, Any]) -> None:
        case = get_case_for(user, options["case"], action=CaseAction.WORK)
        casework.log_interaction(
            actor=user,
            case=case,
            channel=options["channel"],
            outcome=options["outcome"],
            notes=options["notes"],
        )
        self.stdout.write(f"case {case.pk}: interaction logged")

    def _risk(self, user: User, options: dict[str, Any]) -> None:
        category, clear = options["category"], options["clear"]
        if (category is None) != clear:
            raise CommandError("Give either a risk category (1 to 5) or --clear.")
        case = get_case_for(user, options["case"], action=CaseAction.WORK)
        casework.set_exchange_risk(actor=user, case=case, risk=category)
        source = "exchange" if case.exchange_risk else "computed"
        self.stdout.write(f"case {case.pk}: {case.get_risk_display()} ({source})")

    def _transfer(self, user: User, options: dict[str, Any]) -> None:
        require(user, CaseAction.TRANSFER)
        agent = transfer_targets(user).filter(email__iexact=options["to"]).first()
        if agent is None:
            raise CommandError(f"{options['to']!r} is not an agent you can transfer cases to")
        wanted = set(options["cases"])
        cases = list(cases_visible_to(user).filter(pk__in=wanted))
        if len(cases) != len(wanted):
            unseen = sorted(wanted - {c.pk for c in cases})
            raise CommandError(f"No such case(s): {', '.join(map(str, unseen))}")
        moved = casework.transfer_cases(actor=user, cases=cases, to=agent)
        self.stdout.write(f"{moved} case(s) transferred to {agent.email}")

    def _refresh(self, user: User, options: dict[str, Any]) -> None:
        require(user, CaseAction.VIEW)
        tallies.refresh(visible_agency_ids(user))
        self.stdout.write("dashboard figures refreshed")


def _summary(case: Any) -> dict[str, Any]:
    return {
        "id": case.pk,
        "consumer": case.consumer_name,
        "plan_year": case.plan_year,
        "status": case.status,
        "risk": case.risk,
        "risk_source": "exchange" if case.exchange_risk else "computed",
        "reasons": case.reason_keys,
        "assignee_id": case.assignee_id,
        "opened_at": case.opened_at,
    }
