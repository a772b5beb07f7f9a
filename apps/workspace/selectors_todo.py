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
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Case, Exists, F, Func, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.utils import timezone

from apps.accounts.models import Role, User
from apps.accounts.permissions import coordinated_region_ids, memberships_of
from apps.clients.permissions import FULL_ROLES
from apps.conferences.models import CaseConference
from apps.consent.selectors import consents_to_renew
from apps.core.expressions import SqlConstant
from apps.core.prepared import Prepared
from apps.esf.models import Participation
from apps.esf.selectors import missing_entry_q
from apps.matching.models import AllocationProposal
from apps.notifications.models import Notification
from apps.offers.models import WaitingListEntry
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


def _referrals_to_answer(receiving: Iterable[int]) -> QuerySet[Referral]:
    return Referral.objects.filter(offer__organisation_id__in=list(receiving), status=Referral.Status.SENT)


def _overdue_actions(user: Any, today: dt.date) -> QuerySet[Action]:
    return Action.objects.filter(owner=user, is_open=True, due_on__lt=today)


def _proposals(organisations: Iterable[int]) -> QuerySet[AllocationProposal]:
    """Proposals still to confirm for clients of ``organisations``: read from the partial index
    ``proposal_open_idx`` (its constant written into the SQL: a prepared statement's generic plan must see
    it), each checked against its client's organisation, instead of walking every client of the organisations."""
    of_mine = WaitingListEntry.objects.filter(pk=OuterRef("entry_id"), client__organisation_id__in=list(organisations))
    return AllocationProposal.objects.filter(status=SqlConstant(AllocationProposal.Status.PROPOSED)).filter(
        Exists(of_mine)
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
            referrals=_count(_referrals_to_answer(scope.receiving)),
            overdue=_count(_overdue_actions(user_id, today)),
            proposals=_count(_proposals(scope.proposals)),
            esf=_count(_esf_reminders(user_id, today)),
        )
        .values(*MENU_COLUMNS)
    )


def _menu_counts_built(user_id: int, receiving: list[int], proposals: list[int], today: dt.date) -> QuerySet[Any]:
    scope = Scope(receiving=frozenset(receiving), proposals=frozenset(proposals), case=frozenset(), regions=frozenset())
    return _menu_counts_queryset(user_id, scope, today)


# Compiled once per shape (number of organisations in each list; apps/core/prepared.py): building it through
# the ORM costs some 4 ms of CPU on every page, running it a tenth of a millisecond.
_menu_counts = Prepared(_menu_counts_built)


def menu_counts(user: Any, today: dt.date | None = None) -> dict[str, int]:
    """Badges of the menu: ``unread`` notifications, and ``todo`` = referrals to answer + overdue actions +
    proposals to confirm + ESF+ participations needing their worker. One query (scalar subqueries on the user's
    row), compiled once per shape of the user's scope."""
    scope = scope_of(user)
    rows = _menu_counts(
        user_id=user.pk,
        receiving=sorted(scope.receiving),
        proposals=sorted(scope.proposals),
        today=today or timezone.localdate(),
    )
    counts = {name: int(value or 0) for name, value in (rows[0] if rows else {}).items()}
    counts["todo"] = sum(counts.get(k, 0) for k in ("referrals", "overdue", "proposals", "esf"))
    return counts


# The lists of the home page, each compiled once per shape (apps/core/prepared.py).
_referral_list = Prepared(
    lambda receiving: (
        _referrals_to_answer(receiving)
        .select_related("pathway__client", "offer", "offer__organisation", "pathway__organisation")
        .order_by("created_at", "id")[: LIST_LIMIT + 1]
    )
)
_action_list = Prepared(
    lambda user_id, until: (
        Action.objects.filter(owner=user_id, is_open=True, due_on__lte=until)
        .select_related("pathway__client")
        .order_by("due_on", "id")[: LIST_LIMIT + 1]
    )
)
_follow_up_list = Prepared(
    lambda owners, today: (
        Closure.objects.filter(
            pathway__organisation_id__in=owners,
            followed_up_on__isnull=True,
            follow_up_due__lte=today + dt.timedelta(days=FOLLOW_UP_HORIZON),
        )
        .select_related("pathway__client")
        .order_by("follow_up_due")[: LIST_LIMIT + 1]
    )
)
_esf_list = Prepared(
    lambda user_id, today: (
        _esf_reminders(user_id, today)
        .select_related("client")
        .order_by("esf_kind", "leaving_date", "entry_date", "id")[: LIST_LIMIT + 1]
    )
)
_conference_list = Prepared(
    lambda user_id, now: CaseConference.objects.filter(
        organised_by=user_id, scheduled_at__lt=now, decisions=""
    ).order_by("scheduled_at")[: LIST_LIMIT + 1]
)
_proposal_list = Prepared(
    lambda organisations: (
        _proposals(organisations)
        .select_related("entry__client", "offer", "offer__organisation")
        .order_by("id")[: LIST_LIMIT + 1]
    )
)
_escalation_list = Prepared(
    lambda regions: (
        Referral.objects.filter(
            offer__organisation__region_id__in=regions, escalated_at__isnull=False, status=Referral.Status.SENT
        )
        .select_related("offer", "offer__organisation")
        .order_by("escalated_at")[: LIST_LIMIT + 1]
    )
)
_consent_list = Prepared(
    lambda owners, today: (
        consents_to_renew(owners, today).select_related("client").order_by("valid_until", "id")[: LIST_LIMIT + 1]
    )
)
_notification_list = Prepared(
    lambda user_id: Notification.objects.filter(user=user_id, read_at__isnull=True).order_by("-created_at", "-id")[
        :NOTE_LIMIT
    ]
)


def todo_for_user(*, user: Any, today: dt.date | None = None) -> dict[str, Any]:
    """The lists of the home page (each a preview of at most ``LIST_LIMIT`` rows, oldest first; ``result["more"]``
    names the lists that hold more, which the page says, linking to the full list) and the unread notifications.
    A fixed number of queries: one per list the user's roles can have, plus one for consents when referrals wait."""
    today = today or timezone.localdate()
    scope = scope_of(user)
    result: dict[str, Any] = {"today": today}
    if scope.receiving:
        referrals = _referral_list(receiving=sorted(scope.receiving))
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
        result["actions"] = _action_list(user_id=user.pk, until=today + dt.timedelta(days=6 - today.weekday()))
        result["follow_ups"] = _follow_up_list(owners=sorted(scope.owners), today=today)
        result["esf"] = _esf_list(user_id=user.pk, today=today)
        result["conferences"] = _conference_list(user_id=user.pk, now=timezone.now())
    if scope.proposals:
        result["proposals"] = _proposal_list(organisations=sorted(scope.proposals))
    if scope.regions:
        result["escalations"] = _escalation_list(regions=sorted(scope.regions))
    if scope.owners:
        result["consents"] = _consent_list(owners=sorted(scope.owners), today=today)
    result["notifications"] = _notification_list(user_id=user.pk)
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
