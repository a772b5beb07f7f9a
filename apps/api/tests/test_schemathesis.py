"""Schemathesis against the OpenAPI schema (issue 14, item 8): for every operation a few generated requests,
as a counsellor and as a coordinator, with a fixed seed. No server error, every response as the schema says
(status, content type, body), and what the schema accepts the server accepts (``positive_data_acceptance``):
the schema refuses what the server refuses (an empty e-mail, empty names, a consent without categories)."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from typing import Any

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils.crypto import get_random_string
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, Phase, settings
from schemathesis.specs.openapi import checks

from apps.api.tests.conftest import national_number
from apps.core.models import SubmissionKey
from tests.factories import complete_screening, give_consent, register_client, start_pathway

CSRF = get_random_string(32)
# No server error; every status, content type and body as the schema documents it (400/403/404 with a JSON body on
# every operation, 409 for a possible duplicate, 429 for the duplicate-check limit); and what the schema accepts the
# server accepts, with references pointing at stored rows (``refer_to_the_world``).
CHECKS = [
    schemathesis.checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.positive_data_acceptance,
]


def api_schema() -> Any:
    """The schema drf-spectacular serves at /api/schema/, run against the WSGI application in this process."""
    raw = json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True)))
    loaded = schemathesis.openapi.from_dict(raw)
    loaded.app = get_wsgi_application()
    return loaded


# the schema endpoint itself is documentation, not part of the API's contract (an unknown ?format= is a 404 by
# DRF's content negotiation): every other operation is tested
schema = api_schema().exclude(path="/api/schema/")


# What exists in the test world, filled by the ``sessions`` fixture: the municipality codes of the region (with
# their deelgemeenten) and the ids of its active organisations.
WORLD: dict[str, Any] = {}


def refer_to_the_world(body: Any) -> Any:
    """References to stored rows point at rows that exist. The schema gives their shape (a municipality code is a
    slug, organisation ids are integers, at least one) and says they must name a municipality or organisation of
    the user's region; which ones exist is data, not schema, so a generated ``municipality``, ``deelgemeente`` or
    ``organisations`` is replaced by one of the test world (the generated value picks which). Values of the wrong
    type (negative cases) are left alone. (Done before the call, not in a ``map_body`` hook: the explicit example
    is drawn when the test is collected, before the database exists.)

    Likewise a ``birth_date`` lies in the window its description states ("not in the future and at most 120 years
    back"): the window moves with today, which a schema cannot state; the generated date picks a day between 18
    and 100 years back (so the test world's screening, consent and pathway of today come after it)."""
    if not isinstance(body, dict):
        return body
    born = body.get("birth_date")
    if isinstance(born, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", born):
        drawn = sum(int(part) for part in born.split("-"))  # the generated date picks the day, deterministically
        body["birth_date"] = (dt.date.today() - dt.timedelta(days=18 * 366 + drawn * 37 % (82 * 365))).isoformat()
    number = body.get("national_number")
    if isinstance(number, str) and number:
        # the shape is in the schema (11 digits); check digits, serial and birth date are not: a valid number
        born = body.get("birth_date")
        valid = isinstance(born, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", born)
        body["national_number"] = national_number(dt.date.fromisoformat(str(born))) if valid else ""
    municipality = body.get("municipality")
    if isinstance(municipality, str):
        codes = sorted(WORLD["municipalities"])
        body["municipality"] = municipality = codes[len(municipality) % len(codes)]
    if isinstance(body.get("deelgemeente"), str) and body["deelgemeente"]:
        sections = WORLD["municipalities"].get(municipality, []) if isinstance(municipality, str) else []
        body["deelgemeente"] = sections[len(body["deelgemeente"]) % len(sections)] if sections else ""
    organisations = body.get("organisations")
    if isinstance(organisations, list) and all(type(pk) is int for pk in organisations):
        ids = WORLD["organisations"]
        body["organisations"] = [ids[pk % len(ids)] for pk in organisations]
    return body


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Any:
    """Django's WSGI handler closes the database connection after each request (``close_old_connections``);
    the test's transaction lives on that connection, so the handler is unhooked as Django's test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def sessions(personas: Any) -> list[dict[str, str]]:
    """Sofie (counsellor) or Wouter (coordinator), logged in, with a client, a screening, a pathway and consents
    in the database so that small generated ids hit real objects."""
    mariam = register_client(personas)
    complete_screening(mariam, personas.sofie, obstacles=["debts"])
    give_consent(personas, mariam, to=personas.brug, categories=["identity", "life_domains"])
    start_pathway(personas, mariam)
    from django.test import Client as Browser

    from apps.accounts.models import Organisation
    from apps.regions.models import Deelgemeente

    sections: dict[str, list[str]] = {m.code: [] for m in personas.region.municipalities.all()}
    for municipality, code in Deelgemeente.objects.filter(municipality__region=personas.region).values_list(
        "municipality__code", "code"
    ):
        sections[municipality].append(code)
    WORLD["municipalities"] = {code: sorted(found) for code, found in sections.items()}
    WORLD["organisations"] = sorted(
        Organisation.objects.filter(region=personas.region, is_active=True).values_list("pk", flat=True)
    )

    cookies = []
    for user in (personas.sofie, personas.wouter):
        browser = Browser()
        browser.force_login(user)
        cookies.append({"sessionid": browser.cookies["sessionid"].value, "csrftoken": CSRF})
    return cookies


# three examples per operation in CI (bounded); SCHEMATHESIS_EXAMPLES=20 for a deeper run by hand
@schema.parametrize()
@settings(
    max_examples=int(os.environ.get("SCHEMATHESIS_EXAMPLES", "3")),
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_the_api_answers_every_operation_as_its_schema_says(case: Any, sessions: list[dict[str, str]]) -> None:
    case.body = refer_to_the_world(case.body)
    for cookies in sessions:  # the counsellor, then the coordinator
        # each request is judged on its own: the rate limits (the duplicate check) start afresh, and an
        # Idempotency-Key names one request (generated keys repeat across examples, which a client never does;
        # the 422 of a reused key is tested in test_idempotency.py)
        cache.clear()
        SubmissionKey.objects.all().delete()
        response = case.call(cookies=cookies, headers={"X-CSRFToken": CSRF})
        case.validate_response(response, checks=CHECKS)
