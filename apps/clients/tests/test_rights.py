"""The client's right to know (GDPR art. 15-16): who looked at the file, a copy of everything, and requests to
correct data. Mariam's counsellor Sofie shows or hands these over; nobody else reaches them."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext

from apps.audit.models import AuditEntry
from apps.audit.services import audit_log_refs, audit_verify
from apps.clients.models import RectificationRequest
from apps.clients.services_rights import rectification_decide, rectification_record
from apps.pathways.services import contact_log_add
from apps.workspace.selectors_rights import access_entries
from tests.factories import give_consent, register_client, start_pathway


def test_sofie_sees_who_looked_at_mariams_file_in_plain_dutch(personas: Any, client: HttpClient) -> None:
    mariam = register_client(personas)
    give_consent(personas, mariam)
    els = HttpClient()
    els.force_login(personas.els)
    assert els.get(f"/hulpvragers/{mariam.pk}/").status_code == 200
    client.force_login(personas.sofie)
    client.get("/hulpvragers/")  # the list shows her name

    page = client.get(f"/hulpvragers/{mariam.pk}/inzage/").content.decode()
    assert "Wie keek naar het dossier van Mariam" in page
    row = page[page.index("<td>Els") - 200 : page.index("<td>Els") + 300]
    assert "De Brug vzw" in row and "Begeleiding in het traject" in row and "opende uw dossier" in row
    assert "zag uw naam in een lijst" in page
    assert "clients.client.viewed" not in page  # no codes


def test_only_the_registering_organisation_opens_the_access_log(personas: Any, client: HttpClient) -> None:
    mariam = register_client(personas)
    give_consent(personas, mariam)
    for outsider in (personas.els, personas.yonas, personas.glenn, personas.nadia, personas.olaf):
        client.force_login(outsider)
        assert client.get(f"/hulpvragers/{mariam.pk}/inzage/").status_code == 404, outsider.username
        assert client.post(f"/hulpvragers/{mariam.pk}/inzage/kopie/").status_code == 404, outsider.username


def test_a_list_counts_only_when_it_showed_exactly_this_client(personas: Any) -> None:
    mariam = register_client(personas)
    pk = mariam.pk
    lists = {
        "alone": [pk],
        "among others": [3, pk, 10**6],
        "first": [pk, 10**6],
        "a longer number": [int(f"{pk}1"), int(f"1{pk}")],
        "only as an organisation": [],
    }
    refs = [
        ("", "", {"page": "clients:list", "organisations": [pk], "purpose": "guidance", "clients": ids})
        for ids in lists.values()
    ]
    audit_log_refs(actor=personas.sofie, action="clients.list.viewed", refs=refs)
    found = sorted(e.changes["clients"] for e in access_entries(pk))
    assert found == sorted([[pk], [3, pk, 10**6], [pk, 10**6]])


def test_a_page_of_the_access_log_costs_the_same_queries_however_long_the_log(
    personas: Any, client: HttpClient
) -> None:
    mariam = register_client(personas)
    client.force_login(personas.sofie)

    def looks(n: int) -> None:
        refs = [
            (
                "clients.client",
                str(mariam.pk),
                {"page": "clients:detail", "organisations": [personas.lb.pk], "purpose": "guidance"},
            )
        ] * n
        audit_log_refs(actor=personas.sofie, action="clients.client.viewed", refs=refs)

    looks(5)
    with CaptureQueriesContext(connection) as few:
        assert client.get(f"/hulpvragers/{mariam.pk}/inzage/").status_code == 200
    looks(80)
    cursor = client.get(f"/hulpvragers/{mariam.pk}/inzage/").context["page"].next_cursor
    with CaptureQueriesContext(connection) as many:
        response = client.get(f"/hulpvragers/{mariam.pk}/inzage/?cursor={cursor}")  # keyset: no OFFSET, no count
    assert response.status_code == 200 and response.content.decode().count("<tr><td>") == 25
    assert len(few) == len(many)
    assert not any(" OFFSET " in q["sql"].upper() for q in many.captured_queries)
    assert client.get(f"/hulpvragers/{mariam.pk}/inzage/?cursor=2").status_code == 404


def test_sofie_downloads_a_copy_of_mariams_whole_file_and_the_download_is_logged(
    personas: Any, client: HttpClient
) -> None:
    mariam = register_client(personas, phone='=HYPERLINK("x")', email="mariam@example.org")
    pathway = start_pathway(personas, mariam)
    contact_log_add(
        pathway=pathway, actor=personas.sofie, organisation=personas.lb, happened_on=dt.date(2026, 3, 2),
        place="phone", summary="<script>alert(1)</script> Gesprek over werk", present="", next_step="",
    )  # fmt: skip
    give_consent(personas, mariam)
    client.force_login(personas.sofie)
    assert client.get(f"/hulpvragers/{mariam.pk}/inzage/kopie/").status_code == 405
    response = client.post(f"/hulpvragers/{mariam.pk}/inzage/kopie/")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith(f'attachment; filename="dossier-{mariam.pk}-')
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = set(archive.namelist())
    expected = {"LEESMIJ.txt", "overzicht.html", "gegevens.csv", "screenings.csv", "plan.csv", "contacten.csv",
                "doorverwijzingen.csv", "toestemmingen.csv", "esf.csv", "inzage.csv", "rechtzettingen.csv"}  # fmt: skip
    assert expected <= names
    readme = archive.read("LEESMIJ.txt").decode()
    assert "Uw dossier" in readme and "inzage.csv" in readme and "wie naar uw dossier keek" in readme
    html = archive.read("overzicht.html").decode()
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; Gesprek over werk" in html
    identity = list(csv.reader(io.StringIO(archive.read("gegevens.csv").decode("utf-8-sig")), delimiter=";"))
    assert ["Telefoon", '\'=HYPERLINK("x")'] in identity and ["Voornaam", "Mariam"] in identity
    consents = archive.read("toestemmingen.csv").decode("utf-8-sig")
    assert "De Brug vzw" in consents and "geldig" in consents

    entry = AuditEntry.objects.get(action="clients.subject_access.exported", object_id=str(mariam.pk))
    assert entry.actor == personas.sofie and "Mariam" not in str(entry.changes)
    log = client.get(f"/hulpvragers/{mariam.pk}/inzage/").content.decode()
    assert "maakte een kopie van het dossier voor u" in log
    assert audit_verify() == []


def test_a_request_to_correct_data_is_recorded_and_decided_once(personas: Any) -> None:
    mariam = register_client(personas)
    request = rectification_record(
        client=mariam,
        actor=personas.sofie,
        what="Mijn geboortedatum is 4 juni, niet 4 mei.",
        asked_on=dt.date(2026, 3, 1),
    )
    with pytest.raises(ValidationError) as error:
        rectification_decide(request=request, actor=personas.sofie, status="refused", note="")
    assert "decision_note" in error.value.message_dict
    decided = rectification_decide(
        request=request, actor=personas.sofie, status="corrected", note="Geboortedatum aangepast."
    )
    assert decided.status == "corrected" and decided.decided_on is not None
    with pytest.raises(ValidationError):
        rectification_decide(request=decided, actor=personas.sofie, status="refused", note="toch niet")
    actions = list(
        AuditEntry.objects.filter(object_type="clients.rectificationrequest").values_list("action", flat=True)
    )
    assert sorted(actions) == ["clients.rectification.decided", "clients.rectification.requested"]
    with pytest.raises(ValidationError) as error:
        rectification_record(client=mariam, actor=personas.sofie, what="  ", asked_on=dt.date(2099, 1, 1))
    assert set(error.value.message_dict) == {"what", "asked_on"}


def test_sofie_records_and_decides_a_request_on_the_page(personas: Any, client: HttpClient) -> None:
    mariam = register_client(personas)
    client.force_login(personas.sofie)
    url = f"/hulpvragers/{mariam.pk}/rechtzetting/"
    assert client.get(url).status_code == 200
    bad = client.post(url, {"what": "", "asked_on": "2026-03-01"})
    assert bad.status_code == 400 and not RectificationRequest.objects.exists()
    assert client.post(url, {"what": "Mijn adres is fout.", "asked_on": "2026-03-01"}).status_code == 302
    request = RectificationRequest.objects.get()
    response = client.post(
        f"{url}{request.pk}/beslissen/", {"status": "corrected", "decision_note": "Adres aangepast."}
    )
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "Mijn adres is fout." in page and "Adres aangepast." in page
    client.force_login(personas.els)
    assert client.get(url).status_code == 404
