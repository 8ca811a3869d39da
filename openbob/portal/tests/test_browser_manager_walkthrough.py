"""In real Chromium: the agency manager signs in with password and TOTP and sees the book.

This is the foundation issue's walk-through (`make demo`, sign in as the manager it
prints, see the agency's agents and book). The book screenshots come from
`test_browser_book_flows.py`.
"""

from __future__ import annotations

import pytest
from pytest_django.live_server_helper import LiveServer

from openbob.accounts.models import User
from openbob.book.seeding import seed
from openbob.browser import chromium_page, sign_in_with_totp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
PASSWORD = "walkthrough-Password-2026"


def test_the_manager_signs_in_with_totp_and_sees_agents_and_book(
    live_server: LiveServer,
) -> None:
    seed(consumers=60, seed=5, password=PASSWORD)
    manager = User.objects.get(email="manager@demo.openbob.test")
    with chromium_page(live_server.url) as page:
        sign_in_with_totp(page, manager, password=PASSWORD, secret=SECRET)
        assert page.get_by_text("Households").count() >= 1

        nav = page.get_by_role("navigation", name="Main")
        nav.get_by_text("Agents", exact=True).click()
        nav.get_by_role("link", name="Agent roster").click()
        page.get_by_role("heading", name="Agents").wait_for()
        assert page.locator("table.grid tbody tr").count() >= 10

        nav.get_by_text("Agency Delegations", exact=True).click()
        nav.get_by_role("link", name="Active Consumers").click()
        page.get_by_role("heading", name="Active Consumers").wait_for()
        assert page.locator("table.grid tbody tr").count() == 50

        page.locator("table.grid tbody tr a").first.click()
        page.get_by_role("heading", name="Members").wait_for()
        assert page.get_by_text("***-**-").count() >= 1
