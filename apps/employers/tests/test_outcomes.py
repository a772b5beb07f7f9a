"""Issue 16: "A placement that starts paid work feeds the pathway's outcome and the ESF+ results on leaving and
six months after", and the matching reasons for travel and Dutch level."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.employers.matching import opportunities_for
from apps.employers.selectors import candidate_profile, opportunity_profiles
from apps.employers.services import link_open, placement_answer, placement_plan_intake, placement_start
from apps.employers.tests.conftest import make_opportunity
from apps.esf.services import participation_enter
from apps.matching.selectors import travel_model
from apps.pathways.models import Closure

pytestmark = pytest.mark.django_db


def _checked(html: str, name: str) -> bool:
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', html)
    assert tag is not None, name
    return "checked" in tag.group(0)


def _value(html: str, name: str) -> str:
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', html)
    assert tag is not None, name
    found = re.search(r'value="([^"]*)"', tag.group(0))
    return found.group(1) if found else ""


def test_mariams_article_60_job_feeds_the_closure_and_the_esf_results_on_leaving_and_six_months_after(
    client: Any, personas: Any, world: Any
) -> None:
    participation = participation_enter(actor=personas.sofie, pathway=world.pathway, entry_date=dt.date(2026, 3, 1))
    art60 = make_opportunity(personas, world.employer, title="Art. 60 keuken", kind="article_60")
    from apps.employers.services import placement_propose

    placement, token = placement_propose(
        actor=personas.sofie, organisation=personas.lb, opportunity=art60, client=world.client
    )
    placement_answer(link=link_open(token=token), interested=True)
    placement.refresh_from_db()
    placement_plan_intake(
        actor=personas.sofie, placement=placement, intake_on=dt.date(2026, 4, 1), start_on=dt.date(2026, 4, 6)
    )
    placement_start(actor=personas.sofie, placement=placement, start_on=dt.date(2026, 4, 6))
    client.force_login(personas.sofie)
    esf_url = reverse("esf:record", kwargs={"pk": participation.pk})
    # before the closure nothing is proposed as "employed on leaving"
    assert not _checked(client.get(esf_url).content.decode(), "leaving-employed")
    # the placement closes the pathway with "employed"
    close = client.post(reverse("employers:close_pathway", kwargs={"pk": placement.pk}))
    assert close.status_code == 302  # to the pathway's closing page, prefilled from the placement
    data = {"closed_on": "2026-04-10", "outcome": "art60", "results_now": "yes", "employed": "on"}
    assert client.post(close["Location"], data).status_code == 302
    # the ESF+ record proposes the closure's date and "employed" upon leaving
    html = client.get(esf_url).content.decode()
    assert _checked(html, "leaving-employed") and _value(html, "leaving-leaving_date") == "2026-04-10"
    # closing recorded the results on leaving (apps/esf/services_closing.py): on the day it was done
    assert _value(html, "leaving-recorded_on") == timezone.localdate().isoformat()
    # the worker confirms the proposed results upon leaving
    leaving = {"step": "leaving", "leaving-leaving_date": "2026-04-10", "leaving-recorded_on": "2026-04-10",
               "leaving-employed": "on", "leaving-in_sample": "on"}  # fmt: skip
    assert client.post(esf_url, leaving).status_code == 302
    assert not _checked(client.get(esf_url).content.decode(), "follow_up-employed")
    # six months later the placement still runs: the follow-up page proposes "employed"
    follow = reverse("employers:follow_up", kwargs={"pk": placement.pk})
    assert _checked(client.get(follow).content.decode(), "employed")
    assert client.post(follow, {"followed_up_on": "2026-10-12", "employed": "on"}).status_code == 302
    assert Closure.objects.get(pathway=world.pathway).employed_after_6_months is True
    # and the ESF+ record proposes it as the result six months after leaving
    html = client.get(esf_url).content.decode()
    assert _checked(html, "follow_up-employed") and _value(html, "follow_up-followed_up_on") == "2026-10-12"
    # recorded once: the follow-up page is gone
    assert client.get(follow).status_code == 404


def test_a_placement_that_ended_before_six_months_proposes_not_employed(client: Any, personas: Any, world: Any) -> None:
    from apps.employers.services import placement_end, placement_propose

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
    client.force_login(personas.sofie)
    close = client.post(reverse("employers:close_pathway", kwargs={"pk": placement.pk}))
    data = {"closed_on": "2026-04-10", "outcome": "art60", "results_now": "yes", "employed": "on"}
    assert client.post(close["Location"], data).status_code == 302
    placement.refresh_from_db()
    placement_end(actor=personas.sofie, placement=placement, end_on=dt.date(2026, 6, 1), outcome="ended_by_client")
    html = client.get(reverse("employers:follow_up", kwargs={"pk": placement.pk})).content.decode()
    assert not _checked(html, "employed")


def test_the_travel_reason_gives_the_minutes_of_the_travel_model_and_the_wished_maximum(
    personas: Any, world: Any
) -> None:
    far = make_opportunity(
        personas, world.employer, title="Bredene", municipality=personas.region.municipalities.get(code="bredene")
    )
    travel = travel_model(region_id=personas.region.pk)
    profile = candidate_profile(client=world.client)
    assert profile is not None
    far_profile = opportunity_profiles(region_id=personas.region.pk, pk=far.pk)[0]
    minutes = round(
        travel.minutes(profile.place, far_profile.municipality, far_profile.latitude, far_profile.longitude)
    )
    match = next(
        m
        for m in opportunities_for(profile, opportunity_profiles(region_id=personas.region.pk), travel)
        if m.opportunity.id == far.pk
    )
    assert f"Ongeveer {minutes} minuten met het openbaar vervoer (hoogstens 60 gewenst)." in match.reasons


def test_the_dutch_reason_says_enough_when_the_level_is_met_and_language_support_when_one_below(
    personas: Any, world: Any
) -> None:
    make_opportunity(personas, world.employer, title="Afwas", dutch_level="A0", supports=[])
    travel = travel_model(region_id=personas.region.pk)
    profile = candidate_profile(client=world.client)
    assert profile is not None
    reasons = {
        m.opportunity.title: m.reasons
        for m in opportunities_for(profile, opportunity_profiles(region_id=personas.region.pk), travel)
    }
    enough = "Nederlands: het niveau van de hulpvrager volstaat voor deze job."
    assert enough in reasons["Afwas"]
    below = [r for r in reasons["Werkervaring keukenhulp"] if r.startswith("Nederlands")]
    assert len(below) == 1 and enough not in below and "taalondersteuning" in below[0]
