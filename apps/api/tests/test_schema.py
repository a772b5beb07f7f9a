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
