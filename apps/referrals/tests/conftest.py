"""Fixtures for referrals: Sofie (Lokaal bestuur Oostende) refers Mariam's pathway to an offer of De Brug vzw (Els)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from apps.offers.models import Offer
from apps.offers.tests.test_views_offers import make_offer
from apps.pathways.models import Pathway
from apps.pathways.services import pathway_start
from tests.factories import PATHWAY_START, give_consent, register_client


def open_pathway(personas: Any, *, consent: bool = True, **client_data: Any) -> Pathway:
    client = register_client(personas, **client_data)
    if consent:
        give_consent(personas, client, purposes=["referral"])
    return pathway_start(client=client, actor=personas.sofie, organisation=personas.lb, started_on=PATHWAY_START)


@pytest.fixture
def setup(personas: Any) -> SimpleNamespace:
    offer: Offer = make_offer(personas, personas.brug, personas.els)
    pathway = open_pathway(personas)
    return SimpleNamespace(p=personas, offer=offer, pathway=pathway, client=pathway.client)
