"""The day formatter of the lists written out in Python shows every date and time as Django's ``date`` filter does,
in both languages, for the short formats it writes itself and for the formats it leaves to Django."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation
from django.utils.formats import date_format
from hypothesis import given, settings
from hypothesis import strategies as st

from apps.core.html_rows import _compiled, day_formatter

FORMATS = ["SHORT_DATE_FORMAT", "SHORT_DATETIME_FORMAT", "DATE_FORMAT", "DATETIME_FORMAT", "MONTH_DAY_FORMAT"]
DAYS = st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31))
MOMENTS = st.datetimes(min_value=dt.datetime(1900, 1, 2), max_value=dt.datetime(2200, 1, 1), timezones=st.just(dt.UTC))


@settings(max_examples=300, deadline=None)
@given(day=DAYS, language=st.sampled_from(["nl-be", "en"]))
def test_a_date_is_written_as_the_date_filter_writes_it(day: dt.date, language: str) -> None:
    with translation.override(language):
        assert day_formatter()(day) == date_format(day, "SHORT_DATE_FORMAT")
        assert day_formatter("DATE_FORMAT")(day) == date_format(day, "DATE_FORMAT")


@settings(max_examples=300, deadline=None)
@given(moment=MOMENTS, language=st.sampled_from(["nl-be", "en"]), name=st.sampled_from(FORMATS))
def test_an_aware_moment_is_written_in_local_time_as_the_date_filter_writes_it(
    moment: dt.datetime, language: str, name: str
) -> None:
    with translation.override(language):
        assert day_formatter(name)(moment) == date_format(timezone.localtime(moment), name)


def test_the_dutch_short_formats_are_written_here_and_others_go_to_django() -> None:
    assert _compiled("j-n-Y H:i") is not None and _compiled("m/d/Y") is not None
    assert _compiled("m/d/Y P") is None  # "P" (a.m./p.m., noon) only Django writes
    assert _compiled(r"j \d\e F") is None  # escaped letters too


def test_a_time_format_for_a_plain_date_fails_as_in_django() -> None:
    with translation.override("nl-be"), pytest.raises(TypeError):
        day_formatter("SHORT_DATETIME_FORMAT")(dt.date(2026, 12, 2))
    with translation.override("nl-be"), pytest.raises(TypeError):
        date_format(dt.date(2026, 12, 2), "SHORT_DATETIME_FORMAT")


def test_the_short_formats_of_both_languages_do_not_call_date_format(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object) -> str:
        raise AssertionError("date_format called")

    monkeypatch.setattr("apps.core.html_rows.date_format", refuse)
    with translation.override("nl-be"):
        assert day_formatter()(dt.date(2026, 3, 5)) == "5-3-2026"
        assert day_formatter("SHORT_DATETIME_FORMAT")(dt.datetime(2026, 3, 5, 8, 7, tzinfo=dt.UTC)) == "5-3-2026 09:07"
    with translation.override("en"):
        assert day_formatter()(dt.date(2026, 3, 5)) == "03/05/2026"
