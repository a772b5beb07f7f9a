"""Issue 10 item 5: the offer edit form carries the version it showed (optimistic lock); the places taken are
not on the form. Els (De Brug) edits her offer; Olaf and a referral's accept change it meanwhile."""

from __future__ import annotations

from typing import Any

from django.test.client import Client as Browser

from apps.offers.models import Offer
from apps.offers.services import offer_occupancy_change, offer_update
from apps.offers.tests.test_views_offers import make_offer, post_data


def test_the_places_taken_are_not_on_the_offer_form(personas: Any, client: Browser) -> None:
    offer = make_offer(personas, personas.brug, personas.els)
    offer_occupancy_change(offer_id=offer.pk, delta=+1)
    client.force_login(personas.els)
    html = client.get(f"/aanbod/{offer.pk}/bewerken/").content.decode()
    assert 'name="occupancy"' not in html and 'name="version" value="1"' in html
    assert "Bezette plaatsen: 1 van 12." in html
    # a crafted post cannot set them either
    client.post(f"/aanbod/{offer.pk}/bewerken/", post_data(personas, title="Taalcafé", occupancy="0", version="1"))
    offer.refresh_from_db()
    assert offer.occupancy == 1


def test_a_stale_offer_form_is_refused_and_keeps_the_users_input(personas: Any, client: Browser) -> None:
    offer = make_offer(personas, personas.brug, personas.els)
    client.force_login(personas.els)
    # Els opened the form at version 1; meanwhile a colleague saved the offer
    offer_update(offer=Offer.objects.get(pk=offer.pk), actor=personas.els, expected_version=1, title="Taalcafé (zomer)")
    response = client.post(f"/aanbod/{offer.pk}/bewerken/", post_data(personas, title="Mijn titel", version="1"))
    html = response.content.decode()
    assert response.status_code == 200 and 'id="edit-conflict"' in html
    assert 'value="Mijn titel"' in html and 'name="version" value="2"' in html
    offer.refresh_from_db()
    assert offer.title == "Taalcafé (zomer)" and offer.version == 2
    # the second save, now at the current version, is deliberate and goes through
    response = client.post(f"/aanbod/{offer.pk}/bewerken/", post_data(personas, title="Mijn titel", version="2"))
    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.title == "Mijn titel" and offer.version == 3


def test_an_accept_while_the_form_is_open_does_not_make_it_stale_nor_is_overwritten(
    personas: Any, client: Browser
) -> None:
    offer = make_offer(personas, personas.brug, personas.els)
    client.force_login(personas.els)
    offer_occupancy_change(offer_id=offer.pk, delta=+1)  # what referral_accept does
    response = client.post(f"/aanbod/{offer.pk}/bewerken/", post_data(personas, title="Taalcafé+", version="1"))
    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.title == "Taalcafé+" and offer.occupancy == 1
