"""Helpers for the API tests: clients and screenings made through the real services."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from apps.assessment import services as screening_services
from apps.clients.services import client_register
from tests import factories

# Obstacles of the Oostende region file, with their life domain's data category.
OBSTACLES = {
    "mental-health-problems": "health",
    "debts": "finances",
    "unemployed": "work_education",
    "small-network": "life_domains",
}


def national_number(born: dt.date, serial: int = 123) -> str:
    """A valid Belgian national register number for someone born on ``born``."""
    base = f"{born:%y%m%d}{serial:03d}"
    number = int(("2" if born.year >= 2000 else "") + base)
    return f"{base}{97 - number % 97:02d}"


def register(personas: SimpleNamespace, **overrides: Any) -> Any:
    data: dict[str, Any] = {
        "first_name": "Amina",
        "last_name": "Peeters",
        "birth_date": dt.date(1990, 3, 15),
        "gender": "F",
        "municipality": personas.region.municipalities.get(code="oostende"),
        "dutch_level": "A2",
        "languages": ["ar", "nl"],
        "phone": "0470 12 34 56",
    }
    data.update(overrides)
    return client_register(
        organisation=personas.lb,
        actor=personas.sofie,
        national_number=national_number(data["birth_date"]),
        **data,
    )


def screen(personas: SimpleNamespace, client: Any, day: dt.date, level: int = 2) -> Any:
    """A completed screening: every life domain at ``level``, the OBSTACLES, ladder and ESF+ data."""
    actor = personas.sofie
    screening = screening_services.screening_start(
        client=client, actor=actor, organisation=personas.lb, screened_on=day
    )
    domains = personas.region.life_domains.all()
    screening_services.screening_save_domains(
        screening=screening, actor=actor, levels={d.pk: (level, f"note {d.code}") for d in domains}
    )
    obstacles = personas.region.obstacles.filter(code__in=OBSTACLES)
    screening_services.screening_save_obstacles(
        screening=screening, actor=actor, obstacle_ids=[o.pk for o in obstacles], other="sleeps badly"
    )
    screening_services.screening_save_ladder(screening=screening, actor=actor, current=2, attainable=4)
    screening_services.screening_save_entry_data(
        screening=screening, actor=actor, employment_status="unemployed", unemployed_months=14,
        in_education=False, isced_level=2, housing_situation="rented", foreign_background="yes",
    )  # fmt: skip
    return screening_services.screening_complete(screening=screening, actor=actor)


def give_consent(personas: SimpleNamespace, client: Any, categories: list[str], organisation: Any = None) -> Any:
    """The API tests' argument order for ``tests.factories.give_consent`` (given today)."""
    return factories.give_consent(
        personas, client, to=organisation, categories=categories, given_on=timezone.localdate()
    )


@pytest.fixture
def api() -> Any:
    """An API client that logs in with a real session (``api(user)``), or stays anonymous (``api(None)``)."""

    def make(user: Any) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_login(user)
        return client

    return make
