"""In real Chromium: an agent works a renewal case; a manager reads the dashboard.

Screenshots land in docs/screens/retention-*.png for the README.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone
from pytest_django.live_server_helper import LiveServer

from openbob.book.choices import BinderStatus, FollowUpKind
from openbob.book.models import Enrollment, FollowUp, Household
from openbob.browser import chromium_page, screenshot, sign_in_with_totp
from openbob.retention.sync import sync
from openbob.retention.tests.conftest import make_renewing
from openbob.testing import Personas, build_personas, make_household

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
PASSWORD = "retention-Password-2026"
TODAY = date(2026, 10, 5)


def _book() -> Personas:
    """Bob's and carol's renewing households with a spread of risk factors, synced."""
    personas = build_personas(password=PASSWORD)
    names = ["Diego Flores", "Mai Nguyen", "Grace Kim", "Omar Haddad", "Lucia Reyes"]
    for index, name in enumerate(names):
        agent, agency = (
            (personas.bob, personas.agency_a1)
            if index % 2 == 0
            else (personas.carol, personas.agency_a)
        )
        household = make_renewing(
            make_household(agency, agent, name=name, ssn=f"9123000{index:02d}")
        )
        if index < 3:
            FollowUp.objects.create(
                household=household, kind=FollowUpKind.DMI, issue_type="Income",
                due_date=TODAY - timedelta(days=3 - index), opened_at=timezone.now(),
            )  # fmt: skip
        if index in (0, 3):
            Enrollment.objects.filter(household=household).update(
                binder_status=BinderStatus.PENDING
            )
        if index == 4:
            Household.objects.filter(pk=household.pk).update(primary_phone="", primary_email="")
    make_renewing(personas.household_a1)
    make_renewing(personas.household_a)
    sync(today=TODAY)
    return personas


def test_an_agent_calls_logs_and_closes_a_case(live_server: LiveServer) -> None:
    personas = _book()
    with chromium_page(live_server.url) as page:
        sign_in_with_totp(page, personas.bob, password=PASSWORD, secret=SECRET)
        nav = page.get_by_role("navigation", name="Main")
        nav.get_by_text("Agency Delegations", exact=True).click()
        nav.get_by_role("link", name="Retention Workspace").click()
        page.get_by_role("heading", name="Consumer Retention Workspace").wait_for()
        rows = page.locator("table.grid tbody tr")
        assert rows.count() == 4
        assert "Very High Risk" in rows.first.inner_text() or "High Risk" in rows.first.inner_text()
        assert "Expired DMI or SVI" in rows.first.inner_text()
        screenshot(page, "retention-cases")

        rows.first.get_by_role("link").click()
        page.get_by_role("heading", name="Interaction log").wait_for()
        page.get_by_label("Channel").select_option("phone")
        page.get_by_label("Outcome").select_option("reached")
        page.get_by_label("Notes").fill("Reviewed the renewal notice; will send income proof.")
        page.get_by_role("button", name="Log interaction").click()
        page.get_by_text("Interaction logged.").wait_for()
        assert "In Progress" in page.locator("h1").inner_text()

        page.get_by_label("Status *").select_option("closed")
        page.get_by_role("button", name="Save").click()
        page.get_by_text("The case cannot be closed yet").wait_for()
        assert page.get_by_text("Describe the steps taken to resolve the case.").count() >= 1
        screenshot(page, "retention-close-missing")

        page.get_by_label("Resolution reason *").select_option("renewed_same_plan")
        page.get_by_label("Steps to resolve *").fill(
            "Income proof uploaded; renewed in the same plan."
        )
        page.get_by_role("button", name="Save").click()
        page.get_by_text("Case closed.").wait_for()
        assert "Closed" in page.locator("h1").inner_text()
        screenshot(page, "retention-case")


def test_a_manager_reads_the_dashboard_and_enroller_activity(live_server: LiveServer) -> None:
    personas = _book()
    with chromium_page(live_server.url) as page:
        sign_in_with_totp(page, personas.alice, password=PASSWORD, secret=SECRET)
        page.goto("/retention/dashboard/")
        page.get_by_role("heading", name="Retention dashboard").wait_for()
        assert page.get_by_role("img", name="Open cases by priority").count() == 1
        priority = page.get_by_role("table", name="Open cases by priority (figures)")
        assert "5 Very High Risk" in priority.inner_text()
        page.get_by_role("button", name="Refresh").click()
        page.get_by_text("Dashboard refreshed.").wait_for()
        activity = page.get_by_role("table", name="Every enroller's case work")
        assert "Bob Tester" in activity.inner_text() and "Carol Tester" in activity.inner_text()
        screenshot(page, "retention-dashboard")
