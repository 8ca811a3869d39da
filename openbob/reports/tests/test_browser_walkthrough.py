"""In real Chromium, issue 8's walk-through: open My Reports, start from the sample "My
Book of Business", remove and add columns, filter to consumers with active 2025 cases,
run, save as "2025 only" in Private Reports, find it under Recent, export it.
Screenshots land in docs/screens/reports-*.png.
"""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client
from playwright.sync_api import expect
from pytest_django.live_server_helper import LiveServer

from openbob.browser import chromium_page, screenshot, settle
from openbob.exports.models import ExportJob, ExportStatus
from openbob.reports.models import Report
from openbob.testing import Personas, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_manager_builds_saves_finds_and_exports_2025_only(
    live_server: LiveServer, book: Personas, sample: Report
) -> None:
    session = sign_in(Client(), book.alice).cookies["sessionid"].value
    with chromium_page(live_server.url) as page:
        page.context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
        page.goto("/")
        nav = page.get_by_role("navigation", name="Main")
        nav.get_by_text("My Delegations", exact=True).click()
        nav.get_by_role("link", name="My Reports").click()
        page.get_by_role("heading", name="My Reports").wait_for()
        screenshot(page, "reports-home")

        page.get_by_role("link", name="My Book of Business").click()
        page.get_by_role("heading", name="Results").wait_for()
        assert page.locator("#results tbody tr").count() == 4

        page.get_by_role("button", name="Remove column Phone").click()
        expect(page.get_by_role("button", name="Remove column Phone")).to_have_count(0)
        page.get_by_role("button", name="Remove column Email").click()
        expect(page.get_by_role("button", name="Remove column Email")).to_have_count(0)
        page.locator("select[name=new_column]").select_option(label="Net Premium")
        page.get_by_role("button", name="Add column").click()
        page.get_by_role("button", name="Remove column Net Premium").wait_for()
        assert page.get_by_role("button", name="Remove column Phone").count() == 0

        page.locator("select[name=new_filter]").select_option(label="Year of Application")
        page.get_by_role("button", name="Add filter").click()
        page.get_by_label("Value for Year of Application").wait_for()
        page.get_by_label("Value for Year of Application").fill("2025")
        page.locator("select[name=new_filter]").select_option(label="Health Enrollment Status")
        page.get_by_role("button", name="Add filter").click()
        page.get_by_label("Value for Health Enrollment Status").wait_for()
        page.get_by_label("Operator for Health Enrollment Status").select_option("in")
        page.get_by_label("Value for Health Enrollment Status").fill("Pending, Effectuated")
        page.get_by_role("button", name="Run", exact=True).click()
        page.get_by_text("2 rows").wait_for()
        names = page.locator("#results tbody tr td:first-child").all_inner_texts()
        assert names == ["Ana Alvarez", "Ben Brooks"]
        assert page.locator("#results thead th").last.inner_text() == "Net Premium"
        screenshot(page, "reports-builder")

        page.get_by_label("Report name").fill("2025 only")
        page.locator("select[name=folder]").select_option(label="Private Reports")
        page.get_by_role("button", name="Save As").click()
        page.get_by_role("heading", name="2025 only").wait_for()
        assert page.get_by_text("Saved “2025 only” in Private Reports.").count() == 1

        page.get_by_role("link", name="← My Reports").click()
        recent = page.locator("section", has=page.get_by_role("heading", name="Recent"))
        recent.get_by_role("link", name="2025 only").wait_for()
        screenshot(page, "reports-recent")
        recent.get_by_role("link", name="2025 only").click()
        page.get_by_text("2 rows").wait_for()

        page.get_by_label("Export format").select_option("xlsx")
        page.get_by_role("button", name="Export", exact=True).click()
        page.get_by_role("heading", name="Exports history").wait_for()
        settle(page)
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload")
        job = ExportJob.objects.get(kind="report", requester=book.alice)
        assert job.status == ExportStatus.SUCCEEDED and job.rows == 2
        page.reload()
        screenshot(page, "reports-export")
