"""State machines as data: every declared transition is allowed, every other one refused."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from apps.assessment.models import Screening
from apps.core.states import TransitionNotAllowed, can_transition, declared, transition
from apps.matching.models import AllocationProposal, AllocationRun
from apps.partnership.models import Candidacy
from apps.pathways.models import Action, Pathway
from apps.referrals.models import Referral

STATE_MODELS = [Pathway, Action, Referral, AllocationProposal, AllocationRun, Screening, Candidacy]


def _moves(model: Any, allowed: bool) -> list[tuple[Any, str, str]]:
    statuses = model.Status.values
    return [
        (model, before, to)
        for before in statuses
        for to in statuses
        if (to in declared(model).get(before, frozenset())) == allowed
    ]


@pytest.mark.parametrize("model", STATE_MODELS, ids=lambda m: m.__name__)
def test_every_status_is_declared_with_known_targets(model: Any) -> None:
    transitions = declared(model)
    assert set(transitions) == set(model.Status.values)
    assert all(targets <= set(model.Status.values) for targets in transitions.values())


@pytest.mark.parametrize(("model", "before", "to"), [m for model in STATE_MODELS for m in _moves(model, True)])
def test_every_declared_transition_is_allowed(model: Any, before: str, to: str) -> None:
    obj = model(status=before)
    assert can_transition(obj, to)
    assert transition(obj, to) == before and obj.status == to


@pytest.mark.parametrize(("model", "before", "to"), [m for model in STATE_MODELS for m in _moves(model, False)])
def test_every_undeclared_transition_is_refused_and_nothing_changes(model: Any, before: str, to: str) -> None:
    obj = model(status=before)
    with pytest.raises(TransitionNotAllowed):
        transition(obj, to)
    assert obj.status == before


def test_the_refusal_names_both_statuses_in_dutch() -> None:
    with translation.override("nl-be"), pytest.raises(TransitionNotAllowed) as refused:
        transition(Pathway(status=Pathway.Status.CLOSED), Pathway.Status.PAUSED)
    assert refused.value.messages == ["Status 'Afgesloten' kan niet 'Gepauzeerd' worden."]


def test_a_waiting_entry_only_closes_and_bulk_closings_start_from_open() -> None:
    from apps.core.states import sources
    from apps.offers.models import WaitingListEntry

    assert declared(WaitingListEntry, field="is_open") == {True: frozenset({False}), False: frozenset()}
    assert can_transition(WaitingListEntry(is_open=True), False, field="is_open")
    assert not can_transition(WaitingListEntry(is_open=False), True, field="is_open")
    assert sources(WaitingListEntry, False, field="is_open") == {True}
    assert sources(AllocationRun, AllocationRun.Status.FAILED) == {"queued", "running"}
