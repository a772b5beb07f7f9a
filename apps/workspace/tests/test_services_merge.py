"""The client merge loses nothing and leaks nothing; undoing merges in any order gives each row back to its
own person; the national number follows the survivor (apps/workspace/services_merge.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client as Browser

from apps.assessment.models import Screening
from apps.clients.models import Client, MergedRow
from apps.clients.services import possible_duplicates
from apps.employers.services import work_wish_save
from apps.offers.services import waiting_list_add
from apps.pathways.services import pathway_close
from apps.workspace.services_merge import client_merge, client_merge_undo, owned_relations
from tests.factories import complete_screening, give_consent, register_client, start_pathway

ALL = ["identity", "life_domains", "health", "addiction", "justice", "finances", "work_education"]
NN = "85073003328"  # a valid national number of someone born on 30 July 1985


def _rows_of(client: Client) -> dict[str, int]:
    return {
        model._meta.label_lower: model._default_manager.filter(**{field: client}).count()
        for model, field in owned_relations()
    }


def test_the_merge_moves_every_row_the_duplicate_owns(personas: Any) -> None:
    survivor = register_client(personas, first_name="Mariam")
    duplicate = register_client(personas, first_name="Mariam T.")
    pathway = start_pathway(personas, duplicate, obstacles=["debts"])
    pathway_close(pathway=pathway, actor=personas.sofie, closed_on=dt.date.today(), outcome="care")
    give_consent(personas, duplicate)
    waiting_list_add(client=duplicate, actor=personas.sofie)
    work_wish_save(actor=personas.sofie, client=duplicate, occupations=[])
    before = _rows_of(duplicate)
    assert {"assessment.screening", "consent.consent", "pathways.pathway", "partners.waitinglistentry"} <= {
        k for k, v in before.items() if v
    }
    client_merge(survivor=survivor, duplicate=duplicate, actor=personas.wouter)
    assert all(count == 0 for count in _rows_of(duplicate).values())
    after = _rows_of(survivor)
    assert all(after[k] == v for k, v in before.items())
    assert MergedRow.objects.filter(origin=duplicate).count() == sum(before.values())


def test_every_foreign_key_to_a_client_is_moved_by_the_merge() -> None:
    """A new app's rows follow merges: the merge reads the relations from the model graph."""
    labels = {model._meta.label_lower for model, _field in owned_relations()}
    assert {
        "assessment.screening",
        "consent.consent",
        "pathways.pathway",
        "partners.waitinglistentry",
        "employers.workwish",
        "employers.placement",
        "esf.participation",
    } <= labels


def test_two_open_pathways_refuse_the_merge_with_a_reason(personas: Any) -> None:
    survivor, duplicate = register_client(personas), register_client(personas)
    start_pathway(personas, survivor)
    start_pathway(personas, duplicate)
    with pytest.raises(ValidationError, match="nog loopt"):
        client_merge(survivor=survivor, duplicate=duplicate, actor=personas.wouter)
    assert not Client.objects.filter(merged_into__isnull=False).exists()


def test_two_work_wishes_refuse_the_merge(personas: Any) -> None:
    survivor, duplicate = register_client(personas), register_client(personas)
    for c in (survivor, duplicate):
        work_wish_save(actor=personas.sofie, client=c, occupations=[])
    with pytest.raises(ValidationError, match="Beide dossiers hebben"):
        client_merge(survivor=survivor, duplicate=duplicate, actor=personas.wouter)


def test_across_organisations_a_screening_moves_only_when_consent_lets_the_survivor_see_it(personas: Any) -> None:
    survivor = register_client(personas)  # Lokaal bestuur
    duplicate = register_client(personas, organisation=personas.brug, actor=personas.els)
    screening = complete_screening(duplicate, personas.els, obstacles=["debts"])
    with pytest.raises(ValidationError, match="geen toestemming"):
        client_merge(survivor=survivor, duplicate=duplicate, actor=personas.wouter)
    screening.refresh_from_db()
    assert screening.client_id == duplicate.pk
    give_consent(personas, duplicate, to=personas.lb, categories=ALL)
    client_merge(survivor=survivor, duplicate=duplicate, actor=personas.wouter)
    screening.refresh_from_db()
    assert screening.client_id == survivor.pk


def test_undoing_merges_in_any_order_gives_each_screening_back_to_its_own_person(personas: Any) -> None:
    a, b, c = (register_client(personas, first_name=n) for n in ("Anna", "Bert", "Carla"))
    s_a, s_b, s_c = (complete_screening(x, personas.sofie, obstacles=["debts"]) for x in (a, b, c))
    a_into_b = client_merge(survivor=b, duplicate=a, actor=personas.wouter)
    b_into_c = client_merge(survivor=c, duplicate=b, actor=personas.wouter)
    assert set(Screening.objects.filter(client=c).values_list("pk", flat=True)) == {s_a.pk, s_b.pk, s_c.pk}
    client_merge_undo(merge=a_into_b, actor=personas.wouter)  # the earlier merge first
    assert list(Screening.objects.filter(client=a).values_list("pk", flat=True)) == [s_a.pk]
    assert set(Screening.objects.filter(client=c).values_list("pk", flat=True)) == {s_b.pk, s_c.pk}
    client_merge_undo(merge=b_into_c, actor=personas.wouter)
    for person, own in ((a, s_a), (b, s_b), (c, s_c)):
        assert list(Screening.objects.filter(client=person).values_list("pk", flat=True)) == [own.pk]


def test_undoing_the_later_merge_first_keeps_the_earlier_merge_in_place(personas: Any) -> None:
    a, b, c = (register_client(personas, first_name=n) for n in ("Anna", "Bert", "Carla"))
    s_a, s_b = (complete_screening(x, personas.sofie, obstacles=["debts"]) for x in (a, b))
    client_merge(survivor=b, duplicate=a, actor=personas.wouter)
    b_into_c = client_merge(survivor=c, duplicate=b, actor=personas.wouter)
    client_merge_undo(merge=b_into_c, actor=personas.wouter)
    # A is still merged into B, so A's screening belongs with B again.
    assert set(Screening.objects.filter(client=b).values_list("pk", flat=True)) == {s_a.pk, s_b.pk}
    assert not Screening.objects.filter(client=c).exists()


def test_the_national_number_follows_the_survivor_and_comes_back_on_undo(personas: Any) -> None:
    survivor = register_client(personas, birth_date=dt.date(1985, 7, 30))
    duplicate = register_client(personas, birth_date=dt.date(1985, 7, 30), national_number=NN, first_name="Xx")
    merge = client_merge(survivor=survivor, duplicate=duplicate, actor=personas.wouter)
    found = possible_duplicates(
        region_id=personas.region.pk, first_name="Q", last_name="Q", birth_date=None, national_number=NN
    )
    assert [f.client_id for f in found] == [survivor.pk]
    client_merge_undo(merge=merge, actor=personas.wouter)
    survivor.refresh_from_db()
    duplicate.refresh_from_db()
    assert survivor.national_number_digest == ""
    assert duplicate.national_number_digest
    found = possible_duplicates(
        region_id=personas.region.pk, first_name="Q", last_name="Q", birth_date=None, national_number=NN
    )
    assert [f.client_id for f in found] == [duplicate.pk]


def test_records_with_different_national_numbers_are_two_people(personas: Any) -> None:
    survivor = register_client(personas, birth_date=dt.date(1985, 7, 30), national_number=NN)
    duplicate = register_client(personas, birth_date=dt.date(1985, 7, 30), national_number="85073003427")
    with pytest.raises(ValidationError, match="verschillende rijksregisternummers"):
        client_merge(survivor=survivor, duplicate=duplicate, actor=personas.wouter)


def test_a_merge_form_number_past_the_database_range_is_a_form_error(personas: Any, client: Browser) -> None:
    client.force_login(personas.wouter)
    response = client.post("/hulpvragers/samenvoegen/", {"survivor": 2**63, "duplicate": 2**64 + 5})
    assert response.status_code == 200
    assert response.context["form"].errors
