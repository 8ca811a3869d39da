"""Configuration from environment variables, and the secrets file used outside production.

Why a module of its own: settings.py stays a flat list of Django settings, while the
rules for where a secret may come from (environment in production, a generated file in
the data directory for development and the demo) live here and are tested.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from openbob.lib.crypto import KeyRing

DEFAULT_SECRET_MARKERS = ("insecure", "change-me", "changeme", "default")
SECRET_NAMES = (
    "OPENBOB_SECRET_KEY",
    "OPENBOB_FIELD_KEYS",
    "OPENBOB_BLIND_INDEX_KEY",
    "OPENBOB_AUDIT_KEY",
)


class ConfigurationError(RuntimeError):
    """Raised at start-up when production configuration is unsafe or incomplete."""


@dataclass(frozen=True)
class Secrets:
    """The four secrets OpenBoB needs; none of them is ever stored in the database."""

    secret_key: str
    field_keys: str
    blind_index_key: str
    audit_key: str


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, *, default: bool) -> bool:
    value = env(name)
    if not value:
        return default
    return value.lower() in {"1", "true", "yes", "on"}


def _generated_secrets() -> dict[str, str]:
    return {
        "OPENBOB_SECRET_KEY": secrets.token_urlsafe(50),
        "OPENBOB_FIELD_KEYS": f"k1:{base64.urlsafe_b64encode(os.urandom(32)).decode()}",
        "OPENBOB_BLIND_INDEX_KEY": secrets.token_urlsafe(32),
        "OPENBOB_AUDIT_KEY": secrets.token_urlsafe(32),
    }


def _secrets_file(data_dir: Path) -> dict[str, str]:
    """Read (creating on first use) the development secrets file in the data directory.

    Outside production a fresh checkout must run without any set-up, yet keys must stay
    outside the database and stable across restarts: a 0600 file beside the data is both.
    """
    path = data_dir / "secrets.json"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump(_generated_secrets(), handle, indent=2)
    loaded: dict[str, str] = json.loads(path.read_text())
    return loaded


def load_secrets(*, production: bool, data_dir: Path) -> Secrets:
    """Return the secrets, refusing to start in production when one is missing or weak."""
    values = {name: env(name) for name in SECRET_NAMES}
    if production:
        _check_production(values)
    else:
        fallback = _secrets_file(data_dir)
        values = {name: values[name] or fallback[name] for name in SECRET_NAMES}
    return Secrets(
        secret_key=values["OPENBOB_SECRET_KEY"],
        field_keys=values["OPENBOB_FIELD_KEYS"],
        blind_index_key=values["OPENBOB_BLIND_INDEX_KEY"],
        audit_key=values["OPENBOB_AUDIT_KEY"],
    )


def _check_production(values: dict[str, str]) -> None:
    missing = [name for name, value in values.items() if not value]
    if missing:
        raise ConfigurationError(f"Production mode needs these environment variables: {missing}")
    secret_key = values["OPENBOB_SECRET_KEY"]
    if len(secret_key) < 50 or any(m in secret_key.lower() for m in DEFAULT_SECRET_MARKERS):
        raise ConfigurationError(
            "OPENBOB_SECRET_KEY is too short or a default value: use 50+ random characters"
        )
    for name in ("OPENBOB_BLIND_INDEX_KEY", "OPENBOB_AUDIT_KEY"):
        if len(values[name]) < 32:
            raise ConfigurationError(f"{name} must be at least 32 characters")
    try:
        KeyRing.from_string(values["OPENBOB_FIELD_KEYS"])
    except ValueError as exc:
        raise ConfigurationError(f"OPENBOB_FIELD_KEYS is not a valid key ring: {exc}") from None
