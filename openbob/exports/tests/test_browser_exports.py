"""In real Chromium: a manager exports the Book of Business (All Agents) and downloads
it from Exports History; an agent whose agency prevents exports sees no export button.

The history screenshot lands in docs/screens/exports-history.png for the README.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from pytest_django.live_server_helper import LiveServer

from openbob.browser import chromium_page, screenshot, settle, sign_in_with_totp
from openbob.exports.tests.conftest import run_worker
from openbob.testing import build_personas

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
PASSWORD = "exports-Password-2026"


def test_a_manager_requests_the_book_and_downloads_it_from_the_history(
    live_server: LiveServer, tmp_path: Path
) -> None:
    personas = build_personas(password=PASSWORD)
    with chromium_page(live_server.url) as page:
        sign_in_with_totp(page, personas.alice, password=PASSWORD, secret=SECRET)
        page.goto("/consumers/")
        page.get_by_role("link", name="Export Book of Business (All Agents)").click()
        page.get_by_role("button", name="Export").click()
        page.get_by_role("heading", name="Exports history").wait_for()
        assert "is being prepared" in page.content()

        settle(page)
        run_worker()
        page.reload()
        row = page.locator("table.grid tbody tr").first
        assert "Book of Business (All Agents)" in row.inner_text()
        assert "Ready" in row.inner_text()
        screenshot(page, "exports-history")
        with page.expect_download() as download:
            row.get_by_role("button", name="Download").click()
        saved = tmp_path / download.value.suggested_filename
        download.value.save_as(saved)

    assert saved.name.startswith("openbob-book_all-") and saved.suffix == ".xlsx"
    sheet = openpyxl.load_workbook(saved, read_only=True).worksheets[0]
    title, header, *rows = list(sheet.iter_rows(values_only=True))
    assert str(title[0]).startswith("File Created") and "Delegated Agent" in header
    assert len(rows) == 2  # alice's scope: the A and A1 households


def test_an_agent_whose_agency_prevents_exports_sees_no_export_button(
    live_server: LiveServer,
) -> None:
    personas = build_personas(password=PASSWORD)
    personas.agency_a1.allow_agent_exports = False
    personas.agency_a1.save()
    with chromium_page(live_server.url) as page:
        sign_in_with_totp(page, personas.bob, password=PASSWORD, secret=SECRET)
        page.goto("/consumers/")
        page.get_by_role("heading", name="Active Consumers").wait_for()
        assert page.get_by_role("link", name="Export Book of Business for an Agent").count() == 0
        nav = page.get_by_role("navigation", name="Main")
        assert nav.get_by_role("link", name="Exports", exact=True).count() == 0
        refused = page.goto("/exports/book_agent/")
        assert refused is not None and refused.status == 403
