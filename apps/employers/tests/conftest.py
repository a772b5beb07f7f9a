from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest

from apps.employers.services import employer_register, opportunity_create, placement_propose
from apps.pathways.services import pathway_start
from conftest import complete_screening, register_client
from tests.factories import PATHWAY_START

VALID_KBO = "0202.239.951"


def make_employer(personas: Any, **data: Any) -> Any:
    region = personas.region
    defaults: dict[str, Any] = {
        "name": "Hotel Zeezicht",
        "enterprise_number": VALID_KBO,
        "sector": "I",
        "municipality": region.municipalities.get(code="oostende"),
        "size": "small",
        "holder": personas.brug,
    }
    defaults.update(data)
    return employer_register(actor=personas.els, region=region, **defaults)


def make_opportunity(personas: Any, employer: Any, **data: Any) -> Any:
    defaults: dict[str, Any] = {
        "title": "Werkervaring keukenhulp",
        "kind": "work_experience",
        "isco_code": "9412",
        "hours_per_week": 30,
        "shifts": ["day"],
        "municipality": personas.region.municipalities.get(code="oostende"),
        "dutch_level": "A1",
        "driving_licence": False,
        "supports": ["job_coach", "language"],
        "places": 2,
        "starts_on": dt.date(2026, 4, 1),
    }
    defaults.update(data)
    return opportunity_create(actor=personas.els, employer=employer, **defaults)


@pytest.fixture
def world(personas: Any) -> SimpleNamespace:
    """Sofie's client Mariam (rung 2, attainable 4, Dutch A0, an open pathway) and Hotel Zeezicht
    (held by Els of De Brug) with a work-experience place on rung 4 in Oostende."""
    client = register_client(personas)
    complete_screening(client, personas.sofie, obstacles=["limited-dutch", "unemployed"])
    pathway = pathway_start(client=client, actor=personas.sofie, organisation=personas.lb, started_on=PATHWAY_START)
    employer = make_employer(personas)
    opportunity = make_opportunity(personas, employer)
    return SimpleNamespace(client=client, pathway=pathway, employer=employer, opportunity=opportunity)


def propose(personas: Any, world: Any) -> tuple[Any, str]:
    return placement_propose(
        actor=personas.sofie,
        organisation=personas.lb,
        opportunity=world.opportunity,
        client=world.client,
        motivation="Gemotiveerd, werkte vroeger in een keuken.",
    )
