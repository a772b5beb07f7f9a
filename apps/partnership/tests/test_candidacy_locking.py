"""Issue 10 item 5: the candidacy draft, shared by everyone of the applying organisation through its private
link, carries the version it showed (optimistic lock); a stale save is refused with the input kept."""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.test import Client as Browser
from django.utils import translation

from apps.core.concurrency import EditConflict
from apps.partnership import services_candidacies
from apps.partnership.models import Candidacy
from apps.partnership.tests.conftest import before_deadline, make_candidacy
from tests.factories import RACES_NEED_POSTGRESQL, race


def _post(client: Browser, candidacy: Candidacy, **fields: str) -> Any:
    data = {"save": "1", "organisation_name": "Open Deur vzw", "enterprise_number": "0202239951", **fields}
    with mock.patch("django.utils.timezone.now", return_value=before_deadline(candidacy.region)):
        return client.post(f"/oproep/kandidatuur/{candidacy.token}/", data)


@pytest.fixture
def draft(oostende: Any, settings: Any, tmp_path: Any) -> Candidacy:
    settings.MEDIA_ROOT = tmp_path
    return make_candidacy(oostende, submit=False)


def test_the_draft_form_carries_the_version_it_showed(draft: Candidacy, client: Browser) -> None:
    assert draft.version == 2  # started at 1, the draft saved once
    with mock.patch("django.utils.timezone.now", return_value=before_deadline(draft.region)):
        page = client.get(f"/oproep/kandidatuur/{draft.token}/").content.decode()
    assert 'name="version" value="2"' in page


def test_ans_stale_draft_is_refused_with_her_input_kept_and_her_second_save_goes_through(
    draft: Candidacy, client: Browser
) -> None:
    # An opened the draft at version 2; meanwhile her colleague Bram saved the expertise through the same link
    services_candidacies.candidacy_save_draft(
        candidacy=draft, now=before_deadline(draft.region), expected_version=2, expertise="Bram schreef dit."
    )
    with translation.override("nl-be"):
        response = _post(Browser(), draft, expertise="An schreef dit.", version="2")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Iemand anders heeft deze kandidatuur bewaard" in html
    assert "An schreef dit." in html and 'name="version" value="3"' in html
    draft.refresh_from_db()
    assert (draft.expertise, draft.version) == ("Bram schreef dit.", 3)
    # the second save, now at the current version, is deliberate and goes through
    assert _post(client, draft, expertise="An schreef dit.", version="3").status_code == 302
    draft.refresh_from_db()
    assert (draft.expertise, draft.version) == ("An schreef dit.", 4)


def test_a_fresh_draft_save_is_accepted_and_moves_the_version_on(draft: Candidacy, client: Browser) -> None:
    assert _post(client, draft, expertise="Nieuw", version="2").status_code == 302
    draft.refresh_from_db()
    assert (draft.expertise, draft.version) == ("Nieuw", 3)


def test_submitting_moves_the_version_on_and_closes_the_draft_to_an_open_form(draft: Candidacy) -> None:
    now = before_deadline(draft.region)
    submitted = services_candidacies.candidacy_submit(candidacy=draft, now=now)
    assert Candidacy.objects.get(pk=submitted.pk).version == 3
    # a colleague's draft form, opened before the submission, holds the candidacy as a draft at version 2
    with pytest.raises(EditConflict):
        services_candidacies.candidacy_save_draft(candidacy=draft, now=now, expected_version=2, expertise="Te laat")
    with pytest.raises(ValidationError):  # without a form version: refused because it is submitted
        services_candidacies.candidacy_save_draft(candidacy=draft, now=now, expertise="Te laat")
    assert Candidacy.objects.get(pk=draft.pk).expertise != "Te laat"


@RACES_NEED_POSTGRESQL
@pytest.mark.django_db(transaction=True)
def test_two_colleagues_saving_one_draft_at_once_let_exactly_one_win(
    oostende: Any, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    draft = make_candidacy(oostende, submit=False)
    now = before_deadline(oostende)

    def save(name: str) -> None:
        fresh = Candidacy.objects.select_related("region__call").get(pk=draft.pk)
        services_candidacies.candidacy_save_draft(candidacy=fresh, now=now, expected_version=2, expertise=name)

    results = race(An=lambda: save("An"), Bram=lambda: save("Bram"))
    assert sorted(results.values()) == ["EditConflict", "ok"], results
    stored = Candidacy.objects.get(pk=draft.pk)
    assert stored.version == 3 and results[stored.expertise] == "ok"
