"""Response headers and cookie flags: CSP without inline code, no caching of signed-in pages,
and under production settings HSTS and a `__Host-` Secure session cookie."""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.test import Client
from django.urls import reverse

from openbob.accounts.models import User
from openbob.accounts.tests.helpers import submit_password
from openbob.accounts.tests.production import production_env, run_python
from openbob.testing import Personas, sign_in

# Runs inside a production-mode interpreter; needs no database (the sign-in page is static).
PROBE = """
import json, django
django.setup()
from django.conf import settings as s
from django.test import Client
response = Client().get("/accounts/login/", secure=True, headers={"host": "bob.example.org"})
print(json.dumps({
    "status": response.status_code,
    "headers": dict(response.headers),
    "session_cookie": [s.SESSION_COOKIE_NAME, s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY,
                       s.SESSION_COOKIE_SAMESITE, s.SESSION_COOKIE_PATH, s.SESSION_COOKIE_DOMAIN],
    "set_cookie": response.cookies.output(),
    "plain_http": Client().get("/accounts/login/", headers={"host": "bob.example.org"}).status_code,
}))
"""


def test_every_page_has_a_csp_without_inline_code_and_nosniff(client: Client) -> None:
    response = client.get(reverse("accounts:login"))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


def test_signed_in_pages_are_never_cached(client: Client, personas: Personas) -> None:
    sign_in(client, personas.carol)
    for name in ("portal:home", "portal:profile", "accounts:security"):
        assert client.get(reverse(name))["Cache-Control"] == "no-store"


def test_the_session_cookie_is_http_only_and_same_site_lax(csrf_client: Client, rita: User) -> None:
    cookie = submit_password(csrf_client, rita.email).cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] is True and cookie["samesite"] == "Lax"


def test_production_sends_hsts_and_a_host_only_secure_session_cookie(tmp_path: Path) -> None:
    result = run_python(production_env(tmp_path), "-c", PROBE)
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout)
    headers = probe["headers"]
    assert probe["status"] == 200 and probe["plain_http"] == 301
    hsts = dict(
        part.strip().partition("=")[::2] for part in headers["Strict-Transport-Security"].split(";")
    )
    assert int(hsts["max-age"]) >= 31_536_000 and "includeSubDomains" in hsts
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert probe["session_cookie"] == ["__Host-openbob", True, True, "Lax", "/", None]
    set_cookie = probe["set_cookie"]
    assert "__Host-openbob-csrf=" in set_cookie and "; Secure" in set_cookie
    assert "; Path=/" in set_cookie and "Domain=" not in set_cookie
