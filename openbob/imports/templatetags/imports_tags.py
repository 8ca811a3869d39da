"""Template helpers of the import pages and the navigation entries they add."""

from __future__ import annotations

from collections.abc import Mapping

from django import template

from openbob.accounts.models import User
from openbob.accounts.roles import Perm
from openbob.book.choices import Source

register = template.Library()


@register.filter
def can_import(user: object) -> bool:
    """True for a signed-in user whose role may import (shows the import menu entries)."""
    return isinstance(user, User) and user.can(Perm.IMPORT)


@register.filter
def counts_text(counts: Mapping[str, int] | None) -> str:
    """An import's counts in words: ``{"households_created": 38}`` → "households created 38"."""
    return ", ".join(
        f"{name.replace('_', ' ')} {value}"
        for name, value in sorted((counts or {}).items())
        if value
    )


@register.filter
def source_label(source: str) -> str:
    """A change event's source in words ("calheers" → "CalHEERS Book of Business")."""
    return str(Source(source).label) if source in Source.values else source
