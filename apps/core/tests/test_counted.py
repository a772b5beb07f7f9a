"""Figures counted at most every two minutes and shared through the cache (apps/core/counted.py)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from apps.core.counted import COUNTED_SECONDS, counted, counted_key


def test_a_figure_is_counted_once_and_kept_until_its_two_minutes_are_over() -> None:
    calls: list[int] = []

    def build() -> int:
        calls.append(1)
        return len(calls)

    start = timezone.now()
    key = counted_key("test", region_ids=[2, 1, 2], day=start.date())
    assert key.endswith(":1,2")
    assert counted(key, build, now=start) == (1, start)
    assert counted(key, build, now=start + dt.timedelta(seconds=COUNTED_SECONDS - 1)) == (1, start)
    later = start + dt.timedelta(seconds=COUNTED_SECONDS)
    assert counted(key, build, now=later) == (2, later)


def test_a_clock_that_went_back_counts_again_rather_than_trust_figures_from_the_future() -> None:
    start = timezone.now()
    key = counted_key("test", region_ids=[1], day=start.date())
    counted(key, lambda: "first", now=start)
    earlier = start - dt.timedelta(seconds=5)
    assert counted(key, lambda: "again", now=earlier) == ("again", earlier)


def test_each_set_of_regions_and_each_day_has_its_own_figures() -> None:
    day = dt.date(2026, 12, 1)
    keys = {
        counted_key("dashboard", region_ids=[1], day=day),
        counted_key("dashboard", region_ids=[1, 2], day=day),
        counted_key("dashboard", region_ids=[1], day=day + dt.timedelta(days=1)),
        counted_key("home-partnership", region_ids=[1], day=day),
    }
    assert len(keys) == 4
