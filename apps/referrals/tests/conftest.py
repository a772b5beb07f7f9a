"""Fixtures for referrals: Sofie (Lokaal bestuur Oostende) refers Mariam's pathway to an offer of De Brug vzw (Els)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest

from apps.consent.services import consent_record
from apps.offers.models import Offer
from apps.offers.tests.test_views_offers import make_offer
from apps.pathways.models import Pathway
from apps.pathways.services import pathway_start
from conftest import register_client


def consent_for(personas: Any, client: Any, organisation: Any, purposes: list[str] | None = None) -> Any:
    return consent_record(
        client=client,
        organisations=[organisation],
        categories=["identity"],
        purposes=purposes or ["referral"],
        method="written",
        given_on=dt.date(2026, 2, 1),
        actor=personas.sofie,
        actor_organisation=personas.lb,
    )


def open_pathway(personas: Any, *, consent: bool = True, **client_data: Any) -> Pathway:
    client = register_client(personas, **client_data)
    if consent:
        consent_for(personas, client, personas.brug)
    return pathway_start(client=client, actor=personas.sofie, organisation=personas.lb)


@pytest.fixture
def setup(personas: Any) -> SimpleNamespace:
    offer: Offer = make_offer(personas, personas.brug, personas.els)
    pathway = open_pathway(personas)
    return SimpleNamespace(p=personas, offer=offer, pathway=pathway, client=pathway.client)
