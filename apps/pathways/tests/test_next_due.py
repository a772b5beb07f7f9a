"""A pathway's ``next_due_on`` (what "My work" sorts and counts overdue by) is always the earliest due date among
its open actions, whatever sequence of adding actions, changing their status, closing and reopening the pathway
(apps/pathways/services.py, ``next_due_refresh``; issue 15: the caseload reads a column, not a MIN per pathway).

Persona: Sofie, counsellor at Loket Brugge (conftest), plans, ticks off, cancels and reopens the actions of
Mariam's pathway.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from apps.pathways.models import Action, Pathway
from apps.pathways.services import action_add, action_set_status, pathway_close, pathway_reopen, pathway_start
from tests.factories import register_client

START = dt.date(2026, 1, 15)


def test_next_due_follows_every_change_to_the_actions(personas: Any) -> None:
    p = personas

    class Plan(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.atomic = transaction.atomic()
            self.atomic.__enter__()
            mariam = register_client(p, first_name="Mariam", last_name="Test")
            self.pathway = pathway_start(client=mariam, actor=p.sofie, organisation=p.lb, started_on=START)

        def teardown(self) -> None:
            transaction.set_rollback(True)
            self.atomic.__exit__(None, None, None)

        @rule(due=st.one_of(st.none(), st.integers(-30, 60)))
        def plan(self, due: int | None) -> None:
            pathway = Pathway.objects.get(pk=self.pathway.pk)
            with contextlib.suppress(ValidationError, PermissionDenied):  # a closed pathway takes no actions
                action_add(
                    pathway=pathway,
                    actor=p.sofie,
                    description="Afspraak maken",
                    owner=p.sofie,
                    owner_organisation=p.lb,
                    due_on=None if due is None else START + dt.timedelta(days=due),
                )

        @rule(k=st.integers(0, 10), status=st.sampled_from(Action.Status.values))
        def tick(self, k: int, status: str) -> None:
            actions = list(Action.objects.filter(pathway_id=self.pathway.pk).order_by("pk"))
            if actions:
                with contextlib.suppress(ValidationError, PermissionDenied):
                    action_set_status(action=actions[k % len(actions)], actor=p.sofie, status=status)

        @rule()
        def close(self) -> None:
            pathway = Pathway.objects.get(pk=self.pathway.pk)
            if pathway.status != Pathway.Status.CLOSED:
                pathway_close(pathway=pathway, actor=p.sofie, closed_on=dt.date(2026, 6, 1), outcome="other")

        @rule()
        def reopen(self) -> None:
            pathway = Pathway.objects.get(pk=self.pathway.pk)
            if pathway.status == Pathway.Status.CLOSED:
                with contextlib.suppress(ValidationError, PermissionDenied):
                    pathway_reopen(pathway=pathway, actor=p.sofie, reason="Opnieuw begeleiding")

        @invariant()
        def next_due_is_the_earliest_open_action(self) -> None:
            pathway = Pathway.objects.get(pk=self.pathway.pk)
            dated = [a.due_on for a in pathway.actions.filter(is_open=True) if a.due_on is not None]
            assert pathway.next_due_on == (min(dated) if dated else None)

    run_state_machine_as_test(
        Plan,
        settings=settings(
            max_examples=20,
            stateful_step_count=12,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
