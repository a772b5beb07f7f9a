"""Recommendations: eligibility, the transparent score, reasons, the persona check on the demo social map."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import translation

from apps.accounts.models import Organisation
from apps.demo.services import demo_seed
from apps.matching.package import build_package
from apps.matching.recommend import recommend
from apps.matching.selectors import client_profile, offer_profiles, travel_model
from apps.offers.services import offer_create
from apps.regions.models import InterventionType, Municipality, Obstacle
from conftest import complete_screening, register_client

PERSONAS = ["Saled", "Marlies", "Thierry", "Roy", "John", "Mariam"]


def persona_codes(region: Any, persona: str) -> list[str]:
    challenge = region.challenges.get(persona_name=persona)
    return sorted({o.code for line in challenge.obstacle_lines.all() for o in line.obstacles.all()})


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_gets_the_support_its_challenge_seeks_in_its_top_5(personas: Any, persona: str) -> None:
    region = personas.region
    demo_seed(region=region, clients=0, seed=1)
    client = register_client(personas, first_name=persona, languages=["nl"], dutch_level="B1")
    complete_screening(client, personas.sofie, obstacles=persona_codes(region, persona))
    profile = client_profile(client=client)
    assert profile is not None and profile.challenge_persona == persona
    top = recommend(profile, offer_profiles(region_id=region.pk), travel_model(region_id=region.pk), limit=5)
    sought = {
        t.pk
        for line in region.challenges.get(persona_name=persona).support_lines.all()
        for t in line.intervention_types.all()
    }
    assert len(top) == 5
    for r in top:
        assert r.offer.intervention_type_ids & sought, (persona, r.offer.title)


def _offer(org: Any, region: Any, title: str, mode: str, place: Municipality | None, actor: Any) -> Any:
    return offer_create(
        organisation=org,
        actor=actor,
        title=title,
        description="test",
        delivery_mode=mode,
        location_municipality=place,
        capacity=10,
        languages=["nl"],
        intervention_types=[InterventionType.objects.get(region=region, code="work-pathway")],
        obstacles=list(Obstacle.objects.filter(region=region, code__in=["unemployed", "low-education"])),
        municipalities=list(Municipality.objects.filter(region=region)),
    )


def test_a_client_in_ichtegem_with_limited_mobility_gets_nearby_and_outreach_offers_first(personas: Any) -> None:
    region = personas.region
    ichtegem = region.municipalities.get(code="ichtegem")
    far = _offer(
        personas.brug,
        region,
        "Ver: Middelkerke",
        "at_address",
        region.municipalities.get(code="middelkerke"),
        personas.els,
    )
    near = _offer(personas.brug, region, "Dichtbij: Ichtegem", "at_address", ichtegem, personas.els)
    street = _offer(personas.brug, region, "Aan huis", "outreach", None, personas.els)
    client = register_client(personas, municipality=ichtegem, languages=["nl"], dutch_level="C2")
    complete_screening(client, personas.sofie, obstacles=["unemployed", "low-education", "limited-mobility"])
    profile = client_profile(client=client)
    assert profile is not None and profile.mobility_limited
    with translation.override("nl-be"):
        ranked = recommend(profile, offer_profiles(region_id=region.pk), travel_model(region_id=region.pk))
    order = [r.offer.id for r in ranked]
    assert order.index(street.pk) < order.index(far.pk)
    assert order.index(near.pk) < order.index(far.pk)
    far_rec = ranked[order.index(far.pk)]
    assert far_rec.covered == ranked[order.index(near.pk)].covered  # the same needs are covered
    assert any("Zwaarder gewogen" in r or "zwaarder" in r.lower() for r in far_rec.reasons)


def test_the_mobility_obstacle_weighs_travel_heavier(personas: Any) -> None:
    region = personas.region
    far = _offer(
        personas.brug, region, "Ver", "at_address", region.municipalities.get(code="middelkerke"), personas.els
    )
    ichtegem = region.municipalities.get(code="ichtegem")
    mobile = register_client(personas, municipality=ichtegem, first_name="A")
    complete_screening(mobile, personas.sofie, obstacles=["unemployed"])
    stuck = register_client(personas, municipality=ichtegem, first_name="B")
    complete_screening(stuck, personas.sofie, obstacles=["unemployed", "limited-mobility"])
    offers, travel = offer_profiles(region_id=region.pk), travel_model(region_id=region.pk)
    p_mobile, p_stuck = client_profile(client=mobile), client_profile(client=stuck)
    assert p_mobile and p_stuck
    a = next(r for r in recommend(p_mobile, offers, travel) if r.offer.id == far.pk)
    b = next(r for r in recommend(p_stuck, offers, travel) if r.offer.id == far.pk)
    assert a.travel_minutes == b.travel_minutes > 30
    assert b.score < a.score


def test_eligibility_filters_age_gender_municipality_and_target_group(personas: Any) -> None:
    region = personas.region
    work = InterventionType.objects.get(region=region, code="work-pathway")
    unemployed = Obstacle.objects.filter(region=region, code="unemployed")
    common = {
        "description": "x",
        "delivery_mode": "outreach",
        "capacity": 5,
        "intervention_types": [work],
        "obstacles": list(unemployed),
    }
    youth = offer_create(
        organisation=personas.brug,
        actor=personas.els,
        title="Jongeren",
        max_age=25,
        municipalities=list(region.municipalities.all()),
        **common,
    )
    men = offer_create(
        organisation=personas.brug,
        actor=personas.els,
        title="Mannen",
        gender_specific="M",
        municipalities=list(region.municipalities.all()),
        **common,
    )
    elsewhere = offer_create(
        organisation=personas.brug,
        actor=personas.els,
        title="Enkel Gistel",
        municipalities=[region.municipalities.get(code="gistel")],
        **common,
    )
    neet = offer_create(
        organisation=personas.brug,
        actor=personas.els,
        title="NEET",
        municipalities=list(region.municipalities.all()),
        target_groups=[region.target_groups.get(code="neet-youth")],
        **common,
    )
    client = register_client(personas, birth_date=dt.date(1980, 1, 1), gender="F")  # 46, woman, Oostende
    complete_screening(client, personas.sofie, obstacles=["unemployed"])
    profile = client_profile(client=client)
    assert profile is not None
    ids = {
        r.offer.id for r in recommend(profile, offer_profiles(region_id=region.pk), travel_model(region_id=region.pk))
    }
    assert not ids & {youth.pk, men.pk, elsewhere.pk, neet.pk}


def test_the_package_meets_thierry_s_needs_most_severe_first_with_fewer_offers_than_needs(personas: Any) -> None:
    region = personas.region
    demo_seed(region=region, clients=0, seed=1)
    client = register_client(personas, languages=["nl"], dutch_level="C1")
    codes = persona_codes(region, "Thierry")
    complete_screening(client, personas.sofie, obstacles=codes)
    profile = client_profile(client=client)
    assert profile is not None
    ranked = recommend(profile, offer_profiles(region_id=region.pk), travel_model(region_id=region.pk))
    package = build_package(profile, ranked)
    assert package.optimal
    assert [line.need for line in package.lines] == list(profile.needs)
    assert package.lines[0].recommendation is not None  # the most severe need is met
    assert 0 < len(package.offers) <= 4
    for line in package.lines:
        if line.recommendation is not None:
            assert line.text.startswith(line.need.domain) and line.recommendation.offer.title in line.text
            assert not line.need.obstacle_ids.isdisjoint(line.recommendation.offer.obstacle_ids)


def test_recommendations_page_for_the_owner_only(personas: Any, client: Any) -> None:
    demo_seed(region=personas.region, clients=0, seed=1)
    hulpvrager = register_client(personas)
    complete_screening(hulpvrager, personas.sofie, obstacles=persona_codes(personas.region, "Mariam"))
    client.force_login(personas.sofie)
    html = client.get(f"/matching/hulpvrager/{hulpvrager.pk}/").content.decode()
    assert 'id="recommendations"' in html and 'id="package"' in html, html[html.find("<main") :][:1500]
    assert 'id="package-lines"' in html
    assert "min met het openbaar vervoer" in html or "aan huis (outreach)" in html
    for outsider in (personas.olaf, personas.nadia, personas.els):
        client.force_login(outsider)
        assert client.get(f"/matching/hulpvrager/{hulpvrager.pk}/").status_code == 404


def test_demo_offers_belong_to_partner_organisations(personas: Any) -> None:
    report = demo_seed(region=personas.region, clients=0, seed=1)
    assert report.offers >= 3 * 20
    assert Organisation.objects.filter(offers__isnull=False, kind="partner").exists()


def test_offer_profiles_follow_every_change(personas: Any) -> None:
    region = personas.region
    offer = _offer(personas.brug, region, "Eerst", "outreach", None, personas.els)
    assert [p.title for p in offer_profiles(region_id=region.pk)] == ["Eerst"]  # now cached
    from apps.offers.services import offer_update

    offer_update(offer=offer, actor=personas.els, title="Daarna", capacity=3)
    profiles = offer_profiles(region_id=region.pk)
    assert [(p.title, p.free_places) for p in profiles] == [("Daarna", 3)]


def test_the_offer_index_is_kept_until_an_offer_changes(personas: Any, django_assert_num_queries: Any) -> None:
    from apps.matching.selectors import offer_index
    from apps.offers.services import offer_update

    region = personas.region
    offer = _offer(personas.brug, region, "Eerst", "outreach", None, personas.els)
    first = offer_index(region_id=region.pk)
    with django_assert_num_queries(1):  # only the version of the offers
        assert offer_index(region_id=region.pk) is first
    offer_update(offer=offer, actor=personas.els, title="Daarna", capacity=3)
    again = offer_index(region_id=region.pk)
    assert again is not first and [o.title for o in again.offers] == ["Daarna"]
    unemployed = Obstacle.objects.get(region=region, code="unemployed")
    assert again.meeting({unemployed.pk}) == {offer.pk}


def test_the_recommendations_page_has_a_fixed_number_of_queries(
    personas: Any, client: Any, django_assert_num_queries: Any
) -> None:
    from apps.offers.tests.test_views_offers import make_offer
    from apps.pathways.services import pathway_start

    make_offer(personas, personas.brug, personas.els)
    hulpvrager = register_client(personas)
    complete_screening(hulpvrager, personas.sofie, obstacles=["limited-dutch"], on=dt.date(2026, 1, 5))
    pathway_start(client=hulpvrager, actor=personas.sofie, organisation=personas.lb)
    url = f"/matching/hulpvrager/{hulpvrager.pk}/"
    client.force_login(personas.sofie)
    client.get(url)  # the region's data and the offer index are kept in the process from the first page on
    # session, user with memberships, client, newest screening, its scores and obstacles (one query), the
    # organisations working with the client with its open pathway (one query), the offers' version, menu
    # counts, and the record of the read (the chain head, with the lock on PostgreSQL; the insert)
    with django_assert_num_queries(10):
        assert client.get(url).status_code == 200
    for month in range(2, 6):
        complete_screening(hulpvrager, personas.sofie, obstacles=["limited-dutch"], on=dt.date(2026, month, 5))
    with django_assert_num_queries(10):
        html = client.get(url).content.decode()
    assert "/doorverwijzingen/nieuw/" in html  # refer from the open pathway
