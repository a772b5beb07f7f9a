"""Page read-models that compose several apps: the home page per role, the client file, the pathway page
and "my work". Each in a fixed number of queries (asserted in the tests)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, F, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan, TupleLessThan
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from apps.accounts.models import Membership, Organisation, Role
from apps.accounts.permissions import memberships_of
from apps.assessment.models import Screening
from apps.assessment.selectors import classification_for, region_classification_data, screenings_of_client
from apps.audit.models import AuditEntry
from apps.clients import identifiers
from apps.clients.models import Client
from apps.clients.permissions import ClientAccess
from apps.consent.models import DataCategory
from apps.consent.selectors import consents_shown_in_one_query
from apps.core.aggregates import JSONRows, rows_of
from apps.core.counted import counted, counted_key
from apps.core.expressions import SqlConstant
from apps.core.keyset import FORWARD, KeysetPage, decode_cursor, keyset_page
from apps.core.prepared import Prepared
from apps.groups.models import GroupActivity, GroupSession
from apps.offers.models import Offer
from apps.pathways.models import Pathway
from apps.pathways.permissions import PathwayAccess
from apps.pathways.selectors import pathway_page
from apps.referrals.models import Referral
from apps.regions.models import CallTimeline, Challenge
from apps.regions.selectors import region_memo

TIMELINE_LENGTH = 50  # entries per keyset page of the client file's timeline
TIMELINE_KEY = ("created_at", "id")


def home_for_user(*, user: Any, now: dt.datetime | None = None) -> dict[str, Any]:
    """The panels of the home page for the user's roles. A coordinator's partnership (organisations with their
    clients and members) is counted at most every two minutes and shared (``apps.core.counted``), with
    ``counted_at``; ``now`` (aware, default now) is for tests."""
    memberships = memberships_of(user)
    roles = {m.role for m in memberships}
    region_ids = {m.organisation.region_id for m in memberships}
    org_ids = {m.organisation_id for m in memberships}
    panels: dict[str, Any] = {"roles": roles, "memberships": memberships}

    worker_roles = {Role.COUNSELLOR, Role.PEER_COMPANION}  # roles that register clients (partners get referrals)
    if roles & worker_roles:
        counts = dict(
            Client.objects.filter(organisation_id__in=org_ids)
            .values("organisation_id")
            .annotate(n=Count("id"))
            .values_list("organisation_id", "n")
        )
        worker_orgs = {m.organisation_id: m.organisation for m in memberships if m.role in worker_roles}
        panels["caseload"] = [(org, counts.get(pk, 0)) for pk, org in worker_orgs.items()]
    if roles & {Role.COUNSELLOR, Role.PEER_COMPANION, Role.PARTNER_WORKER, Role.COORDINATOR}:
        # each region's challenges, kept per region version (region_memo): no query
        regions = sorted({m.organisation.region_id: m.organisation.region for m in memberships}.items())
        panels["challenges"] = [challenge for _pk, region in regions for challenge in _challenges(region)]
    if Role.COORDINATOR in roles:
        coordinated = [m.organisation.region_id for m in memberships if m.role == Role.COORDINATOR]
        (organisations, role_counts), counted_at = counted(
            counted_key("home-partnership", region_ids=coordinated, day=timezone.localdate(now)),
            lambda: _organisations_with_counts(coordinated),
            now=now,
        )
        panels["organisations"] = organisations
        panels["role_counts"] = [{"label": Role(role).label, "n": n} for role, n in sorted(role_counts.items())]
        panels["counted_at"] = counted_at
    if roles & {Role.JURY_MEMBER, Role.COORDINATOR}:
        panels["calls"] = list(CallTimeline.objects.filter(region_id__in=region_ids).select_related("region"))
    if Role.ADMINISTRATOR in roles or user.is_superuser:
        panels["recent_audit"] = list(AuditEntry.objects.select_related("actor")[:10])
    return panels


def _challenges(region: Any) -> list[Challenge]:
    """The region's challenges by rank, kept per region version (region_memo): no query after the first."""

    def build() -> list[Challenge]:
        return list(Challenge.objects.filter(region=region).select_related("region").order_by("rank"))

    return region_memo(region=region, name="home-challenges", build=build)


def _organisations_with_counts(region_ids: list[int]) -> tuple[list[Organisation], dict[str, int]]:
    """(the organisations of the regions by kind and name, each with ``n_clients`` (not merged) and ``n_members``
    (active memberships); active memberships per role over them) in one query: one row per organisation, each
    count a subquery on that organisation (an index lookup; no join of clients x members, see bench/README.md)."""

    def count(queryset: Any) -> Subquery:
        return Subquery(
            queryset.order_by().values("organisation_id").annotate(n=Count("id")).values("n"),
            output_field=IntegerField(),
        )

    roles = {f"n_role_{i}": role for i, role in enumerate(Role.values)}
    organisations = list(
        Organisation.objects.filter(region_id__in=region_ids)
        .annotate(
            # all clients minus the merged ones: "merged_into IS NULL" in one subquery lets SQLite pick the index
            # of merged_into (nearly every row) over the organisation's; each of these two uses a selective one
            n_all=count(Client.objects.filter(organisation_id=OuterRef("pk"))),
            n_merged=count(Client.objects.filter(organisation_id=OuterRef("pk"), merged_into__isnull=False)),
            **{
                name: count(Membership.objects.filter(organisation_id=OuterRef("pk"), is_active=True, role=role))
                for name, role in roles.items()
            },
        )
        .order_by("kind", "name")
    )
    role_counts: dict[str, int] = {}
    for organisation in organisations:
        organisation.n_clients = (organisation.n_all or 0) - (organisation.n_merged or 0)  # type: ignore[attr-defined]
        organisation.n_members = 0  # type: ignore[attr-defined]
        for name, role in roles.items():
            members = getattr(organisation, name) or 0
            organisation.n_members += members  # type: ignore[attr-defined]
            if members:
                role_counts[role] = role_counts.get(role, 0) + members
    return organisations, role_counts


# the client file's open pathway, compiled once (apps/core/prepared.py)
_open_pathway = Prepared(lambda client_id: Pathway.objects.filter(client_id=client_id).exclude(status="closed")[:1])


def _timeline(objects: dict[str, list[str]], cursor: str | None, *, salt: str) -> QuerySet[AuditEntry]:
    """The client file's history: the entries of ``objects`` (object type -> ids as text) but the records of reads,
    from the cursor's boundary on when there is one (junk: ``Http404``), unsorted (``keyset_page`` sorts).

    Each kind of object is read from the partial index audit_object_timeline_idx, as one IN over a UNION ALL (at
    most 3 parts; the records of reads, the bulk of the log, are not in that index). With one OR over the objects,
    or an OR of one IN per kind, PostgreSQL walked the whole log backwards by created_at looking for the newest
    matches (0.5-0.9 s at 3 million entries, bench/audit_timeline.py)."""
    entries = AuditEntry.objects.all()
    direction, bound = FORWARD, None
    if cursor:
        direction, bound = decode_cursor(cursor, queryset=entries, names=TIMELINE_KEY, salt=salt)
    kinds = []
    for object_type, pks in objects.items():
        if pks:
            # the constant in the SQL itself: the partial index's predicate, visible to a prepared statement
            kind = entries.filter(object_type=object_type, object_id__in=pks).exclude(
                action=SqlConstant("clients.client.viewed")
            )
            if bound is not None:  # older entries going forward, newer going back
                after = TupleLessThan if direction == FORWARD else TupleGreaterThan
                kind = kind.filter(after(Tuple(F("created_at"), F("id")), tuple(bound)))
            kinds.append(kind.order_by().values("pk"))
    return entries.filter(pk__in=kinds[0].union(*kinds[1:], all=True)).select_related("actor")


# the timeline's first page (the one nearly every opening shows), compiled once per number of screenings and
# consents (apps/core/prepared.py): building it with the ORM cost more CPU than the rest of the file's queries
_first_timeline = Prepared(
    lambda clients, screenings, consents: _timeline(
        {"clients.client": clients, "assessment.screening": screenings, "consent.consent": consents},
        None,
        salt="",
    ).order_by("-created_at", "-id")[: TIMELINE_LENGTH + 1]
)


def client_file(*, access: ClientAccess, user: Any, timeline_cursor: str | None = None) -> dict[str, Any]:
    """Everything the client file shows, in a fixed number of queries (6 at most: screenings, their scores and
    obstacles, consents and their organisations, the timeline, the open pathway; region data kept in the
    process, ``region_memo``). The timeline (for the owning organisation) is one keyset page of
    ``TIMELINE_LENGTH`` entries, newest first, from ``timeline_cursor`` (junk: ``Http404``)."""
    client = access.client
    region_data = region_classification_data(region=client.organisation.region)
    screenings, draft = screenings_of_client(
        client=client,
        region_data=region_data,
        completed=access.sees(DataCategory.LIFE_DOMAINS),
        drafts=access.can_edit,
    )
    baseline = screenings[0] if screenings else None
    latest = screenings[-1] if screenings else None
    hidden_categories = set(DataCategory.values) - set(access.categories)
    visible_domains = [d for d in region_data["life_domains"] if d.data_category not in hidden_categories]
    visible_domain_ids = {d.pk for d in visible_domains}

    def levels(screening: Screening | None) -> dict[int, int | None]:
        if screening is None:
            return {}
        return {s.life_domain_id: s.level for s in screening.scores.all() if s.life_domain_id in visible_domain_ids}

    classification = None
    if latest is not None and access.sees_classification:
        classification = classification_for(client=client, screening=latest, region_data=region_data)

    # the registering organisation sees every consent; others only those given to their own organisations
    consents = consents_shown_in_one_query(
        client=client, owner=access.owner, organisation_ids=access.organisation_ids, active_only=False
    )
    ids = {
        "clients.client": [client.pk],
        "assessment.screening": [s.pk for s in screenings],
        "consent.consent": [c.pk for c in consents],
    }
    # The file's history in keyset pages of TIMELINE_LENGTH, newest first (``timeline_cursor``, junk: 404): the
    # entries past the cursor of each kind of object, each read from the partial index audit_object_timeline_idx,
    # as one IN over a UNION ALL (at most 3 parts; the records of reads, the bulk of the log, are not in that
    # index). With one OR over the objects, or an OR of one IN per kind, PostgreSQL walked the whole log backwards
    # by created_at looking for the newest matches (0.5-0.9 s at 3 million entries, bench/audit_timeline.py).
    timeline: KeysetPage | None = None
    if access.owner:  # the history of the file is the registering organisation's
        objects = {kind: [str(pk) for pk in pks] for kind, pks in ids.items()}
        salt = f"timeline-{client.pk}"
        timeline = keyset_page(
            # the first page comes from the prepared query: no queryset to build for it
            _timeline(objects, timeline_cursor, salt=salt) if timeline_cursor else AuditEntry.objects.all(),
            ordering=("-created_at", "-id"),
            cursor=timeline_cursor,
            size=TIMELINE_LENGTH,
            salt=salt,
            first_rows=lambda: _first_timeline(
                clients=objects["clients.client"],
                screenings=objects["assessment.screening"],
                consents=objects["consent.consent"],
            ),
        )
    baseline_levels, latest_levels = levels(baseline), levels(latest)
    national_number = (
        "" if access.peer else identifiers.display(client.national_number_encrypted, full=access.sees_identifier)
    )
    latest_obstacles = [
        o
        for o in (latest.obstacles.all() if latest else [])
        if _domain_category(o, region_data) not in hidden_categories
    ]
    return {
        "access": access,
        "client": client,
        "national_number": national_number,
        "consents": consents,
        "active_consents": [c for c in consents if c.is_active],
        "ended_consents": [c for c in consents if not c.is_active] if access.owner else [],
        "screenings": screenings,
        "baseline": baseline,
        "latest": latest,
        "draft": draft,
        "latest_obstacles": latest_obstacles,
        "sees_entry_data": latest is not None and access.sees(DataCategory.WORK_EDUCATION),
        "radar": {
            "labels": [d.label for d in visible_domains],
            "baseline": [baseline_levels.get(d.pk) for d in visible_domains],
            "latest": [latest_levels.get(d.pk) for d in visible_domains],
        },
        "domain_rows": [(d, baseline_levels.get(d.pk), latest_levels.get(d.pk)) for d in visible_domains],
        "classification": classification,
        "classification_hidden": latest is not None and classification is None,
        "timeline": timeline,
        "is_coordinator": any(m.role == Role.COORDINATOR for m in memberships_of(user)),
        "open_pathway": next(iter(_open_pathway(client_id=client.pk)), None) if access.can_edit else None,
    }


def _domain_category(obstacle: Any, region_data: dict[str, Any]) -> str:
    domain = next((d for d in region_data["life_domains"] if d.pk == obstacle.life_domain_id), None)
    return domain.data_category if domain else "life_domains"


def pathway_file(
    *, access: PathwayAccess, contacts_cursor: str | None = None, history_cursor: str | None = None
) -> dict[str, Any]:
    """The pathway page: what the pathway holds (``pathway_page``, its contact log and plan history in keyset
    pages from the cursors; junk: ``Http404``) plus its referrals and the group sessions the client attended
    (``referrals_and_sessions``: one query)."""
    referrals, sessions = referrals_and_sessions(access.pathway)
    return {
        **pathway_page(access=access, contacts_cursor=contacts_cursor, history_cursor=history_cursor),
        "referrals": referrals,
        "sessions": sessions,
    }


# the pathway page's referrals and sessions in one row, compiled once (apps/core/prepared.py)
_referrals_and_sessions_of = Prepared(
    lambda pathway_id: (
        Pathway.objects.filter(pk=pathway_id)
        .annotate(
            referral_rows=Subquery(
                Referral.objects.filter(pathway_id=OuterRef("pk"))
                .order_by()
                .values("pathway_id")
                .annotate(
                    rows=JSONRows(
                        id="id",
                        status="status",
                        created_at="created_at",
                        offer_id="offer_id",
                        title="offer__title",
                        organisation_id="offer__organisation_id",
                        organisation="offer__organisation__name",
                    )
                )
                .values("rows")
            ),
            session_rows=Subquery(
                GroupSession.objects.filter(attendees=OuterRef("pk"))
                .order_by()
                .values("attendees")
                .annotate(rows=JSONRows(id="id", held_on="held_on", activity_id="activity_id", title="activity__title"))
                .values("rows")
            ),
        )
        .values_list("referral_rows", "session_rows")
    )
)


def referrals_and_sessions(pathway: Pathway) -> tuple[list[Referral], list[GroupSession]]:
    """(the pathway's referrals, newest first; the group sessions it attended, newest first) in one query: both
    lists as :class:`~apps.core.aggregates.JSONRows` subqueries of the pathway's row. The instances hold what the
    pathway page shows and nothing more: a referral its id, status, creation time and offer (id, title, and the
    offer's organisation's id and name); a session its id, date and activity (id, title). Not for writing."""
    referral_rows, session_rows = _referrals_and_sessions_of(pathway_id=pathway.pk)[0]
    referrals = [
        Referral(
            id=r["id"],
            pathway=pathway,
            status=r["status"],
            created_at=parse_datetime(r["created_at"]) or r["created_at"],
            offer=Offer(
                id=r["offer_id"],
                title=r["title"],
                organisation=Organisation(id=r["organisation_id"], name=r["organisation"]),
            ),
        )
        for r in rows_of(referral_rows)
    ]
    referrals.sort(key=lambda r: (r.created_at, r.pk), reverse=True)  # Referral's ordering
    sessions = [
        GroupSession(
            id=s["id"],
            held_on=dt.date.fromisoformat(s["held_on"]),
            activity=GroupActivity(id=s["activity_id"], title=s["title"]),
        )
        for s in rows_of(session_rows)
    ]
    sessions.sort(key=lambda s: (s.held_on, s.pk), reverse=True)
    return referrals, sessions
