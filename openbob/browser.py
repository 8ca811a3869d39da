"""Real headless Chromium for browser tests (Debian's `chromium`, driven by Playwright).

Playwright's own browser download is not used: it cannot be fetched here, and the
system Chromium is what CI installs. With `CI=true` a missing browser fails the run
instead of skipping it.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from openbob.accounts.models import User

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SCREENS_DIR = Path(__file__).resolve().parent.parent / "docs" / "screens"


def chromium_path() -> str:
    """The system Chromium, or a skip (a failure under CI=true) when it is missing."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    message = "Debian's chromium is not installed (apt-get install chromium)"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@contextmanager
def chromium_page(base_url: str) -> Iterator[Page]:
    """A fresh browser context and page whose relative URLs resolve against `base_url`."""
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread, and the test's own ORM
    # calls would then trip Django's async guard; lifted only while the page lives, so
    # that nothing else (a subprocess running `check --deploy`, say) inherits it.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium_path(), args=CHROMIUM_ARGS
            )
            context = browser.new_context(
                base_url=base_url, viewport={"width": 1366, "height": 900}
            )
            try:
                yield context.new_page()
            finally:
                context.close()
                browser.close()
    finally:
        if previous is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def settle(page: Page) -> None:
    """Wait until the page has no request in flight (its htmx badges included).

    On SQLite the live server shares the test's in-memory database connection, so work
    the test itself starts while the server still answers a request (the worker's
    `BEGIN EXCLUSIVE`, say) fails with "database table is locked".
    """
    page.wait_for_load_state("networkidle")


def screenshot(page: Page, name: str) -> None:
    """Save a full-page screenshot to docs/screens/<name>.png for the README."""
    SCREENS_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS_DIR / f"{name}.png"), full_page=True)


def sign_in_with_totp(page: Page, user: User, *, password: str, secret: str) -> None:
    """Sign `user` in through the real login pages: password, then the TOTP code.

    Enrols `secret` as the user's authenticator first, so any persona can sign in; the
    user must already have `password`. Waits for the home page's greeting.
    """
    from openbob.accounts.mfa import current_code, enrol_with_secret

    enrol_with_secret(user, secret)
    page.goto("/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Code").fill(current_code(secret))
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name=f"Welcome, {user.first_name}").wait_for()
