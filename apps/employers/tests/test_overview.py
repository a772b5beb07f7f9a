"""The coordinator's overview (issue 16, item 6), the lists behind its figures, and query counts that stay flat
as the partnership's employers, opportunities and placements grow."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.employers.models import PlacementStatus
from apps.employers.selectors import overview
from apps.employers.services import (
    link_open,
    placement_answer,
    placement_end,
    placement_plan_intake,
    placement_start,
    placement_withdraw,
)
from apps.employers.tests.conftest import make_employer, make_opportunity
from apps.pathways.services import pathway_start
from conftest import complete_screening, register_client

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 30)
KBOS = ["0202239951", "0403170701", "0417497106", "0203201340", "0200068636"]


def _kbo(i: int) -> str:
    """A distinct enterprise number that passes the mod-97 check."""
    base = 1000000 + i
    return f"{base:08d}{97 - base % 97:02d}"


_seq = [0]


def _candidate(personas: Any) -> tuple[Any, Any]:
    """A client of Sofie's on rung 3-4 with an open pathway."""
    _seq[0] += 1
    client = register_client(personas, first_name=f"Kandidaat{_seq[0]}", last_name="Werkzoekend")
    complete_screening(client, personas.sofie, obstacles=["limited-dutch", "unemployed"])
    pathway = pathway_start(client=client, actor=personas.sofie, organisation=personas.lb)
    return client, pathway


def place(personas: Any, opportunity: Any, state: str, *, start: dt.date | None = None, **end: Any) -> Any:
    """A placement for a new candidate, walked through the real services to ``state``."""
    from apps.employers.services import placement_propose

    client, _pathway = _candidate(personas)
    placement, token = placement_propose(
        actor=personas.sofie, organisation=personas.lb, opportunity=opportunity, client=client
    )
    if state == PlacementStatus.PROPOSED:
        return placement
    if state == PlacementStatus.WITHDRAWN:
        return placement_withdraw(actor=personas.sofie, placement=placement)
    if state == PlacementStatus.DECLINED:
        placement_answer(link=link_open(token=token), interested=False, reason=end.get("reason", "language"))
        placement.refresh_from_db()
        return placement
    placement_answer(link=link_open(token=token), interested=True)
    placement.refresh_from_db()
    if state == PlacementStatus.INTERESTED:
        return placement
    start = start or dt.date(2026, 4, 6)
    placement_plan_intake(actor=personas.sofie, placement=placement, intake_on=start, start_on=start)
    if state == PlacementStatus.INTAKE:
        return placement
    placement_start(actor=personas.sofie, placement=placement, start_on=start)
    placement.refresh_from_db()
    if state == PlacementStatus.ENDED:
        placement_end(actor=personas.sofie, placement=placement, end_on=end["end_on"], outcome=end["outcome"])
    return placement


@pytest.fixture
def partnership(personas: Any) -> Any:
    """Hotel Zeezicht (accommodation, Oostende) and Woonzorg Duinen (health, Bredene) with places on rungs 3-6;
    Sofie's candidates: one working since 1 April (7+ months), one since 1 October (2 months), one who stopped
    after 2 months, one with a contract after 2 months, one declined for language, one proposed."""
    hotel = make_employer(personas)
    care = make_employer(
        personas,
        name="Woonzorg Duinen",
        enterprise_number=KBOS[1],
        sector="Q",
        municipality=personas.region.municipalities.get(code="bredene"),
    )
    art60 = make_opportunity(personas, hotel, title="Art. 60 keuken", kind="article_60")
    make_opportunity(personas, hotel, title="Vrijwilliger onthaal", kind="volunteering")
    make_opportunity(personas, care, title="Maatwerk schoonmaak", kind="social_economy")
    vacancy = make_opportunity(personas, care, title="Zorgkundige", kind="vacancy", supports=["job_coach"])
    return {
        "long": place(personas, art60, PlacementStatus.STARTED, start=dt.date(2026, 4, 1)),
        "recent": place(personas, art60, PlacementStatus.STARTED, start=dt.date(2026, 10, 1)),
        "stopped": place(
            personas,
            art60,
            PlacementStatus.ENDED,
            start=dt.date(2026, 3, 2),
            end_on=dt.date(2026, 5, 1),
            outcome="ended_by_client",
        ),  # fmt: skip
        "contract": place(
            personas,
            art60,
            PlacementStatus.ENDED,
            start=dt.date(2026, 3, 2),
            end_on=dt.date(2026, 5, 1),
            outcome="contract",
        ),  # fmt: skip
        "declined": place(personas, vacancy, PlacementStatus.DECLINED, reason="language"),
        "proposed": place(personas, vacancy, PlacementStatus.PROPOSED),
    }


def test_wouter_sees_the_figures_the_issue_asks_for(personas: Any, partnership: Any) -> None:
    data = overview(region_id=personas.region.pk, today=TODAY)
    assert [(label[0], n) for _k, label, n in data.employers_by_sector] == [("I", 1), ("Q", 1)]
    assert sorted((label, n) for _k, label, n in data.employers_by_municipality) == [("Bredene", 1), ("Oostende", 1)]
    assert [(k, n) for k, _label, n in data.opportunities_by_rung] == [(3, 1), (4, 1), (5, 1), (6, 1)]
    statuses = {k: n for k, _label, n in data.placements_by_status}
    assert statuses["started"] == 2 and statuses["ended"] == 2 and statuses["declined"] == 1
    assert statuses["proposed"] == 1
    # started: 4; after 3 months: the one since April and the one with a contract (the October start is too
    # recent, the one who stopped after 2 months is not working); after 6 months: the same two
    assert (data.started, data.working_3_months, data.working_6_months) == (4, 2, 2)
    assert [(k, n) for k, _label, n in data.refusals] == [("language", 1)]


def test_every_figure_of_the_overview_links_to_the_list_behind_it(client: Any, personas: Any, partnership: Any) -> None:
    client.force_login(personas.wouter)
    html = client.get(reverse("employers:overview")).content.decode()
    assert 'id="chart-data"' in html and "charts.js" in html and "<script>" not in html  # no inline script (CSP)
    links = re.findall(r'<td class="text-end"><a href="([^"]+)">(\d+)</a>', html)
    assert len(links) >= 15
    for url, count in links:
        page = client.get(url.replace("&amp;", "&"))
        assert page.status_code == 200, url
        body = page.content.decode()
        rows = len(re.findall(r"<tr><td>", body.split("<tbody>")[1].split("</tbody>")[0]))
        empty = "Geen " in body.split("<tbody>")[1].split("</tbody>")[0]
        assert (0 if empty else rows) == int(count), (url, count, rows)


def test_the_retention_lists_show_who_still_works(client: Any, personas: Any, partnership: Any) -> None:
    client.force_login(personas.wouter)
    html = client.get(reverse("employers:placements") + "?figure=working_6").content.decode()
    long_name = partnership["long"].client.first_name
    contract_name = partnership["contract"].client.first_name
    assert long_name in html and contract_name in html
    assert partnership["stopped"].client.first_name not in html
    assert partnership["recent"].client.first_name not in html


def test_olaf_sees_the_placements_list_without_names_he_may_not_open(
    client: Any, personas: Any, partnership: Any
) -> None:
    # Olaf (Kompas) is no coordinator: he sees only placements he may open, here none
    client.force_login(personas.olaf)
    html = client.get(reverse("employers:placements")).content.decode()
    assert "Werkzoekend" not in html and "Geen plaatsingen" in html
    assert client.get(reverse("employers:overview")).status_code == 404


@pytest.mark.parametrize(
    "query",
    ["sector=Z", "sector=%3Cb%3E", "municipality=abc", "municipality=-1", "municipality=999999"],
)
def test_junk_filters_on_the_employer_list_give_404(client: Any, personas: Any, query: str) -> None:
    client.force_login(personas.sofie)
    assert client.get(reverse("employers:list") + "?" + query).status_code == 404


@pytest.mark.parametrize("query", ["rung=2", "rung=x", "status=gone"])
def test_junk_filters_on_the_opportunity_list_give_404(client: Any, personas: Any, query: str) -> None:
    client.force_login(personas.sofie)
    assert client.get(reverse("employers:opportunities") + "?" + query).status_code == 404


@pytest.mark.parametrize("query", ["status=lost", "refusal=rude", "figure=working_9"])
def test_junk_filters_on_the_placement_list_give_404(client: Any, personas: Any, query: str) -> None:
    client.force_login(personas.sofie)
    assert client.get(reverse("employers:placements") + "?" + query).status_code == 404


def _count(client: Any, url: str) -> int:
    client.get(url)  # warm caches (menu, sessions)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200, url
    return len(ctx.captured_queries)


def test_every_employer_page_takes_the_same_number_of_queries_with_3_or_30_of_everything(
    client: Any, personas: Any, django_assert_num_queries: Any
) -> None:
    """3 employers, opportunities and placements, then 30: every page's query count stays the same."""
    municipalities = list(personas.region.municipalities.all()[:5])

    def grow(start: int, stop: int) -> None:
        for i in range(start, stop):
            employer = make_employer(
                personas, name=f"Werkgever {i}", enterprise_number=_kbo(i), sector="CQIN"[i % 4],
                municipality=municipalities[i % len(municipalities)],
            )  # fmt: skip
            opportunity = make_opportunity(personas, employer, title=f"Kans {i}", kind=["volunteering",
                                           "work_experience", "social_economy", "vacancy"][i % 4])  # fmt: skip
            state = [PlacementStatus.PROPOSED, PlacementStatus.DECLINED, PlacementStatus.STARTED][i % 3]
            place(personas, opportunity, state)

    grow(0, 3)
    from apps.employers.models import Employer, Opportunity, Placement

    employer = Employer.objects.order_by("pk").first()
    opportunity = Opportunity.objects.order_by("pk").first()
    placement = Placement.objects.filter(status=PlacementStatus.STARTED).order_by("pk").first()
    assert employer and opportunity and placement
    client.force_login(personas.sofie)
    sofie_urls = [
        reverse("employers:list"),
        reverse("employers:list") + "?sector=C",
        reverse("employers:opportunities"),
        reverse("employers:opportunities") + "?rung=4",
        reverse("employers:placements"),
        reverse("employers:detail", kwargs={"pk": employer.pk}),
        reverse("employers:opportunity", kwargs={"pk": opportunity.pk}),
        reverse("employers:placement", kwargs={"pk": placement.pk}),
        reverse("employers:client", kwargs={"client_pk": placement.client_id}),
    ]
    before = {url: _count(client, url) for url in sofie_urls}
    client.force_login(personas.wouter)
    wouter_urls = [
        reverse("employers:overview"),
        reverse("employers:export"),
        reverse("employers:placements") + "?figure=started",
    ]
    before.update({url: _count(client, url) for url in wouter_urls})
    grow(3, 30)
    client.force_login(personas.sofie)
    for url in sofie_urls:
        client.get(url)
        with django_assert_num_queries(before[url]):
            client.get(url)
    client.force_login(personas.wouter)
    for url in wouter_urls:
        client.get(url)
        with django_assert_num_queries(before[url]):
            client.get(url)
    # and the counts themselves stay small
    assert max(before.values()) <= 25, before
