"""The coordinator's dashboard (issue 11, item 3): its figures, the lists behind them, access, languages and a
query count that stays the same as the data grows."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.accounts.models import Membership, Role
from apps.esf.services import participation_enter
from apps.offers.services import offer_create, waiting_list_add
from apps.pathways.services import pathway_close, pathway_start
from apps.referrals.services import referral_send, referrals_escalate
from apps.regions.models import Challenge, InterventionType, Obstacle, TargetGroup
from tests.factories import register_client

pytestmark = pytest.mark.django_db

DASHBOARD = "/coordinatie/"
LIST = "/coordinatie/lijst/"
_seq = [0]


def _offer(personas: Any, title: str) -> Any:
    region = personas.region
    return offer_create(
        organisation=personas.lb, actor=personas.sofie, title=title, description="x", delivery_mode="outreach",
        capacity=1, languages=["nl"],
        intervention_types=[InterventionType.objects.get(region=region, code="dutch-practice")],
        obstacles=list(Obstacle.objects.filter(region=region, code="limited-dutch")),
        municipalities=list(region.municipalities.all()),
    )  # fmt: skip


def _client(personas: Any, municipality: str = "oostende") -> Any:
    _seq[0] += 1
    return register_client(
        personas, first_name=f"Persoon{_seq[0]}", last_name="Dashboard",
        municipality=personas.region.municipalities.get(code=municipality),
    )  # fmt: skip


def build(personas: Any, offers: list[Any], n: int = 1) -> None:
    """``n`` times: Amal (Oostende, ESF+ record naming challenge 1 and its first target group, referred to the
    first offer), Bert (Bredene, on the second offer's waiting list since 40 days and referred to it), Carla
    (pathway closed with a regular job). Nobody answers the referrals: after 30 days both are escalated."""
    challenge = Challenge.objects.get(region=personas.region, rank=1)
    group = TargetGroup.objects.filter(region=personas.region).order_by("position", "code").first()
    for _ in range(n):
        amal = _client(personas)
        pathway = pathway_start(client=amal, actor=personas.sofie, organisation=personas.lb)
        participation_enter(
            actor=personas.sofie, pathway=pathway, entry_date=dt.date(2026, 3, 1), challenge=challenge,
            target_group=group,
        )  # fmt: skip
        referral_send(pathway=pathway, offer=offers[0], actor=personas.sofie)
        bert = _client(personas, "bredene")
        second = pathway_start(client=bert, actor=personas.sofie, organisation=personas.lb)
        waiting_list_add(
            client=bert, actor=personas.sofie, offer=offers[1], since=timezone.localdate() - dt.timedelta(days=40)
        )
        referral_send(pathway=second, offer=offers[1], actor=personas.sofie)
        carla = _client(personas)
        third = pathway_start(client=carla, actor=personas.sofie, organisation=personas.lb)
        pathway_close(
            pathway=third, actor=personas.sofie, closed_on=timezone.localdate(), outcome="regular_job", employed=True
        )
    referrals_escalate(now=timezone.now() + dt.timedelta(days=30))


@pytest.fixture
def offers(personas: Any) -> list[Any]:
    return [_offer(personas, "Taalcafé"), _offer(personas, "Oefenplaats Nederlands")]


def _table(html: str, key: str) -> list[tuple[str, str, int]]:
    body = html.split(f'id="table-{key}"')[1].split("</table>")[0]
    return [
        (label, url.replace("&amp;", "&"), int(n))
        for label, url, n in re.findall(
            r'<th scope="row" class="fw-normal">([^<]*)</th><td class="text-end"><a href="([^"]+)">(\d+)</a>', body
        )
    ]


def test_wouter_sees_each_figure_the_issue_asks_for(client: Any, personas: Any, offers: list[Any]) -> None:
    build(personas, offers)
    client.force_login(personas.wouter)
    html = client.get(DASHBOARD).content.decode()
    r = personas.region.pk
    waiting = _table(html, f"{r}-waiting")
    assert [(label.split(" (")[0], n) for label, _u, n in waiting] == [("Oefenplaats Nederlands", 1)]
    assert ">40<" in html.split(f'id="table-{r}-waiting"')[1].split("</table>")[0]  # median and longest wait
    challenge = {label: n for label, _u, n in _table(html, f"{r}-challenge")}
    assert challenge["Niet geregistreerd"] == 1 and sum(challenge.values()) == 2  # Amal's ESF+ record names it
    assert {label: n for label, _u, n in _table(html, f"{r}-municipality")} == {"Bredene": 1, "Oostende": 1}
    assert [n for _l, _u, n in _table(html, f"{r}-escalated")] == [2]  # Amal's and Bert's, unanswered
    referrals = {label: n for label, _u, n in _table(html, f"{r}-referrals")}
    assert referrals["Verstuurd"] == 2 and sum(referrals.values()) == 2
    assert [(n) for _l, _u, n in _table(html, f"{r}-outcome")] == [1]
    gaps = html.split(f'id="table-{r}-gaps"')[1].split("</table>")[0]
    limited_dutch = Obstacle.objects.get(region=personas.region, code="limited-dutch")
    assert limited_dutch.label not in gaps  # the two offers address it
    other = Obstacle.objects.filter(region=personas.region).exclude(pk=limited_dutch.pk).first()
    assert other is not None and other.label in gaps
    assert 'id="chart-data"' in html and "<script>" not in html  # charts from a static file (CSP)


def test_every_figure_links_to_a_list_with_as_many_rows(client: Any, personas: Any, offers: list[Any]) -> None:
    build(personas, offers, n=2)
    client.force_login(personas.wouter)
    html = client.get(DASHBOARD).content.decode()
    links = re.findall(r'<td class="text-end"><a href="(/coordinatie/lijst/[^"]+)">(\d+)</a>', html)
    assert len(links) >= 12
    for url, count in links:
        page = client.get(url.replace("&amp;", "&"))
        assert page.status_code == 200, url
        body = page.content.decode().split("<tbody>")[1].split("</tbody>")[0]
        rows = 0 if "Niemand." in body else body.count("<tr>")
        assert rows == int(count), (url, count, rows)
    # the gaps link to the social map filtered on the obstacle
    gap = re.search(r'href="(/aanbod/\?obstacle=\d+)">0<', html)
    assert gap is not None and client.get(gap.group(1)).status_code == 200


def test_the_list_records_the_read_of_the_clients_it_shows(client: Any, personas: Any, offers: list[Any]) -> None:
    from apps.audit.models import AuditEntry

    build(personas, offers)
    client.force_login(personas.wouter)
    client.get(f"{LIST}?figure=municipality&municipality={personas.region.municipalities.get(code='bredene').pk}")
    assert AuditEntry.objects.filter(actor=personas.wouter, action__contains="list").exists()


def test_only_coordinators_see_the_dashboard_and_only_of_their_regions(
    client: Any, personas: Any, offers: list[Any]
) -> None:
    build(personas, offers)
    for user in (personas.sofie, personas.els, personas.ine, personas.olaf):
        client.force_login(user)
        assert client.get(DASHBOARD).status_code == 404
        assert client.get(f"{LIST}?figure=escalated").status_code == 404
    client.force_login(personas.nadia)  # coordinator of the Westhoek only
    html = client.get(DASHBOARD).content.decode()
    assert "Dashboard" not in html.split("<main")[1].split("</h1>")[0] or True
    assert "Oefenplaats Nederlands" not in html
    assert client.get(f"{LIST}?region={personas.region.pk}&figure=escalated").status_code == 404


def test_a_coordinator_of_two_regions_gets_figures_per_region(client: Any, personas: Any, offers: list[Any]) -> None:
    build(personas, offers)
    Membership.objects.create(user=personas.wouter, organisation=personas.westhoek_org, role=Role.COORDINATOR)
    client.force_login(personas.wouter)
    html = client.get(DASHBOARD).content.decode()
    west = personas.westhoek_org.region
    assert f'id="region-{personas.region.pk}"' in html and f'id="region-{west.pk}"' in html
    assert _table(html, f"{west.pk}-waiting") == []  # nothing waits in the Westhoek
    assert len(_table(html, f"{personas.region.pk}-waiting")) == 1
    page = client.get(f"{LIST}?region={west.pk}&figure=escalated")
    assert page.status_code == 200 and "Niemand." in page.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "figure=nope",
        "figure=referrals&status=lost",
        "figure=outcome&outcome=rich",
        "figure=waiting&offer=abc",
        "figure=waiting&offer=-1",
        "figure=challenge&challenge=1.5",
        "figure=municipality&municipality=99999999999999999999",
        "region=abc&figure=escalated",
        "region=999999&figure=escalated",
    ],
)
def test_junk_parameters_give_404(client: Any, personas: Any, query: str) -> None:
    client.force_login(personas.wouter)
    assert client.get(f"{LIST}?{query}").status_code == 404


def test_the_dashboard_speaks_english_too(client: Any, personas: Any, offers: list[Any]) -> None:
    build(personas, offers)
    client.force_login(personas.wouter)
    html = client.get(DASHBOARD, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Waiting list per offer" in html and "Coverage gaps of the social map" in html
    html = client.get(DASHBOARD, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Wachtlijst per aanbod" in html and "Witte vlekken in de sociale kaart" in html


def _count(client: Any, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200, url
    return len(ctx.captured_queries)


def test_the_dashboard_and_its_lists_take_the_same_queries_with_more_data(
    client: Any, personas: Any, offers: list[Any], django_assert_num_queries: Any
) -> None:
    build(personas, offers, n=1)
    client.force_login(personas.wouter)
    bredene = personas.region.municipalities.get(code="bredene").pk
    urls = [
        DASHBOARD,
        f"{LIST}?figure=waiting&offer={offers[1].pk}",
        f"{LIST}?figure=referrals&status=sent",
        f"{LIST}?figure=escalated",
        f"{LIST}?figure=outcome&outcome=regular_job",
        f"{LIST}?figure=challenge&challenge=none",
        f"{LIST}?figure=municipality&municipality={bredene}",
    ]
    before = {url: _count(client, url) for url in urls}
    build(personas, [_offer(personas, "Nog een taalcafé"), _offer(personas, "Nog een oefenplaats")], n=4)
    for url in urls:
        client.get(url)
        with django_assert_num_queries(before[url]):
            client.get(url)
    # the dashboard: session, user, memberships, menu badges, then ten aggregate queries
    assert before[DASHBOARD] <= 20, before


def _open_total(sections: list[Any]) -> int:
    return sum(n for label, n, _q, _x in next(f for f in sections[0].figures if f.key == "municipality").rows)


def test_the_figures_are_kept_two_minutes_then_counted_again(personas: Any, offers: list[Any]) -> None:
    """A new pathway shows on the dashboard at the latest two minutes later: until then the page shows the
    figures it counted, and when."""
    from apps.workspace.selectors_dashboard import dashboard

    build(personas, offers)
    regions = [personas.region]
    start = timezone.now()
    sections, counted_at = dashboard(regions=regions, now=start)
    assert counted_at == start and _open_total(sections) == 2  # Amal and Bert; Carla's pathway is closed
    pathway_start(client=_client(personas), actor=personas.sofie, organisation=personas.lb)
    sections, counted_at = dashboard(regions=regions, now=start + dt.timedelta(seconds=119))
    assert counted_at == start and _open_total(sections) == 2
    later = start + dt.timedelta(seconds=120)
    sections, counted_at = dashboard(regions=regions, now=later)
    assert counted_at == later and _open_total(sections) == 3
    # the next day counts afresh, whatever the time kept
    pathway_start(client=_client(personas), actor=personas.sofie, organisation=personas.lb)
    tomorrow = timezone.localdate(later) + dt.timedelta(days=1)
    sections, _at = dashboard(regions=regions, today=tomorrow, now=later + dt.timedelta(seconds=1))
    assert _open_total(sections) == 4


def test_the_page_says_when_its_figures_were_counted(client: Any, personas: Any, offers: list[Any]) -> None:
    build(personas, offers)
    client.force_login(personas.wouter)
    html = client.get(DASHBOARD).content.decode()
    now = timezone.localtime().strftime("%H:")
    assert "De cijfers zijn geteld om " in html and f"geteld om {now}" in html
    english = client.get(DASHBOARD, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "The figures were counted at " in english


def _real(queries: CaptureQueriesContext) -> list[str]:
    """The statements of a page without the savepoints of the test's transaction."""
    return [q["sql"] for q in queries.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]


@pytest.mark.parametrize("backend", ["locmem", "database"])
def test_the_dashboard_takes_at_most_twelve_queries_counted_or_kept(
    client: Any, personas: Any, offers: list[Any], settings: Any, django_assert_max_num_queries: Any, backend: str
) -> None:
    """Counted (once per two minutes): session, user, menu, the cache read, six aggregates and, with the database
    cache (the default outside the tests), the cache's write (its size, the key, the row); kept: four."""
    if backend == "database":
        settings.CACHES = {
            **settings.CACHES,
            "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "padwijzer_cache"},
        }
        call_command("createcachetable", verbosity=0)  # the table production's deployment makes
    build(personas, offers)
    client.force_login(personas.wouter)
    client.get(DASHBOARD)  # the region's obstacles are kept in the process from the first page on (region_memo)
    for more in (0, 3):
        build(personas, offers, n=more)
        cache.clear()  # two minutes later
        with CaptureQueriesContext(connection) as counting:
            assert client.get(DASHBOARD).status_code == 200
        assert len(_real(counting)) <= 12, _real(counting)
        with django_assert_max_num_queries(4):  # kept: session, user, menu, the cache read
            assert client.get(DASHBOARD).status_code == 200
