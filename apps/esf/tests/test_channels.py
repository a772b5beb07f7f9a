"""Entry through the pages, a file import and the API give the same report (the worked example each time)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from openpyxl import Workbook

from apps.esf.imports import ImportRejected, parse_upload, participations_import
from apps.esf.indicators import Filters, compute
from apps.esf.models import Participation
from apps.esf.tests.test_indicators import WORKED_EXAMPLE_TOTALS
from apps.pathways.services import pathway_start
from conftest import register_client

LEFT, RECORDED, FOLLOWED = "2025-06-30", "2025-07-10", "2025-12-30"
PEOPLE: list[dict[str, Any]] = [
    {"born": dt.date(2001, 5, 10), "g": "M", "entry": {"gender": "man", "labour_status": "unemployed",
     "unemployed_months": 17, "isced_level": 2, "nationality": "SY", "housing": "housed",
     "foreign_background": "yes", "foreign_background_source": "self_declared"},
     "leaving": {"qualification": True}, "follow_up": {"employed": True}},
    {"born": dt.date(1967, 1, 20), "g": "F", "entry": {"gender": "woman", "labour_status": "inactive",
     "isced_level": 1, "nationality": "BE", "housing": "housed", "disability": "yes",
     "disability_source": "self_declared"},
     "leaving": {"job_searching": True}, "follow_up": {"employed": False}},
    {"born": dt.date(1994, 8, 2), "g": "X", "entry": {"gender": "non_binary", "labour_status": "employed",
     "isced_level": 3, "nationality": "BE", "housing": "roofless"},
     "leaving": {}, "follow_up": {"employed": True, "better_situation": True}},
    {"born": dt.date(2007, 11, 15), "g": "M", "entry": {"gender": "man", "labour_status": "inactive",
     "isced_level": 2, "nationality": "BE", "housing": "housed"},
     "leaving": {"in_education": True}, "follow_up": None},
    {"born": dt.date(1980, 2, 11), "g": "M", "muni": "ichtegem", "entry": {"gender": "man",
     "labour_status": "unemployed", "unemployed_months": 8, "isced_level": 6, "nationality": "PL",
     "housing": "housed", "foreign_background": "yes", "foreign_background_source": "self_declared"},
     "leaving": {"employed": True}, "follow_up": {"employed": True}},
]  # fmt: skip
RESULT_FIELDS = ("job_searching", "in_education", "qualification", "employed")


def pathways(personas: Any) -> list[Any]:
    out = []
    for i, person in enumerate(PEOPLE):
        client = register_client(
            personas, first_name=f"W{i}", last_name="Voorbeeld", birth_date=person["born"], gender=person["g"],
            municipality=personas.region.municipalities.get(code=person.get("muni", "oostende")),
        )  # fmt: skip
        out.append(
            pathway_start(client=client, actor=personas.sofie, organisation=personas.lb, started_on=dt.date(2025, 3, 1))
        )
    return out


def totals(personas: Any) -> dict[str, int]:
    return compute(
        region_id=personas.region.pk, start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31), filters=Filters()
    ).totals()


def by_pages(client: Any, personas: Any) -> None:
    client.force_login(personas.sofie)
    for pathway, person in zip(pathways(personas), PEOPLE, strict=True):
        data = {"entry_date": "2025-03-01", **{k: str(v) for k, v in person["entry"].items()}}
        assert client.post(f"/esf/traject/{pathway.pk}/", data).status_code == 302
        p = Participation.objects.get(pathway=pathway)
        leaving = {"step": "leaving", "leaving-leaving_date": LEFT, "leaving-recorded_on": RECORDED,
                   "leaving-in_sample": "on"}  # fmt: skip
        leaving.update({f"leaving-{k}": "on" for k, v in person["leaving"].items() if v})
        assert client.post(f"/esf/deelname/{p.pk}/", leaving).status_code == 302
        if person["follow_up"] is not None:
            follow = {"step": "follow_up", "follow_up-followed_up_on": FOLLOWED}
            follow.update({f"follow_up-{k}": "on" for k, v in person["follow_up"].items() if v})
            assert client.post(f"/esf/deelname/{p.pk}/", follow).status_code == 302


def file_rows(personas: Any) -> list[list[Any]]:
    header = ["pathway", "entry_date", "gender", "labour_status", "unemployed_months", "isced_level", "nationality",
              "housing", "disability", "disability_source", "foreign_background", "foreign_background_source",
              "leaving_date", "results_recorded_on", "job_searching", "in_education", "qualification",
              "employed_on_leaving", "followed_up_on", "employed_after", "better_situation_after"]  # fmt: skip
    rows: list[list[Any]] = [header]
    for pathway, person in zip(pathways(personas), PEOPLE, strict=True):
        e, lv, f = person["entry"], person["leaving"], person["follow_up"]
        rows.append(
            [pathway.pk, "01/03/2025"] + [e.get(k, "") for k in header[2:12]] + [LEFT, RECORDED]
            + ["ja" if lv.get(k) else "nee" for k in RESULT_FIELDS]
            + ([FOLLOWED, int(f.get("employed", False)), int(f.get("better_situation", False))] if f else ["", "", ""])
        )  # fmt: skip
    return rows


def by_csv(client: Any, personas: Any) -> None:
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerows(file_rows(personas))
    client.force_login(personas.sofie)
    upload = io.BytesIO(out.getvalue().encode())
    upload.name = "deelnemers.csv"
    response = client.post("/esf/oostende/import/", {"file": upload})
    assert response.status_code == 302, response.content.decode()[-2000:]


def by_xlsx(client: Any, personas: Any) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for row in file_rows(personas):
        ws.append(row)
    data = io.BytesIO()
    wb.save(data)
    participations_import(actor=personas.sofie, rows=parse_upload("deelnemers.xlsx", data.getvalue()))


def by_api(client: Any, personas: Any) -> None:
    client.force_login(personas.sofie)
    for pathway, person in zip(pathways(personas), PEOPLE, strict=True):
        r = client.post(
            "/api/v1/esf/participations/",
            {"pathway_id": pathway.pk, "entry_date": "2025-03-01", **person["entry"]},
            content_type="application/json",
        )
        assert r.status_code == 201, r.json()
        pk = r.json()["id"]
        leaving = {"leaving_date": LEFT, "recorded_on": RECORDED, **dict.fromkeys(RESULT_FIELDS, False)}
        leaving.update(person["leaving"])
        assert client.post(f"/api/v1/esf/participations/{pk}/leaving/", leaving, "application/json").status_code == 200
        if person["follow_up"] is not None:
            follow = {"followed_up_on": FOLLOWED, "employed": False, "better_situation": False, **person["follow_up"]}
            r = client.post(f"/api/v1/esf/participations/{pk}/follow-up/", follow, "application/json")
            assert r.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("channel", [by_pages, by_csv, by_xlsx, by_api], ids=["pages", "csv", "xlsx", "api"])
def test_every_channel_gives_the_worked_example_report(client: Any, personas: Any, channel: Any) -> None:
    channel(client, personas)
    assert totals(personas) == WORKED_EXAMPLE_TOTALS


@pytest.mark.django_db
def test_an_import_with_errors_saves_nothing_and_names_row_and_column(personas: Any) -> None:
    rows = file_rows(personas)
    rows[2][3] = "werkloos"  # labour_status of the second participant
    rows[4][0] = 999999  # an unknown pathway
    rows[5][1] = "31/02/2025"
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    with pytest.raises(ImportRejected) as caught:
        participations_import(actor=personas.sofie, rows=parse_upload("x.csv", out.getvalue().encode()))
    where = {(e.row, e.column) for e in caught.value.row_errors}
    assert where == {(3, "labour_status"), (5, "pathway"), (6, "entry_date")}
    assert Participation.objects.count() == 0


@pytest.mark.django_db
def test_olaf_cannot_import_or_use_the_api_for_lb_pathways(client: Any, personas: Any) -> None:
    rows = file_rows(personas)
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    with pytest.raises(ImportRejected):
        participations_import(actor=personas.olaf, rows=parse_upload("x.csv", out.getvalue().encode()))
    client.force_login(personas.olaf)
    r = client.post(
        "/api/v1/esf/participations/", {"pathway_id": rows[1][0], "entry_date": "2025-03-01"}, "application/json"
    )
    assert r.status_code == 404


@pytest.mark.django_db
def test_the_api_report_is_suppressed_for_sofie_and_exact_for_wouter(client: Any, personas: Any) -> None:
    by_api(client, personas)
    q = "?start=2025-01-01&end=2025-12-31"
    rows = {r["code"]: r for r in client.get("/api/v1/esf/oostende/report/" + q).json()}
    assert rows["EECO01"]["total"] == "5" and rows["EECO02"]["total"] == "<5"
    client.force_login(personas.wouter)
    rows = {r["code"]: r for r in client.get("/api/v1/esf/oostende/report/" + q).json()}
    assert rows["EECO02"]["total"] == "2"
    assert client.get("/api/v1/esf/oostende/report/?start=junk").status_code == 400


@pytest.mark.django_db
def test_the_esf_api_is_in_the_openapi_schema(client: Any, personas: Any) -> None:
    client.force_login(personas.wouter)
    schema = client.get("/api/schema/").content.decode()
    assert "/api/v1/esf/participations/" in schema and "/api/v1/esf/{code}/report/" in schema


def test_a_list_posted_instead_of_a_participation_is_a_400_not_a_server_error(personas: Any) -> None:
    """Found by schemathesis: ``[null, null]`` as the body of a new participation gave a 500."""
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(personas.sofie)
    response = api.post("/api/v1/esf/participations/", [None, None], format="json")
    assert response.status_code == 400 and "pathway_id" in response.json()
