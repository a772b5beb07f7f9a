"""Progress outcomes beyond ESF+: ladder rungs and life domains between intake and the latest screening.

For the participations of a region (with the report's breakdowns), a participant counts in a period when
their latest completed screening lies in the period and differs from their first completed screening
(the intake, apps.assessment). Counted per group (all, each challenge, each target group of the record):
- ``screened``: participants with such an intake and later screening;
- ``ladder_up``: the participation-ladder rung rose by at least one;
- per life domain: the level rose by at least one.
Four queries, whatever the number of participants.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from apps.assessment.models import DomainScore, Screening
from apps.esf.indicators import Filters, suppress
from apps.esf.models import Participation
from apps.regions.models import LifeDomain


@dataclass
class Group:
    label: str
    screened: int = 0
    ladder_up: int = 0
    domains: dict[int, int] = field(default_factory=dict)


def progress(*, region: Any, start: dt.date, end: dt.date, filters: Filters, detailed: bool) -> dict[str, Any]:
    """{"domains": [LifeDomain], "groups": [{"label", "screened", "ladder_up", "domains": [shown per domain]}]}.

    Counts are exact for ``detailed`` users and suppressed (ESF_SUPPRESSION_THRESHOLD) for others.
    """
    parts = list(
        Participation.objects.filter(Q(region_id=region.pk) & filters.q()).select_related("challenge", "target_group")
    )
    by_client = {p.client_id: p for p in parts}
    first: dict[int, Any] = {}
    last: dict[int, Any] = {}
    for s in (
        Screening.objects.filter(client_id__in=list(by_client), status=Screening.Status.COMPLETED)
        .order_by("client_id", "screened_on", "id")
        .only("id", "client_id", "screened_on", "ladder_current")
    ):
        first.setdefault(s.client_id, s)
        last[s.client_id] = s
    pairs = {c: (first[c], last[c]) for c in last if last[c].pk != first[c].pk and start <= last[c].screened_on <= end}
    ids = [s.pk for pair in pairs.values() for s in pair]
    levels: dict[int, dict[int, int]] = defaultdict(dict)
    for score in DomainScore.objects.filter(screening_id__in=ids).only("screening_id", "life_domain_id", "level"):
        if score.level is not None:  # "not known / not discussed" is no measurement
            levels[score.screening_id][score.life_domain_id] = score.level
    domains = list(LifeDomain.objects.filter(region=region).order_by("position", "id"))
    groups: dict[str, Group] = {"": Group(label=_("All participants"))}
    for client_id, (a, b) in pairs.items():
        p = by_client[client_id]
        keys = [("", "")]
        if (challenge := p.challenge) is not None:
            keys.append((f"c:{challenge.rank:03d}", _("Challenge: %(name)s") % {"name": challenge.persona_name}))
        if (group := p.target_group) is not None:
            keys.append((f"t:{group.code}", _("Target group: %(name)s") % {"name": group.label}))
        for key, label in keys:
            g = groups.setdefault(key, Group(label=label))
            g.screened += 1
            if a.ladder_current and b.ladder_current and b.ladder_current > a.ladder_current:
                g.ladder_up += 1
            for d in domains:
                before, after = levels[a.pk].get(d.pk), levels[b.pk].get(d.pk)
                if before is not None and after is not None and after > before:
                    g.domains[d.pk] = g.domains.get(d.pk, 0) + 1

    def shown(n: int) -> str:
        return str(n) if detailed else suppress(n)

    return {
        "domains": domains,
        "groups": [
            {
                "key": key,
                "label": g.label,
                "screened": shown(g.screened),
                "ladder_up": shown(g.ladder_up),
                "domains": [shown(g.domains.get(d.pk, 0)) for d in domains],
            }
            for key, g in sorted(groups.items())
        ],
    }
