"""Reads: the region data classification needs, and a client's screenings with their scores."""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from django.db.models import CharField, IntegerField, OuterRef, Prefetch, QuerySet, Subquery, Value
from django.utils import timezone

from apps.assessment.classification import Classification, classify, screening_facts
from apps.assessment.models import DomainScore, Screening, ScreeningObstacle
from apps.core.aggregates import IdList, JSONRows, ids_of, rows_of
from apps.core.prefetch import set_prefetched
from apps.core.prepared import Prepared
from apps.regions.models import Challenge, LifeDomain, Obstacle, ObstacleLine, Region, TargetGroup
from apps.regions.selectors import region_memo


def region_classification_data(*, region_id: int | None = None, region: Region | None = None) -> dict[str, Any]:
    """Target groups, challenges with their obstacles, obstacles and life domains (5 queries).

    Give ``region`` (the row loaded with the page's data) rather than ``region_id`` and they are kept in the
    process until the region changes (``apps.regions.selectors.region_memo``: no query). The result is
    shared: read it, do not change it.
    """
    if region is not None:
        return region_memo(region=region, name="classification", build=lambda: _classification_data(region.pk))
    if region_id is None:
        raise TypeError("region_classification_data needs region or region_id")
    return _classification_data(region_id)


def _classification_data(region_id: int) -> dict[str, Any]:
    obstacles = list(Obstacle.objects.filter(region_id=region_id))
    by_id = {o.pk: o for o in obstacles}
    challenges = list(
        Challenge.objects.filter(region_id=region_id).prefetch_related(
            Prefetch("obstacle_lines", queryset=ObstacleLine.objects.prefetch_related("obstacles"))
        )
    )
    return {
        "target_groups": list(TargetGroup.objects.filter(region_id=region_id)),
        "challenges": [
            (c, list({by_id[o.pk] for line in c.obstacle_lines.all() for o in line.obstacles.all()}))
            for c in challenges
        ],
        "obstacles_by_code": {o.code: o for o in obstacles},
        "obstacles": obstacles,
        "life_domains": list(LifeDomain.objects.filter(region_id=region_id)),
    }


def completed_screenings(*, client: Any) -> list[Screening]:
    """All completed screenings, oldest first, with scores and obstacles (3 queries whatever their number)."""
    return list(
        Screening.objects.filter(client=client, status=Screening.Status.COMPLETED)
        .prefetch_related(Prefetch("scores", queryset=DomainScore.objects.order_by("life_domain_id")), "obstacles")
        .order_by("screened_on", "id")
    )


def classification_for(
    *, client: Any, screening: Screening | None, region_data: dict[str, Any], on: dt.date | None = None
) -> Classification:
    codes = {o.code for o in screening.obstacles.all()} if screening is not None else set()
    levels = (
        {s.life_domain_id: s.level for s in screening.scores.all() if s.level is not None}  # "not known": no level
        if screening is not None
        else {}
    )
    facts = screening_facts(client=client, screening=screening, obstacle_codes=codes, on=on or timezone.localdate())
    return classify(
        facts=facts,
        target_groups=region_data["target_groups"],
        challenges=region_data["challenges"],
        obstacles_by_code=region_data["obstacles_by_code"],
        levels=levels,
    )


def screenings_of_client(
    *, client: Any, region_data: dict[str, Any], completed: bool = True, drafts: bool = False
) -> tuple[list[Screening], Screening | None]:
    """(the completed screenings, oldest first, with scores and obstacles; the newest draft or None) in one query
    (none when neither is asked for): the screenings with their scores and obstacles (``with_scores_and_obstacles``).

    ``region_data``: ``region_classification_data`` of the client's region, whose obstacles the screenings'
    ``obstacles.all()`` return (shared, read-only instances); ``scores.all()`` holds DomainScore rows by life
    domain id. ``completed``/``drafts``: which to read (the caller's access decides).
    """
    statuses = [
        s for s, wanted in ((Screening.Status.COMPLETED, completed), (Screening.Status.DRAFT, drafts)) if wanted
    ]
    if not statuses:
        return [], None
    rows = _screenings_with_scores(tuple(statuses))(client_id=client.pk)
    done = [s for s in rows if s.status == Screening.Status.COMPLETED]
    draft = max((s for s in rows if s.status == Screening.Status.DRAFT), key=lambda s: s.pk, default=None)
    unpack_scores_and_obstacles(done, obstacles_by_id={o.pk: o for o in region_data["obstacles"]})
    return done, draft


@functools.cache
def _screenings_with_scores(statuses: tuple[str, ...]) -> Prepared[Screening]:
    """The screenings of a client in these statuses, oldest first, with scores and obstacle ids: compiled once
    per process and statuses (apps/core/prepared.py), as every client and pathway page reads them."""
    return Prepared(
        lambda client_id: with_scores_and_obstacles(
            Screening.objects.filter(client_id=client_id, status__in=list(statuses))
        ).order_by("screened_on", "id")
    )


def with_scores_and_obstacles(screenings: QuerySet[Screening]) -> QuerySet[Screening]:
    """``screenings`` with their scores (``score_rows``, :class:`~apps.core.aggregates.JSONRows`) and obstacle
    ids (``obstacle_ids``, :class:`~apps.core.aggregates.IdList`) read in the same query, each a subquery per
    screening (an index lookup): unpack them with :func:`unpack_scores_and_obstacles`."""
    return screenings.annotate(
        score_rows=Subquery(
            DomainScore.objects.filter(screening_id=OuterRef("pk"))
            .order_by()
            .values("screening_id")
            .annotate(
                rows=JSONRows(
                    id="id", life_domain_id="life_domain_id", level="level", client_level="client_level", note="note"
                )
            )
            .values("rows")
        ),
        obstacle_ids=Subquery(
            ScreeningObstacle.objects.filter(screening_id=OuterRef("pk"))
            .order_by()
            .values("screening_id")
            .annotate(ids=IdList("obstacle_id"))
            .values("ids")
        ),
    )


def unpack_scores_and_obstacles(screenings: list[Screening], *, obstacles_by_id: dict[int, Any]) -> None:
    """Fill ``scores.all()`` (by life domain id) and ``obstacles.all()`` (the region's order) of ``screenings``
    read through :func:`with_scores_and_obstacles`, as ``prefetch_related`` would; no query unless an obstacle
    is missing from ``obstacles_by_id`` (the region's obstacles by id: then one query)."""
    links = {s.pk: ids_of(s.obstacle_ids) for s in screenings}  # type: ignore[attr-defined]
    missing = {pk for pks in links.values() for pk in pks} - set(obstacles_by_id)
    if missing:
        obstacles_by_id = {**obstacles_by_id, **{o.pk: o for o in Obstacle.objects.filter(pk__in=missing)}}
    for screening in screenings:
        scores = [
            DomainScore(screening_id=screening.pk, **row)
            for row in rows_of(screening.score_rows)  # type: ignore[attr-defined]
        ]
        scores.sort(key=lambda s: (s.life_domain_id, s.pk))
        obstacles = sorted((obstacles_by_id[pk] for pk in links[screening.pk]), key=lambda o: (o.position, o.code))
        set_prefetched(screening, "scores", scores)
        set_prefetched(screening, "obstacles", obstacles)


def attach_scores_and_obstacles(screenings: list[Screening], *, obstacles_by_id: dict[int, Any]) -> None:
    """Fill ``scores.all()`` (by life domain id) and ``obstacles.all()`` (the region's order) of ``screenings``
    as ``prefetch_related`` would, in one query (a union of both link tables); no query for an empty list.

    ``obstacles_by_id``: the region's obstacles by id (an obstacle missing there is read, one query more).
    """
    if not screenings:
        return
    ids = [s.pk for s in screenings]
    none = Value(None, output_field=IntegerField())
    scores = DomainScore.objects.filter(screening_id__in=ids).values_list(
        "screening_id", "life_domain_id", "level", "client_level", "note", "id"
    )
    links = ScreeningObstacle.objects.filter(screening_id__in=ids).values_list(
        "screening_id", "obstacle_id", none, none, Value("", output_field=CharField()), none
    )
    by_screening_scores: dict[int, list[DomainScore]] = {pk: [] for pk in ids}
    by_screening_obstacles: dict[int, list[int]] = {pk: [] for pk in ids}
    for screening_id, other_id, level, client_level, note, score_id in scores.order_by().union(
        links.order_by(), all=True
    ):
        if score_id is None:
            by_screening_obstacles[screening_id].append(other_id)
        else:
            by_screening_scores[screening_id].append(
                DomainScore(
                    id=score_id,
                    screening_id=screening_id,
                    life_domain_id=other_id,
                    level=level,
                    client_level=client_level,
                    note=note,
                )
            )
    missing = {pk for pks in by_screening_obstacles.values() for pk in pks} - set(obstacles_by_id)
    if missing:
        obstacles_by_id = {**obstacles_by_id, **{o.pk: o for o in Obstacle.objects.filter(pk__in=missing)}}
    for screening in screenings:
        scores_list = sorted(by_screening_scores[screening.pk], key=lambda s: (s.life_domain_id, s.pk))
        obstacles = sorted(
            (obstacles_by_id[pk] for pk in by_screening_obstacles[screening.pk]), key=lambda o: (o.position, o.code)
        )
        set_prefetched(screening, "scores", scores_list)
        set_prefetched(screening, "obstacles", obstacles)
