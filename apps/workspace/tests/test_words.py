"""Words people understand (issue 11 item 8): a pathway is named by its client, never "Traject #N"."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client as Browser

from apps.offers.tests.test_views_offers import make_offer
from apps.referrals.services import referral_send
from apps.referrals.tests.conftest import open_pathway


def test_the_pathway_page_and_the_referral_name_the_pathway_by_its_client(personas: Any, client: Browser) -> None:
    pathway = open_pathway(personas)
    referral = referral_send(pathway=pathway, offer=make_offer(personas, personas.brug, personas.els),
                             actor=personas.sofie, note="")  # fmt: skip
    client.force_login(personas.sofie)
    page = client.get(f"/trajecten/{pathway.pk}/").content.decode()
    title = re.search(r"<title>(.*?)</title>", page, re.S)
    assert title is not None and f"Traject van {pathway.client.first_name}" in title.group(1)
    detail = client.get(f"/doorverwijzingen/{referral.pk}/").content.decode()
    assert f">Traject van {pathway.client.first_name}" in detail
    for html in (page, detail):
        assert not re.search(r"Traject #\d", html)
