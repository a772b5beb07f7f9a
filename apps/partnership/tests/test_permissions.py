"""Every jury and coordinator URL is 404 for outsiders; the public pages need no login."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client as Browser

from apps.partnership import services_candidacies, services_decisions, services_jury
from apps.partnership.models import Candidacy


def jury_urls(candidacy: Candidacy, criterion_pk: int, membership_pk: int) -> list[str]:
    base = "/oproep/oostende/jury/"
    c = f"{base}{candidacy.pk}/"
    attachment = candidacy.attachments.first()
    return [
        base, f"{base}leden/", f"{base}leden/{membership_pk}/verwijderen/", f"{base}criteria/",
        f"{base}criteria/{criterion_pk}/", f"{base}dekking/", f"{base}dekking/?budget=50000", f"{base}partners/",
        f"{base}export.xlsx", c, f"{c}belangenconflict/", f"{c}score/1/", f"{c}score/2/", f"{c}consensus/",
        f"{c}shortlist/", f"{c}pitch/", f"{c}beslissing/", f"{c}beslissing.pdf", f"{c}weerwoord/",
        f"{c}bijlage/{attachment.pk if attachment else 1}/",
    ]  # fmt: skip


COORDINATOR_ONLY = ("leden/", "criteria/", "dekking/", "partners/", "export.xlsx", "consensus/", "shortlist/",
                    "pitch/", "beslissing/")  # fmt: skip


JURY_MEMBER_ONLY = ("belangenconflict/", "/score/")


def get_status(url: str, criterion_pk: int) -> int:
    """What a GET answers to someone allowed: action URLs (their forms live on another page) redirect there."""
    actions = (f"criteria/{criterion_pk}/", "verwijderen/", "partners/", "belangenconflict/", "consensus/",
               "shortlist/", "pitch/", "beslissing/", "weerwoord/")  # fmt: skip
    return 302 if url.endswith(actions) or "/score/" in url else 200


@pytest.fixture
def decided(personas: Any, criteria: Any, candidacy: Candidacy) -> Candidacy:
    from django.core.files.uploadedfile import SimpleUploadedFile

    candidacy.status = Candidacy.Status.DRAFT  # attach, then submit again: attachments need an open draft
    candidacy.save()
    from apps.partnership.tests.conftest import before_deadline

    services_candidacies.attachment_add(
        candidacy=candidacy, upload=SimpleUploadedFile("plan.pdf", b"%PDF-1.4 x"), now=before_deadline(personas.region)
    )
    candidacy.status = Candidacy.Status.SUBMITTED
    candidacy.save()
    services_jury.shortlist_set(candidacy=candidacy, actor=personas.wouter, shortlisted=True)
    services_decisions.decision_record(
        candidacy=candidacy, actor=personas.wouter, decision="not_selected", motivation="Te weinig capaciteit",
        now=before_deadline(personas.region),
    )  # fmt: skip
    services_decisions.rebuttal_submit(
        candidacy=candidacy, text="Wij hebben wel capaciteit.", now=candidacy.decision_sent_at
    )
    return candidacy


def test_outsiders_get_404_on_every_jury_and_coordinator_url(personas: Any, criteria: Any, decided: Candidacy,
                                                             client: Browser) -> None:  # fmt: skip
    jan = services_jury.jury_member_add(
        region=personas.region, organisation=personas.vdab, email="jan@example.org", first_name="Jan",
        last_name="J", actor=personas.wouter,
    )  # fmt: skip
    urls = jury_urls(decided, criteria[0].pk, jan.pk)
    outsiders = [personas.olaf, personas.nadia, personas.els, personas.sofie, personas.yonas]
    for user in outsiders:
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 404, (user.username, "GET", url)
            assert client.post(url, {}).status_code == 404, (user.username, "POST", url)
    client.logout()
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "/account/login/" in response["Location"], url
    # a jury member reaches the jury pages but not the coordinator's
    client.force_login(personas.ine)
    for url in urls:
        status = client.get(url).status_code
        if any(url.endswith(part) or f"/{part}" in url for part in COORDINATOR_ONLY):
            assert status == 404, url
        else:
            assert status == get_status(url, criteria[0].pk), url
    # the coordinator reaches them all, except what only jury members do (declare, score)
    client.force_login(personas.wouter)
    for url in urls:
        expected = 404 if any(part in url for part in JURY_MEMBER_ONLY) else get_status(url, criteria[0].pk)
        assert client.get(url).status_code == expected, url
    assert Candidacy.objects.get(pk=decided.pk).decision == "not_selected"  # no GET changed anything


def test_a_coordinator_of_another_region_cannot_see_this_regions_candidacy_through_their_own(
    personas: Any, criteria: Any, candidacy: Candidacy, client: Browser
) -> None:
    client.force_login(personas.nadia)
    assert client.get("/oproep/westhoek-test/jury/").status_code == 200
    assert client.get(f"/oproep/westhoek-test/jury/{candidacy.pk}/").status_code == 404


def test_the_public_pages_need_no_login(personas: Any, candidacy: Candidacy, client: Browser) -> None:
    assert client.get("/oproep/oostende/").status_code == 200
    assert client.get(f"/oproep/kandidatuur/{candidacy.token}/").status_code == 200
    assert client.get(f"/oproep/kandidatuur/{candidacy.token}/beslissing.pdf").status_code == 404  # no decision
