"""The social map's offers written out in Python (apps/offers/templatetags/social_map.py) give the HTML the
template loop gave, in both languages, with hostile titles and names escaped."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.template import Context, Engine
from django.utils import translation

from apps.accounts.models import Organisation
from apps.offers.models import Offer
from apps.offers.templatetags.social_map import offer_items
from apps.regions.models import Municipality

# the template loop the tag replaced (offer_list.html before it), the reference
REFERENCE = (Path(__file__).parent / "offer_items_reference.html").read_text(encoding="utf-8")

NASTY = '<script>alert("x")</script> & =cmd|"/C calc"!A0'


def offers() -> list[Offer]:
    first = Offer(
        pk=7,
        title=NASTY,
        organisation=Organisation(name=NASTY),
        delivery_mode="at_address",
        location_municipality=Municipality(name="Oost<en>de"),
        capacity=12,
        occupancy=3,
    )
    first.intervention_labels = ["Oefenkansen Nederlands", NASTY]  # type: ignore[attr-defined]
    second = Offer(pk=12345, title="Fietsles", organisation=Organisation(name="De Brug"), delivery_mode="online")
    second.capacity, second.occupancy = 1000, 1000
    second.intervention_labels = []  # type: ignore[attr-defined]
    return [first, second]


def squeezed(html: str) -> str:
    return re.sub(r">\s+<", "><", html).strip()


@pytest.mark.parametrize("language", ["nl-be", "en"])
@pytest.mark.parametrize("shown", [offers, list])
def test_the_offers_are_the_html_the_template_loop_gave(language, shown):
    with translation.override(language):
        expected = Engine.get_default().from_string(REFERENCE).render(Context({"offers": shown()}))
        written = offer_items(shown())
    assert squeezed(written) == squeezed(expected)
    assert "<script>" not in written and "<en>" not in written
    if shown is offers:
        assert "&lt;script&gt;" in written and ("plaatsen vrij" in written) == (language == "nl-be")
    else:
        assert ("Geen aanbod" in written) == (language == "nl-be")
