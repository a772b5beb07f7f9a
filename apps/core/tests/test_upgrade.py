"""Upgrading a database from before the app re-layout (docs/decisions/0009-app-relayout.md) keeps every row:
case conferences, system signals, group activities and sessions (with their attendance and the plan
changes that point at a conference) are still there and readable through the models of their new apps."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from apps.conferences.models import CaseConference, SystemSignal
from apps.groups.models import GroupActivity, GroupSession
from apps.offers.services import offer_create
from apps.pathways.models import Pathway, PlanChange
from apps.pathways.services import pathway_start
from apps.regions.models import InterventionType, Obstacle
from conftest import register_client

# The latest migration of every app on main before the re-layout; the new apps did not exist yet.
BEFORE: list[tuple[str, str | None]] = [
    ("accounts", "0001_initial"),
    ("assessment", "0002_client_level"),
    ("audit", "0001_initial"),
    ("clients", "0002_org_merged_index"),
    ("consent", "0001_initial"),
    ("matching", "0002_shortlist"),
    ("notifications", "0001_initial"),
    ("partners", "0001_initial"),
    ("partnership", "0001_initial"),
    ("pathways", "0001_initial"),
    ("referrals", "0001_initial"),
    ("regions", "0001_initial"),
    ("conferences", None),
    ("groups", None),
]


def migrate(targets: list[tuple[str, str | None]]) -> Any:
    """Migrate the test database to ``targets`` and return the project state (historical models) there."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state([(app, name) for app, name in targets if name is not None]).apps


def latest() -> list[tuple[str, str | None]]:
    return list(MigrationExecutor(connection).loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_upgrading_from_before_the_relayout_keeps_every_conference_signal_and_group_row(personas: Any) -> None:
    region = personas.region
    mariam = pathway_start(
        client=register_client(personas, first_name="Mariam", last_name="Tesfaye", birth_date=dt.date(1990, 3, 3)),
        actor=personas.sofie,
        organisation=personas.lb,
    )
    ahmed = pathway_start(
        client=register_client(personas, first_name="Ahmed", last_name="Haddou", birth_date=dt.date(1985, 3, 3)),
        actor=personas.sofie,
        organisation=personas.lb,
    )
    offer = offer_create(
        organisation=personas.brug,
        actor=personas.els,
        title="Taalcafé",
        description="Elke week Nederlands oefenen.",
        delivery_mode="at_address",
        format="group",
        location_municipality=region.municipalities.get(code="oostende"),
        capacity=12,
        languages=["nl"],
        intervention_types=[InterventionType.objects.get(region=region, code="dutch-practice")],
        obstacles=list(Obstacle.objects.filter(region=region, code="limited-dutch")),
        municipalities=list(region.municipalities.filter(code="oostende")),
    )
    when = timezone.now().replace(microsecond=0)

    try:
        old = migrate(BEFORE)
        conference = old.get_model("pathways", "CaseConference").objects.create(
            region_id=region.pk, scheduled_at=when, place="Stadhuis", organised_by_id=personas.sofie.pk, decisions="Go"
        )
        conference.participants.add(personas.sofie.pk, personas.els.pk)
        conference.pathways.add(mariam.pk, ahmed.pk)
        signal = old.get_model("pathways", "Signal").objects.create(
            region_id=region.pk,
            pathway_id=mariam.pk,
            case_conference_id=conference.pk,
            kind="waiting_list",
            description="Wachtlijst taalcursus",
            raised_by_id=personas.sofie.pk,
        )
        loose_signal = old.get_model("pathways", "Signal").objects.create(
            region_id=region.pk, kind="gap", description="Geen avondaanbod", raised_by_id=personas.els.pk, resolved=True
        )
        change = old.get_model("pathways", "PlanChange").objects.create(
            pathway_id=mariam.pk,
            version=2,
            summary="Doel toegevoegd",
            changes={"goals": ["Nederlands"]},
            case_conference_id=conference.pk,
            changed_by_id=personas.sofie.pk,
        )
        activity = old.get_model("pathways", "GroupActivity").objects.create(
            offer_id=offer.pk, title="Taalcafé dinsdag"
        )
        session = old.get_model("pathways", "Session").objects.create(
            activity_id=activity.pk, held_on=dt.date(2026, 3, 3)
        )
        session.attendees.add(mariam.pk, ahmed.pk)
        empty_session = old.get_model("pathways", "Session").objects.create(
            activity_id=activity.pk, held_on=dt.date(2026, 3, 10)
        )
    finally:
        migrate(latest())

    moved = CaseConference.objects.get(pk=conference.pk)
    assert (moved.region_id, moved.scheduled_at, moved.place, moved.organised_by_id, moved.decisions) == (
        region.pk,
        when,
        "Stadhuis",
        personas.sofie.pk,
        "Go",
    )
    assert set(moved.participants.values_list("pk", flat=True)) == {personas.sofie.pk, personas.els.pk}
    assert set(moved.pathways.values_list("pk", flat=True)) == {mariam.pk, ahmed.pk}
    assert set(Pathway.objects.get(pk=ahmed.pk).case_conferences.values_list("pk", flat=True)) == {conference.pk}

    assert SystemSignal.objects.count() == 2
    raised = SystemSignal.objects.get(pk=signal.pk)
    assert (raised.kind, raised.description, raised.pathway_id, raised.case_conference_id, raised.resolved) == (
        SystemSignal.Kind.WAITING_LIST,
        "Wachtlijst taalcursus",
        mariam.pk,
        conference.pk,
        False,
    )
    assert list(moved.signals.values_list("pk", flat=True)) == [signal.pk]
    assert SystemSignal.objects.get(pk=loose_signal.pk).resolved is True

    assert PlanChange.objects.get(pk=change.pk).case_conference == moved
    assert list(moved.plan_changes.values_list("pk", flat=True)) == [change.pk]

    assert list(GroupActivity.objects.values_list("pk", "title", "offer_id")) == [
        (activity.pk, "Taalcafé dinsdag", offer.pk)
    ]
    assert list(GroupSession.objects.values_list("pk", flat=True)) == [empty_session.pk, session.pk]
    attended = GroupSession.objects.get(pk=session.pk)
    assert attended.activity_id == activity.pk
    assert set(attended.attendees.values_list("pk", flat=True)) == {mariam.pk, ahmed.pk}
    assert list(Pathway.objects.get(pk=mariam.pk).sessions_attended.all()) == [attended]
    assert GroupSession.objects.get(pk=empty_session.pk).attendees.count() == 0
