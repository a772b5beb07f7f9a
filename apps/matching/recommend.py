"""Recommendation of offers for one client: needs first, then a transparent score, reasons in Dutch.

Pure functions over plain profiles (built by apps/matching/selectors.py), so one client against
2,000 offers takes milliseconds (docs/decisions/0006-matching.md).

Needs: every recorded obstacle, and every life domain at level 1-2 where no obstacle was recorded,
weighted by the severity of its level (apps.regions.severity: acute 3.0, not self-reliant 2.0,
limited 1.0). An offer qualifies when it meets a need (addresses the obstacle, or an obstacle of
the low life domain), or when it is of a kind the region seeks for the client's nearest persona.

The top 5 (``select_top``): for the needs in order of weight, the best offer meeting that need with
at most ``per_kind`` offers of one intervention type; the best is the one whose kind comes
first among the region's answers to that obstacle and with the best practical fit (travel,
language, waiting, free places). Then the kinds the region seeks for the nearest persona that
are still missing (marked as such), then the score.

The score, for the rest of the list:

    score = 100 * need                       # share of the client's need weight the offer meets
          + 20 * language                    # 1 shared language, 0.5 interpreter or basic Dutch, 0 none
          - travel_weight * travel           # travel = min(minutes, 90) / 90; 0 for outreach and online;
                                             # travel_weight 30 with an obstacle in a life domain the
                                             # region marks as mobility, else 10
          - 10 * waiting                     # waiting = min(weeks, 12) / 12 when the offer is full
          + 10 * continuity                  # the organisation already works with the client
          + 25 * closeness * challenge       # the offer is of a kind the region seeks (support sought) for
                                             # the client's nearest regional challenge, weighted by how
                                             # close the client is to that persona (0..1)
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.matching.travel import Place, TravelModel

DUTCH_OK = {"B1", "B2", "C1", "C2"}
TRAVEL_CAP_MIN = 90.0
TOP = 5
PER_KIND = 2
RANK_PENALTY = 8.0  # per place a kind stands lower in the region's answers to the need (first = primary)


@dataclass(frozen=True)
class Need:
    """One need of the client: a recorded obstacle, or a life domain at level 1-2 without one.

    ``obstacle_ids``: the obstacles whose offers meet the need; ``kinds``: intervention type id ->
    its place among the region's answers to the obstacle (0 = the primary answer, region file order).
    """

    key: str
    label: str
    domain: str
    level: int | None
    weight: float
    obstacle_ids: frozenset[int]
    kinds: dict[int, int]
    from_domain: bool = False


@dataclass(frozen=True)
class OfferProfile:
    id: int
    title: str
    organisation_id: int
    organisation_name: str
    obstacle_ids: frozenset[int]
    intervention_type_ids: frozenset[int]
    municipality_ids: frozenset[int]
    delivery_mode: str
    location_municipality: str
    latitude: float | None
    longitude: float | None
    languages: frozenset[str]
    interpreter: bool
    min_age: int | None
    max_age: int | None
    target_group_ids: frozenset[int]
    gender: str
    free_places: int
    waiting_weeks: int


@dataclass(frozen=True)
class ClientProfile:
    age: int
    gender: str
    municipality_id: int
    place: Place
    obstacle_weights: dict[int, float]  # obstacle id -> severity weight
    obstacle_labels: dict[int, str]
    mobility_limited: bool
    languages: frozenset[str]
    dutch_level: str
    target_group_ids: frozenset[int]
    organisation_ids: frozenset[int] = field(default_factory=frozenset)  # working with the client (see selectors)
    challenge_persona: str = ""
    challenge_intervention_ids: frozenset[int] = field(default_factory=frozenset)
    challenge_closeness: float = 0.0
    needs: tuple[Need, ...] = ()
    need_obstacles: frozenset[int] = field(default_factory=frozenset)


@dataclass(frozen=True)
class Recommendation:
    offer: OfferProfile
    score: float
    covered: list[str]
    travel_minutes: float
    reasons: list[str]
    quality: float = 0.0
    need: str = ""  # the need this offer was chosen for in the top 5
    sought: bool = False  # chosen because the region seeks its kind for the nearest persona


def eligible(client: ClientProfile, offer: OfferProfile) -> bool:
    if offer.delivery_mode != "online" and client.municipality_id not in offer.municipality_ids:
        return False
    if offer.min_age is not None and client.age < offer.min_age:
        return False
    if offer.max_age is not None and client.age > offer.max_age:
        return False
    if offer.target_group_ids and not (offer.target_group_ids & client.target_group_ids):
        return False
    if offer.gender and offer.gender != client.gender:
        return False
    needs = client.need_obstacles or client.obstacle_weights.keys()
    return not offer.obstacle_ids.isdisjoint(needs) or not offer.intervention_type_ids.isdisjoint(
        client.challenge_intervention_ids
    )


def language_fit(client: ClientProfile, offer: OfferProfile) -> float:
    spoken = offer.languages or frozenset({"nl"})
    if client.languages & spoken and (client.dutch_level in DUTCH_OK or (client.languages & spoken) - {"nl"}):
        return 1.0
    if offer.interpreter or ("nl" in spoken and client.dutch_level == "A2"):
        return 0.5
    return 0.0


@dataclass(frozen=True)
class OfferIndex:
    """The offers of a region indexed by the needs they can meet: build once (``index_offers``), reuse.

    ``by_obstacle``: obstacle id -> ids of the offers addressing it; ``by_type``: intervention type
    id -> ids of the offers of that kind; ``by_municipality``: municipality id -> ids of the offers
    serving it, ``online``: ids of the online offers (they serve everywhere). A domain need is met
    through the obstacles of its domain (``Need.obstacle_ids``), so obstacle -> offers also serves
    domain -> offers. Sets of ids, so unions and intersections run in C.
    """

    by_id: dict[int, OfferProfile]
    by_obstacle: dict[int, frozenset[int]]
    by_type: dict[int, frozenset[int]]
    by_municipality: dict[int, frozenset[int]]
    online: frozenset[int]

    @property
    def offers(self) -> list[OfferProfile]:
        return list(self.by_id.values())

    def meeting(self, obstacle_ids: frozenset[int] | set[int]) -> set[int]:
        """Ids of the offers addressing any of ``obstacle_ids``."""
        return set().union(*(self.by_obstacle.get(o, ()) for o in obstacle_ids))

    def of_kinds(self, type_ids: frozenset[int] | set[int]) -> set[int]:
        """Ids of the offers of any of the intervention types ``type_ids``."""
        return set().union(*(self.by_type.get(t, ()) for t in type_ids))

    def serving(self, municipality_id: int) -> frozenset[int]:
        """Ids of the offers a client living in ``municipality_id`` can take part in (by place only)."""
        return self.by_municipality.get(municipality_id, frozenset()) | self.online


def index_offers(offers: list[OfferProfile] | tuple[OfferProfile, ...]) -> OfferIndex:
    """Index ``offers`` by obstacle, intervention type and municipality (linear in the number of links)."""
    by_obstacle: dict[int, set[int]] = {}
    by_type: dict[int, set[int]] = {}
    by_municipality: dict[int, set[int]] = {}
    for offer in offers:
        for o in offer.obstacle_ids:
            by_obstacle.setdefault(o, set()).add(offer.id)
        for t in offer.intervention_type_ids:
            by_type.setdefault(t, set()).add(offer.id)
        for m in offer.municipality_ids:
            by_municipality.setdefault(m, set()).add(offer.id)
    return OfferIndex(
        by_id={o.id: o for o in offers},
        by_obstacle={k: frozenset(v) for k, v in by_obstacle.items()},
        by_type={k: frozenset(v) for k, v in by_type.items()},
        by_municipality={k: frozenset(v) for k, v in by_municipality.items()},
        online=frozenset(o.id for o in offers if o.delivery_mode == "online"),
    )


def _need_share(client: ClientProfile, offer: OfferProfile) -> float:
    """Share (0..1) of the client's need weight that ``offer`` meets."""
    if client.needs:
        total = sum(n.weight for n in client.needs) or 1.0
        return sum(n.weight for n in client.needs if not n.obstacle_ids.isdisjoint(offer.obstacle_ids)) / total
    total = sum(client.obstacle_weights.values()) or 1.0
    return sum(w for o, w in client.obstacle_weights.items() if o in offer.obstacle_ids) / total


def travel_minutes(client: ClientProfile, offer: OfferProfile, travel: TravelModel) -> float:
    """Minutes by public transport from the client's place to the offer; 0 for outreach, online, no location."""
    if offer.delivery_mode in {"outreach", "online"} or offer.latitude is None or offer.longitude is None:
        return 0.0
    return travel.minutes(client.place, offer.location_municipality, offer.latitude, offer.longitude)


def score_offer(
    client: ClientProfile,
    offer: OfferProfile,
    travel: TravelModel,
    explain: bool = True,
    *,
    need: float | None = None,
    minutes: float | None = None,
) -> Recommendation:
    """Score one eligible offer (formula in the module docstring); ``need`` and ``minutes`` when known already."""
    if need is None:
        need = _need_share(client, offer)
    covered_ids = offer.obstacle_ids.intersection(client.obstacle_weights)
    if minutes is None:
        minutes = travel_minutes(client, offer, travel)
    travel_weight = 30.0 if client.mobility_limited else 10.0
    travel_norm = min(minutes, TRAVEL_CAP_MIN) / TRAVEL_CAP_MIN
    language = language_fit(client, offer)
    waiting = 0.0 if offer.free_places > 0 else min(offer.waiting_weeks, 12) / 12
    continuity = 1.0 if offer.organisation_id in client.organisation_ids else 0.0
    challenge = 1.0 if offer.intervention_type_ids & client.challenge_intervention_ids else 0.0
    quality = (
        20 * language
        - travel_weight * travel_norm
        - 10 * waiting
        + 10 * continuity
        + 25 * client.challenge_closeness * challenge
    )
    score = 100 * need + quality
    if not explain:  # ranking first; the reasons are written only for the offers shown
        return Recommendation(offer, round(score, 2), [], round(minutes, 1), [], quality=quality)

    covered = sorted(client.obstacle_labels[o] for o in covered_ids)
    reasons = [
        ngettext(
            "Addresses %(n)s of the client's %(total)s obstacles: %(list)s.",
            "Addresses %(n)s of the client's %(total)s obstacles: %(list)s.",
            len(covered),
        )
        % {"n": len(covered), "total": len(client.obstacle_weights), "list": ", ".join(covered)}
    ]
    if offer.delivery_mode == "outreach":
        reasons.append(_("Outreach: the worker comes to the client, no travel needed."))
    elif offer.delivery_mode == "online":
        reasons.append(_("Online: no travel needed."))
    else:
        text = _("About %(min)s minutes by public transport.") % {"min": round(minutes)}
        if client.mobility_limited:
            text += " " + _("Counted heavier: the client has limited mobility.")
        reasons.append(text)
    if language == 1.0:
        reasons.append(_("Speaks the client's language."))
    elif language == 0.5:
        reasons.append(
            _("An interpreter is available.")
            if offer.interpreter
            else _("Works in Dutch; the client speaks basic Dutch.")
        )
    else:
        reasons.append(_("No shared language and no interpreter."))
    if offer.free_places > 0:
        reasons.append(
            ngettext("%(n)s free place.", "%(n)s free places.", offer.free_places) % {"n": offer.free_places}
        )
    else:
        reasons.append(_("Full: waiting time about %(w)s weeks.") % {"w": offer.waiting_weeks})
    if continuity:
        reasons.append(_("This organisation already works with the client."))
    if challenge:
        reasons.append(
            _("The region seeks this kind of support for the persona %(persona)s, closest to this client.")
            % {"persona": client.challenge_persona}
        )
    return Recommendation(offer, round(score, 2), covered, round(minutes, 1), reasons, quality=quality)


def _tie_key(r: Recommendation) -> tuple[float, float, float, int, int]:
    """Higher is better: quality, then less travel, fewer weeks of waiting, more free places, lower id."""
    waiting = r.offer.waiting_weeks if r.offer.free_places <= 0 else 0
    return (round(r.quality, 2), -r.travel_minutes, -waiting, r.offer.free_places, -r.offer.id)


def select_top(
    client: ClientProfile,
    ranked: list[Recommendation],
    limit: int = TOP,
    per_kind: int = PER_KIND,
    index: OfferIndex | None = None,
) -> list[Recommendation]:
    """The top ``limit``: the best fitting offer per need (most severe first), then sought kinds, then score.

    At most ``per_kind`` offers of one intervention type (the worker may ask for more). Each
    chosen offer carries ``need`` (the need's label) or ``sought`` (the region's answer for the
    nearest persona, not led to by a recorded obstacle). ``ranked`` is sorted by score. With
    ``index`` only the offers meeting a need are looked at per need (same result, fewer steps).
    """
    by_id = {r.offer.id: r for r in ranked} if index is not None else {}
    by_quality = sorted(ranked, key=lambda r: -r.quality) if index is not None else ranked

    def of_kind(kind: int) -> list[Recommendation]:
        if index is None:
            return [r for r in ranked if kind in r.offer.intervention_type_ids]
        return [by_id[i] for i in index.by_type.get(kind, ()) if i in by_id]

    chosen: list[Recommendation] = []
    taken: set[int] = set()
    per: dict[int, int] = {}
    met: set[str] = set()

    def allowed(r: Recommendation) -> bool:
        return r.offer.id not in taken and all(per.get(k, 0) < per_kind for k in r.offer.intervention_type_ids)

    def take(r: Recommendation, **marks: Any) -> None:
        chosen.append(replace(r, **marks))
        taken.add(r.offer.id)
        for k in r.offer.intervention_type_ids:
            per[k] = per.get(k, 0) + 1
        # a need counts as met when the offer gives the region's primary answer to it
        met.update(
            n.key
            for n in client.needs
            if not n.obstacle_ids.isdisjoint(r.offer.obstacle_ids)
            and any(n.kinds.get(k) == 0 for k in r.offer.intervention_type_ids)
        )

    for need in client.needs:
        if len(chosen) >= limit:
            break
        if need.key in met:
            continue
        best, best_key = None, None
        members = index.meeting(need.obstacle_ids) if index is not None else None
        for r in by_quality:
            if best_key is not None and index is not None and r.quality < best_key[0]:
                break  # sorted by quality: no later offer can beat the best (its rank penalty is >= 0)
            if members is not None:
                if r.offer.id not in members:
                    continue
            elif need.obstacle_ids.isdisjoint(r.offer.obstacle_ids):
                continue
            if not allowed(r):
                continue
            fitting = [need.kinds[k] for k in r.offer.intervention_type_ids if k in need.kinds]
            if not fitting:
                continue
            key = (r.quality - RANK_PENALTY * min(fitting), *_tie_key(r)[1:])
            if best_key is None or key > best_key:
                best, best_key = r, key
        if best is not None:
            take(best, need=need.label)
    if len(chosen) < limit and client.challenge_intervention_ids:
        shown = {k for r in chosen for k in r.offer.intervention_type_ids}
        for kind in sorted(client.challenge_intervention_ids - shown):
            if len(chosen) >= limit:
                break
            options = [r for r in of_kind(kind) if allowed(r)]
            if options:
                best = max(options, key=_tie_key)
                led = not best.offer.obstacle_ids.isdisjoint(client.need_obstacles)
                take(best, sought=not led)
    for r in ranked:
        if len(chosen) >= limit:
            break
        if allowed(r):
            take(r)
    return chosen


def recommend(
    client: ClientProfile,
    offers: list[OfferProfile] | OfferIndex,
    travel: TravelModel,
    limit: int | None = None,
    explain: int | None = 20,
    per_kind: int = PER_KIND,
) -> list[Recommendation]:
    """Eligible offers, best first: the top 5 by needs (``select_top``), then the rest by score.

    ``offers``: a list, or better an ``OfferIndex`` built once (``index_offers``; the selectors
    cache it): only the offers meeting a need or of a sought kind are looked at, and the need share
    is summed per need over the offers meeting it instead of per offer over all needs. The first
    ``explain`` (all when None) carry their reasons.
    """
    index = offers if isinstance(offers, OfferIndex) else index_offers(offers)
    needs = client.need_obstacles or frozenset(client.obstacle_weights)
    candidates = index.meeting(needs)
    candidates |= index.of_kinds(client.challenge_intervention_ids)
    candidates &= index.serving(client.municipality_id)
    met: dict[int, float] = {}  # offer id -> need weight it meets
    if client.needs:
        total = sum(n.weight for n in client.needs) or 1.0
        for n in client.needs:
            for offer_id in index.meeting(n.obstacle_ids) & candidates:
                met[offer_id] = met.get(offer_id, 0.0) + n.weight
    else:
        total = sum(client.obstacle_weights.values()) or 1.0
        for o, w in client.obstacle_weights.items():
            for offer_id in index.by_obstacle.get(o, frozenset()) & candidates:
                met[offer_id] = met.get(offer_id, 0.0) + w
    # The ranking pass of score_offer(explain=False), inlined over the candidates (the hot loop;
    # tests/test_recommend.py checks it against score_offer on every offer). Place, need and
    # challenge kinds are settled by the index; age, gender and target group are checked here.
    memo: dict[tuple[str, float | None, float | None], float] = {}
    language_memo: dict[tuple[frozenset[str], bool], float] = {}
    travel_weight = 30.0 if client.mobility_limited else 10.0
    challenge_weight = 25 * client.challenge_closeness
    sought = client.challenge_intervention_ids
    age, gender, groups = client.age, client.gender, client.target_group_ids
    ranked = []
    for offer_id in candidates:
        offer = index.by_id[offer_id]
        if (
            (offer.min_age is not None and age < offer.min_age)
            or (offer.max_age is not None and age > offer.max_age)
            or (offer.target_group_ids and offer.target_group_ids.isdisjoint(groups))
            or (offer.gender and offer.gender != gender)
        ):
            continue
        if offer.delivery_mode in {"outreach", "online"}:
            minutes = 0.0
        else:
            where = (offer.location_municipality, offer.latitude, offer.longitude)
            found = memo.get(where)
            minutes = memo[where] = travel_minutes(client, offer, travel) if found is None else found
        spoken = (offer.languages, offer.interpreter)
        language = language_memo.get(spoken)
        if language is None:
            language = language_memo[spoken] = language_fit(client, offer)
        quality = (
            20 * language
            - travel_weight * (min(minutes, TRAVEL_CAP_MIN) / TRAVEL_CAP_MIN)
            - (0.0 if offer.free_places > 0 else 10 * (min(offer.waiting_weeks, 12) / 12))
            + (10.0 if offer.organisation_id in client.organisation_ids else 0.0)
            + (challenge_weight if not offer.intervention_type_ids.isdisjoint(sought) else 0.0)
        )
        score = 100 * (met.get(offer_id, 0.0) / total) + quality
        ranked.append(Recommendation(offer, round(score, 2), [], round(minutes, 1), [], quality))
    ranked.sort(key=lambda r: (-r.score, r.travel_minutes, r.offer.id))
    top = select_top(client, ranked, per_kind=per_kind, index=index)
    ids = {r.offer.id for r in top}
    ranked = top + [r for r in ranked if r.offer.id not in ids]
    if limit:
        ranked = ranked[:limit]
    count = len(ranked) if explain is None else min(explain, len(ranked))
    ranked[:count] = [_explained(client, r, travel) for r in ranked[:count]]
    return ranked


def _explained(client: ClientProfile, r: Recommendation, travel: TravelModel) -> Recommendation:
    full = score_offer(client, r.offer, travel)
    reasons = list(full.reasons)
    if r.need:
        reasons.insert(0, _("Chosen for the need: %(need)s.") % {"need": r.need})
    if r.sought:
        reasons.insert(
            0,
            _("Sought by the region for the persona %(persona)s; no recorded obstacle leads here.")
            % {"persona": client.challenge_persona},
        )
    return replace(full, reasons=reasons, need=r.need, sought=r.sought)
