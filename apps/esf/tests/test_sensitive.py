"""ESF+ special-category answers follow the file's sealed-category rule (issue 12 Deliver 1, issue 14 matrix).

Disability, foreign background and minority (GDPR Art. 9; Reg. (EU) 2021/1057 Annex I) are shown to the
registering organisation's full roles, to a peer companion on the team only after breaking the glass for health,
never to another organisation (no consent category covers them); aggregated counts stay available.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest

from apps.accounts.models import Role
from apps.clients.permissions import client_access
from apps.clients.services import client_seal_open
from apps.esf.models import Participation
from apps.esf.services import participation_enter
from apps.pathways.services import pathway_start, team_add
from conftest import make_user
from tests.factories import give_consent, register_client

pytestmark = pytest.mark.django_db
SENSITIVE = {
    "disability": "yes", "disability_source": "self_declared", "foreign_background": "yes",
    "foreign_background_source": "self_declared", "minority": "yes", "minority_source": "self_declared",
}  # fmt: skip
YEAR = "?start=2026-01-01&end=2026-12-31"


def mariam(personas: Any) -> Participation:
    """Mariam, a client of the local government (Sofie's organisation), declared all three at entry."""
    client = register_client(personas)
    pathway = pathway_start(
        client=client, actor=personas.sofie, organisation=personas.lb, started_on=dt.date(2026, 2, 2)
    )
    return participation_enter(
        actor=personas.sofie, pathway=pathway, entry_date=dt.date(2026, 2, 2), labour_status="inactive", **SENSITIVE
    )


def test_sofie_of_the_registering_organisation_sees_and_edits_the_answers(client: Any, personas: Any) -> None:
    p = mariam(personas)
    client.force_login(personas.sofie)
    html = client.get(f"/esf/deelname/{p.pk}/").content.decode()
    assert 'name="entry-disability"' in html and "verborgen" not in html
    api = client.get(f"/api/v1/esf/participations/{p.pk}/").json()
    assert (api["disability"], api["minority"], api["foreign_background"]) == ("yes", "yes", "yes")


def test_yonas_peer_companion_sees_them_only_on_the_team_and_after_breaking_the_glass(
    client: Any, personas: Any
) -> None:
    p = mariam(personas)
    client.force_login(personas.yonas)
    assert client.get(f"/esf/deelname/{p.pk}/").status_code == 404  # not on the team
    assert client.get(f"/api/v1/esf/participations/{p.pk}/").status_code == 404
    team_add(pathway=p.pathway,  # type: ignore[arg-type]
             actor=personas.sofie, user=personas.yonas, organisation=personas.lb,
             role="peer_companion")  # fmt: skip
    html = client.get(f"/esf/deelname/{p.pk}/").content.decode()
    assert "verborgen (bijzondere categorie)" in html and 'name="entry-disability"' not in html  # read-only
    assert client.get(f"/api/v1/esf/participations/{p.pk}/").json()["disability"] is None
    assert client.post(f"/esf/deelname/{p.pk}/", {"step": "entry"}).status_code == 404  # changes nothing
    access = client_access(personas.yonas, p.client)
    assert access is not None
    client_seal_open(client=p.client, actor=personas.yonas, categories=["health"],
                     reason="Afspraak over aangepast werk voorbereiden", sealed=access.sealed)  # fmt: skip
    html = client.get(f"/esf/deelname/{p.pk}/").content.decode()
    assert "verborgen" not in html
    assert client.get(f"/api/v1/esf/participations/{p.pk}/").json()["minority"] == "yes"


def test_els_of_a_partner_sees_nothing_without_consent_and_no_answers_with_it(client: Any, personas: Any) -> None:
    p = mariam(personas)
    client.force_login(personas.els)
    assert client.get(f"/esf/deelname/{p.pk}/").status_code == 404
    assert client.get(f"/api/v1/esf/participations/{p.pk}/").status_code == 404
    # a consent for identity and "work, education and ESF+ data" (even with health) never opens the answers
    give_consent(personas, p.client, categories=["identity", "work_education", "health"])
    html = client.get(f"/esf/deelname/{p.pk}/").content.decode()
    assert "verborgen (bijzondere categorie)" in html
    data = client.get(f"/api/v1/esf/participations/{p.pk}/").json()
    assert data["disability"] is None and data["foreign_background_source"] is None
    assert client.patch(f"/api/v1/esf/participations/{p.pk}/", {"minority": "no"},
                        content_type="application/json").status_code == 404  # fmt: skip


def test_a_coordinator_of_another_organisation_gets_counts_but_no_names_or_answers(client: Any, personas: Any) -> None:
    p = mariam(personas)
    kato = make_user("kato", "Kato", [(personas.vdab, Role.COORDINATOR)])
    client.force_login(kato)
    assert client.get(f"/esf/deelname/{p.pk}/").status_code == 404
    html = client.get("/esf/oostende/" + YEAR).content.decode()
    row = html[html.index("<td>EECO12</td>") : html.index("</tr>", html.index("<td>EECO12</td>"))]
    assert ">1<" in row  # the aggregated count stays
    listed = client.get(f"/esf/oostende/deelnemers/{YEAR}&indicator=EECO12").content.decode()
    assert "Tesfaye" not in listed and "1 deelnemer van een andere organisatie" in listed
    rows = list(csv.reader(io.StringIO(client.get(f"/esf/oostende/auditlijst.csv{YEAR}").content.decode())))
    header, mine = rows[0], next(r for r in rows[1:] if r[0] == str(p.pk))
    assert mine[header.index("disability")] == "verborgen" and mine[header.index("EECO14")] == "verborgen"


def test_wouter_coordinator_of_the_registering_organisation_sees_names_and_answers(client: Any, personas: Any) -> None:
    p = mariam(personas)
    client.force_login(personas.wouter)
    listed = client.get(f"/esf/oostende/deelnemers/{YEAR}&indicator=EECO15").content.decode()
    assert "Tesfaye" in listed
    rows = list(csv.reader(io.StringIO(client.get(f"/esf/oostende/auditlijst.csv{YEAR}").content.decode())))
    header, mine = rows[0], next(r for r in rows[1:] if r[0] == str(p.pk))
    assert mine[header.index("minority")] == "yes" and mine[header.index("EECO15")] == "1"
