"""`bob demo`: the demo agency, built once, and its logins printed every time.

Demo mode only (OPENBOB_DEMO=1, never in production): every demo account shares one
password and one TOTP secret so a visitor can sign in with any authenticator app, or
with `bob demo_code EMAIL`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.table import Table

from openbob.accounts.models import User
from openbob.portal.demo import DEMO_DOMAIN, build_demo

DEMO_PASSWORD = "demo-only-Password-2026"  # noqa: S105 - demo only, printed on purpose
DEMO_TOTP_SECRET = "OPENBOBDEMOONLYTOTPSECRET234567A"  # noqa: S105 - demo only
DEMO_HOUSEHOLDS = 600
DEMO_MANAGER = f"manager@{DEMO_DOMAIN}"


class Command(BaseCommand):
    help = "Build the demo agency (once) from two generated weeks, and print its logins."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO:
            raise CommandError("bob demo runs only with OPENBOB_DEMO=1 (never in production).")
        console = Console(width=160)
        if not User.objects.filter(email=DEMO_MANAGER).exists():
            console.print(
                "Generating two weeks of CalHEERS and HealthSherpa files and importing them…"
            )
            build = build_demo(
                settings.DATA_DIR / "demo-files",
                households=DEMO_HOUSEHOLDS,
                password=DEMO_PASSWORD,
                totp_secret=DEMO_TOTP_SECRET,
            )
            for result in build.results:
                console.print(f"  {result.message}")
        self._print_logins(console)

    def _print_logins(self, console: Console) -> None:
        table = Table(
            title="OpenBoB demo logins (DEMO ONLY: shared password and TOTP secret)", expand=False
        )
        for column in ("email", "role", "agency", "second factor"):
            table.add_column(column, no_wrap=True)
        staff = User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}")
        agents = User.objects.filter(role="agent").exclude(email__endswith=".invalid")[:3]
        for user in [*staff.select_related("agency").order_by("pk"), *agents]:
            factor = "TOTP" if user.needs_mfa else "none (no PII access)"
            table.add_row(user.email, user.get_role_display(), str(user.agency), factor)
        console.print(table)
        console.print(f"Password for every demo account: [bold]{DEMO_PASSWORD}[/bold]")
        console.print(
            f"TOTP secret for every demo account: [bold]{DEMO_TOTP_SECRET}[/bold] — add it to "
            "an authenticator app, or print the current code with\n"
            "  OPENBOB_DEMO=1 OPENBOB_DATA_DIR=var/demo .venv/bin/bob demo_code EMAIL"
        )
        console.print(
            f"Sign in as the agency manager: [bold]{DEMO_MANAGER}[/bold] at {settings.SITE_URL}/"
        )
