"""In real Chromium: the book flows of issue 5, as the people who use them.

A manager filters Active Consumers by agent and program, sorts by premium, opens a
household, transfers three consumers with a reason and accepts a pending request; an
agent finds a consumer with the delegation tool and completes it with the passcode the
consumer "reads back" (the email SMS backend, into Django's test outbox); an outsider's
direct URL to a household is a 404. Screenshots go to docs/screens/.
"""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer

from openbob.accounts.models import User
from openbob.accounts.roles import Role
from openbob.agencies.services import create_agency
from openbob.book import delegations
from openbob.book.models import Household
from openbob.book.seeding import seed
from openbob.browser import chromium_page, screenshot, sign_in_with_totp
from openbob.testing import make_household, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
PASSWORD = "walkthrough-Password-2026"


def _user(email: str) -> User:
    return User.objects.get(email=email)


def test_a_manager_filters_sorts_transfers_and_accepts(live_server: LiveServer) -> None:
    seed(consumers=120, seed=5, password=PASSWORD)
    manager = _user("manager@demo.openbob.test")
    agent = User.objects.filter(role=Role.AGENT, agency=manager.agency).order_by("pk").first()
    assert agent is not None
    other = User.objects.filter(role=Role.AGENT, agency=manager.agency).exclude(pk=agent.pk)[0]
    theirs = Household.objects.filter(agent=other).first()
    assert theirs is not None
    pending = delegations.request(household=theirs, agent=agent)
    with chromium_page(live_server.url) as page:
        sign_in_with_totp(page, manager, password=PASSWORD, secret=SECRET)
        expect(page.get_by_text("Pending delegations")).to_be_visible()
        screenshot(page, "home")

        page.goto("/agents/")
        page.get_by_label("Last name").fill(agent.last_name[:3].lower())
        page.get_by_role("button", name="Go").click()
        expect(page.locator("#agents-results")).to_contain_text(agent.full_name)
        screenshot(page, "agents")

        page.goto("/consumers/")
        page.get_by_label("Agent", exact=True).select_option(str(agent.pk))
        page.get_by_label("Program").select_option("covered_california")
        page.wait_for_url(re.compile(r"program=covered_california"))
        page.get_by_role("link", name="Premium").click()
        page.get_by_role("link", name=re.compile("Premium ▲")).click()
        page.wait_for_url(re.compile(r"sort=-premium"))
        expect(page.get_by_label("Sort by")).to_have_value("-premium")
        rows = page.locator("table.consumers tbody tr")
        expect(rows.first).to_contain_text(agent.full_name)
        screenshot(page, "consumers")
        page.get_by_label("Sort by").select_option("name")  # still wired after the swap
        page.wait_for_url(re.compile(r"sort=name"))
        expect(page.get_by_role("link", name=re.compile("Household ▲"))).to_be_visible()

        boxes = page.get_by_role("checkbox", name=re.compile("^Select "))
        chosen = [str(boxes.nth(i).get_attribute("value")) for i in range(3)]
        for i in range(3):
            boxes.nth(i).check()
        page.get_by_label("Move the selected consumers to").select_option(str(other.pk))
        page.get_by_label("Reason").fill("Agent on leave")
        page.get_by_role("button", name="Change Delegation").click()
        expect(page.get_by_text("Moved 3 consumer(s)")).to_be_visible()
        assert set(Household.objects.filter(pk__in=chosen).values_list("agent", flat=True)) == {
            other.pk
        }

        page.goto(f"/households/{chosen[0]}/")
        expect(page.get_by_text("Delegation transferred")).to_be_visible()
        expect(page.get_by_text("***-**-").first).to_be_visible()
        screenshot(page, "household")

        page.goto("/delegations/")
        screenshot(page, "delegations")
        page.locator(f"#request-{pending.pk}").get_by_role("button", name="Accept").click()
        expect(page.locator(f"#request-{pending.pk}")).to_contain_text("Accepted")
        assert Household.objects.get(pk=pending.household_id).agent_id == agent.pk


def test_an_agent_delegates_with_the_tool_and_an_outsider_gets_404(
    live_server: LiveServer, settings: Settings
) -> None:
    settings.OPENBOB_SMS_BACKEND = "email"
    settings.OPENBOB_SMS_EMAIL_DOMAIN = "sms.example.net"
    seed(consumers=30, seed=6, password=PASSWORD)
    agent = _user("agent1@demo.openbob.test")
    target = Household.objects.exclude(agent=agent).order_by("pk").first()
    assert target is not None
    outsider_agency = create_agency(name="Elsewhere Insurance")
    outsider = make_user(
        "olivia.outsider@elsewhere.test", Role.AGENCY_MANAGER, outsider_agency, password=PASSWORD
    )
    make_household(outsider_agency, outsider, name="Oscar Other", ssn="912990001")
    with chromium_page(live_server.url) as page:
        sign_in_with_totp(page, agent, password=PASSWORD, secret=SECRET)
        page.goto("/delegations/tool/")
        page.get_by_role("radio", name="Case ID").check()
        page.get_by_role("textbox", name="Case ID").fill(str(target.case_number))
        page.get_by_label("I have read the delegation disclaimers").check()
        screenshot(page, "delegation-tool")
        page.get_by_role("button", name="Search").click()
        expect(page.get_by_role("heading", name="One match found")).to_be_visible()
        page.get_by_label("Consumer's cell phone number").fill("(916) 555-0123")
        page.get_by_role("button", name="Send passcode").click()
        code = re.search(r"passcode is (\d{6})", str(mail.outbox[-1].body))
        assert code is not None
        page.get_by_label("One-time passcode the consumer reads back").fill(code.group(1))
        page.get_by_role("button", name="Complete delegation").click()
        expect(page.get_by_text("Delegation complete")).to_be_visible()
        assert Household.objects.get(pk=target.pk).agent_id == agent.pk

        page.get_by_role("button", name="Log out").click()
        sign_in_with_totp(page, outsider, password=PASSWORD, secret=SECRET)
        response = page.goto(f"/households/{target.pk}/")
        assert response is not None and response.status == 404
