"""Test data built through the real services, so every test exercises the same rules as the app.

One place for the builders tests used to copy: a client, a consent, a completed screening, a pathway.
Each takes the ``personas`` namespace of the root conftest (Sofie of Lokaal bestuur Oostende acts unless
told otherwise) and returns the saved object. Nothing here writes to the database behind a service.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterable
from typing import Any

import pytest
from django.db import connection

# Threads racing on one row: on PostgreSQL the loser waits for the row lock and then meets the version check. The
# in-memory SQLite test database (shared cache) answers a second writer with "table is locked" at once, so
# sometimes both lose; a file database in production serialises writers (BEGIN IMMEDIATE with a timeout).
RACES_NEED_POSTGRESQL = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="threads racing on one row need PostgreSQL's row locks"
)


def race(**jobs: Callable[[], Any]) -> dict[str, str]:
    """Runs the jobs in threads released together by a barrier, each on its own database connection (closed
    afterwards): the tests of writers at the same moment (``RACES_NEED_POSTGRESQL``).

    Returns per job name "ok", or the class name of the exception the job raised ("EditConflict",
    "ValidationError", ...); a job that must report more (a status code) appends it to a list of its own.
    """
    barrier = threading.Barrier(len(jobs))
    results: dict[str, str] = {}

    def run(name: str, job: Callable[[], Any]) -> None:
        from django.db import connection as thread_connection

        try:
            barrier.wait(timeout=10)
            job()
            results[name] = "ok"
        except Exception as exc:  # noqa: BLE001 - the outcome the test asserts on
            results[name] = exc.__class__.__name__
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=run, args=item) for item in jobs.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


CONSENT_DATE = dt.date(2026, 2, 1)
# Pathways start before the dated events tests record on them (contacts, closures): apps/core/chronology.py
PATHWAY_START = dt.date(2026, 1, 15)


def register_client(personas: Any, *, organisation: Any = None, actor: Any = None, **data: Any) -> Any:
    """Register a client through ``client_register`` (Mariam-like defaults, overridable per field)."""
    from apps.clients.services import client_register

    region = personas.region
    defaults: dict[str, Any] = {
        "first_name": "Mariam",
        "last_name": "Tesfaye",
        "birth_date": dt.date(1998, 5, 4),
        "gender": "F",
        "municipality": region.municipalities.get(code="oostende"),
        "languages": ["ti"],
        "dutch_level": "A0",
        "interpreter_needed": True,
    }
    defaults.update(data)
    return client_register(organisation=organisation or personas.lb, actor=actor or personas.sofie, **defaults)


def give_consent(
    personas: Any,
    client: Any,
    *,
    to: Any = None,
    categories: Iterable[str] = ("identity",),
    purposes: Iterable[str] = ("guidance",),
    given_on: dt.date = CONSENT_DATE,
    **extra: Any,
) -> Any:
    """A written consent recorded by Sofie (Lokaal bestuur) through ``consent_record``.

    ``to``: the receiving organisation (default De Brug, Els's organisation); ``extra``: further arguments of
    ``consent_record`` (``valid_until``, ``decision``, ``signed_form``).
    """
    from apps.consent.services import consent_record

    return consent_record(
        client=client,
        organisations=[to or personas.brug],
        categories=list(categories),
        purposes=list(purposes),
        method="written",
        given_on=given_on,
        actor=personas.sofie,
        actor_organisation=personas.lb,
        **extra,
    )


def complete_screening(
    client: Any, actor: Any, *, obstacles: list[str], level: int = 3, on: Any = None, **entry: Any
) -> Any:
    """A completed screening through the real services: every life domain at ``level``."""
    from apps.assessment.services import (
        screening_complete,
        screening_save_domains,
        screening_save_entry_data,
        screening_save_ladder,
        screening_save_obstacles,
        screening_start,
    )
    from apps.regions.models import LifeDomain, Obstacle

    region_id = client.organisation.region_id
    screening = screening_start(
        client=client, actor=actor, organisation=client.organisation, screened_on=on or dt.date(2026, 3, 1)
    )
    domains = LifeDomain.objects.filter(region_id=region_id)
    screening_save_domains(screening=screening, actor=actor, levels={d.pk: (level, "") for d in domains})
    ids = list(Obstacle.objects.filter(region_id=region_id, code__in=obstacles).values_list("pk", flat=True))
    assert len(ids) == len(set(obstacles)), obstacles
    screening_save_obstacles(screening=screening, actor=actor, obstacle_ids=ids)
    screening_save_ladder(screening=screening, actor=actor, current=2, attainable=4)
    entry_data: dict[str, Any] = {"employment_status": "unemployed", "unemployed_months": 14} | entry
    screening_save_entry_data(screening=screening, actor=actor, **entry_data)
    return screening_complete(screening=screening, actor=actor)


def start_pathway(
    personas: Any,
    client: Any = None,
    *,
    organisation: Any = None,
    actor: Any = None,
    obstacles: list[str] | None = None,
    started_on: dt.date = PATHWAY_START,
) -> Any:
    """A pathway started by Sofie through ``pathway_start`` on ``started_on``; registers a client (and screens
    them when ``obstacles`` is given) when none is passed."""
    from apps.pathways.services import pathway_start

    organisation = organisation or personas.lb
    actor = actor or personas.sofie
    if client is None:
        client = register_client(personas, organisation=organisation, actor=actor)
    if obstacles is not None:
        complete_screening(client, actor, obstacles=obstacles)
    return pathway_start(client=client, actor=actor, organisation=organisation, started_on=started_on)


def open_pathway_of(client: Any) -> Any:
    """The client's one pathway that is not closed (raises when there is none or more than one)."""
    from apps.pathways.models import Pathway

    return Pathway.objects.exclude(status="closed").get(client=client)
