"""The indicator engine: the reference's worked example, and a set of edge cases (docs/esf-indicators.md)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest

from apps.esf.indicators import INDICATORS, Filters, add_months, compute, suppress
from apps.esf.models import Participation
from apps.esf.services import participation_enter
from apps.esf.tests.factories import participant, worked_example
from apps.pathways.models import Pathway
from apps.pathways.services import pathway_start

YEAR = (dt.date(2025, 1, 1), dt.date(2025, 12, 31))

WORKED_EXAMPLE_TOTALS = {
    "EECO01": 5, "EECO02": 2, "EECO03": 1, "EECO04": 2, "EECO05": 1, "EECO06": 1, "EECO07": 1, "EECO08": 1,
    "EECO09": 3, "EECO10": 1, "EECO11": 1, "EECO12": 1, "EECO13": 1, "EECO14": 2, "EECO15": 0, "EECO16": 1,
    "EECO17": 0, "EECR01": 1, "EECR02": 1, "EECR03": 1, "EECR04": 1, "EECR05": 3, "EECR06": 1,
}  # fmt: skip


def report(personas: Any, start: dt.date = YEAR[0], end: dt.date = YEAR[1], **filters: Any) -> Any:
    return compute(region_id=personas.region.pk, start=start, end=end, filters=Filters(**filters))


@pytest.mark.django_db
def test_the_worked_example_of_the_reference_gives_every_total_of_its_table(personas: Any) -> None:
    worked_example(personas)
    assert report(personas).totals() == WORKED_EXAMPLE_TOTALS


@pytest.mark.django_db
def test_the_worked_example_is_broken_down_by_gender(personas: Any) -> None:
    worked_example(personas)
    r = report(personas)
    assert r.row("EECO01").by_gender == {"woman": 1, "man": 3, "non_binary": 1}
    assert r.row("EECO12").by_gender == {"woman": 1, "man": 0, "non_binary": 0}
    assert r.row("EECR06").by_gender == {"woman": 0, "man": 0, "non_binary": 1}


@pytest.mark.django_db
def test_bekegem_counts_as_rural_once_ichtegem_has_a_rural_degurba_class(personas: Any) -> None:
    worked_example(personas)
    personas.region.municipalities.filter(code="ichtegem").update(degurba=3)
    r = report(personas)
    assert r.row("EECO17").total == 1
    assert r.row("EECO17").incomplete == 4  # Oostende has no DEGURBA class in the region file yet


@pytest.mark.django_db
def test_the_report_is_one_query(personas: Any, django_assert_num_queries: Any) -> None:
    worked_example(personas)
    with django_assert_num_queries(1):
        report(personas)


# --- the edge-case set: 24 participants --------------------------------------------------------------

ENTRY = dt.date(2025, 3, 1)
LEFT = dt.date(2025, 5, 31)


@pytest.fixture
def edge(personas: Any) -> SimpleNamespace:
    def p(**kw: Any) -> Participation:
        kw.setdefault("born", dt.date(1990, 1, 1))
        kw.setdefault("labour_status", "inactive")
        kw.setdefault("isced_level", 2)
        kw.setdefault("nationality", "BE")
        kw.setdefault("housing", "housed")
        kw.setdefault("disability", "no")
        kw.setdefault("disability_source", "self_declared")
        return participant(personas, entry=ENTRY, **kw)

    return SimpleNamespace(
        age_29_day_before_30=p(born=dt.date(1995, 3, 2)),
        age_30_on_birthday=p(born=dt.date(1995, 3, 1)),
        age_54_day_before_55=p(born=dt.date(1970, 3, 2)),
        age_55_on_birthday=p(born=dt.date(1970, 3, 1)),
        age_17_day_before_18=p(born=dt.date(2007, 3, 2)),
        age_18_on_birthday=p(born=dt.date(2007, 3, 1)),
        young_6_months=p(born=dt.date(2003, 1, 1), labour_status="unemployed", unemployed_months=6),
        young_7_months=p(born=dt.date(2003, 1, 1), labour_status="unemployed", unemployed_months=7),
        older_12_months=p(labour_status="unemployed", unemployed_months=12),
        older_13_months=p(labour_status="unemployed", unemployed_months=13),
        just_25_10_months=p(born=dt.date(2000, 3, 1), labour_status="unemployed", unemployed_months=10),
        non_binary=p(gender="X", labour_status="employed"),
        still_active=p(labour_status="unemployed", unemployed_months=2),
        refused_disability=p(disability="refused", disability_source=""),
        unknown_disability=p(disability="", disability_source=""),
        employed_stays_employed=p(
            labour_status="employed", leaving=LEFT, results={"employed": True}, follow_up={"employed": True}
        ),
        unemployed_finds_work=p(
            labour_status="unemployed", unemployed_months=3, leaving=LEFT, results={"employed": True},
            follow_up={"employed": True, "better": True},
        ),
        inactive_searching=p(leaving=LEFT, results={"job_searching": True}),
        unemployed_searching=p(
            labour_status="unemployed", unemployed_months=3, leaving=LEFT, results={"job_searching": True}
        ),
        late_results=p(leaving=LEFT, results={"in_education": True}, recorded_after_days=29),
        stateless=p(nationality="XX"),
        nationality_unknown=p(nationality=""),
        insecure_housing=p(housing="insecure"),
        rural=p(municipality="oudenburg"),
    )  # fmt: skip


def counted(personas: Any, code: str) -> set[int]:
    """The participations counted for ``code`` in 2025 (through the engine's own drill-down filter)."""
    from apps.esf.indicators import participants_q

    return set(Participation.objects.filter(participants_q(code, *YEAR)).values_list("pk", flat=True))


@pytest.mark.django_db
def test_the_edge_set_has_at_least_twenty_participants(edge: Any, personas: Any) -> None:
    assert report(personas).row("EECO01").total == 24


@pytest.mark.django_db
def test_a_participant_aged_29_the_day_before_the_30th_birthday_is_young(edge: Any, personas: Any) -> None:
    young = counted(personas, "EECO07")
    assert edge.age_29_day_before_30.pk in young
    assert edge.age_30_on_birthday.pk not in young
    assert edge.age_18_on_birthday.pk in young


@pytest.mark.django_db
def test_55_counts_from_the_55th_birthday_not_the_day_before(edge: Any, personas: Any) -> None:
    older = counted(personas, "EECO08")
    assert edge.age_55_on_birthday.pk in older
    assert edge.age_54_day_before_55.pk not in older


@pytest.mark.django_db
def test_a_child_is_below_18_until_the_18th_birthday(edge: Any, personas: Any) -> None:
    children = counted(personas, "EECO06")
    assert children == {edge.age_17_day_before_18.pk}


@pytest.mark.django_db
def test_long_term_unemployment_needs_more_than_6_or_12_months(edge: Any, personas: Any) -> None:
    long_term = counted(personas, "EECO03")
    assert long_term == {edge.young_7_months.pk, edge.older_13_months.pk}
    assert {edge.young_6_months.pk, edge.older_12_months.pk, edge.just_25_10_months.pk} <= counted(personas, "EECO02")


@pytest.mark.django_db
def test_a_non_binary_participant_has_its_own_column(edge: Any, personas: Any, settings: Any) -> None:
    assert report(personas).row("EECO05").by_gender["non_binary"] == 2 - 1  # non-binary; the others are men
    settings.ESF_REPORT_NON_BINARY = False
    r = report(personas)
    assert "non_binary" not in r.row("EECO05").by_gender
    assert r.row("EECO01").total == 24


@pytest.mark.django_db
def test_a_participant_still_active_counts_in_outputs_but_not_in_results(edge: Any, personas: Any) -> None:
    assert edge.still_active.pk in counted(personas, "EECO02")
    results = set().union(*(counted(personas, i.code) for i in INDICATORS if i.kind != "output"))
    assert edge.still_active.pk not in results


@pytest.mark.django_db
def test_refused_is_an_answer_but_not_a_yes(edge: Any, personas: Any) -> None:
    row = report(personas).row("EECO12")
    assert row.total == 0
    assert row.incomplete == 1  # only the participant never asked


@pytest.mark.django_db
def test_employed_at_entry_is_left_out_of_eecr04_by_a_setting(edge: Any, personas: Any, settings: Any) -> None:
    assert counted(personas, "EECR04") == {edge.unemployed_finds_work.pk}
    settings.ESF_EECR04_EXCLUDE_EMPLOYED_AT_ENTRY = False
    assert counted(personas, "EECR04") == {edge.unemployed_finds_work.pk, edge.employed_stays_employed.pk}


@pytest.mark.django_db
def test_eecr05_counts_employed_at_entry_unless_the_setting_excludes_them(
    edge: Any, personas: Any, settings: Any
) -> None:
    late = (add_months(YEAR[0], 6), add_months(YEAR[1], 6))
    assert report(personas, *late).row("EECR05").total == 2
    settings.ESF_EECR05_EXCLUDE_EMPLOYED_AT_ENTRY = True
    assert report(personas, *late).row("EECR05").total == 1


@pytest.mark.django_db
def test_a_better_situation_only_counts_for_those_employed_at_entry(edge: Any, personas: Any) -> None:
    late = (add_months(YEAR[0], 6), add_months(YEAR[1], 6))
    assert report(personas, *late).row("EECR06").total == 0  # the unemployed one's 'better' is not recorded


@pytest.mark.django_db
def test_job_searching_counts_only_for_the_inactive_at_entry_by_default(
    edge: Any, personas: Any, settings: Any
) -> None:
    assert counted(personas, "EECR01") == {edge.inactive_searching.pk}
    settings.ESF_EECR01_INACTIVE_AT_ENTRY_ONLY = False
    assert counted(personas, "EECR01") == {edge.inactive_searching.pk, edge.unemployed_searching.pk}


@pytest.mark.django_db
def test_results_recorded_after_four_weeks_do_not_count_and_show_as_incomplete(
    edge: Any, personas: Any, settings: Any
) -> None:
    r = report(personas)
    assert r.row("EECR02").total == 0
    assert r.row("EECR02").incomplete == 1
    settings.ESF_LEAVING_WINDOW_DAYS = 30
    assert report(personas).row("EECR02").total == 1


@pytest.mark.django_db
def test_a_stateless_person_is_a_third_country_national_and_unknown_is_incomplete(edge: Any, personas: Any) -> None:
    assert counted(personas, "EECO13") == {edge.stateless.pk}
    assert report(personas).row("EECO13").incomplete == 1


@pytest.mark.django_db
def test_housing_exclusion_follows_the_ethos_classes_setting(edge: Any, personas: Any, settings: Any) -> None:
    assert counted(personas, "EECO16") == {edge.insecure_housing.pk}
    settings.ESF_HOUSING_EXCLUSION_CLASSES = ["roofless", "houseless"]
    assert counted(personas, "EECO16") == set()


@pytest.mark.django_db
def test_rural_follows_the_municipality_degurba(edge: Any, personas: Any) -> None:
    assert counted(personas, "EECO17") == set()
    personas.region.municipalities.filter(code="oudenburg").update(degurba=3)
    assert counted(personas, "EECO17") == {edge.rural.pk}


@pytest.mark.django_db
def test_the_report_filters_by_municipality_and_organisation(edge: Any, personas: Any) -> None:
    oudenburg = personas.region.municipalities.get(code="oudenburg")
    assert report(personas, municipality=oudenburg.pk).row("EECO01").total == 1
    assert report(personas, organisation=personas.brug.pk).row("EECO01").total == 0


@pytest.mark.django_db
def test_entries_outside_the_period_are_not_counted(edge: Any, personas: Any) -> None:
    assert report(personas, dt.date(2024, 1, 1), dt.date(2024, 12, 31)).row("EECO01").total == 0


@pytest.mark.django_db
def test_a_reentry_in_the_same_operation_counts_once(personas: Any) -> None:
    from apps.pathways.services import pathway_close

    first = participant(personas, born=dt.date(1990, 1, 1), labour_status="inactive")
    assert first.pathway is not None
    pathway_close(pathway=first.pathway, actor=personas.sofie, closed_on=dt.date(2025, 4, 1), outcome="other")
    second = pathway_start(
        client=first.client, actor=personas.sofie, organisation=personas.lb, started_on=dt.date(2025, 6, 1)
    )
    again = participation_enter(actor=personas.sofie, pathway=second, entry_date=dt.date(2025, 6, 1))
    assert again.pk == first.pk
    assert again.entry_date == dt.date(2025, 3, 1)
    assert Pathway.objects.count() == 2
    assert report(personas).row("EECO01").total == 1


def test_suppression_hides_small_counts_but_not_zero() -> None:
    assert [suppress(n, 5) for n in (0, 1, 4, 5, 12)] == ["0", "<5", "<5", "5", "12"]
    assert suppress(3, 0) == "3"


def test_start_after_end_is_refused() -> None:
    with pytest.raises(ValueError):
        compute(region_id=1, start=dt.date(2025, 2, 1), end=dt.date(2025, 1, 1))
