"""Destructive actions ask first (issue 10 item 10): the first POST names the consequence and changes nothing;
the confirmed POST acts, with the reason stored where the record needs one. No JavaScript: plain forms."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client as Browser

from apps.accounts.models import Organisation
from apps.audit.models import AuditEntry
from apps.partnership import services_decisions as calls
from apps.partnership.tests.conftest import make_candidacy
from apps.pathways.models import TeamMember
from apps.pathways.services import team_add
from tests.factories import give_consent, start_pathway

pytestmark = pytest.mark.django_db


def test_removing_a_team_member_asks_first_and_keeps_the_reason(personas: Any, client: Browser) -> None:
    pathway = start_pathway(personas)
    give_consent(personas, pathway.client, categories=["identity"], purposes=["guidance"])
    els = team_add(pathway=pathway, actor=personas.sofie, user=personas.els, organisation=personas.brug,
                   role="partner_worker")  # fmt: skip
    client.force_login(personas.sofie)
    url = f"/trajecten/{pathway.pk}/team/"
    asked = client.post(url, {"remove": els.pk})
    html = asked.content.decode()
    assert asked.status_code == 200 and 'id="consequence"' in html and "Els" in html
    assert f'name="remove" value="{els.pk}"' in html and 'name="confirmed" value="1"' in html
    assert "confirm(" not in html  # a form step, not a JavaScript dialog
    assert TeamMember.objects.get(pk=els.pk).is_active
    no_reason = client.post(url, {"remove": els.pk, "confirmed": "1", "confirm_reason": "  "})
    assert no_reason.status_code == 400 and TeamMember.objects.get(pk=els.pk).is_active
    done = client.post(url, {"remove": els.pk, "confirmed": "1", "confirm_reason": "Taalcafé is afgerond"})
    assert done.status_code == 302 and not TeamMember.objects.get(pk=els.pk).is_active
    entry = AuditEntry.objects.filter(action="pathways.team.removed").latest("pk")
    assert "Taalcafé is afgerond" in str(entry.changes)


def test_converting_candidacies_asks_first_and_names_them(personas: Any, client: Browser, settings: Any,
                                                          tmp_path: Any) -> None:  # fmt: skip
    settings.MEDIA_ROOT = tmp_path
    alfa = make_candidacy(personas.region, name="Alfa vzw")
    calls.decision_record(candidacy=alfa, actor=personas.wouter, decision="selected", motivation="Ja")
    client.force_login(personas.wouter)
    asked = client.post("/oproep/oostende/jury/partners/")
    assert asked.status_code == 200 and "Alfa vzw" in asked.content.decode()
    assert not Organisation.objects.filter(name="Alfa vzw").exists()
    assert client.post("/oproep/oostende/jury/partners/", {"confirmed": "1"}).status_code == 302
    assert Organisation.objects.get(name="Alfa vzw").search_key.startswith("alfa vzw")


def test_the_confirmation_page_escapes_what_people_typed(personas: Any, client: Browser) -> None:
    pathway = start_pathway(personas)
    client.force_login(personas.sofie)
    from apps.pathways.models import TeamMember as Member

    counsellor = Member.objects.get(pathway=pathway, user=personas.sofie)
    html = client.post(f"/trajecten/{pathway.pk}/team/", {"remove": counsellor.pk, "x": '"><script>x</script>'})
    text = html.content.decode()
    assert "<script>x</script>" not in text and "&quot;&gt;&lt;script&gt;" in text
