"""Production settings pass Django's deployment checks and refuse weak or missing secrets."""

from __future__ import annotations

from pathlib import Path

import pytest

from openbob.accounts.tests.production import production_env, run_bob


def test_check_deploy_finds_nothing_to_warn_about(tmp_path: Path) -> None:
    result = run_bob(production_env(tmp_path), "check", "--deploy", "--fail-level", "DEBUG")
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"OPENBOB_SECRET_KEY": None}, "OPENBOB_SECRET_KEY"),
        (
            {"OPENBOB_SECRET_KEY": "django-insecure-change-me-" + "x" * 40},
            "OPENBOB_SECRET_KEY is too short or a default value",
        ),
        ({"OPENBOB_FIELD_KEYS": None}, "OPENBOB_FIELD_KEYS"),
    ],
    ids=["missing-secret-key", "default-secret-key", "missing-field-keys"],
)
def test_it_refuses_to_start_with_a_missing_or_default_secret(
    tmp_path: Path, overrides: dict[str, str | None], message: str
) -> None:
    result = run_bob(production_env(tmp_path, **overrides), "check")
    assert result.returncode != 0
    assert "ConfigurationError" in result.stderr and message in result.stderr
    assert not (tmp_path / "secrets.json").exists()
