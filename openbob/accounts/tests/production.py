"""Run `bob` in a subprocess under production settings (settings are read at start-up)."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

from openbob.lib.crypto import generate_key


def production_env(data_dir: Path, **overrides: str | None) -> dict[str, str]:
    """A clean environment with strong secrets; an override of None removes a variable."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("OPENBOB_") and name != "DATABASE_URL"
    }
    env.update(
        OPENBOB_ENV="production",
        OPENBOB_DATA_DIR=str(data_dir),
        DATABASE_URL=f"sqlite:///{data_dir / 'openbob.sqlite3'}",
        OPENBOB_ALLOWED_HOSTS="bob.example.org",
        OPENBOB_SECRET_KEY=secrets.token_urlsafe(50),
        OPENBOB_FIELD_KEYS=f"k1:{generate_key()}",
        OPENBOB_BLIND_INDEX_KEY=secrets.token_urlsafe(32),
        OPENBOB_AUDIT_KEY=secrets.token_urlsafe(32),
    )
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def run_python(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )


def run_bob(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return run_python(env, "-m", "openbob.cli", *args)
