"""Reads of pathways, each in a fixed number of queries. The pathway page adds what other apps know of the
pathway (referrals, group sessions) in ``apps.workspace.selectors.pathway_file``; "my work" lives there too."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from apps.assessment.selectors import region_classification_data, screenings_of_client
from apps.consent.models import DataCategory
from apps.core.aggregates import IdList, ids_of
from apps.core.keyset import keyset_page
from apps.core.prefetch import set_prefetched
from apps.core.prepared import Prepared
from apps.pathways.models import Action, Closure, ContactLog, Goal, PlanChange
from apps.pathways.permissions import PathwayAccess

HISTORY = 20  # plan changes per keyset page, newest first
CONTACTS = 30  # contacts per keyset page, latest first


# the plan of every pathway page, compiled once (apps/core/prepared.py)
_goals_of = Prepared(
    lambda pathway_id: (
        Goal.objects.filter(pathway_id=pathway_id)
        .select_related("life_domain")
        .annotate(obstacle_ids=IdList("obstacles"))
    )
)
_actions_of = Prepared(
    lambda pathway_id: Action.objects.filter(pathway_id=pathway_id).select_related(
        "owner", "owner_organisation", "goal__life_domain"
    )
)


HISTORY_ORDER = ("-changed_at", "-pk")
CONTACTS_ORDER = ("-happened_on", "-pk")


def _history(pathway_id: int) -> QuerySet[PlanChange]:
    return PlanChange.objects.filter(pathway_id=pathway_id).select_related("changed_by")


def _contacts(pathway_id: int, organisations: list[int] | None) -> QuerySet[ContactLog]:
    """The contacts of the pathway; ``organisations``: not its owner, so the confidential ones of these only."""
    contacts = ContactLog.objects.filter(pathway_id=pathway_id).select_related("author", "author_organisation")
    if organisations is not None:
        contacts = contacts.filter(Q(confidential=False) | Q(author_organisation_id__in=organisations))
    return contacts


# the first keyset page of the plan's history and of the contacts, compiled once (apps/core/prepared.py)
_first_history = Prepared(lambda pathway_id: _history(pathway_id).order_by(*HISTORY_ORDER)[: HISTORY + 1])
_first_contacts = Prepared(lambda pathway_id: _contacts(pathway_id, None).order_by(*CONTACTS_ORDER)[: CONTACTS + 1])
_first_contacts_shared = Prepared(
    lambda pathway_id, organisations: _contacts(pathway_id, organisations).order_by(*CONTACTS_ORDER)[: CONTACTS + 1]
)


def pathway_page(
    *, access: PathwayAccess, contacts_cursor: str | None = None, history_cursor: str | None = None
) -> dict[str, Any]:
    """What the pathway itself holds, as far as ``access`` lets the user see it (team, plan, actions, history,
    contacts, closure, screenings for the radar). Referrals and sessions are added by the callers that compose.
    The contact log and the plan's history are keyset pages (``CONTACTS``, ``HISTORY`` rows) from their cursors
    (junk: ``Http404``); one query each per page, however long the pathway ran."""
    pathway = access.pathway
    # the team as get_pathway_for_user prefetched it (with user and organisation); else one query
    team = [t for t in pathway.team.all() if t.is_active]
    hidden = set(DataCategory.values) - set(access.categories)
    region_data = region_classification_data(region=pathway.organisation.region)  # kept per region version
    obstacles_by_id = {o.pk: o for o in region_data["obstacles"]}
    goals = _goals_of(pathway_id=pathway.pk)
    for goal in goals:  # goal.obstacles.all(): the region's obstacles (kept in the process), in the region's order
        ids = ids_of(goal.obstacle_ids)
        if all(pk in obstacles_by_id for pk in ids):
            chosen = sorted((obstacles_by_id[pk] for pk in ids), key=lambda o: (o.position, o.code))
            set_prefetched(goal, "obstacles", chosen)
    actions = _actions_of(pathway_id=pathway.pk)
    history = keyset_page(
        _history(pathway.pk),
        ordering=HISTORY_ORDER,
        cursor=history_cursor,
        size=HISTORY,
        salt=f"plan-history-{pathway.pk}",
        first_rows=lambda: _first_history(pathway_id=pathway.pk),
    )
    others = sorted(access.organisation_ids)
    contacts = keyset_page(
        _contacts(pathway.pk, None if access.owner else others),
        ordering=CONTACTS_ORDER,
        cursor=contacts_cursor,
        size=CONTACTS,
        salt=f"contacts-{pathway.pk}",
        first_rows=lambda: (
            _first_contacts(pathway_id=pathway.pk)
            if access.owner
            else _first_contacts_shared(pathway_id=pathway.pk, organisations=others)
        ),
    )
    domains = [d for d in region_data["life_domains"] if d.data_category not in hidden]
    screenings, _draft = screenings_of_client(
        client=pathway.client, region_data=region_data, completed=access.sees(DataCategory.LIFE_DOMAINS)
    )
    baseline, latest = (screenings[0], screenings[-1]) if screenings else (None, None)

    def levels(screening: Any, attr: str = "level") -> dict[int, Any]:
        return {s.life_domain_id: getattr(s, attr) for s in screening.scores.all()} if screening else {}

    baseline_levels, latest_levels, client_levels = levels(baseline), levels(latest), levels(latest, "client_level")
    try:
        closure = pathway.closure  # select_related by get_pathway_for_user (else one query)
    except Closure.DoesNotExist:
        closure = None
    return {
        "access": access,
        "pathway": pathway,
        "client": pathway.client,
        "team": team,
        "goals": [g for g in goals if g.life_domain.data_category not in hidden],
        # an action tied to a goal of a hidden life domain would tell what the goal hides
        "actions": [a for a in actions if a.goal is None or a.goal.life_domain.data_category not in hidden],
        "history": history,
        "contacts": contacts,
        "closure": closure,
        "screenings": screenings,
        "ladder": [(s.screened_on, s.ladder_current, s.ladder_attainable) for s in screenings],
        "radar": {
            "labels": [d.label for d in domains],
            "baseline": [baseline_levels.get(d.pk) for d in domains],
            "latest": [latest_levels.get(d.pk) for d in domains],
            "client": [client_levels.get(d.pk) for d in domains],
        },
        "domain_rows": [
            (d, baseline_levels.get(d.pk), latest_levels.get(d.pk), client_levels.get(d.pk)) for d in domains
        ],
        "latest": latest,
        "baseline": baseline,
    }
