"""`bob demo_code EMAIL`: the current TOTP code of a demo account, so a visitor can sign in.

Demo mode only: outside it this would turn shell access into a second factor for any
account, so it refuses unless `settings.DEMO` (never true in production).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from openbob.accounts import mfa
from openbob.accounts.models import User


class Command(BaseCommand):
    help = "Print the current TOTP code of a demo account (demo mode only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")

    def handle(self, *args: Any, email: str, **options: Any) -> None:
        if not settings.DEMO:
            raise CommandError("demo_code works only in demo mode (OPENBOB_DEMO=1).")
        user = User.objects.filter(email=email.strip().lower()).first()
        secret = mfa.device_secret(user, confirmed=True) if user else None
        if secret is None:
            raise CommandError(f"{email} has no authenticator set up.")
        self.stdout.write(mfa.current_code(secret))
