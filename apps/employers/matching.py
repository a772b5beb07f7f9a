"""Matching clients and opportunities both ways: eligibility, a transparent score, reasons in Dutch.

Pure functions over plain profiles (built by selectors.py), like apps/matching/recommend.py.

Eligibility (all must hold):
- rung: the opportunity's rung lies between the client's current and attainable rung of the participation
  ladder (inclusive), and is 3 or higher (opportunities start at work-like activities);
- Dutch: the client's level reaches the level needed, or is one level below and the employer accepts
  language support on the job;
- driving licence: needed only if the client has one;
- travel: public transport (apps/matching/travel.py) within the client's longest acceptable journey;
- hours: at most the client's wished hours per week.

Score (higher is better):

    30 · rung         1 when the rung equals the attainable rung, 0.6 otherwise (a step on the way)
  + 20 · support      share of the client's work-relevant obstacle domains the employer supports
                      (language → language support; health, mental health, addiction, self-image →
                      job coach or adapted tasks; work/education and social network → job coach)
  + 20 · wish         the occupation falls under one the client wishes (any ISCO-08 level)
  + 10 · shifts       all shifts are acceptable to the client (or the client named none)
  − 20 · travel       minutes / longest acceptable journey
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.employers import isco
from apps.matching.travel import Place, TravelModel

DUTCH_RANK = {"A0": 0, "A1": 1, "A2": 2, "B1": 3, "B2": 4, "C1": 5, "C2": 6}
# life-domain code -> the kinds of support on the job that answer it
DOMAIN_SUPPORT: dict[str, frozenset[str]] = {
    "language": frozenset({"language"}),
    "mental-health": frozenset({"job_coach", "adapted_tasks"}),
    "physical-health": frozenset({"adapted_tasks"}),
    "addiction": frozenset({"job_coach"}),
    "self-image": frozenset({"job_coach"}),
    "work-education": frozenset({"job_coach"}),
    "social-network": frozenset({"job_coach"}),
}
DOMAIN_LABELS = {
    "language": gettext_lazy("language"),
    "mental-health": gettext_lazy("mental health"),
    "physical-health": gettext_lazy("physical health"),
    "addiction": gettext_lazy("addiction"),
    "self-image": gettext_lazy("self-image"),
    "work-education": gettext_lazy("work and education"),
    "social-network": gettext_lazy("social network"),
}


@dataclass(frozen=True)
class OpportunityProfile:
    id: int
    title: str
    employer_name: str
    kind: str
    rung: int
    isco_code: str
    municipality: str  # municipality code
    latitude: float
    longitude: float
    dutch_rank: int
    driving_licence: bool
    supports: frozenset[str]
    hours: int
    shifts: frozenset[str]


@dataclass(frozen=True)
class CandidateProfile:
    client_id: int
    current_rung: int
    attainable_rung: int
    place: Place
    dutch_rank: int
    driving_licence: bool
    domains: frozenset[str]  # life-domain codes with an obstacle
    wished_codes: tuple[str, ...] = ()
    max_travel_minutes: int = 60
    max_hours: int = 38
    shifts: frozenset[str] = field(default_factory=frozenset)
    rungs: frozenset[int] = field(init=False)
    relevant_domains: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        low, high = sorted((self.current_rung, self.attainable_rung))
        object.__setattr__(self, "rungs", frozenset(range(max(low, 3), high + 1)))
        object.__setattr__(self, "relevant_domains", tuple(d for d in sorted(self.domains) if d in DOMAIN_SUPPORT))


@dataclass(frozen=True)
class Match:
    opportunity: OpportunityProfile
    candidate: CandidateProfile
    score: float
    travel_minutes: float
    reasons: list[str]


def _minutes(c: CandidateProfile, o: OpportunityProfile, travel: TravelModel) -> float:
    return travel.minutes(c.place, o.municipality, o.latitude, o.longitude)


def eligible_without_travel(c: CandidateProfile, o: OpportunityProfile) -> bool:
    """Rung, Dutch, driving licence and hours (the cheap conditions; also the bench's baseline)."""
    if o.rung not in c.rungs:
        return False
    if c.dutch_rank < o.dutch_rank and (c.dutch_rank < o.dutch_rank - 1 or "language" not in o.supports):
        return False
    return (c.driving_licence or not o.driving_licence) and o.hours <= c.max_hours


def eligible(c: CandidateProfile, o: OpportunityProfile, travel: TravelModel) -> bool:
    """The hard conditions of the module docstring (travel last: it is the slowest)."""
    return eligible_without_travel(c, o) and _minutes(c, o, travel) <= c.max_travel_minutes


class _MinutesCache:
    """Opportunities sit at their municipality's centre: one travel estimate per (client place, municipality)."""

    def __init__(self, travel: TravelModel):
        self.travel = travel
        self.known: dict[tuple[str, str], float] = {}

    def __call__(self, c: CandidateProfile, o: OpportunityProfile) -> float:
        key = (c.place.code, o.municipality)
        found = self.known.get(key)
        if found is None:
            found = self.known[key] = _minutes(c, o, self.travel)
        return found


def score(
    c: CandidateProfile, o: OpportunityProfile, travel: TravelModel, explain: bool = True, minutes: float | None = None
) -> Match:
    """Score one eligible pair; with ``explain`` the reasons (Dutch by default) are written too."""
    minutes = _minutes(c, o, travel) if minutes is None else minutes
    rung = 1.0 if o.rung == c.attainable_rung else 0.6
    relevant = c.relevant_domains
    supported = [d for d in relevant if not DOMAIN_SUPPORT[d].isdisjoint(o.supports)]
    support = len(supported) / len(relevant) if relevant else 1.0
    wish = any(o.isco_code.startswith(w) for w in c.wished_codes)
    shifts_ok = not c.shifts or o.shifts <= c.shifts
    total = 30 * rung + 20 * support + 20 * wish + 10 * shifts_ok - 20 * minutes / max(c.max_travel_minutes, 1)
    if not explain:
        return Match(o, c, round(total, 2), round(minutes, 1), [])
    reasons = [
        _("Rung %(rung)s of the participation ladder: %(why)s.")
        % {
            "rung": o.rung,
            "why": _("the rung the client can reach") if rung == 1.0 else _("a step towards the rung within reach"),
        },
        _("About %(min)s minutes by public transport (at most %(max)s wished).")
        % {"min": round(minutes), "max": c.max_travel_minutes},
    ]
    if c.dutch_rank >= o.dutch_rank:
        reasons.append(_("Dutch: the client's level is enough for this job."))
    else:
        reasons.append(_("Dutch: one level below what is needed; the employer offers language support on the job."))
    if supported:
        labels = ", ".join(str(DOMAIN_LABELS[d]) for d in supported)
        reasons.append(_("The employer supports what the client needs: %(list)s.") % {"list": labels})
    missing = [d for d in relevant if d not in supported]
    if missing:
        labels = ", ".join(str(DOMAIN_LABELS[d]) for d in missing)
        reasons.append(_("No support offered for: %(list)s.") % {"list": labels})
    if wish:
        reasons.append(_("Matches the client's wish: %(job)s.") % {"job": isco.label(o.isco_code)})
    if not shifts_ok:
        reasons.append(_("Some shifts are not among those the client accepts."))
    return Match(o, c, round(total, 2), round(minutes, 1), reasons)


def opportunities_for(
    c: CandidateProfile, opportunities: list[OpportunityProfile], travel: TravelModel, limit: int = 20
) -> list[Match]:
    """The best-fitting opportunities for one client, best first; reasons only for the ``limit`` shown."""
    minutes = _MinutesCache(travel)
    ranked = sorted(
        (
            score(c, o, travel, explain=False, minutes=t)
            for o in opportunities
            if eligible_without_travel(c, o) and (t := minutes(c, o)) <= c.max_travel_minutes
        ),
        key=lambda m: (-m.score, m.travel_minutes, m.opportunity.id),
    )[:limit]
    return [score(c, m.opportunity, travel) for m in ranked]


def candidates_for(
    o: OpportunityProfile, candidates: list[CandidateProfile], travel: TravelModel, limit: int = 20
) -> list[Match]:
    """The best-fitting clients for one opportunity, best first."""
    minutes = _MinutesCache(travel)
    ranked = sorted(
        (
            score(c, o, travel, explain=False, minutes=t)
            for c in candidates
            if eligible_without_travel(c, o) and (t := minutes(c, o)) <= c.max_travel_minutes
        ),
        key=lambda m: (-m.score, m.travel_minutes, m.candidate.client_id),
    )[:limit]
    return [score(m.candidate, o, travel) for m in ranked]
