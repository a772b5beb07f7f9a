"""The ESF+ indicator engine: every Annex I participant output and result indicator, in one SQL query.

Source of the rules: Reg. (EU) 2021/1057 Annex I and the Commission guidance, paraphrased with their
status (verified / [unverified]) in docs/esf-indicators.md. Rules marked [unverified] there are settings
(padwijzer/settings.py, ESF_*), read when the report is computed.

Periods (docs/esf-indicators.md, "Periods"):
- output indicators (EECO*) count participations whose entry date lies in the period;
- immediate results (EECR01-04) count participations whose leaving date lies in the period and whose results
  were recorded within ESF_LEAVING_WINDOW_DAYS after leaving; participants still active have no results;
- longer-term results (EECR05-06) count participations whose leaving date plus ESF_FOLLOW_UP_MONTHS lies in
  the period (the follow-up moment falls in the period).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from apps.core.dates import add_months
from apps.esf.models import EU_COUNTRIES, EsfGender, LabourStatus, Participation, Tri
from apps.regions.models import Municipality

OUTPUT, RESULT, LONG_TERM = "output", "result", "long_term"


@dataclass(frozen=True)
class Filters:
    """Optional breakdowns of a report: ids of a challenge, target group, municipality, organisation."""

    challenge: int | None = None
    target_group: int | None = None
    municipality: int | None = None
    organisation: int | None = None

    def q(self) -> Q:
        q = Q()
        for name in ("challenge", "target_group", "municipality", "organisation"):
            value = getattr(self, name)
            if value is not None:
                q &= Q(**{f"{name}_id": value})
        return q


# --- the rules, one function each (the docstring is the rule) -------------------------------------


def _unemployed() -> Q:
    """EECO02: unemployed at entry, long-term unemployed included."""
    return Q(labour_status=LabourStatus.UNEMPLOYED)


def _long_term() -> Q:
    """EECO03: unemployed at entry continuously for MORE than 6 months if under 25 on the entry date,
    MORE than 12 months if 25 or older (exactly 6 or 12 months is not long-term)."""
    return _unemployed() & (
        Q(age_at_entry__lt=25, unemployed_months__gt=6) | Q(age_at_entry__gte=25, unemployed_months__gt=12)
    )


def _inactive() -> Q:
    """EECO04: neither employed nor unemployed at entry (full-time students included)."""
    return Q(labour_status=LabourStatus.INACTIVE)


def _employed() -> Q:
    """EECO05: employed or self-employed at entry (an art. 60 §7 contract is employment)."""
    return Q(labour_status=LabourStatus.EMPLOYED)


def _status_unknown() -> Q:
    return Q(labour_status="")


def _yes(name: str) -> Callable[[], Q]:
    def rule() -> Q:
        return Q(**{name: Tri.YES})

    return rule


def _third_country() -> Q:
    """EECO13: nationality known and not of an EU member state (stateless 'XX' included; Art. 2(2))."""
    return ~Q(nationality="") & ~Q(nationality__in=sorted(EU_COUNTRIES))


def _housing_exclusion() -> Q:
    """EECO16: housing at entry in one of the ETHOS classes of ESF_HOUSING_EXCLUSION_CLASSES [unverified]."""
    return Q(housing__in=list(settings.ESF_HOUSING_EXCLUSION_CLASSES))


def _rural() -> Q:
    """EECO17: the municipality of residence at entry has a DEGURBA class in ESF_RURAL_DEGURBA (3 = rural).

    A subquery on the region's few municipalities rather than a join, so the aggregate stays on one table."""
    rural = Municipality.objects.filter(degurba__in=list(settings.ESF_RURAL_DEGURBA)).values("pk")
    return Q(municipality_id__in=rural)


def _rural_unknown() -> Q:
    return Q(municipality_id__in=Municipality.objects.filter(degurba__isnull=True).values("pk"))


def _within_window() -> Q:
    """Results count as 'upon leaving' when recorded within ESF_LEAVING_WINDOW_DAYS after leaving [unverified]."""
    return Q(results_delay_days__isnull=False, results_delay_days__lte=settings.ESF_LEAVING_WINDOW_DAYS)


def _job_searching() -> Q:
    """EECR01: job searching upon leaving; only inactive at entry when ESF_EECR01_INACTIVE_AT_ENTRY_ONLY."""
    q = _within_window() & Q(job_searching=True)
    if settings.ESF_EECR01_INACTIVE_AT_ENTRY_ONLY:
        q &= _inactive()
    return q


def _in_education() -> Q:
    """EECR02: in education or training upon leaving."""
    return _within_window() & Q(in_education=True)


def _qualification() -> Q:
    """EECR03: gained a qualification (formal assessment by a competent body) upon leaving."""
    return _within_window() & Q(qualification=True)


def _employed_on_leaving() -> Q:
    """EECR04: employed (incl. self-employed) upon leaving; excludes those employed at entry when
    ESF_EECR04_EXCLUDE_EMPLOYED_AT_ENTRY."""
    q = _within_window() & Q(employed_on_leaving=True)
    if settings.ESF_EECR04_EXCLUDE_EMPLOYED_AT_ENTRY:
        q &= ~_employed()
    return q


def _results_missing() -> Q:
    return ~_within_window()


def _employed_after() -> Q:
    """EECR05: employed six months after leaving; excludes those employed at entry when
    ESF_EECR05_EXCLUDE_EMPLOYED_AT_ENTRY (default: counted, as in the reference's worked example)."""
    q = Q(employed_after=True)
    if settings.ESF_EECR05_EXCLUDE_EMPLOYED_AT_ENTRY:
        q &= ~_employed()
    return q


def _better_after() -> Q:
    """EECR06: better labour-market situation six months after leaving, only for those employed at entry
    (precarious to stable, under- to full employment, higher skills or responsibility, promotion)."""
    return _employed() & Q(better_situation_after=True)


def _follow_up_missing() -> Q:
    return Q(in_sample=True, followed_up_on__isnull=True)


@dataclass(frozen=True)
class Indicator:
    code: str
    label: Any
    kind: str
    rule: Callable[[], Q]
    missing: Callable[[], Q]
    sensitive: bool = False

    @property
    def doc(self) -> str:
        return " ".join((self.rule.__doc__ or "").split())


def _all() -> Q:
    """EECO01: every participant (computed from the records, not entered separately)."""
    return Q()


def _nothing_missing() -> Q:
    return Q(pk__in=[])


def _age(lo: int | None, hi: int | None, doc: str) -> Callable[[], Q]:
    def rule() -> Q:
        q = Q()
        if lo is not None:
            q &= Q(age_at_entry__gte=lo)
        if hi is not None:
            q &= Q(age_at_entry__lte=hi)
        return q

    rule.__doc__ = doc
    return rule


def _isced(lo: int, hi: int, doc: str) -> Callable[[], Q]:
    def rule() -> Q:
        return Q(isced_level__gte=lo, isced_level__lte=hi)

    rule.__doc__ = doc
    return rule


def _isced_missing() -> Q:
    return Q(isced_level=None)


def _blank(name: str) -> Callable[[], Q]:
    def missing() -> Q:
        return Q(**{name: ""})

    missing.__name__ = f"blank_{name}"  # names the shared aggregate in compute()
    return missing


def _long_term_missing() -> Q:
    return _status_unknown() | (_unemployed() & Q(unemployed_months__isnull=True))


def _yes_doc(name: str, code: str) -> Callable[[], Q]:
    rule = _yes(name)
    rule.__doc__ = (
        f"{code}: {name.replace('_', ' ')} answered yes at entry, whatever the source (self-declared, register, "
        "informed estimate, target-group rule); 'refused or unknown' is not counted."
    )
    return rule


INDICATORS: list[Indicator] = [
    Indicator("EECO01", _("Total number of participants"), OUTPUT, _all, _nothing_missing),
    Indicator("EECO02", _("Unemployed, including long-term unemployed"), OUTPUT, _unemployed, _status_unknown),
    Indicator("EECO03", _("Long-term unemployed"), OUTPUT, _long_term, _long_term_missing),
    Indicator("EECO04", _("Inactive"), OUTPUT, _inactive, _status_unknown),
    Indicator("EECO05", _("Employed, including self-employed"), OUTPUT, _employed, _status_unknown),
    Indicator(
        "EECO06", _("Children below 18 years of age"), OUTPUT,
        _age(None, 17, "EECO06: younger than 18 on the entry date."), _nothing_missing,
    ),
    Indicator(
        "EECO07", _("Young people aged 18-29"), OUTPUT,
        _age(18, 29, "EECO07: aged 18 to 29 on the entry date (29 until the day before the 30th birthday)."),
        _nothing_missing,
    ),
    Indicator(
        "EECO08", _("Participants aged 55 and above"), OUTPUT,
        _age(55, None, "EECO08: aged 55 or more on the entry date."), _nothing_missing,
    ),
    Indicator(
        "EECO09", _("Lower secondary education or less (ISCED 0-2)"), OUTPUT,
        _isced(0, 2, "EECO09: highest ISCED level completed at entry is 0, 1 or 2."), _isced_missing,
    ),
    Indicator(
        "EECO10", _("Upper secondary or post-secondary education (ISCED 3-4)"), OUTPUT,
        _isced(3, 4, "EECO10: highest ISCED level completed at entry is 3 or 4."), _isced_missing,
    ),
    Indicator(
        "EECO11", _("Tertiary education (ISCED 5-8)"), OUTPUT,
        _isced(5, 8, "EECO11: highest ISCED level completed at entry is 5 to 8."), _isced_missing,
    ),
    Indicator(
        "EECO12", _("Participants with disabilities"), OUTPUT,
        _yes_doc("disability", "EECO12"), _blank("disability"), sensitive=True,
    ),
    Indicator("EECO13", _("Third-country nationals"), OUTPUT, _third_country, _blank("nationality")),
    Indicator(
        "EECO14", _("Participants with a foreign background"), OUTPUT,
        _yes_doc("foreign_background", "EECO14"), _blank("foreign_background"), sensitive=True,
    ),
    Indicator(
        "EECO15", _("Minorities (including marginalised communities such as the Roma)"), OUTPUT,
        _yes_doc("minority", "EECO15"), _blank("minority"), sensitive=True,
    ),
    Indicator(
        "EECO16", _("Homeless or affected by housing exclusion"), OUTPUT, _housing_exclusion, _blank("housing")
    ),
    Indicator(
        "EECO17", _("Participants from rural areas"), OUTPUT, _rural, _rural_unknown
    ),
    Indicator("EECR01", _("Engaged in job searching upon leaving"), RESULT, _job_searching, _results_missing),
    Indicator("EECR02", _("In education or training upon leaving"), RESULT, _in_education, _results_missing),
    Indicator("EECR03", _("Gaining a qualification upon leaving"), RESULT, _qualification, _results_missing),
    Indicator(
        "EECR04", _("In employment, including self-employment, upon leaving"), RESULT,
        _employed_on_leaving, _results_missing,
    ),
    Indicator(
        "EECR05", _("In employment, including self-employment, six months after leaving"), LONG_TERM,
        _employed_after, _follow_up_missing,
    ),
    Indicator(
        "EECR06", _("With a better labour-market situation six months after leaving"), LONG_TERM,
        _better_after, _follow_up_missing,
    ),
]  # fmt: skip
BY_CODE = {i.code: i for i in INDICATORS}


def genders() -> list[str]:
    """The gender columns: woman, man, and non-binary unless ESF_REPORT_NON_BINARY is off [unverified]."""
    values = [EsfGender.WOMAN.value, EsfGender.MAN.value]
    if settings.ESF_REPORT_NON_BINARY:
        values.append(EsfGender.NON_BINARY.value)
    return values


def base_q(kind: str, start: dt.date, end: dt.date) -> Q:
    """Which participations an indicator of ``kind`` looks at for the period [start, end] (both included)."""
    if kind == OUTPUT:
        return Q(entry_date__gte=start, entry_date__lte=end)
    if kind == RESULT:
        return Q(leaving_date__gte=start, leaving_date__lte=end)
    months = settings.ESF_FOLLOW_UP_MONTHS
    return Q(leaving_date__gte=add_months(start, -months), leaving_date__lte=add_months(end, -months))


def indicator_q(indicator: Indicator, start: dt.date, end: dt.date) -> Q:
    """The participations counted for ``indicator`` in the period (without the gender)."""
    return base_q(indicator.kind, start, end) & indicator.rule()


@dataclass
class Row:
    indicator: Indicator
    by_gender: dict[str, int]
    total: int
    incomplete: int


@dataclass
class Report:
    region_id: int
    start: dt.date
    end: dt.date
    filters: Filters
    genders: list[str]
    rows: list[Row] = field(default_factory=list)

    def row(self, code: str) -> Row:
        return next(r for r in self.rows if r.indicator.code == code)

    def totals(self) -> dict[str, int]:
        """{code: total} for every indicator."""
        return {r.indicator.code: r.total for r in self.rows}


def scope(region_id: int, start: dt.date, end: dt.date, filters: Filters) -> QuerySet[Participation]:
    """Participations of the region touched by the period in any of the three ways, with the filters."""
    touched = base_q(OUTPUT, start, end) | base_q(RESULT, start, end) | base_q(LONG_TERM, start, end)
    return Participation.objects.filter(Q(region_id=region_id) & filters.q() & touched)


def compute(*, region_id: int, start: dt.date, end: dt.date, filters: Filters | None = None) -> Report:
    """Every indicator for the period [start, end] (dates, both included) of an operation (region).

    Returns a Report whose rows hold, per indicator (Annex I order), the counts per gender (columns of
    ``genders()``), the total (all genders, also a non-binary participant when that column is off) and the
    number of participations in the indicator's base that lack the data the rule needs (``incomplete``).
    One SQL query (grouped by gender), whatever the number of participations. Raises ValueError when start > end.
    """
    if start > end:
        raise ValueError("start after end")
    filters = filters or Filters()
    cols = genders()
    aggregates: dict[str, Any] = {}
    missing_key: dict[str, str] = {}  # indicators sharing a base and a missing-data rule share one aggregate
    for ind in INDICATORS:
        aggregates[ind.code] = Count("pk", filter=indicator_q(ind, start, end))
        if ind.missing is _nothing_missing:
            continue
        key = f"missing__{ind.kind}__{ind.missing.__name__}"
        missing_key[ind.code] = key
        aggregates.setdefault(key, Count("pk", filter=base_q(ind.kind, start, end) & ind.missing()))
    by_gender = {
        row["gender"]: row
        for row in scope(region_id, start, end, filters).order_by().values("gender").annotate(**aggregates)
    }
    report = Report(region_id=region_id, start=start, end=end, filters=filters, genders=cols)
    for ind in INDICATORS:
        counts = {g: row[ind.code] for g, row in by_gender.items()}
        report.rows.append(
            Row(
                indicator=ind,
                by_gender={g: counts.get(g, 0) for g in cols},
                total=sum(counts.values()),
                incomplete=sum(row[missing_key[ind.code]] for row in by_gender.values())
                if ind.code in missing_key
                else 0,
            )
        )
    return report


def participants_q(code: str, start: dt.date, end: dt.date, gender: str | None = None) -> Q:
    """The filter selecting the participations behind one count (raises KeyError for an unknown code)."""
    q = indicator_q(BY_CODE[code], start, end)
    if gender:
        q &= Q(gender=gender)
    return q


def indicator_flags(participation: Participation, start: dt.date, end: dt.date) -> dict[str, int]:
    """{code: 0/1} for one participation (the auditors' list), computed by the same rules in SQL."""
    row = Participation.objects.filter(pk=participation.pk).aggregate(
        **{ind.code: Count("pk", filter=indicator_q(ind, start, end)) for ind in INDICATORS}
    )
    return {k: int(v) for k, v in row.items()}


def suppress(count: int, threshold: int | None = None) -> str:
    """A count for aggregated outputs: counts from 1 to threshold-1 become '<threshold' (ESF_SUPPRESSION_THRESHOLD)."""
    limit = settings.ESF_SUPPRESSION_THRESHOLD if threshold is None else threshold
    if 0 < count < limit:
        return f"<{limit}"
    return str(count)
