"""The role x operation matrix of the JSON API: the expected status for every persona.

One row per OpenAPI operation and target. `test_matrix.py` runs every cell and fails
if an operation of the schema has no row here (or a row names a vanished operation).

Targets name the object the request is about ("-" when there is none):

* agencies:   a = Agency A, a1 = sub-agency A1, b = outsider Agency B
* enrollers:  a = carol (agent in A), a1 = bob (agent in A1), b = mallory (manager of B)
* households: a = carol's household in A, a1 = bob's in A1, b = mallory's in B
* POST /api/enrollers: the agency the new agent joins
* imports:    a, a1, b = an upload into Agency A, A1, B
* POST /api/mapping-profiles: the agency the profile is saved for
* POST /api/imports: the agency imported into. The matrix sends JSON, not a multipart
  upload, so a caller allowed to import gets 422 (roles without the import permission
  are refused first, 403, before the body is read); `openbob/imports/tests/
  test_api_imports.py` sweeps real uploads across A, A1 and B.
* exports:    a, a1, b = an export job requested by alice, bob, mallory
* POST /api/exports: "Book of Business for an Agent" of carol (a), bob (a1), mallory (b)
* alerts:     a, a1, b = a Daily Summary addressed to alice, bob, mallory (only its
  recipient reads it)
* reports:    a, a1, b = a private report of alice, bob, mallory (only its owner sees it)
* POST /api/reports: a report saved into a shared folder of Agency A, A1, B (managers
  and admin staff write the folders of their scope; a user who sees a folder without
  that right gets 403, others 404)
* POST /api/reports/run: runs a definition over the caller's own scope; a read sent as
  POST (the definition is a JSON body), so it has no target and must write nothing
* retention:  a, a1, b = the renewal case of the household a, a1, b (assigned to its
  agent: carol, bob, mallory)
* POST /api/retention/transfers: that case, moved to a new agent of its agency

Personas are those of `openbob.testing`: alice manages A (and so A1), sam is Admin Staff
Level 2 in A, rita is read-only in A, bob is an agent in A1, mallory manages B.
"""

from __future__ import annotations

from dataclasses import dataclass

PERSONAS = ("alice", "sam", "rita", "bob", "mallory", "anonymous")
TARGETS = ("a", "a1", "b")

TABLE = """
method path                            target alice sam rita bob mallory anonymous
GET    /api/agencies                   -      200   200 200  403 200     401
GET    /api/agencies/{agency_id}       a      200   200 200  404 404     401
GET    /api/agencies/{agency_id}       a1     200   404 404  403 404     401
GET    /api/agencies/{agency_id}       b      404   404 404  404 200     401
PATCH  /api/agencies/{agency_id}       a      200   403 403  404 404     401
PATCH  /api/agencies/{agency_id}       a1     200   404 404  403 404     401
PATCH  /api/agencies/{agency_id}       b      404   404 404  404 200     401
GET    /api/enrollers                  -      200   200 200  403 200     401
GET    /api/enrollers/{enroller_id}    a      200   200 200  404 404     401
GET    /api/enrollers/{enroller_id}    a1     200   404 404  403 404     401
GET    /api/enrollers/{enroller_id}    b      404   404 404  404 200     401
POST   /api/enrollers                  a      201   201 403  404 404     401
POST   /api/enrollers                  a1     201   404 404  403 404     401
POST   /api/enrollers                  b      404   404 404  404 201     401
GET    /api/households                 -      200   200 200  200 200     401
GET    /api/households/{household_id}  a      200   200 200  404 404     401
GET    /api/households/{household_id}  a1     200   404 404  200 404     401
GET    /api/households/{household_id}  b      404   404 404  404 200     401
PATCH  /api/households/{household_id}  a      200   200 403  404 404     401
PATCH  /api/households/{household_id}  a1     200   404 404  200 404     401
PATCH  /api/households/{household_id}  b      404   404 404  404 200     401
GET    /api/imports                    -      200   403 403  403 200     401
GET    /api/imports/{import_id}        a      200   403 403  403 404     401
GET    /api/imports/{import_id}        a1     200   403 403  403 404     401
GET    /api/imports/{import_id}        b      404   403 403  403 200     401
POST   /api/imports                    a      422   403 403  403 422     401
POST   /api/imports                    a1     422   403 403  403 422     401
POST   /api/imports                    b      422   403 403  403 422     401
GET    /api/mapping-profiles           -      200   403 403  403 200     401
POST   /api/mapping-profiles           a      201   403 403  403 404     401
POST   /api/mapping-profiles           a1     201   403 403  403 404     401
POST   /api/mapping-profiles           b      404   403 403  403 201     401
GET    /api/changes                    -      200   200 200  200 200     401
GET    /api/exports                    -      200   200 403  200 200     401
GET    /api/exports/{export_id}        a      200   404 404  404 404     401
GET    /api/exports/{export_id}        a1     404   404 404  200 404     401
GET    /api/exports/{export_id}        b      404   404 404  404 200     401
POST   /api/exports                    a      202   202 403  404 404     401
POST   /api/exports                    a1     202   404 404  202 404     401
POST   /api/exports                    b      404   404 404  404 202     401
GET    /api/alerts/summaries                -      200   200 200  200 200     401
GET    /api/alerts/summaries/{summary_id}   a      200   404 404  404 404     401
GET    /api/alerts/summaries/{summary_id}   a1     404   404 404  200 404     401
GET    /api/alerts/summaries/{summary_id}   b      404   404 404  404 200     401
GET    /api/alerts/aor-at-risk              -      200   200 200  200 200     401
GET    /api/alerts/broadcasts               -      200   200 200  200 200     401
GET    /api/reports                          -      200   200 200  200 200     401
GET    /api/reports/fields                   -      200   200 200  200 200     401
POST   /api/reports/run                      -      200   200 200  200 200     401
POST   /api/reports                          a      201   201 403  403 404     401
POST   /api/reports                          a1     201   404 404  403 404     401
POST   /api/reports                          b      404   404 404  404 201     401
GET    /api/reports/{report_id}              a      200   404 404  404 404     401
GET    /api/reports/{report_id}              a1     404   404 404  200 404     401
GET    /api/reports/{report_id}              b      404   404 404  404 200     401
GET    /api/reports/{report_id}/run          a      200   404 404  404 404     401
GET    /api/reports/{report_id}/run          a1     404   404 404  200 404     401
GET    /api/reports/{report_id}/run          b      404   404 404  404 200     401
POST   /api/reports/{report_id}/export       a      202   404 404  404 404     401
POST   /api/reports/{report_id}/export       a1     404   404 404  202 404     401
POST   /api/reports/{report_id}/export       b      404   404 404  404 202     401
GET    /api/retention/cases                  -      200   200 200  200 200     401
GET    /api/retention/dashboard              -      200   200 200  200 200     401
GET    /api/retention/cases/{case_id}        a      200   200 200  404 404     401
GET    /api/retention/cases/{case_id}        a1     200   404 404  200 404     401
GET    /api/retention/cases/{case_id}        b      404   404 404  404 200     401
PATCH  /api/retention/cases/{case_id}        a      200   200 403  404 404     401
PATCH  /api/retention/cases/{case_id}        a1     200   404 404  200 404     401
PATCH  /api/retention/cases/{case_id}        b      404   404 404  404 200     401
POST   /api/retention/cases/{case_id}/close  a      200   200 403  404 404     401
POST   /api/retention/cases/{case_id}/close  a1     200   404 404  200 404     401
POST   /api/retention/cases/{case_id}/close  b      404   404 404  404 200     401
POST   /api/retention/cases/{case_id}/interactions  a   201  201 403  404 404  401
POST   /api/retention/cases/{case_id}/interactions  a1  201  404 404  201 404  401
POST   /api/retention/cases/{case_id}/interactions  b   404  404 404  404 201  401
POST   /api/retention/transfers              a      200   403 403  403 404     401
POST   /api/retention/transfers              a1     200   403 403  403 404     401
POST   /api/retention/transfers              b      404   403 403  403 200     401
"""


@dataclass(frozen=True)
class Cell:
    method: str
    path: str
    target: str
    persona: str
    status: int

    @property
    def operation(self) -> tuple[str, str]:
        return self.method, self.path

    def __str__(self) -> str:
        return f"{self.method} {self.path} [{self.target}] as {self.persona} -> {self.status}"


def cells() -> list[Cell]:
    """Every (operation, target, persona) cell of `TABLE`."""
    header, *rows = [line.split() for line in TABLE.strip().splitlines()]
    assert tuple(header[3:]) == PERSONAS, "matrix columns must be the personas, in order"
    return [
        Cell(method, path, target, persona, int(status))
        for method, path, target, *statuses in rows
        for persona, status in zip(PERSONAS, statuses, strict=True)
    ]
