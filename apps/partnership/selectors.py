"""Reads shared by the jury's pages: the ranking, the coverage matrix and the optimiser's problem."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet

from apps.core.search import query_words, search_filter
from apps.partnership import coverage
from apps.partnership.models import (
    Candidacy,
    CandidacyOffer,
    ConflictDeclaration,
    CoverageRun,
    Criterion,
    Round,
    Score,
)
from apps.regions.models import Challenge, Region, SupportLine
from apps.regions.selectors import region_memo

TWO = Decimal("0.01")


def submitted_candidacies(region: Region) -> QuerySet[Candidacy]:
    return (
        Candidacy.objects.filter(region=region, status=Candidacy.Status.SUBMITTED)
        .select_related("pitch", "rebuttal")
        .prefetch_related(
            "challenges",
            "municipalities",
            Prefetch("offers", queryset=CandidacyOffer.objects.select_related("intervention_type")),
        )
        .order_by("reference")
    )


def conflicted_ids(user: Any, region: Region) -> set[int]:
    return set(
        ConflictDeclaration.objects.filter(member=user, has_conflict=True, candidacy__region=region).values_list(
            "candidacy_id", flat=True
        )
    )


def weighted_round_mean(scores: list[Score], weights: dict[int, int]) -> Decimal | None:
    """The mean over jury members of each member's weighted mean over the criteria."""
    per_member: dict[int, list[Score]] = defaultdict(list)
    for s in scores:
        per_member[s.member_id].append(s)
    means = []
    for member_scores in per_member.values():
        total_weight = sum(weights.get(s.criterion_id, 0) for s in member_scores)
        if total_weight:
            means.append(Decimal(sum(weights.get(s.criterion_id, 0) * s.value for s in member_scores)) / total_weight)
    if not means:
        return None
    return (sum(means, Decimal(0)) / len(means)).quantize(TWO, ROUND_HALF_UP)


@dataclass
class RankRow:
    candidacy: Candidacy
    round1_mean: Decimal | None = None
    round1: Decimal | None = None  # the consensus score when recorded, else the jury mean
    round2: Decimal | None = None
    final: Decimal | None = None
    scorers: int = 0
    hidden: bool = False
    rank: int = 0
    members: dict[int, dict[int, list[Score]]] = field(default_factory=dict)

    @property
    def jury_score(self) -> Decimal | None:
        return self.final if self.final is not None else self.round1


def ranking(
    *,
    region: Region,
    viewer: Any = None,
    criteria: list[Criterion] | None = None,
    details: bool = True,
    hidden: set[int] | None = None,
    scores: list[Score] | None = None,
) -> list[RankRow]:
    """The weighted ranking: shortlisted candidacies by final score (mean of rounds 1 and 2), then the rest.

    A viewer who declared a conflict for a candidacy gets that row with its scores hidden. ``criteria``: the
    region's criteria when the caller has them already (one query less); ``details=False`` leaves out what
    only the ranking's own page shows (challenges, municipalities, offers, pitch, rebuttal): a candidacy's
    page needs only its rank and scores (two queries: candidacies and scores). ``hidden``: the ids of the
    candidacies for which ``viewer`` declared a conflict, when the caller has read them already; ``scores``: every
    score of the region with its member and criterion, when the caller reads them anyway (the export).
    """
    weights = {c.pk: c.weight for c in (criteria if criteria is not None else Criterion.objects.filter(region=region))}
    found = (
        submitted_candidacies(region)
        if details
        else Candidacy.objects.filter(region=region, status=Candidacy.Status.SUBMITTED).order_by("reference")
    )
    candidacies = list(found)
    by_round: dict[tuple[int, int], list[Score]] = defaultdict(list)
    if scores is None:
        scores = list(Score.objects.filter(candidacy__region=region).select_related("member", "criterion"))
    for s in scores:
        by_round[(s.candidacy_id, s.round)].append(s)
    if hidden is None:
        hidden = conflicted_ids(viewer, region) if viewer is not None else set()
    rows = [
        RankRow(candidacy=c, hidden=True)
        if c.pk in hidden
        else candidacy_scores(c, by_round[(c.pk, Round.WRITTEN)] + by_round[(c.pk, Round.PITCH)], weights)
        for c in candidacies
    ]

    def key(row: RankRow) -> tuple[int, Decimal, Decimal, str]:
        return (
            0 if row.final is not None else 1,
            -(row.final or Decimal(0)),
            -(row.round1 or Decimal(0)),
            row.candidacy.reference,
        )

    rows.sort(key=key)
    for i, row in enumerate(rows, 1):
        row.rank = i
    return rows


def candidacy_scores(candidacy: Candidacy, scores: list[Score], weights: dict[int, int]) -> RankRow:
    """One candidacy's figures (its row of the ranking, without the rank): the weighted jury mean of round 1,
    round 1 (the consensus score when recorded, else that mean), round 2 and the final score (the mean of both
    rounds, shortlisted candidacies only), from ``scores`` (all of this candidacy's, both rounds) and
    ``weights`` (criterion id -> weight). No query."""
    row = RankRow(candidacy=candidacy)
    written = [s for s in scores if s.round == Round.WRITTEN]
    row.round1_mean = weighted_round_mean(written, weights)
    row.round1 = candidacy.consensus_score if candidacy.consensus_score is not None else row.round1_mean
    row.round2 = weighted_round_mean([s for s in scores if s.round == Round.PITCH], weights)
    if candidacy.shortlisted and row.round1 is not None and row.round2 is not None:
        row.final = ((row.round1 + row.round2) / 2).quantize(TWO, ROUND_HALF_UP)
    row.scorers = len({s.member_id for s in written})
    return row


def rows_matching(rows: list[RankRow], *, region: Region, query: str) -> list[RankRow]:
    """The ranking ``rows`` whose candidacy matches ``query`` (organisation, applicant, contact person,
    reference or KBO number, folded: apps/core/search.py), each keeping its rank; all rows for an empty query.
    One query."""
    if not query_words(query):
        return rows
    found = set(Candidacy.objects.filter(region=region).filter(search_filter(query)).values_list("pk", flat=True))
    return [row for row in rows if row.candidacy.pk in found]


# --- coverage ---------------------------------------------------------------------------


def support_lines(region: Region) -> tuple[SupportLine, ...]:
    """The region's support lines with their challenge and intervention types, by challenge rank: region data,
    kept per region version (``region_memo``: no query after the first page of a process); read them only."""
    return region_memo(
        region=region,
        name="support_lines",
        build=lambda: tuple(
            SupportLine.objects.filter(challenge__region=region)
            .select_related("challenge")
            .prefetch_related("intervention_types")
            .order_by("challenge__rank", "position")
        ),
    )


def covers(candidacy: Candidacy, line: SupportLine) -> bool:
    """A candidacy covers a support line when it offers one of the line's types for the line's challenge."""
    challenge_ids = {ch.pk for ch in candidacy.challenges.all()}
    if line.challenge_id not in challenge_ids:
        return False
    offered = {o.intervention_type_id for o in candidacy.offers.all()}
    return bool(offered & {t.pk for t in line.intervention_types.all()})


def line_capacity(candidacy: Candidacy, line: SupportLine) -> int:
    if not covers(candidacy, line):
        return 0
    types = {t.pk for t in line.intervention_types.all()}
    return sum(o.yearly_capacity for o in candidacy.offers.all() if o.intervention_type_id in types)


def prevalence_weights(region: Region) -> dict[int, int]:
    """Challenge id -> weight: rank 1 of n weighs n, rank n weighs 1."""
    challenges = list(Challenge.objects.filter(region=region).order_by("rank"))
    n = len(challenges)
    return {c.pk: n - i for i, c in enumerate(challenges)}


def coverage_matrix(*, region: Region, candidacies: list[Candidacy]) -> list[dict[str, Any]]:
    """Rows per support line (grouped by challenge): the capacity each candidacy offers for it, and gaps."""
    rows = []
    for line in support_lines(region):
        cells = [line_capacity(c, line) for c in candidacies]
        rows.append({"line": line, "challenge": line.challenge, "cells": cells, "gap": not any(cells)})
    return rows


def coverage_problem(*, region: Region, rows: list[RankRow], budget_cents: int) -> coverage.Problem:
    lines = support_lines(region)
    weights = prevalence_weights(region)
    options = []
    for row in rows:
        score = row.jury_score
        c = row.candidacy
        if score is None or c.budget_requested is None:
            continue
        options.append(
            coverage.Option(
                key=c.pk,
                cost=int((c.budget_requested * 100).to_integral_value()),
                score=int((score * 100).to_integral_value()),
                covers=frozenset(line.pk for line in lines if covers(c, line)),
            )
        )
    return coverage.Problem(
        weights={line.pk: weights[line.challenge_id] for line in lines}, options=options, budget=budget_cents
    )


def latest_coverage_run(*, region: Region) -> CoverageRun | None:
    """The region's most recent coverage computation (any status), or None. One query."""
    return CoverageRun.objects.filter(region=region).order_by("-created_at", "-id").first()
