"""The expected outcome of every route for every identity: the authorization matrix as a table.

The table is ``matrix.txt`` beside this file, read by ``tests/test_authorization_matrix.py``; it agrees with
docs/decisions/0014-access-matrix.md ("Routes").
One row per route and method; the columns are the identities of ``tests/authorization/world.py``:

    anon      not logged in                         admin     Glenn, administrator (staff, superuser)
    coord     Wouter, coordinator of the region     outsider  Olaf, partner worker at Kompas vzw
    couns     Sofie, counsellor                     region2   Nadia, coordinator of another region
    peer      Yonas, peer companion                 ended     Eddy, whose membership at the owning
    partner   Els, partner worker at De Brug                  organisation ended (he was on the team)
    jury      Ine, jury member

Every URL argument is an object of ANOTHER organisation (Horizon, Anker vzw) of the same region: the client
Zenobia Quackenbush, her pathway, consent, referral, placement, ... (world.py lists them).

Cells:
    200, 400, 403, 404, 405, 410, 302   the status code (302: a redirect that is not to a login page)
    login     redirected to the login page            staff   redirected to the admin site's login
    +name     the page shows the other organisation's client's name (only where the matrix allows it:
              the region's coordinator reads the identity of every client of the partnership)

A new route fails the test until it has its rows here. After a deliberate change, see what the code does with
``MATRIX_RECORD=/tmp/matrix.txt pytest tests/test_authorization_matrix.py -k every_role`` and compare.
"""

from __future__ import annotations

from pathlib import Path


def parse(text: str) -> dict[str, dict[str, list[str]]]:
    """``{route key: {"GET": [cell per identity], "POST": [...]}}`` from the table (``#`` starts a comment)."""
    rows: dict[str, dict[str, list[str]]] = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        key, method, *cells = line.split()
        rows.setdefault(key, {})[method] = [c for c in cells if c != "+"]
    return rows


TABLE = (Path(__file__).parent / "matrix.txt").read_text(encoding="utf-8")
EXPECTED = parse(TABLE)
