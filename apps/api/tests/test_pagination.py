"""Every API list is paged: never more than its page size (25, at most 100 on request), junk pages 404."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import yaml
from django.core.management import call_command
from drf_spectacular.drainage import reset_generator_stats

from apps.api.pagination import MAX_PAGE_SIZE, PAGE_SIZE
from apps.api.tests.conftest import register, screen


def test_no_api_list_answers_a_bare_array_in_the_schema(tmp_path: Path) -> None:
    reset_generator_stats()
    target = tmp_path / "schema.yaml"
    call_command("spectacular", file=str(target))
    schema = yaml.safe_load(target.read_text(encoding="utf-8"))
    lists = []
    # a report is one table of fixed size (the ESF+ indicators of Annex I), not a list that grows with the data
    fixed_size = {"/api/v1/esf/{code}/report/"}
    for path, operations in schema["paths"].items():
        if path in fixed_size:
            continue
        get = operations.get("get")
        if not get or "200" not in get["responses"]:
            continue
        body = get["responses"]["200"]["content"]["application/json"]["schema"]
        if "$ref" in body:
            body = schema["components"]["schemas"][body["$ref"].rsplit("/", 1)[1]]
        assert body.get("type") != "array", f"{path} answers an unpaged list"
        if "results" in body.get("properties", {}):
            lists.append(path)
    assert {"/api/v1/clients/", "/api/v1/clients/{id}/screenings/", "/api/v1/clients/{id}/consents/"} <= set(
        lists
    ) and "/api/v1/pathways/" in lists


def test_sofie_gets_her_30_clients_in_pages_of_25_and_never_more_than_100(personas: SimpleNamespace, api: Any) -> None:
    for i in range(30):
        born = dt.date(1980, 1, 1) + dt.timedelta(days=i)
        register(personas, first_name=f"Klant{i}", birth_date=born)
    http = api(personas.sofie)
    first = http.get("/api/v1/clients/").json()
    assert first["count"] == 30 and len(first["results"]) == PAGE_SIZE and first["next"]
    second = http.get(first["next"]).json()
    assert len(second["results"]) == 5 and second["next"] is None and second["count"] == 30
    back = http.get(second["previous"]).json()  # back to the first page (no cursor)
    assert [c["id"] for c in back["results"]] == [c["id"] for c in first["results"]] and back["previous"] is None
    assert len(http.get("/api/v1/clients/?page_size=10").json()["results"]) == 10
    assert len(http.get(f"/api/v1/clients/?page_size={MAX_PAGE_SIZE * 10}").json()["results"]) <= MAX_PAGE_SIZE
    assert len(http.get("/api/v1/clients/?page_size=nonsense").json()["results"]) == PAGE_SIZE
    for junk in ("0", "99", "abc", "-1", first["next"].rsplit("=", 1)[1][:-1]):
        assert http.get(f"/api/v1/clients/?cursor={junk}").status_code == 404


def test_a_deep_page_of_clients_costs_the_queries_of_the_second_and_skips_no_rows(
    personas: SimpleNamespace, api: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for i in range(12):
        register(personas, first_name=f"Klant{i}", last_name=f"Achternaam{i % 4}", birth_date=dt.date(1980, 1, 1 + i))
    http = api(personas.sofie)
    seen, url, costs = [], "/api/v1/clients/?page_size=3", []
    while url:
        with CaptureQueriesContext(connection) as queries:
            page = http.get(url).json()
        costs.append(len(queries))
        assert not any(" OFFSET " in q["sql"].upper() for q in queries.captured_queries)
        seen += [c["id"] for c in page["results"]]
        url = page["next"]
        assert "Achternaam" not in (url or "") and "Klant" not in (url or "")  # the cursor holds no name
    assert len(seen) == len(set(seen)) == 12 and len(costs) == 4
    assert costs[1] == costs[-1]  # the last page costs what the second does


def test_a_client_file_list_is_paged_too(personas: SimpleNamespace, api: Any) -> None:
    client = register(personas)
    for month in range(1, 4):
        screen(personas, client, dt.date(2025, month, 10))
    http = api(personas.sofie)
    page = http.get(f"/api/v1/clients/{client.pk}/screenings/?page_size=2").json()
    assert page["count"] == 3 and len(page["results"]) == 2 and page["next"]
    for path in ("screenings/", "consents/"):
        assert http.get(f"/api/v1/clients/{client.pk}/{path}?page=abc").status_code == 404
    pathways = http.get("/api/v1/pathways/?page_size=1").json()
    assert set(pathways) == {"next", "previous", "results"} and len(pathways["results"]) <= 1


def test_the_pathways_list_pages_by_keyset_over_the_pathways_she_may_open(personas: SimpleNamespace, api: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import register_client, start_pathway

    mine = [start_pathway(personas, register_client(personas, first_name=f"Klant{i}")) for i in range(5)]
    elsewhere = register_client(personas, organisation=personas.kompas, actor=personas.olaf, first_name="Vreemd")
    start_pathway(personas, elsewhere, actor=personas.karim, organisation=personas.kompas)
    http = api(personas.sofie)
    seen, url, costs = [], "/api/v1/pathways/?page_size=2", []
    while url:
        with CaptureQueriesContext(connection) as queries:
            page = http.get(url).json()
        costs.append(len(queries))
        assert not any(" OFFSET " in q["sql"].upper() for q in queries.captured_queries)
        seen += [p["id"] for p in page["results"]]
        url = page["next"]
    assert seen == sorted((p.pk for p in mine), reverse=True)  # newest first, only hers, each once
    assert costs[1] == costs[-1]
    back = http.get(http.get(http.get("/api/v1/pathways/?page_size=2").json()["next"]).json()["previous"]).json()
    assert [p["id"] for p in back["results"]] == seen[:2]
    assert http.get("/api/v1/pathways/?cursor=junk").status_code == 404
