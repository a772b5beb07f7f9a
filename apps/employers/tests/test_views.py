from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from apps.audit.models import AuditEntry
from apps.employers.exports import neutralise
from apps.employers.models import Placement, PlacementStatus
from apps.employers.services import link_url, placement_consent_record, placement_start
from apps.employers.tests.conftest import make_employer, propose
from apps.pathways.models import Pathway

pytestmark = pytest.mark.django_db


def test_no_client_name_reaches_the_employer_before_consent(client: Any, personas: Any, world: Any) -> None:
    placement, token = propose(personas, world)
    page = client.get(link_url(token))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Tesfaye" not in html and "Mariam" not in html
    assert "1998" not in html  # no birth date either
    assert "Geanonimiseerd profiel" in html and "Taalondersteuning op de werkvloer" in html
    placement_consent_record(
        actor=personas.sofie,
        organisation=personas.lb,
        placement=placement,
        method="written",
        given_on=dt.date(2026, 3, 10),
    )
    html = client.get(link_url(token)).content.decode()
    assert "Mariam Tesfaye" in html


def test_the_employer_answers_once_through_the_link(client: Any, personas: Any, world: Any) -> None:
    placement, token = propose(personas, world)
    answer = client.post(link_url(token), {"answer": "no", "reason": "no_place_now", "note": "=HYPERLINK(1)"})
    assert answer.status_code == 200
    placement.refresh_from_db()
    assert placement.status == PlacementStatus.DECLINED
    again = client.post(link_url(token), {"answer": "yes"})
    assert again.status_code == 410
    assert "al gebruikt" in again.content.decode()
    assert client.get(reverse("employers:link", kwargs={"token": "nope"})).status_code == 404


def test_olaf_the_outsider_gets_404_on_the_placement_and_the_client_page(
    client: Any, personas: Any, world: Any
) -> None:
    placement, _token = propose(personas, world)
    client.force_login(personas.olaf)
    assert client.get(reverse("employers:placement", kwargs={"pk": placement.pk})).status_code == 404
    assert client.get(reverse("employers:client", kwargs={"client_pk": world.client.pk})).status_code == 404
    url = reverse("employers:propose", kwargs={"client_pk": world.client.pk, "opportunity_pk": world.opportunity.pk})
    assert client.post(url).status_code == 404
    # the opportunity is shared in the partnership, but Mariam is not among the clients Olaf may see
    page = client.get(reverse("employers:opportunity", kwargs={"pk": world.opportunity.pk}))
    assert page.status_code == 200 and "Tesfaye" not in page.content.decode()
    assert client.get(reverse("employers:overview")).status_code == 404


def test_nadia_of_another_region_and_ine_the_jury_member_see_no_employer(
    client: Any, personas: Any, world: Any
) -> None:
    for user in (personas.nadia, personas.ine):
        client.force_login(user)
        assert client.get(reverse("employers:detail", kwargs={"pk": world.employer.pk})).status_code == 404
        assert client.get(reverse("employers:opportunity", kwargs={"pk": world.opportunity.pk})).status_code == 404
    client.force_login(personas.ine)
    assert client.get(reverse("employers:list")).status_code == 404


def test_sofie_finds_the_place_for_mariam_and_proposes_her(
    client: Any, personas: Any, world: Any, django_assert_max_num_queries: Any
) -> None:
    client.force_login(personas.sofie)
    url = reverse("employers:client", kwargs={"client_pk": world.client.pk})
    with django_assert_max_num_queries(20):
        page = client.get(url)
    html = page.content.decode()
    assert "Werkervaring keukenhulp" in html and "Trede 4" in html
    assert AuditEntry.objects.filter(action="clients.client.viewed", changes__page="employers:client").exists()
    response = client.post(
        reverse("employers:propose", kwargs={"client_pk": world.client.pk, "opportunity_pk": world.opportunity.pk}),
        {"motivation": "Sterk gemotiveerd"},
        follow=True,
    )
    assert response.status_code == 200
    assert "/werkgevers/link/" in response.content.decode()
    assert Placement.objects.filter(client=world.client, status=PlacementStatus.PROPOSED).exists()


def test_a_started_paid_placement_closes_the_pathway_with_employed(client: Any, personas: Any, world: Any) -> None:
    from apps.employers.services import link_open, placement_answer, placement_plan_intake, placement_propose
    from apps.employers.tests.conftest import make_opportunity

    art60 = make_opportunity(personas, world.employer, title="Art. 60 keuken", kind="article_60")
    placement, token = placement_propose(
        actor=personas.sofie, organisation=personas.lb, opportunity=art60, client=world.client
    )
    placement_answer(link=link_open(token=token), interested=True)
    placement.refresh_from_db()
    placement_plan_intake(
        actor=personas.sofie, placement=placement, intake_on=dt.date(2026, 4, 1), start_on=dt.date(2026, 4, 6)
    )
    placement_start(actor=personas.sofie, placement=placement, start_on=dt.date(2026, 4, 6))
    from apps.esf.services import participation_enter

    esf = participation_enter(actor=personas.sofie, pathway=world.pathway, entry_date=dt.date(2026, 1, 5))
    client.force_login(personas.sofie)
    response = client.get(reverse("employers:close_pathway", kwargs={"pk": placement.pk}))
    url = f"/trajecten/{world.pathway.pk}/afsluiten/?plaatsing={placement.pk}"
    assert response.status_code == 302 and response["Location"] == url  # the one closing page (ESF+ included)
    page = client.get(url).content.decode()
    assert re.search(r'value="art60"[^>]*checked', page)
    assert re.search(r'name="employed"[^>]*checked', page)
    assert client.get(f"/trajecten/{world.pathway.pk}/afsluiten/?plaatsing=abc").status_code == 404
    response = client.post(url, {"closed_on": "2026-04-10", "outcome": "art60", "results_now": "yes", "employed": "on"})
    assert response.status_code == 302
    pathway = Pathway.objects.get(pk=world.pathway.pk)
    assert pathway.status == Pathway.Status.CLOSED and pathway.closure.employed
    esf.refresh_from_db()  # the ESF+ participation left with the result "employed" (Annex I, EECR04)
    assert esf.leaving_date == dt.date(2026, 4, 10) and esf.employed_on_leaving is True


def test_the_coordinator_overview_and_its_export_neutralise_formulas(client: Any, personas: Any) -> None:
    make_employer(personas, name="=cmd|' /C calc'!A0")
    client.force_login(personas.wouter)
    page = client.get(reverse("employers:overview"))
    assert page.status_code == 200
    export = client.get(reverse("employers:export"))
    ws = load_workbook(io.BytesIO(export.content)).active
    values = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert not any(v.startswith(("=", "+", "-", "@")) for v in values)
    assert neutralise("=1+1") == "'=1+1" and neutralise("\tx") == "'\tx" and neutralise(3) == 3


def test_wouter_who_coordinates_two_regions_sees_the_employer_overview_of_each(client: Any, personas: Any) -> None:
    from apps.accounts.models import Membership, Role

    make_employer(personas, name="Bakkerij Oostende")
    Membership.objects.create(user=personas.wouter, organisation=personas.westhoek_org, role=Role.COORDINATOR)
    westhoek = personas.westhoek_org.region
    client.force_login(personas.wouter)
    first = client.get(reverse("employers:overview"))
    assert first.status_code == 200 and 'name="regio"' in first.content.decode()
    chosen = {
        code: client.get(reverse("employers:overview") + f"?regio={code}").context["region"]
        for code in (personas.region.code, westhoek.code)
    }
    assert chosen == {personas.region.code: personas.region, westhoek.code: westhoek}
    assert client.get(reverse("employers:export") + f"?regio={westhoek.code}").status_code == 200
    assert client.get(reverse("employers:overview") + "?regio=nergens").status_code == 404
    # the figures link to the lists of the region they count, and those lists stay in that region
    page = client.get(reverse("employers:overview") + f"?regio={personas.region.code}")
    links = [row[2] for chart in page.context["charts"] for row in chart["rows"]]
    assert links and all(f"regio={personas.region.code}" in url for url in links)
    assert client.get(links[0]).status_code == 200
    assert client.get(reverse("employers:list") + f"?regio={westhoek.code}").context["region"] == westhoek
    assert client.get(reverse("employers:list")).context["region"] in {personas.region, westhoek}
    assert client.get(reverse("employers:list") + "?regio=nergens").status_code == 404
    client.force_login(personas.nadia)
    assert client.get(reverse("employers:overview") + f"?regio={personas.region.code}").status_code == 404


def test_yonas_the_peer_companion_is_not_offered_a_client_he_may_not_propose(
    client: Any, personas: Any, world: Any
) -> None:
    # Tried as a new user: on Mariam's team, Yonas saw her among the opportunity's candidates with a link to
    # her opportunities page, which is a 404 for him (proposing edits the file; a peer companion may not).
    from apps.pathways.models import TeamRole
    from apps.pathways.services import team_add

    team_add(pathway=world.pathway, actor=personas.sofie, user=personas.yonas, organisation=personas.lb,
             role=TeamRole.PEER_COMPANION)  # fmt: skip
    client_page = reverse("employers:client", kwargs={"client_pk": world.client.pk})
    client.force_login(personas.sofie)
    assert (
        client_page
        in client.get(reverse("employers:opportunity", kwargs={"pk": world.opportunity.pk})).content.decode()
    )
    client.force_login(personas.yonas)
    page = client.get(reverse("employers:opportunity", kwargs={"pk": world.opportunity.pk}))
    assert page.status_code == 200 and client_page not in page.content.decode()
    assert client.get(client_page).status_code == 404


def test_the_employer_list_pages_by_keyset_and_keeps_the_figures_filter(
    personas: Any, client: Any, monkeypatch: Any
) -> None:
    import re

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from apps.employers import selectors
    from apps.employers.tests.conftest import make_employer

    monkeypatch.setattr(selectors, "EMPLOYERS_PER_PAGE", 2)
    names = ["Bakkerij Aerts", "Camping Duinzicht", "Hotel Zeezicht", "Zeevis Oostende", "Atelier Noord"]
    for i, name in enumerate(names):
        base = 2_000_000 + i
        make_employer(personas, name=name, enterprise_number=f"0{base:07d}{97 - base % 97:02d}",
                      sector="I" if i != 4 else "C")  # fmt: skip
    client.force_login(personas.els)
    seen, cursor, costs = [], "", []
    while True:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/werkgevers/?cursor={cursor}" if cursor else "/werkgevers/")
        assert response.status_code == 200
        assert not any(re.search(r"\bOFFSET\b", q["sql"], re.I) for q in queries.captured_queries)
        costs.append(len(queries))
        page = response.context["page"]
        seen += [e.name for e in page]
        if not page.has_next:
            break
        cursor = page.next_cursor
    assert seen == sorted(names) and len(costs) == 3 and costs[1] == costs[2]
    only_i = client.get("/werkgevers/?sector=I")
    assert [e.name for e in only_i.context["page"]] == sorted(names[:4])[:2]
    assert "sector=I&amp;cursor=" in only_i.content.decode()  # the next page keeps the filter
    assert client.get("/werkgevers/?cursor=junk").status_code == 404
