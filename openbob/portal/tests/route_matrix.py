"""The role x page matrix of the HTML portal: the expected status for every persona.

One row per URL name (and target object). `test_route_permissions.py` requests every
cell and its guard fails when a URL pattern of the project is neither here, nor an API
operation (covered by `openbob/api/tests/matrix.py`), nor listed in `OWN_TESTS` with
the test module that proves its permissions.

Targets: "-" no object; "a" carol's household in agency A; "a1" bob's household in
sub-agency A1; "b" mallory's household in outsider agency B. 302 means "sent to sign
in". POST rows send a valid CSRF token and the form's required fields.
"""

from __future__ import annotations

TABLE = """
method name                 target alice sam rita bob carol mallory anonymous
GET    portal:home          -      200   200 200  200 200   200     302
GET    portal:agents        -      200   200 200  403 403   200     302
GET    portal:consumers     -      200   200 200  200 200   200     302
GET    portal:household     a      200   200 200  404 200   404     302
GET    portal:household     a1     200   404 404  200 404   404     302
GET    portal:household     b      404   404 404  404 404   200     302
POST   portal:reveal        a      200   200 403  404 200   404     302
POST   portal:reveal        a1     200   404 404  200 404   404     302
POST   portal:reveal        b      404   404 404  404 404   200     302
POST   portal:note          a      302   302 403  404 302   404     302
POST   portal:note          b      404   404 404  404 404   302     302
GET    portal:agency        -      200   200 200  403 403   200     302
GET    delegations:pending  -      200   200 200  200 200   200     302
GET    delegations:tool     -      200   403 403  200 200   200     302
POST   delegations:tool     -      200   403 403  200 200   200     302
GET    portal:profile       -      200   200 200  200 200   200     302
GET    audit:log            -      200   403 403  403 403   200     302
GET    imports:upload       -      200   403 403  403 403   200     302
POST   imports:upload       -      200   403 403  403 403   200     302
GET    imports:history      -      200   403 403  403 403   200     302
GET    imports:changes      -      200   200 200  200 200   200     302
GET    exports:index        -      200   200 403  200 200   200     302
GET    exports:history      -      200   200 200  200 200   200     302
GET    exports:notifications -     200   200 200  200 200   200     302
GET    exports:settings     -      200   403 403  403 403   200     302
GET    reports:index        -      200   200 200  200 200   200     302
GET    alerts:aor_badge     -      200   200 200  200 200   200     302
GET    alerts:bell_badge    -      200   200 200  200 200   200     302
GET    reports:new          -      200   200 200  200 200   200     302
"""

OWN_TESTS = {
    "reports:detail": "openbob/reports/tests/test_pages.py",
    "reports:delete": "openbob/reports/tests/test_pages.py",
    "reports:export": "openbob/reports/tests/test_pages.py",
    "retention:cases": "openbob/retention/tests/test_pages.py",
    "retention:dashboard": "openbob/retention/tests/test_pages.py",
    "retention:transfer": "openbob/retention/tests/test_pages.py",
    "retention:case": "openbob/retention/tests/test_pages.py",
    "retention:log": "openbob/retention/tests/test_pages.py",
    "retention:update": "openbob/retention/tests/test_pages.py",
    "retention:export": "openbob/retention/tests/test_exporting.py",
    "alerts:mailbox": "openbob/alerts/tests/test_pages.py",
    "alerts:summary": "openbob/alerts/tests/test_pages.py",
    "alerts:preferences": "openbob/alerts/tests/test_pages.py",
    "alerts:aor": "openbob/alerts/tests/test_pages.py",
    "alerts:bell": "openbob/alerts/tests/test_pages.py",
    "alerts:seen": "openbob/alerts/tests/test_pages.py",
    "portal:transfer": "openbob/portal/tests/test_change_delegation.py",
    "portal:remove_delegation": "openbob/portal/tests/test_remove_delegation.py",
    "delegations:accept": "openbob/delegations/tests/test_pending_requests.py",
    "delegations:decline": "openbob/delegations/tests/test_pending_requests.py",
    "delegations:phone": "openbob/delegations/tests/test_tool_pages.py",
    "delegations:code": "openbob/delegations/tests/test_tool_pages.py",
    "accounts:login": "openbob/accounts/tests/test_login.py",
    "accounts:login_code": "openbob/accounts/tests/test_login_totp.py",
    "accounts:login_enrol": "openbob/accounts/tests/test_mfa_enrolment.py",
    "accounts:logout": "openbob/accounts/tests/test_logout.py",
    "accounts:confirm": "openbob/accounts/tests/test_sudo.py",
    "accounts:security": "openbob/accounts/tests/test_sudo.py",
    "accounts:recovery_codes": "openbob/accounts/tests/test_recovery_codes.py",
    "accounts:mfa_reset": "openbob/accounts/tests/test_sudo.py",
    "api:tokens": "openbob/api/tests/test_token_pages.py",
    "api:token_create": "openbob/api/tests/test_token_pages.py",
    "api:token_revoke": "openbob/api/tests/test_token_pages.py",
    "api:openapi-json": "openbob/api/tests/test_matrix.py",
    "api:openapi-view": "openbob/api/tests/test_matrix.py",
    "api:api-root": "openbob/api/tests/test_matrix.py",
    "imports:result": "openbob/imports/tests/test_views_upload.py",
    "imports:mapping": "openbob/imports/tests/test_views_mapping.py",
    "imports:download": "openbob/imports/tests/test_views_downloads.py",
    "exports:new": "openbob/exports/tests/test_pages.py",
    "exports:legend": "openbob/exports/tests/test_pages.py",
    "exports:link": "openbob/exports/tests/test_pages.py",
    "exports:retry": "openbob/exports/tests/test_pages.py",
    "exports:cancel": "openbob/exports/tests/test_pages.py",
    "exports:download": "openbob/exports/tests/test_pages.py",
}


def rows() -> list[tuple[str, str, str, dict[str, int]]]:
    """(method, name, target, {persona: status}) for every row of TABLE."""
    lines = [line.split() for line in TABLE.strip().splitlines()]
    header, body = lines[0], lines[1:]
    personas = header[3:]
    return [
        (method, name, target, dict(zip(personas, map(int, statuses), strict=True)))
        for method, name, target, *statuses in body
    ]
