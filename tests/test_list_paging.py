"""Every list page is paged (apps/core/keyset.py): page 1 holds the page size, page 2 the rest, a junk cursor is
a 404 and a page costs the same number of queries however long the list grows. Each test makes the list's
page size small (monkeypatch) and the list one row longer than a page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client as Browser
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.core.keyset import KeysetPage
from apps.core.prepared import Prepared

pytestmark = pytest.mark.django_db
SIZE = 3  # the page size every test sets


def shrink(monkeypatch: Any, module: Any, name: str) -> None:
    """Set the page size ``name`` of ``module`` to SIZE for this test, with the module's prepared queries compiled
    afresh (a LIMIT of the size stands in their SQL) and the shapes of the real size restored afterwards."""
    monkeypatch.setattr(module, name, SIZE)
    for value in vars(module).values():
        if isinstance(value, Prepared):
            monkeypatch.setattr(value, "shapes", {})


def proves_paging(
    browser: Browser,
    url: str,
    param: str,
    page_of: Callable[[Any], KeysetPage],
    expected: list[int],
    grow: Callable[[int], object],
    assert_max_queries: Any,
    key: Callable[[Any], int] = lambda row: row.pk,
) -> None:
    """``url`` lists ``expected`` (ids in order, ``SIZE + 1`` of them) in two keyset pages under ``?param=``;
    a junk cursor is a 404; after ``grow(n)`` adds ``n`` rows the first page costs no more queries."""
    sep = "&" if "?" in url else "?"
    with CaptureQueriesContext(connection) as queries:
        first_response = browser.get(url)
    cost = len(queries)  # read now: every request empties the connection's log
    assert first_response.status_code == 200
    first = page_of(first_response.context)
    assert [key(r) for r in first] == expected[:SIZE] and first.has_next and (first.start, first.end) == (1, SIZE)
    second_response = browser.get(f"{url}{sep}{param}={first.next_cursor}")
    second = page_of(second_response.context)
    assert [key(r) for r in second] == expected[SIZE:] and not second.has_next and second.start == SIZE + 1
    html = second_response.content.decode()
    assert "<nav aria-label=" in html and f"{param}={second.previous_cursor}" in html.replace("&amp;", "&")
    for junk in ("abc", first.next_cursor[:-2], "x" * 3000):
        assert browser.get(f"{url}{sep}{param}={junk}").status_code == 404, junk
    grow(4 * SIZE)
    with assert_max_queries(cost):
        again = browser.get(url)
    assert len(page_of(again.context)) == SIZE


# --- case conferences and signals -----------------------------------------------------------------


def test_sofie_pages_through_her_conferences_coming_up_and_past(
    personas: Any, client: Browser, monkeypatch: Any, django_assert_max_num_queries: Any
) -> None:
    from apps.conferences import views
    from apps.conferences.models import CaseConference

    shrink(monkeypatch, views, "CONFERENCES_PER_PAGE")
    now = timezone.now()

    def make(n: int, sign: int) -> list[int]:
        made = [
            CaseConference.objects.create(
                region=personas.region, organised_by=personas.sofie, scheduled_at=now + sign * dt.timedelta(days=i + 1)
            )
            for i in range(n)
        ]
        return [c.pk for c in made]

    upcoming = make(SIZE + 1, 1)  # soonest first
    past = make(SIZE + 1, -1)  # latest first
    client.force_login(personas.sofie)
    proves_paging(
        client, "/casusoverleg/", "komend", lambda c: c["upcoming"], upcoming, lambda n: make(n, 1),
        django_assert_max_num_queries,
    )  # fmt: skip
    proves_paging(
        client, "/casusoverleg/", "voorbij", lambda c: c["past"], past, lambda n: make(n, -1),
        django_assert_max_num_queries,
    )  # fmt: skip


def test_wouter_pages_through_open_and_resolved_signals(
    personas: Any, client: Browser, monkeypatch: Any, django_assert_max_num_queries: Any
) -> None:
    from apps.conferences import views
    from apps.conferences.models import SystemSignal

    shrink(monkeypatch, views, "SIGNALS_PER_PAGE")

    def make(n: int, resolved: bool) -> list[int]:
        made = [
            SystemSignal.objects.create(
                region=personas.region, kind="gap", description="Geen taalles.", raised_by=personas.sofie,
                resolved=resolved,
            )
            for _ in range(n)
        ]  # fmt: skip
        return [s.pk for s in reversed(made)]  # newest first

    open_ones, resolved = make(SIZE + 1, False), make(SIZE + 1, True)
    client.force_login(personas.wouter)
    both = client.get("/casusoverleg/signalen/").context["sections"]
    assert [len(s["page"]) for s in both] == [SIZE, SIZE]
    proves_paging(
        client, "/casusoverleg/signalen/?status=open", "open", lambda c: c["sections"][0]["page"], open_ones,
        lambda n: make(n, False), django_assert_max_num_queries,
    )  # fmt: skip
    proves_paging(
        client, "/casusoverleg/signalen/?status=resolved", "opgelost", lambda c: c["sections"][0]["page"],
        resolved, lambda n: make(n, True), django_assert_max_num_queries,
    )  # fmt: skip


# --- allocation runs, group activities and their sessions ---------------------------------------


def test_wouter_pages_through_every_allocation_run_of_his_region(
    personas: Any, client: Browser, monkeypatch: Any, django_assert_max_num_queries: Any
) -> None:
    from apps.matching import views
    from apps.matching.models import AllocationRun

    shrink(monkeypatch, views, "RUNS_PER_PAGE")

    def make(n: int) -> list[int]:
        made = [
            AllocationRun.objects.create(region=personas.region, started_by=personas.wouter, status="done")
            for _ in range(n)
        ]
        return [r.pk for r in reversed(made)]

    runs = make(SIZE + 1)
    client.force_login(personas.wouter)
    proves_paging(
        client, "/matching/toewijzing/", "cursor", lambda c: c["runs"], runs, make, django_assert_max_num_queries
    )


def test_els_pages_through_her_group_activities_and_an_activitys_sessions(
    personas: Any, client: Browser, monkeypatch: Any, django_assert_max_num_queries: Any
) -> None:
    from apps.groups import services
    from apps.groups.models import GroupActivity, GroupSession
    from apps.groups.tests.test_groups import make_offer

    shrink(monkeypatch, services, "ACTIVITIES_PER_PAGE")
    shrink(monkeypatch, services, "SESSIONS_PER_PAGE")
    offer = make_offer(personas, personas.brug, personas.els)

    def activities(n: int, prefix: str = "A") -> list[int]:
        return [GroupActivity.objects.create(offer=offer, title=f"{prefix}{i:03}").pk for i in range(n)]

    made = activities(SIZE + 1)  # one organisation: by title
    client.force_login(personas.els)
    proves_paging(
        client, "/groepsaanbod/", "cursor", lambda c: c["activities"], made, lambda n: activities(n, "Z"),
        django_assert_max_num_queries,
    )  # fmt: skip
    activity = GroupActivity.objects.get(pk=made[0])
    today = dt.date(2026, 3, 1)

    def sessions(n: int) -> list[int]:
        made = [
            GroupSession.objects.create(activity=activity, held_on=today - dt.timedelta(days=7 * i)) for i in range(n)
        ]
        return [s.pk for s in made]  # the latest first

    def older(n: int) -> None:
        for i in range(n):
            GroupSession.objects.create(activity=activity, held_on=today - dt.timedelta(days=400 + i))

    held = sessions(SIZE + 1)
    url = f"/groepsaanbod/{activity.pk}/"
    proves_paging(client, url, "cursor", lambda c: c["sessions"], held, older, django_assert_max_num_queries)


# --- employers: opportunities and placements -----------------------------------------------------


def test_sofie_pages_through_the_regions_opportunities(
    personas: Any, client: Browser, monkeypatch: Any, django_assert_max_num_queries: Any
) -> None:
    from apps.employers import selectors
    from apps.employers.tests.conftest import make_employer, make_opportunity

    shrink(monkeypatch, selectors, "OPPORTUNITIES_PER_PAGE")
    employer = make_employer(personas)

    def make(n: int, prefix: str = "Z") -> list[int]:
        return [make_opportunity(personas, employer, title=f"{prefix} plaats {i:03}").pk for i in range(n)]

    made = make(SIZE + 1, "A")  # one rung, one employer: by title
    client.force_login(personas.sofie)
    proves_paging(
        client, "/werkgevers/kansen/", "cursor", lambda c: c["opportunities"], made, make,
        django_assert_max_num_queries,
    )  # fmt: skip


def test_wouter_pages_through_placements_and_the_still_working_figure(
    personas: Any, client: Browser, monkeypatch: Any, django_assert_max_num_queries: Any
) -> None:
    from types import SimpleNamespace

    from apps.employers import selectors
    from apps.employers.models import Placement
    from apps.employers.tests.conftest import make_employer, make_opportunity
    from apps.pathways.services import pathway_start
    from conftest import register_client
    from tests.factories import PATHWAY_START

    mariam = register_client(personas)
    world = SimpleNamespace(
        client=mariam,
        pathway=pathway_start(client=mariam, actor=personas.sofie, organisation=personas.lb, started_on=PATHWAY_START),
        opportunity=make_opportunity(personas, make_employer(personas)),
    )

    shrink(monkeypatch, selectors, "PLACEMENTS_PER_PAGE")

    def make(n: int, status: str = "withdrawn", end_on: dt.date | None = None) -> list[int]:
        made = [
            Placement.objects.create(
                opportunity=world.opportunity, client=world.client, pathway=world.pathway, organisation=personas.lb,
                proposed_by=personas.sofie, status=status, start_on=dt.date(2025, 1, 6), end_on=end_on,
            )
            for _ in range(n)
        ]  # fmt: skip
        return [p.pk for p in reversed(made)]  # newest first

    withdrawn = make(SIZE + 1)
    client.force_login(personas.wouter)
    proves_paging(
        client, "/werkgevers/plaatsingen/?status=withdrawn", "cursor", lambda c: c["page"], withdrawn, make,
        django_assert_max_num_queries,
    )  # fmt: skip
    working: list[int] = []
    for _ in range(SIZE + 1):  # each still working after 3 months between two that stopped after a week
        make(1, "ended", dt.date(2025, 1, 13))
        working = make(1, "ended") + working
    make(1, "ended", dt.date(2025, 1, 13))
    proves_paging(
        client, "/werkgevers/plaatsingen/?figure=working_3", "cursor", lambda c: c["page"], working,
        lambda n: make(n, "ended"), django_assert_max_num_queries,
    )  # fmt: skip


# --- the coordinator's dashboard: the list behind a figure ------------------------------------------


def test_wouter_pages_through_the_open_pathways_behind_a_municipality_figure(
    personas: Any, client: Browser, monkeypatch: Any, django_assert_max_num_queries: Any
) -> None:
    from apps.pathways.services import pathway_start
    from apps.workspace import selectors_dashboard
    from tests.factories import register_client

    shrink(monkeypatch, selectors_dashboard, "LIST_PAGE_SIZE")
    bredene = personas.region.municipalities.get(code="bredene")
    counter = iter(range(1000))

    def make(n: int, last: str = "Zeeman") -> list[int]:
        made = []
        for _ in range(n):
            i = next(counter)
            mariam = register_client(
                personas, first_name=f"Persoon{i:03}", last_name=last, municipality=bredene,
                birth_date=dt.date(1970, 1, 1) + dt.timedelta(days=i),
            )  # fmt: skip
            made.append(pathway_start(client=mariam, actor=personas.sofie, organisation=personas.lb).pk)
        return made

    made = make(SIZE + 1, "Aerts")  # by last name, first name
    client.force_login(personas.wouter)
    url = f"/coordinatie/lijst/?region={personas.region.pk}&figure=municipality&municipality={bredene.pk}"
    proves_paging(client, url, "cursor", lambda c: c["listing"]["page"], made, make, django_assert_max_num_queries)


# --- the client merge page: merges and pairs marked as different people ------------------------------


def test_wouter_pages_through_every_merge_and_every_pair_marked_as_different_people(
    personas: Any, client: Browser, monkeypatch: Any, django_assert_max_num_queries: Any
) -> None:
    from apps.clients import selectors
    from apps.clients.models import ClientMerge, DistinctPair
    from apps.workspace import views
    from tests.factories import register_client

    shrink(monkeypatch, views, "MERGES_PER_PAGE")
    shrink(monkeypatch, selectors, "DISMISSED_PER_PAGE")
    counter = iter(range(1000))

    def person() -> Any:
        i = next(counter)
        born = dt.date(1960, 1, 1) + dt.timedelta(days=i)
        return register_client(personas, first_name=f"Persoon{i:03}", last_name="Dubbel", birth_date=born)

    def merges(n: int) -> list[int]:
        made = [
            ClientMerge.objects.create(survivor=person(), duplicate=person(), merged_by=personas.wouter)
            for _ in range(n)
        ]
        return [m.pk for m in reversed(made)]  # newest first

    def pairs(n: int) -> list[int]:
        made = []
        for _ in range(n):
            first, second = person(), person()
            made.append(
                DistinctPair.objects.create(
                    first=first, second=second, dismissed_by=personas.wouter, dismissed_at=timezone.now()
                ).pk
            )
        return list(reversed(made))

    merged, dismissed = merges(SIZE + 1), pairs(SIZE + 1)
    client.force_login(personas.wouter)
    proves_paging(
        client, "/hulpvragers/samenvoegen/", "samengevoegd", lambda c: c["merges"], merged, merges,
        django_assert_max_num_queries,
    )  # fmt: skip
    proves_paging(
        client, "/hulpvragers/samenvoegen/", "verschillend", lambda c: c["dismissed"], dismissed, pairs,
        django_assert_max_num_queries,
    )  # fmt: skip


# --- ESF+: the participants behind a count -------------------------------------------------------------


def test_wouter_pages_through_the_participants_behind_a_count(
    personas: Any, client: Browser, monkeypatch: Any, django_assert_max_num_queries: Any
) -> None:
    from apps.esf import selectors
    from apps.esf.models import Participation
    from apps.esf.tests.factories import participant

    shrink(monkeypatch, selectors, "PARTICIPANTS_PER_PAGE")

    def make(n: int) -> None:
        for i in range(n):
            participant(personas, born=dt.date(1980, 1, 1) + dt.timedelta(days=i), labour_status="inactive")

    make(SIZE + 1)
    by_name = list(
        Participation.objects.order_by("client__last_name", "client__first_name", "pk").values_list("pk", flat=True)
    )
    client.force_login(personas.wouter)
    url = "/esf/oostende/deelnemers/?start=2025-01-01&end=2025-12-31&indicator=EECO01"
    proves_paging(client, url, "cursor", lambda c: c["participations"], by_name, make, django_assert_max_num_queries)
    assert client.get(url).context["hidden"] == 0  # every one listed, over the pages


# --- the API: every list endpoint ----------------------------------------------------------------------


def _api_lists() -> tuple[dict[str, Any], dict[str, Any]]:
    """The paths of the OpenAPI schema whose GET answers a page (``results``), with that GET's operation."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    lists = {}
    for path, operations in schema["paths"].items():
        get = operations.get("get")
        if not get or "200" not in get["responses"]:
            continue
        body = get["responses"]["200"]["content"]["application/json"]["schema"]
        if "$ref" in body:
            body = schema["components"]["schemas"][body["$ref"].rsplit("/", 1)[1]]
        if "results" in body.get("properties", {}):
            lists[path] = get
    return lists, schema


def test_every_api_list_documents_page_size_at_most_100() -> None:
    from apps.api.pagination import MAX_PAGE_SIZE

    lists, _schema = _api_lists()
    assert lists
    for path, get in lists.items():
        (page_size,) = [p for p in get.get("parameters", []) if p["name"] == "page_size"]
        assert page_size["schema"]["maximum"] == MAX_PAGE_SIZE == 100, path
        assert page_size["schema"]["minimum"] == 1, path


def test_every_api_list_answers_at_most_its_page_size_and_caps_page_size(personas: Any, monkeypatch: Any) -> None:
    """Every list endpoint of the schema, over more rows than a page: at most the page size; ``page_size=1000``
    capped at the maximum (both made small here: 2 and 3, with 4 rows per list)."""
    from rest_framework.test import APIClient

    from apps.api import pagination
    from apps.api.tests.conftest import give_consent, register, screen
    from apps.pathways.services import pathway_start

    monkeypatch.setattr(pagination.PagePagination, "page_size", 2)
    monkeypatch.setattr(pagination.PagePagination, "max_page_size", 3)
    monkeypatch.setattr(pagination.KeysetPagination, "page_size", 2)
    monkeypatch.setattr(pagination.KeysetPagination, "max_page_size", 3)
    people = [register(personas, first_name=f"Klant{i}", birth_date=dt.date(1980, 1, 1 + i)) for i in range(4)]
    amina = people[0]
    for i in range(4):
        screen(personas, amina, dt.date(2026, 1, 5 + i))
        give_consent(personas, amina, ["identity", "life_domains"])
    for person in people:
        pathway_start(client=person, actor=personas.sofie, organisation=personas.lb)
    lists, _schema = _api_lists()
    urls = {path: path.replace("{id}", str(amina.pk)) for path in lists}
    assert set(urls) == {
        "/api/v1/clients/", "/api/v1/clients/{id}/screenings/", "/api/v1/clients/{id}/consents/", "/api/v1/pathways/",
    }, "a new API list: give it rows here"  # fmt: skip
    http = APIClient()
    http.force_login(personas.sofie)
    for path, url in urls.items():
        first = http.get(url).json()
        assert len(first["results"]) == 2 and first["next"], path
        assert len(http.get(first["next"]).json()["results"]) == 2, path
        assert len(http.get(f"{url}?page_size=1000").json()["results"]) == 3, path


# --- the home page's to-do: previews that say when more wait ---------------------------------------------


def test_sofies_to_do_says_when_more_conferences_wait_for_decisions_and_links_to_them(
    personas: Any, client: Browser, monkeypatch: Any
) -> None:
    from apps.conferences.models import CaseConference
    from apps.workspace import selectors_todo

    shrink(monkeypatch, selectors_todo, "LIST_LIMIT")
    for i in range(SIZE + 1):
        CaseConference.objects.create(
            region=personas.region, organised_by=personas.sofie, scheduled_at=timezone.now() - dt.timedelta(days=i + 1)
        )
    client.force_login(personas.sofie)
    response = client.get("/")
    assert len(response.context["todo"]["conferences"]) == SIZE and response.context["todo"]["more"]["conferences"]
    html = response.content.decode()
    assert f"Alleen de oudste {SIZE} staan hier." in html and 'href="/casusoverleg/"' in html
    CaseConference.objects.filter(pk=min(c.pk for c in CaseConference.objects.all())).delete()  # exactly a preview
    assert "Alleen de oudste" not in client.get("/").content.decode()


# --- the client file's timeline ---------------------------------------------------------------------------


def test_sofie_pages_through_the_whole_history_of_a_file(
    personas: Any, client: Browser, monkeypatch: Any, django_assert_max_num_queries: Any
) -> None:
    from apps.audit.models import AuditEntry
    from apps.audit.services import audit_log
    from apps.workspace import selectors
    from tests.factories import register_client

    shrink(monkeypatch, selectors, "TIMELINE_LENGTH")
    mariam = register_client(personas)

    def make(n: int) -> None:
        for i in range(n):
            audit_log(actor=personas.sofie, action="clients.client.updated", obj=mariam, changes={"phone": i})

    make(SIZE)  # with the registration: one entry more than a page
    newest_first = list(
        AuditEntry.objects.filter(object_type="clients.client", object_id=str(mariam.pk))
        .exclude(action="clients.client.viewed")
        .order_by("-created_at", "-id")
        .values_list("pk", flat=True)
    )
    assert len(newest_first) == SIZE + 1
    client.force_login(personas.sofie)
    url = f"/hulpvragers/{mariam.pk}/"
    proves_paging(client, url, "tijdlijn", lambda c: c["timeline"], newest_first, make, django_assert_max_num_queries)
    first = client.get(url).context["timeline"]
    second = client.get(f"{url}?tijdlijn={first.next_cursor}").context["timeline"]
    back = client.get(f"{url}?tijdlijn={second.previous_cursor}").context["timeline"]
    assert [e.pk for e in back] == [e.pk for e in first]  # newer entries going back


# --- the pathway page: its contact log and the plan's history -------------------------------------------


def test_sofie_pages_through_a_pathways_contacts_and_plan_history(
    personas: Any, client: Browser, monkeypatch: Any, django_assert_max_num_queries: Any
) -> None:
    from apps.pathways import selectors
    from apps.pathways.models import ContactLog, PlanChange
    from apps.pathways.services import pathway_start
    from tests.factories import register_client

    shrink(monkeypatch, selectors, "CONTACTS")
    shrink(monkeypatch, selectors, "HISTORY")
    pathway = pathway_start(client=register_client(personas), actor=personas.sofie, organisation=personas.lb)
    day = dt.date(2026, 2, 1)

    def contacts(n: int) -> list[int]:
        made = [
            ContactLog.objects.create(
                pathway=pathway, author=personas.sofie, author_organisation=personas.lb, place="office",
                happened_on=day - dt.timedelta(days=i), summary="Gesprek over werk.",
            )
            for i in range(n)
        ]  # fmt: skip
        return [c.pk for c in made]  # the latest first

    def older_contacts(n: int) -> None:
        for i in range(n):
            ContactLog.objects.create(
                pathway=pathway, author=personas.sofie, author_organisation=personas.lb, place="office",
                happened_on=day - dt.timedelta(days=100 + i), summary="Gesprek over werk.",
            )  # fmt: skip

    def changes(n: int) -> list[int]:
        start = PlanChange.objects.filter(pathway=pathway).count()
        made = [
            PlanChange.objects.create(pathway=pathway, version=start + i + 1, changed_by=personas.sofie, summary="plan")
            for i in range(n)
        ]
        return [c.pk for c in reversed(made)]  # newest first

    logged = contacts(SIZE + 1)
    history = [c.pk for c in PlanChange.objects.filter(pathway=pathway).order_by("-changed_at", "-pk")]
    history = changes(SIZE + 1 - len(history)) + history
    client.force_login(personas.sofie)
    url = f"/trajecten/{pathway.pk}/"
    proves_paging(
        client, url, "contacten", lambda c: c["contacts"], logged, older_contacts, django_assert_max_num_queries
    )
    proves_paging(client, url, "plan", lambda c: c["history"], history, changes, django_assert_max_num_queries)


def test_els_pages_through_an_employers_activities_and_opportunities(
    personas: Any, client: Browser, monkeypatch: Any, django_assert_max_num_queries: Any
) -> None:
    from apps.employers import views
    from apps.employers.models import EngagementActivity
    from apps.employers.tests.conftest import make_employer, make_opportunity

    shrink(monkeypatch, views, "EMPLOYER_ACTIVITIES_PER_PAGE")
    shrink(monkeypatch, views, "EMPLOYER_OPPORTUNITIES_PER_PAGE")
    employer = make_employer(personas)
    day = dt.date(2026, 2, 1)

    def activities(n: int) -> list[int]:
        made = [
            EngagementActivity.objects.create(
                employer=employer, kind="visit", happened_on=day - dt.timedelta(days=i), summary="Bezoek.",
                author=personas.els, author_organisation=personas.brug,
            )
            for i in range(n)
        ]  # fmt: skip
        return [a.pk for a in made]  # the latest first

    def opportunities(n: int) -> list[int]:
        return [make_opportunity(personas, employer).pk for _ in range(n)][::-1]  # newest first

    logged, offered = activities(SIZE + 1), opportunities(SIZE + 1)
    client.force_login(personas.els)
    url = f"/werkgevers/{employer.pk}/"
    proves_paging(
        client, url, "activiteiten", lambda c: c["activities"], logged, activities, django_assert_max_num_queries
    )
    proves_paging(
        client, url, "kansen", lambda c: c["opportunities"], offered, opportunities, django_assert_max_num_queries
    )


def test_els_sees_more_than_the_preview_of_referrals_to_answer_in_the_heading_itself(
    personas: Any, client: Browser, monkeypatch: Any
) -> None:
    from apps.offers.tests.test_views_offers import make_offer
    from apps.referrals.models import Referral
    from apps.referrals.services import referral_send
    from apps.referrals.tests.conftest import open_pathway
    from apps.workspace import selectors_todo

    shrink(monkeypatch, selectors_todo, "LIST_LIMIT")
    offer = make_offer(personas, personas.brug, personas.els)
    names = ["Jonas", "Mira", "Sam", "Lotte"]
    for i, name in enumerate(names[: SIZE + 1]):
        pathway = open_pathway(personas, first_name=name, last_name="Peeters", birth_date=dt.date(1990, 1, 2 + i))
        referral_send(pathway=pathway, offer=offer, actor=personas.sofie)
    client.force_login(personas.els)
    html = client.get("/").content.decode()
    assert f"Meer dan {SIZE} doorverwijzingen te beantwoorden" in html and "Alleen de oudste" in html
    referral = Referral.objects.order_by("pk").first()
    assert referral is not None
    referral.delete()  # exactly a preview
    html = client.get("/").content.decode()
    assert f"{SIZE} doorverwijzingen te beantwoorden" in html and "Meer dan" not in html
