from __future__ import annotations

from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


def test_the_region_page_shows_challenges_personas_obstacles_support_groups_and_municipalities(
    client: Client, personas: Any
) -> None:
    client.force_login(personas.sofie)
    response = client.get("/werkingsgebied/oostende/")
    assert response.status_code == 200
    html = response.content.decode()
    for persona in ("Saled", "Marlies", "Thierry", "Roy", "John", "Mariam"):
        assert persona in html
    for challenge in personas.region.challenges.prefetch_related("obstacle_lines", "support_lines"):
        for line in challenge.obstacle_lines.all():
            assert line.label_nl in html
        for line in challenge.support_lines.all():
            assert line.label_nl in html
    for group in personas.region.target_groups.all():
        assert group.label_nl in html
    for name in ("Oostende", "Middelkerke", "Bredene", "De Haan", "Oudenburg", "Gistel", "Ichtegem", "Eernegem"):
        assert name in html
    assert "wouter@wehelpengraag.be" in html


def test_the_region_page_speaks_english_when_asked(client: Client, personas: Any) -> None:
    client.force_login(personas.sofie)
    client.cookies["django_language"] = "en"
    html = client.get("/werkingsgebied/oostende/").content.decode()
    line = personas.region.challenges.get(rank=2).obstacle_lines.first()
    assert line.label_en in html
    assert '<html lang="en">' in html


def test_a_second_region_shows_on_its_own_page(client: Client, personas: Any) -> None:
    client.force_login(personas.nadia)
    html = client.get("/werkingsgebied/westhoek-test/").content.decode()
    assert "Nadia" in html and "Koen" in html and "Veurne" in html
    assert "Saled" not in html


def test_a_member_of_another_region_gets_404(client: Client, personas: Any) -> None:
    client.force_login(personas.nadia)
    assert client.get("/werkingsgebied/oostende/").status_code == 404
    client.force_login(personas.olaf)
    assert client.get("/werkingsgebied/westhoek-test/").status_code == 404


def test_the_region_list_sends_a_single_region_member_straight_to_it(client: Client, personas: Any) -> None:
    client.force_login(personas.sofie)
    response = client.get("/werkingsgebied/")
    assert response.status_code == 302 and response["Location"] == "/werkingsgebied/oostende/"
    client.force_login(personas.glenn)
    html = client.get("/werkingsgebied/").content.decode()
    assert "/werkingsgebied/oostende/" in html and "/werkingsgebied/westhoek-test/" in html


def test_the_region_page_has_a_fixed_number_of_queries(client: Client, personas: Any) -> None:
    client.force_login(personas.sofie)
    client.get("/werkingsgebied/oostende/")
    with CaptureQueriesContext(connection) as oostende_queries:
        client.get("/werkingsgebied/oostende/")
    client.force_login(personas.nadia)
    client.get("/werkingsgebied/westhoek-test/")
    with CaptureQueriesContext(connection) as westhoek_queries:
        client.get("/werkingsgebied/westhoek-test/")
    # session, user, region, call, menu counts: the region's own data is kept per region version (region_memo)
    assert len(oostende_queries) == len(westhoek_queries) <= 6


def test_a_changed_region_shows_on_the_next_visit_of_its_page(client: Client, personas: Any) -> None:
    from django.utils import timezone

    from apps.regions.models import ObstacleLine, Region

    client.force_login(personas.sofie)
    client.get("/werkingsgebied/oostende/")
    line = ObstacleLine.objects.filter(challenge__region=personas.region).first()
    assert line is not None
    ObstacleLine.objects.filter(pk=line.pk).update(label_nl="Een nieuwe drempel uit het regiobestand")
    Region.objects.filter(pk=personas.region.pk).update(loaded_at=timezone.now())  # what a load or an admin edit does
    assert "Een nieuwe drempel uit het regiobestand" in client.get("/werkingsgebied/oostende/").content.decode()


def test_every_role_pays_the_same_and_only_the_first_page_of_a_process_reads_the_region(
    client: Client, personas: Any, django_assert_max_num_queries: Any
) -> None:
    """Issue 15: Glenn the administrator paid 18 queries in the crawl only because his was the first page after
    the region's load (the region's data read once per process and version); every later page costs 5."""
    from apps.regions.selectors import region_memo_clear

    region_memo_clear()
    client.force_login(personas.glenn)
    with django_assert_max_num_queries(15):  # 5 + the region's data read once: 10 (what the page shows)
        assert client.get("/werkingsgebied/oostende/").status_code == 200
    for user in (personas.glenn, personas.wouter, personas.sofie, personas.els, personas.ine):
        client.force_login(user)
        with django_assert_max_num_queries(5):  # session, user, region, call, menu counts
            assert client.get("/werkingsgebied/oostende/").status_code == 200
