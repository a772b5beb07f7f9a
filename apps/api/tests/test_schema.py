"""The OpenAPI schema generates without a warning, and the docs are served without a CDN."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from django.contrib.staticfiles import finders
from django.core.management import call_command
from drf_spectacular.drainage import reset_generator_stats


def test_the_schema_validates_without_warnings(tmp_path: Path) -> None:
    reset_generator_stats()
    target = tmp_path / "schema.yaml"
    call_command("spectacular", validate=True, fail_on_warn=True, file=str(target))
    schema = yaml.safe_load(target.read_text(encoding="utf-8"))
    assert {
        "/api/v1/clients/",
        "/api/v1/clients/{id}/",
        "/api/v1/clients/{id}/screenings/",
        "/api/v1/clients/{id}/classification/",
        "/api/v1/clients/{id}/consents/",
        "/api/v1/clients/{id}/consents/{consent_pk}/withdraw/",
    } <= set(schema["paths"])
    client_write = schema["components"]["schemas"]["ClientWrite"]["properties"]
    assert client_write["national_number"]["writeOnly"] is True


def test_the_schema_endpoint(client: Any, personas: Any) -> None:
    assert client.get("/api/schema/").status_code == 403  # behind login
    client.force_login(personas.sofie)
    response = client.get("/api/schema/")
    assert response.status_code == 200
    assert b"/api/v1/clients/" in response.content


def test_the_docs_load_their_assets_from_this_site(client: Any, personas: Any) -> None:
    client.force_login(personas.sofie)
    for path in ("/api/docs/",):
        response = client.get(path)
        assert response.status_code == 200, path
        html = response.content.decode()
        sources = re.findall(r'(?:src|href)="([^"]+)"', html)
        assert sources, path
        for source in sources:
            assert source.startswith("/"), (path, source)
            assert "cdn" not in source and "//" not in source, (path, source)
            if source.startswith("/static/"):
                assert finders.find(source.removeprefix("/static/")), source
        # the start script is a separate file (Content-Security-Policy: no inline script)
        assert re.search(r"<script>", html) is None and "/api/docs/?script=" in sources
        script = client.get("/api/docs/?script=")
        assert script.status_code == 200 and "/api/schema/" in script.content.decode()


def test_the_schema_offers_json_bodies_and_documents_every_refusal_with_a_body(tmp_path: Path) -> None:
    """Found by schemathesis: a form-encoded body cannot say null, and a refusal documented without a body let the
    server answer anything. Every request body is JSON; every 4xx answer is a JSON object."""
    reset_generator_stats()
    target = tmp_path / "schema.yaml"
    call_command("spectacular", file=str(target))
    schema = yaml.safe_load(target.read_text(encoding="utf-8"))
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if "requestBody" in operation:
                assert set(operation["requestBody"]["content"]) == {"application/json"}, (method, path)
            for status, response in operation["responses"].items():
                if status.startswith("4"):
                    assert set(response["content"]) == {"application/json"}, (method, path, status)
    register = schema["paths"]["/api/v1/clients/"]["post"]["responses"]
    assert {"400", "404", "409", "429"} <= set(register)


def test_an_api_address_that_matches_no_route_answers_json(client: Any, personas: Any) -> None:
    """Found by schemathesis: ``/api/v1/esf/participations/null,null/`` answered the HTML 404 page."""
    client.force_login(personas.sofie)
    for path in ("/api/v1/esf/participations/null,null/", "/api/v1/clients/abc/", "/api/v1/nothing/"):
        response = client.get(path)
        assert response.status_code == 404 and response["Content-Type"] == "application/json", path
        assert response.json() == {"detail": "Niet gevonden."}
    page = client.get("/hulpvragers/abc/")  # a page address keeps the 404 page
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")


def test_a_new_participation_without_a_pathway_is_refused_by_field(personas: Any) -> None:
    """Found by schemathesis: an empty body answered a bare list of messages, not the errors by field."""
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(personas.sofie)
    response = api.post("/api/v1/esf/participations/", {}, format="json")
    assert response.status_code == 400 and list(response.json()) == ["pathway_id"]
