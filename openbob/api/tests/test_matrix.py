"""Every cell of the role x operation matrix, and a guard that the matrix covers the API.

Denied writes must leave the database exactly as it was (reliability.md A5); allowed
writes must change it and leave an audit row (D2).
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date
from typing import Any

import pytest
from django.db.models import Model
from django.utils import timezone

from openbob.accounts.models import User
from openbob.accounts.roles import Role
from openbob.agencies.models import Agency
from openbob.alerts.models import DailySummary, SummaryKind
from openbob.api.api import api as ninja_api
from openbob.api.tests.conftest import ApiCaller
from openbob.api.tests.matrix import TARGETS, Cell, cells
from openbob.audit.models import AuditEvent
from openbob.book.models import Delegation, Enrollment, Household, Member
from openbob.exports.models import ExportJob
from openbob.imports.models import ImportJob, JobStatus, MappingProfile
from openbob.reports.models import Report, ReportFolder
from openbob.retention.models import Interaction, RetentionCase
from openbob.testing import Personas, make_user

DOMAIN_MODELS: tuple[type[Model], ...] = (
    Agency,
    User,
    Household,
    Member,
    Enrollment,
    Delegation,
    ImportJob,
    MappingProfile,
    ExportJob,
    Report,
    RetentionCase,
    Interaction,
)
NEW_AGENT = {"email": "new.agent@a.test", "first_name": "New", "last_name": "Agent"}
POST_BODIES: dict[str, dict[str, Any]] = {
    "/api/mapping-profiles": {
        "name": "Carrier",
        "mapping": {"ffm_app_id": "Exchange ID", "full_name": "Member Name"},
    },
}
DEFINITION = {"type": "consumers", "columns": ["consumer_name", "net_premium"]}
BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("PATCH", "/api/agencies/{agency_id}"): {"allow_agent_exports": False},
    ("PATCH", "/api/households/{household_id}"): {"archived": True},
    ("POST", "/api/reports/run"): {"definition": DEFINITION},
    ("POST", "/api/reports/{report_id}/export"): {"format": "csv"},
    ("PATCH", "/api/retention/cases/{case_id}"): {"status": "in_progress"},
    ("POST", "/api/retention/cases/{case_id}/close"): {
        "resolution": "renewed_same_plan",
        "steps_to_resolve": "Renewed on the call.",
    },
    ("POST", "/api/retention/cases/{case_id}/interactions"): {
        "channel": "phone",
        "outcome": "reached",
    },
}
READ_POSTS = {("POST", "/api/reports/run")}  # reads sent as POST: a JSON body, no target
WRITE_AUDIT_ACTIONS = {
    ("PATCH", "/api/agencies/{agency_id}"): "agency.update",
    ("POST", "/api/enrollers"): "enroller.create",
    ("PATCH", "/api/households/{household_id}"): "household.update",
    ("POST", "/api/mapping-profiles"): "mapping_profile.save",
    ("POST", "/api/exports"): "export.request",
    ("POST", "/api/reports"): "report.create",
    ("POST", "/api/reports/{report_id}/export"): "export.request",
    ("PATCH", "/api/retention/cases/{case_id}"): "retention.update",
    ("POST", "/api/retention/cases/{case_id}/close"): "retention.close",
    ("POST", "/api/retention/cases/{case_id}/interactions"): "retention.interaction",
    ("POST", "/api/retention/transfers"): "retention.transfer",
}


def _schema_operations() -> set[tuple[str, str]]:
    paths: dict[str, dict[str, Any]] = ninja_api.get_openapi_schema()["paths"]
    return {(method.upper(), path) for path, item in paths.items() for method in item}


def _owner(personas: Personas, target: str) -> User:
    """The persona of the target agency who owns its exports, summaries and reports."""
    return {"a": personas.alice, "a1": personas.bob, "b": personas.mallory}[target]


def _target(personas: Personas, resource: str, target: str) -> Model:
    if resource == "exports":  # a job of the target agency's persona
        return ExportJob.objects.create(
            requester=_owner(personas, target), kind="book_all", format="csv"
        )
    if resource == "reports":  # a private report of the target agency's persona
        return Report.objects.create(
            name="Mine", owner=_owner(personas, target), definition=DEFINITION
        )
    if resource == "retention":  # the renewal case of the target household
        household, agency = (_target(personas, r, target) for r in ("households", "agencies"))
        assert isinstance(household, Household) and isinstance(agency, Agency)
        now = timezone.now()
        return RetentionCase.objects.create(
            household=household,
            agency=agency,
            assignee_id=household.agent_id,
            plan_year=2026,
            consumer_name=household.primary_name,
            opened_at=now,
            opened_on=now.date(),
            scored_at=now,
        )
    if resource == "alerts":  # a Daily Summary addressed to the target agency's persona
        return DailySummary.objects.create(
            recipient=_owner(personas, target),
            day=date(2026, 11, 30),
            kind=SummaryKind.DAILY,
            subject="Daily Summary",
        )
    if resource == "imports":  # an upload (refused, so it owns no file) into the agency
        agency = _target(personas, "agencies", target)
        assert isinstance(agency, Agency)
        return ImportJob.objects.create(
            agency=agency, file_name="book.csv", status=JobStatus.REJECTED
        )
    objects: dict[str, dict[str, Model]] = {
        "agencies": {"a": personas.agency_a, "a1": personas.agency_a1, "b": personas.agency_b},
        "enrollers": {"a": personas.carol, "a1": personas.bob, "b": personas.mallory},
        "households": {
            "a": personas.household_a,
            "a1": personas.household_a1,
            "b": personas.household_b,
        },
    }
    return objects[resource][target]


def _request(personas: Personas, cell: Cell) -> tuple[str, dict[str, Any] | None]:
    """The concrete URL and JSON body that exercise `cell`."""
    resource = cell.path.split("/")[2]
    if cell.target == "-":
        return cell.path, BODIES.get(cell.operation)
    if cell.path == "/api/exports":  # one agent's book: carol, bob or mallory
        agent = _target(personas, "enrollers", cell.target)
        return cell.path, {"type": "book_agent", "agent_id": agent.pk}
    if cell.path == "/api/reports":  # saved into a shared folder of the target agency
        agency = _target(personas, "agencies", cell.target)
        assert isinstance(agency, Agency)
        folder = ReportFolder.objects.create(agency=agency, name="Shared")
        return cell.path, {"name": "Shared", "folder_id": folder.pk, "definition": DEFINITION}
    if cell.path == "/api/retention/transfers":  # the target's case, to a new agent there
        case = _target(personas, "retention", cell.target)
        assert isinstance(case, RetentionCase)
        agent = make_user(f"new.agent@{cell.target}.test", Role.AGENT, case.agency)
        return cell.path, {"case_ids": [case.pk], "agent_id": agent.pk}
    if cell.method == "POST" and "{" not in cell.path:  # new agent, profile, upload
        agency = _target(personas, "agencies", cell.target)  # for the target agency
        return cell.path, {**POST_BODIES.get(cell.path, NEW_AGENT), "agency_id": agency.pk}
    obj = _target(personas, resource, cell.target)
    url = re.sub(r"\{\w+\}", str(obj.pk), cell.path)
    return url, BODIES.get(cell.operation)


def _fingerprint() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every domain table: equal fingerprints mean nothing was written."""
    return {
        m.__name__: list(m._default_manager.order_by("pk").values_list()) for m in DOMAIN_MODELS
    }


def _persona(personas: Personas, name: str) -> User | None:
    return None if name == "anonymous" else getattr(personas, name)


@pytest.mark.parametrize("cell", cells(), ids=str)
def test_it_enforces_the_matrix(api: ApiCaller, personas: Personas, cell: Cell) -> None:
    user = _persona(personas, cell.persona)
    if user is not None:
        api.token_for(user)  # issued (and audited) before the "before" snapshot
    url, body = _request(personas, cell)
    before, last_audit = _fingerprint(), _last_audit_id()

    response = api.call(cell.method, url, as_user=user, body=body)

    assert response.status_code == cell.status, response.content
    assert response["Content-Type"].startswith("application/json")
    assert "detail" in response.json() or cell.status < 400
    if cell.method != "GET":
        _assert_write_outcome(cell, before, last_audit)


def _last_audit_id() -> int:
    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _assert_write_outcome(cell: Cell, before: dict[str, Any], last_audit: int) -> None:
    if cell.status >= 400 or cell.operation in READ_POSTS:
        assert _fingerprint() == before, "a refused write (or a read) changed the database"
        return
    assert _fingerprint() != before
    actions = AuditEvent.objects.filter(pk__gt=last_audit).values_list("action", flat=True)
    assert list(actions) == [WRITE_AUDIT_ACTIONS[cell.operation]]


def test_every_operation_is_in_the_matrix() -> None:
    """Guard: a new route cannot ship without its row of expected statuses."""
    in_matrix = {cell.operation for cell in cells()}
    assert _schema_operations() - in_matrix == set(), "operations missing from matrix.py"
    assert in_matrix - _schema_operations() == set(), "matrix.py names unknown operations"


def test_every_operation_on_an_object_is_swept_across_agencies() -> None:
    """Guard: operations taking an id have rows for A, A1 and outsider B (A1 sweep)."""
    targets: dict[tuple[str, str], set[str]] = defaultdict(set)
    for cell in cells():
        targets[cell.operation].add(cell.target)
    for (method, path), seen in targets.items():
        if "{" in path or (method == "POST" and (method, path) not in READ_POSTS):
            assert seen == set(TARGETS), f"{method} {path} is swept only for {sorted(seen)}"
