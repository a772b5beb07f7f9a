"""The home page as a to-do list ("what needs me now") and the counts the menu shows on every page.

Rules: a referral needs an answer while it is ``sent`` to an offer of an organisation where the user answers
referrals (partner worker or counsellor); an action is overdue when open and due before today; a follow-up is due
within ``FOLLOW_UP_HORIZON`` days; a case conference needs its decisions when it took place, the user organised it
and no decisions are recorded; an allocation proposal needs confirming while ``proposed`` for a client of the
user's organisation (counsellor, peer companion); an ESF+ participation needs its worker (``Participation.worker``)
while its entry data are incomplete, its results on leaving are still missing ``ESF_LEAVING_WINDOW_DAYS`` (four
weeks) after leaving, or its six-month follow-up is due (in the sample, due on or before today, not recorded):
Reg. (EU) 2021/1057 Annex I and issue 12 (completeness); a consent needs renewing when it is in force and
ends within ``CONSENT_RENEWAL_DAYS`` days (or ended that long ago) and no later consent of the client in force
outlasts it, for the registering organisation's counsellors, partner workers and coordinators."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Case, F, Func, IntegerField, Q, QuerySet, Subquery, Value, When
from django.utils import timezone

from apps.accounts.models import Role, User
from apps.accounts.permissions import coordinated_region_ids, memberships_of
from apps.clients.permissions import FULL_ROLES
from apps.conferences.models import CaseConference
from apps.consent.selectors import consents_to_renew
from apps.esf.models import Participation
from apps.esf.selectors import missing_entry_q
from apps.matching.models import AllocationProposal
from apps.notifications.models import Notification
from apps.pathways.models import Action, Closure
from apps.referrals.models import Referral
from apps.referrals.permissions import RECEIVING_ROLES, client_label_for_receiver
from apps.referrals.selectors import identity_shared

FOLLOW_UP_HORIZON = 30
LIST_LIMIT = 20
NOTE_LIMIT = 5  # the newest unread notifications on the home page; the rest on the notifications page
# only those who may edit the client confirm its place (a peer companion sees team clients only: decision 0014)
PROPOSAL_ROLES = {Role.COUNSELLOR}


@dataclass(frozen=True)
class Scope:
    """The organisations (ids) through which the user gets each kind of work; ``regions``: coordinated regions."""

    receiving: frozenset[int]
    proposals: frozenset[int]
    case: frozenset[int]
    regions: frozenset[int]
    owners: frozenset[int] = frozenset()  # organisations where the user holds the whole client file


def scope_of(user: Any) -> Scope:
    memberships = memberships_of(user)
    return Scope(
        receiving=frozenset(m.organisation_id for m in memberships if m.role in RECEIVING_ROLES),
        proposals=frozenset(m.organisation_id for m in memberships if m.role in PROPOSAL_ROLES),
        case=frozenset(
            m.organisation_id
            for m in memberships
            if m.role in {Role.COUNSELLOR, Role.PEER_COMPANION, Role.PARTNER_WORKER, Role.COORDINATOR}
        ),
        regions=frozenset(coordinated_region_ids(user)),
        owners=frozenset(m.organisation_id for m in memberships if m.role in FULL_ROLES),
    )


def _referrals_to_answer(scope: Scope) -> QuerySet[Referral]:
    return Referral.objects.filter(offer__organisation_id__in=scope.receiving, status=Referral.Status.SENT)


def _overdue_actions(user: Any, today: dt.date) -> QuerySet[Action]:
    return Action.objects.filter(
        owner=user, status__in=[Action.Status.OPEN, Action.Status.IN_PROGRESS], due_on__lt=today
    )


def _proposals(scope: Scope) -> QuerySet[AllocationProposal]:
    return AllocationProposal.objects.filter(
        entry__client__organisation_id__in=scope.proposals, status=AllocationProposal.Status.PROPOSED
    )


ESF_ENTRY, ESF_RESULTS, ESF_FOLLOW_UP = 1, 2, 3  # what an ESF+ reminder asks, most urgent kind first


def _esf_reminder_q(today: dt.date) -> tuple[Q, Q, Q]:
    window = dt.timedelta(days=settings.ESF_LEAVING_WINDOW_DAYS)
    return (
        missing_entry_q(),
        Q(leaving_date__lt=today - window, results_recorded_on__isnull=True),
        Q(in_sample=True, follow_up_due__lte=today, followed_up_on__isnull=True),
    )


def _esf_reminders(user: Any, today: dt.date) -> QuerySet[Participation]:
    """The ESF+ participations the user is the worker of that need them, annotated ``esf_kind`` (ESF_ENTRY,
    ESF_RESULTS or ESF_FOLLOW_UP: the first that applies)."""
    entry, results, follow_up = _esf_reminder_q(today)
    return (
        Participation.objects.filter(worker=user)
        .filter(entry | results | follow_up)
        .annotate(
            esf_kind=Case(
                When(entry, then=Value(ESF_ENTRY)),
                When(results, then=Value(ESF_RESULTS)),
                default=Value(ESF_FOLLOW_UP),
                output_field=IntegerField(),
            )
        )
    )


def _count(queryset: QuerySet[Any]) -> Subquery:
    return Subquery(queryset.order_by().values(n=Func(F("id"), function="COUNT")), output_field=IntegerField())


MENU_COLUMNS = ("unread", "referrals", "overdue", "proposals", "esf")


def _menu_counts_queryset(user_id: int, scope: Scope, today: dt.date) -> QuerySet[Any]:
    """The menu's counts as one query: scalar subqueries on the user's row, in the order of MENU_COLUMNS."""
    return (
        User.objects.filter(pk=user_id)
        .annotate(
            unread=_count(Notification.objects.filter(user=user_id, read_at__isnull=True)),
            referrals=_count(_referrals_to_answer(scope)),
            overdue=_count(_overdue_actions(user_id, today)),
            proposals=_count(_proposals(scope)),
            esf=_count(_esf_reminders(user_id, today)),
        )
        .values(*MENU_COLUMNS)
    )


# The menu's query, compiled once per shape (database, number of organisations in each list, ESF+ window):
# building it through the ORM costs some 4 ms of CPU on every page, running it a tenth of a millisecond.
# Compiled with stand-in values, whose places in the parameters are then filled in with each user's values.
_STAND_IN_USER = -7_365_402_001
_STAND_IN_DAY = dt.date(1901, 1, 1)
_MENU_SQL: dict[tuple[Any, ...], tuple[str, list[Any]]] = {}


def _menu_sql(vendor: str, receiving: int, proposals: int) -> tuple[str, list[Any]]:
    """(SQL, parameter slots) of the menu's query for a user with ``receiving`` and ``proposals``
    organisations: a slot is ``("user",)``, ``("day", offset in days from today)``, ``("receiving", i)``,
    ``("proposals", i)`` (the i-th organisation id, sorted) or ``("value", constant)``."""
    key = (vendor, receiving, proposals, settings.ESF_LEAVING_WINDOW_DAYS)
    compiled = _MENU_SQL.get(key)
    if compiled is not None:
        return compiled
    receiving_ids = [_STAND_IN_USER - 1 - i for i in range(receiving)]
    proposal_ids = [_STAND_IN_USER - 1_000_000 - i for i in range(proposals)]
    scope = Scope(
        receiving=frozenset(receiving_ids),
        proposals=frozenset(proposal_ids),
        case=frozenset(),
        regions=frozenset(),
    )
    sql, params = _menu_counts_queryset(_STAND_IN_USER, scope, _STAND_IN_DAY).query.sql_with_params()
    # a day as the database gets it (SQLite: a string), for every offset from today a rule may use
    adapt = connection.ops.adapt_datefield_value
    days: dict[Any, int] = {adapt(_STAND_IN_DAY + dt.timedelta(days=offset)): offset for offset in range(-3660, 3661)}
    slots: list[Any] = []
    for value in params:
        if isinstance(value, bool):
            slots.append(("value", value))
        elif isinstance(value, int) and value == _STAND_IN_USER:
            slots.append(("user",))
        elif isinstance(value, int) and value in receiving_ids:
            slots.append(("receiving", receiving_ids.index(value)))
        elif isinstance(value, int) and value in proposal_ids:
            slots.append(("proposals", proposal_ids.index(value)))
        elif isinstance(value, dt.date | str) and value in days:
            slots.append(("day", days[value]))
        else:
            slots.append(("value", value))
    _MENU_SQL[key] = (sql, slots)
    return sql, slots


def menu_counts(user: Any, today: dt.date | None = None) -> dict[str, int]:
    """Badges of the menu: ``unread`` notifications, and ``todo`` = referrals to answer + overdue actions +
    proposals to confirm + ESF+ participations needing their worker. One query (scalar subqueries on the user's
    row), compiled once per shape of the user's scope (``_menu_sql``)."""
    today = today or timezone.localdate()
    scope = scope_of(user)
    receiving, proposals = sorted(scope.receiving), sorted(scope.proposals)
    sql, slots = _menu_sql(connection.vendor, len(receiving), len(proposals))
    values = {"user": user.pk, "receiving": receiving, "proposals": proposals}
    params = [
        values["user"]
        if slot[0] == "user"
        else connection.ops.adapt_datefield_value(today + dt.timedelta(days=slot[1]))
        if slot[0] == "day"
        else values[slot[0]][slot[1]]
        if slot[0] in ("receiving", "proposals")
        else slot[1]
        for slot in slots
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
        names = [column[0] for column in cursor.description]
    counts = {name: int(value or 0) for name, value in zip(names, row or (), strict=False)}
    counts["todo"] = sum(counts.get(k, 0) for k in ("referrals", "overdue", "proposals", "esf"))
    return counts


def todo_for_user(*, user: Any, today: dt.date | None = None) -> dict[str, Any]:
    """The lists of the home page (each a preview of at most ``LIST_LIMIT`` rows, oldest first; ``result["more"]``
    names the lists that hold more, which the page says, linking to the full list) and the unread notifications.
    A fixed number of queries: one per list the user's roles can have, plus one for consents when referrals wait."""
    today = today or timezone.localdate()
    scope = scope_of(user)
    result: dict[str, Any] = {"today": today}
    if scope.receiving:
        referrals = list(
            _referrals_to_answer(scope)
            .select_related("pathway__client", "offer", "offer__organisation", "pathway__organisation")
            .order_by("created_at", "id")[: LIST_LIMIT + 1]
        )
        shared = identity_shared({r.pathway.client_id for r in referrals}, set(scope.receiving))
        result["referrals"] = [
            (
                r,
                client_label_for_receiver(
                    r,
                    (r.pathway.client_id, r.offer.organisation_id) in shared
                    or r.offer.organisation_id in {r.pathway.client.organisation_id, r.pathway.organisation_id},
                ),
            )
            for r in referrals
        ]
    if scope.case:
        result["actions"] = list(
            Action.objects.filter(owner=user, status__in=[Action.Status.OPEN, Action.Status.IN_PROGRESS])
            .filter(due_on__lte=today + dt.timedelta(days=6 - today.weekday()))
            .select_related("pathway__client")
            .order_by("due_on", "id")[: LIST_LIMIT + 1]
        )
        result["follow_ups"] = list(
            Closure.objects.filter(
                pathway__organisation_id__in=scope.owners,
                followed_up_on__isnull=True,
                follow_up_due__lte=today + dt.timedelta(days=FOLLOW_UP_HORIZON),
            )
            .select_related("pathway__client")
            .order_by("follow_up_due")[: LIST_LIMIT + 1]
        )
        result["esf"] = list(
            _esf_reminders(user, today)
            .select_related("client")
            .order_by("esf_kind", "leaving_date", "entry_date", "id")[: LIST_LIMIT + 1]
        )
        result["conferences"] = list(
            CaseConference.objects.filter(organised_by=user, scheduled_at__lt=timezone.now(), decisions="").order_by(
                "scheduled_at"
            )[: LIST_LIMIT + 1]
        )
    if scope.proposals:
        result["proposals"] = list(
            _proposals(scope)
            .select_related("entry__client", "offer", "offer__organisation")
            .order_by("id")[: LIST_LIMIT + 1]
        )
    if scope.regions:
        result["escalations"] = list(
            Referral.objects.filter(
                offer__organisation__region_id__in=scope.regions,
                escalated_at__isnull=False,
                status=Referral.Status.SENT,
            )
            .select_related("offer", "offer__organisation")
            .order_by("escalated_at")[: LIST_LIMIT + 1]
        )
    if scope.owners:
        result["consents"] = list(
            consents_to_renew(scope.owners, today)
            .select_related("client")
            .order_by("valid_until", "id")[: LIST_LIMIT + 1]
        )
    result["notifications"] = list(
        Notification.objects.filter(user=user, read_at__isnull=True).order_by("-created_at", "-id")[:NOTE_LIMIT]
    )
    lists = ("referrals", "actions", "follow_ups", "esf", "conferences", "proposals", "escalations", "consents")
    result["more"] = {key: True for key in lists if len(result.get(key, ())) > LIST_LIMIT}
    for key in result["more"]:  # the preview's rows; the page says that more wait
        result[key] = result[key][:LIST_LIMIT]
    result["list_limit"] = LIST_LIMIT
    result["nothing_to_do"] = not any(
        result.get(k)
        for k in ("referrals", "actions", "follow_ups", "esf", "conferences", "proposals", "escalations", "consents")
    )
    return result
