"""The coordinator's dashboard (issue 11, item 3): "waiting list size and waiting time per offer, open pathways
per challenge, target group and municipality, escalations, referrals by status, outcomes on leaving, coverage
gaps of the social map against the region's obstacles; charts (Chart.js is vendored) each with an accessible
table; every figure links to the list behind it (within access)".

Every figure is one aggregate query over all the regions the user coordinates, so the page takes the same
number of queries with 1,000 or 100,000 clients and with one or several regions ("Multi-region coordinators:
figures per region they coordinate"); the figures are counted at most every two minutes and kept in the shared
cache (``apps.core.counted``), the page says when they were counted. The lists behind the figures
(``dashboard_rows``) take the same filters and are always read live.

Where a figure comes from:
- challenge and target group of an open pathway: those recorded on the client's ESF+ participation (the entry
  data, apps/esf), the regional classification the worker confirmed; pathways without them count as
  "not recorded";
- municipality: the client's municipality;
- escalation: a referral still "sent" whose answer time ran out (``escalated_at``, apps/referrals);
- outcomes on leaving: the closure's outcome (apps/pathways ``Closure``);
- coverage gap: an obstacle of the region's catalogue that no active offer of the social map addresses.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import Role
from apps.accounts.permissions import memberships_of
from apps.core.counted import counted, counted_key
from apps.core.keyset import keyset_page
from apps.core.models import pick_language
from apps.esf.models import Participation
from apps.offers.models import Offer, WaitingListEntry
from apps.pathways.models import Outcome, Pathway
from apps.referrals.models import Referral
from apps.regions.models import Obstacle, Region
from apps.regions.selectors import region_memo

OPEN_PATHWAY = ~Q(status=Pathway.Status.CLOSED)
NOT_RECORDED = "none"

# The lists behind the figures: figure key -> the query parameter it takes (validated by the view).
LISTS = {
    "waiting": "offer",  # open waiting-list entries of one offer
    "challenge": "challenge",  # open pathways whose ESF+ record names this challenge ("none": not recorded)
    "target_group": "target_group",
    "municipality": "municipality",  # open pathways of clients living in this municipality
    "escalated": "",  # escalated referrals
    "referrals": "status",  # referrals with this status
    "outcome": "outcome",  # closed pathways with this outcome
}


def coordinated_regions(user: Any) -> list[Region]:
    """The regions where the user is coordinator, by name (no query beyond the cached memberships)."""
    regions = {
        m.organisation.region_id: m.organisation.region for m in memberships_of(user) if m.role == Role.COORDINATOR
    }
    return sorted(regions.values(), key=lambda r: r.name)


@dataclass
class Figure:
    """One chart with its table: rows of (label, count, query string of the list behind it, extra cells)."""

    key: str
    title: str
    head: str
    unit: str
    rows: list[tuple[str, int, str, list[str]]] = field(default_factory=list)
    extra_heads: list[str] = field(default_factory=list)


@dataclass
class RegionDashboard:
    region: Region
    figures: list[Figure]
    gaps: list[Obstacle]


def _by_region(rows: Any) -> dict[int, list[Any]]:
    grouped: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        grouped[row[0]].append(tuple(row[1:]))
    return dict(grouped)


def _obstacles(region: Region) -> list[Obstacle]:
    """The region's obstacles with their life domain, kept per region version (``region_memo``): no query."""

    def build() -> list[Obstacle]:
        return list(
            Obstacle.objects.filter(region=region).select_related("life_domain").order_by("life_domain__code", "code")
        )

    return region_memo(region=region, name="dashboard-obstacles", build=build)


def _counts(ids: list[int]) -> dict[str, Any]:
    """The figures of regions ``ids`` as plain data (no labels: those are picked in the request's language when
    the page is built): nine aggregate queries over every client, pathway, referral and offer of the regions."""
    open_pathways = Pathway.objects.filter(OPEN_PATHWAY, client__organisation__region_id__in=ids)
    # by client: a re-entry reuses the participation of an earlier pathway, and a client has one open pathway
    participations = Participation.objects.filter(client__in=open_pathways.values("client_id"), region_id__in=ids)
    referrals = Referral.objects.filter(offer__organisation__region_id__in=ids)
    return {
        "waiting": _by_region(
            WaitingListEntry.objects.filter(is_open=True, offer__isnull=False, offer__organisation__region_id__in=ids)
            .values_list(
                "offer__organisation__region_id", "offer_id", "offer__title", "offer__organisation__name", "since"
            )
            .order_by("offer__title", "offer_id")
        ),
        # challenge x target group in one grouping, folded per challenge and per target group in Python
        "participations": _by_region(
            participations.values_list(
                "region_id",
                "challenge_id",
                "challenge__rank",
                "challenge__title_nl",
                "challenge__title_en",
                "target_group_id",
                "target_group__label_nl",
                "target_group__label_en",
            )
            .annotate(n=Count("pk"))
            .order_by()
        ),  # fmt: skip
        # every pathway of the regions once, by municipality, open or closed, and outcome: the open ones per
        # municipality (their sum is the region's open total, clients without a municipality too) and the closures
        # per outcome both come from these rows
        "pathways": _by_region(
            Pathway.objects.filter(client__organisation__region_id__in=ids)
            .values_list(
                "client__organisation__region_id",
                "client__municipality_id",
                "client__municipality__name",
                "status",
                "closure__outcome",
            )
            .annotate(n=Count("pk"))
            .order_by("client__municipality__name")
        ),  # fmt: skip
        "status": _by_region(
            referrals.values_list("offer__organisation__region_id", "status")
            .annotate(n=Count("pk"), escalated=Count("pk", filter=Q(escalated_at__isnull=False)))
            .order_by()
        ),
        "covered": set(
            Offer.objects.filter(is_active=True, obstacles__region_id__in=ids)
            .values_list("obstacles", flat=True)
            .distinct()
        ),
    }


def dashboard(
    *, regions: list[Region], today: dt.date | None = None, now: dt.datetime | None = None
) -> tuple[list[RegionDashboard], dt.datetime]:
    """(the figures per region, when they were counted). Counted at most every two minutes per regions and day
    and shared by every process (``apps.core.counted``): nine aggregate queries when counted, one cache read
    when kept, however many regions, clients, pathways, referrals and offers; the obstacles come from the region
    data kept per region version.

    Waiting time per offer: median days between ``since`` and ``today`` of the open entries, and the longest.
    ``now`` (aware, default now) and ``today`` (default: the local day of ``now``) are for tests.
    """
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    ids = [r.pk for r in regions]
    data, counted_at = counted(counted_key("dashboard", region_ids=ids, day=today), lambda: _counts(ids), now=now)
    result = []
    for region in regions:
        result.append(
            RegionDashboard(
                region=region,
                figures=_figures(
                    today=today,
                    waiting=data["waiting"].get(region.pk, []),
                    participations=data["participations"].get(region.pk, []),
                    pathways=data["pathways"].get(region.pk, []),
                    status=data["status"].get(region.pk, []),
                ),
                gaps=[o for o in _obstacles(region) if o.pk not in data["covered"]],
            )
        )
    return result, counted_at


def _pick(nl: str | None, en: str | None) -> str:
    return pick_language(nl or "", en or "")


def _figures(
    *,
    today: dt.date,
    waiting: list[Any],
    participations: list[Any],
    pathways: list[Any],
    status: list[Any],
) -> list[Figure]:
    """The figures of one region from ``_counts``'s rows, labels in the request's language."""
    challenge_n: dict[Any, list[Any]] = {}
    target_n: dict[Any, list[Any]] = {}
    for challenge_id, rank, title_nl, title_en, group_id, label_nl, label_en, n in participations:
        challenge_n.setdefault(challenge_id, [rank, title_nl, title_en, 0])[3] += n
        target_n.setdefault(group_id, [label_nl, label_en, 0])[2] += n
    challenge = sorted(
        ((pk, *rest) for pk, rest in challenge_n.items() if pk is not None), key=lambda row: (row[1], row[0])
    )
    target = sorted(((pk, *rest) for pk, rest in target_n.items() if pk is not None), key=lambda row: (row[1], row[0]))
    per_municipality: dict[Any, list[Any]] = {}  # in the rows' order: by municipality name
    done: dict[str, int] = {}
    for municipality_id, name, pathway_status, outcome, n in pathways:
        if pathway_status != Pathway.Status.CLOSED:
            per_municipality.setdefault(municipality_id, [name, 0])[1] += n
        if outcome:
            done[outcome] = done.get(outcome, 0) + n
    municipality = [(pk, name, n) for pk, (name, n) in per_municipality.items()]
    open_total = sum(n for _pk, _name, n in municipality)
    escalated = sum(row[2] for row in status if row[0] == Referral.Status.SENT)
    per_offer: dict[int, dict[str, Any]] = {}
    for offer_id, title, organisation, since in waiting:
        entry = per_offer.setdefault(offer_id, {"title": f"{title} ({organisation})", "days": []})
        entry["days"].append((today - since).days)
    waiting_fig = Figure(
        "waiting", _("Waiting list per offer"), _("Offer"), _("Waiting"),
        extra_heads=[_("Median wait (days)"), _("Longest wait (days)")],
    )  # fmt: skip
    for offer_id, entry in sorted(per_offer.items(), key=lambda kv: (-len(kv[1]["days"]), kv[1]["title"])):
        days = entry["days"]
        waiting_fig.rows.append(
            (entry["title"], len(days), f"offer={offer_id}", [f"{statistics.median(days):g}", str(max(days))])
        )
    challenge_fig = Figure("challenge", _("Open pathways per challenge"), _("Challenge"), _("Pathways"))
    recorded = 0
    for challenge_id, rank, title_nl, title_en, n in challenge:
        if challenge_id is None:
            continue
        recorded += n
        challenge_fig.rows.append((f"{rank}. {_pick(title_nl, title_en)}", n, f"challenge={challenge_id}", []))
    if open_total - recorded:
        challenge_fig.rows.append((_("Not recorded"), open_total - recorded, f"challenge={NOT_RECORDED}", []))
    target_fig = Figure("target_group", _("Open pathways per target group"), _("Target group"), _("Pathways"))
    recorded = 0
    for group_id, label_nl, label_en, n in target:
        if group_id is None:
            continue
        recorded += n
        target_fig.rows.append((_pick(label_nl, label_en), n, f"target_group={group_id}", []))
    if open_total - recorded:
        target_fig.rows.append((_("Not recorded"), open_total - recorded, f"target_group={NOT_RECORDED}", []))
    municipality_fig = Figure(
        "municipality", _("Open pathways per municipality"), _("Municipality"), _("Pathways"),
        rows=[(name, n, f"municipality={pk}", []) for pk, name, n in municipality],
    )  # fmt: skip
    counts = {value: n for value, n, _escalated in status}
    referral_fig = Figure(
        "referrals", _("Referrals by status"), _("Status"), _("Referrals"),
        rows=[(str(label), counts.get(value, 0), f"status={value}", []) for value, label in Referral.Status.choices],
    )  # fmt: skip
    escalation_fig = Figure(
        "escalated", _("Escalations"), _("Referrals"), _("Referrals"),
        rows=[(_("Escalated referrals (no answer in time)"), escalated, "escalated=1", [])],
    )  # fmt: skip
    outcome_fig = Figure(
        "outcome", _("Outcomes on leaving"), _("Outcome"), _("Pathways"),
        rows=[(str(label), done[value], f"outcome={value}", []) for value, label in Outcome.choices if done.get(value)],
    )  # fmt: skip
    return [waiting_fig, challenge_fig, target_fig, municipality_fig, escalation_fig, referral_fig, outcome_fig]


LIST_PAGE_SIZE = 50  # rows per keyset page of a list behind a figure


def dashboard_rows(
    *, region: Region, figure: str, value: str, today: dt.date | None = None, cursor: str | None = None
) -> dict[str, Any]:
    """One keyset page of the list behind one figure of ``region``: ``{"kind": "pathways"|"referrals"|"waiting",
    "rows": [...], "page": KeysetPage}`` (``LIST_PAGE_SIZE`` rows; ``cursor`` from the page before, junk or
    another list's: ``Http404``).

    ``figure`` is a key of ``LISTS`` and ``value`` its parameter, already validated by the caller (an id as an
    int in a str, a status or outcome code, or "none" for "not recorded"). Rows carry the client; the caller
    records the list read. The oldest first for waiting and referrals, by client name for pathways (the cursor
    then holds the pathway's id only). One query per page (two with the region's list of pathways).
    """
    today = today or timezone.localdate()
    salt = f"dashboard-{region.pk}-{figure}-{value}"
    if figure == "waiting":
        page = keyset_page(
            WaitingListEntry.objects.filter(is_open=True, offer_id=int(value), offer__organisation__region_id=region.pk)
            .select_related("client", "client__organisation", "offer"),
            ordering=("since", "pk"),
            cursor=cursor,
            size=LIST_PAGE_SIZE,
            salt=salt,
        )  # fmt: skip
        return {"kind": "waiting", "rows": [(e, (today - e.since).days) for e in page], "page": page}
    if figure in {"escalated", "referrals"}:
        qs: QuerySet[Any] = Referral.objects.filter(offer__organisation__region_id=region.pk)
        if figure == "escalated":
            qs = qs.filter(escalated_at__isnull=False, status=Referral.Status.SENT)
        else:
            qs = qs.filter(status=value)
        page = keyset_page(
            qs.select_related("pathway__client", "offer", "offer__organisation"),
            ordering=("created_at", "pk"),
            cursor=cursor,
            size=LIST_PAGE_SIZE,
            salt=salt,
        )
        return {"kind": "referrals", "rows": page.object_list, "page": page}
    if figure == "outcome":
        pathways = Pathway.objects.filter(client__organisation__region_id=region.pk, closure__outcome=value)
    else:
        pathways = Pathway.objects.filter(OPEN_PATHWAY, client__organisation__region_id=region.pk)
        if figure in {"challenge", "target_group"}:
            recorded = Participation.objects.filter(region_id=region.pk, **{f"{figure}__isnull": False})
            if value == NOT_RECORDED:
                pathways = pathways.exclude(client_id__in=recorded.values("client_id"))
            else:
                pathways = pathways.filter(
                    client_id__in=recorded.filter(**{f"{figure}_id": int(value)}).values("client_id")
                )
        elif figure == "municipality":
            pathways = pathways.filter(client__municipality_id=int(value))
    page = keyset_page(
        pathways.select_related("client", "client__municipality", "organisation", "closure"),
        ordering=("client__last_name", "client__first_name", "pk"),
        cursor=cursor,
        size=LIST_PAGE_SIZE,
        salt=salt,
        by_pk=True,
    )
    return {"kind": "pathways", "rows": page.object_list, "page": page}


def client_ids_of(listing: dict[str, Any]) -> list[int]:
    """The clients a list from :func:`dashboard_rows` shows (for the record of reads)."""
    if listing["kind"] == "waiting":
        return [e.client_id for e, _days in listing["rows"]]
    if listing["kind"] == "referrals":
        return [r.pathway.client_id for r in listing["rows"]]
    return [p.client_id for p in listing["rows"]]


__all__ = ["LISTS", "NOT_RECORDED", "client_ids_of", "coordinated_regions", "dashboard", "dashboard_rows"]
