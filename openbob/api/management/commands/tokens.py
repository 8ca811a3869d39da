"""`bob tokens create EMAIL --name N --days D` and `bob tokens revoke PREFIX`.

For operators with shell access (automation set-up, incident response). The same
service as the profile page issues and revokes, so the audit trail records both; the
actor is the command line, as there is no signed-in user.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from openbob.accounts.models import User
from openbob.api.models import ApiToken
from openbob.api.tokens import DEFAULT_DAYS, TokenError, issue_token, revoke_token

CLI_ACTOR = "bob tokens (command line)"


class Command(BaseCommand):
    help = "Create or revoke API tokens."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="Issue a token; prints it once.")
        create.add_argument("email")
        create.add_argument("--name", required=True)
        create.add_argument("--days", type=int, default=DEFAULT_DAYS)
        revoke = actions.add_parser("revoke", help="Revoke the token with this prefix.")
        revoke.add_argument("prefix")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "create":
            self._create(options["email"], options["name"], options["days"])
        else:
            self._revoke(options["prefix"])

    def _create(self, email: str, name: str, days: int) -> None:
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"No account with email {email}.")
        try:
            issued = issue_token(user=user, name=name, days=days, actor=None, actor_label=CLI_ACTOR)
        except TokenError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(issued.plaintext)
        token = issued.token
        self.stderr.write(
            f"Token {token.prefix} for {user.email} expires {token.expires_at:%Y-%m-%d}."
            " It is shown only this once."
        )

    def _revoke(self, prefix: str) -> None:
        token = ApiToken.objects.select_related("user").filter(prefix=prefix.strip()).first()
        if token is None:
            raise CommandError(f"No token with prefix {prefix}.")
        if not revoke_token(token=token, actor=None, actor_label=CLI_ACTOR):
            raise CommandError(f"Token {prefix} was already revoked.")
        self.stdout.write(f"Revoked token {token.prefix} of {token.user.email}.")
