"""In real Chromium: the manager reads this morning's summary in the Secure Mailbox and
opens the AOR at-risk tab, whose badge clears once the tab has been seen."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from pytest_django.live_server_helper import LiveServer

from openbob.alerts import runs
from openbob.alerts.tests.conftest import event, fill_book
from openbob.book.models import Household
from openbob.browser import chromium_page, screenshot, sign_in_with_totp
from openbob.imports.choices import EventType
from openbob.lib.weeks import pacific_day
from openbob.testing import build_personas

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
PASSWORD = "alerts-Password-2026"


def test_the_manager_reads_the_daily_summary_and_the_aor_at_risk_tab(
    live_server: LiveServer,
) -> None:
    personas = fill_book(build_personas(password=PASSWORD), pacific_day(timezone.now()))
    now = timezone.now()
    Household.objects.filter(pk=personas.household_a.pk).update(
        aor_at_risk_at=now - timedelta(hours=3), source_as_of=now - timedelta(hours=4)
    )
    event(personas.household_a1, EventType.AOR_CHANGED, now - timedelta(hours=1))
    runs.produce(pacific_day(now))
    with chromium_page(live_server.url) as page:
        sign_in_with_totp(page, personas.alice, password=PASSWORD, secret=SECRET)

        nav = page.get_by_role("navigation", name="Main")
        nav.get_by_text("My Delegations", exact=True).click()
        nav.get_by_role("link", name="Secure Mailbox").click()
        page.get_by_role("heading", name="Secure Mailbox").wait_for()
        page.get_by_role("link", name="Daily Manager Summary").click()
        page.get_by_role("heading", name="Daily Manager Summary").wait_for()
        assert page.locator("table.grid tbody tr").count() == 6  # 4 from the book, 2 AOR
        assert page.get_by_text("Binder Payment Pending").count() == 1
        screenshot(page, "alerts-mailbox")

        nav.get_by_text("My Delegations", exact=True).click()
        assert nav.get_by_role("link", name="AOR at-risk 2 new").count() == 1
        nav.get_by_role("link", name="AOR at-risk 2 new").click()
        page.get_by_role("heading", name="AOR at-risk 2 new").wait_for()
        assert page.locator("table.grid tbody tr").count() == 2
        screenshot(page, "alerts-aor-at-risk")
        page.wait_for_load_state("networkidle")  # htmx has recorded the visit
        page.reload()
        page.get_by_role("heading", name="AOR at-risk", exact=True).wait_for()
