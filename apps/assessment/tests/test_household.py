"""Household at intake (issue 13, item 4): recorded on the data step, shown in the summary, tested by the
target-group rules on the screening's date."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from django.utils import translation

from apps.assessment.forms import EntryDataForm
from apps.assessment.models import Screening
from apps.assessment.selectors import classification_for, completed_screenings, region_classification_data
from apps.assessment.services import screening_start
from apps.regions.target_group_rules import Facts, child_age, evaluate
from conftest import complete_screening, register_client

SCREENED = dt.date(2026, 3, 1)


def _form(**extra: str) -> EntryDataForm:
    return EntryDataForm({"employment_status": "inactive", **extra})


def test_the_data_step_reads_birth_years_and_points_at_a_wrong_one() -> None:
    form = _form(household_adults="1", household_children="2019; 2012 ,", single_parent="true")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["household_children"] == [2012, 2019]
    assert form.cleaned_data["single_parent"] is True
    with translation.override("nl-be"):
        bad = _form(household_children="2012, twintig")
        assert not bad.is_valid()
        assert (
            "twintig" in bad.errors["household_children"][0] and "geboortejaar" in bad.errors["household_children"][0]
        )
    assert not _form(household_adults="-1").is_valid()


def test_sofie_records_marlies_household_and_the_summary_shows_it(personas: Any, client: Any) -> None:
    marlies = register_client(personas, first_name="Marlies")
    screening = screening_start(client=marlies, actor=personas.sofie, organisation=personas.lb, screened_on=SCREENED)
    client.force_login(personas.sofie)
    url = f"/hulpvragers/{marlies.pk}/screening/{screening.pk}/gegevens/"
    response = client.post(
        url,
        {
            "employment_status": "unemployed",
            "unemployed_months": "20",
            "household_adults": "1",
            "household_children": "2015, 2021",
            "single_parent": "true",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    screening.refresh_from_db()
    assert (screening.household_adults, screening.household_children, screening.single_parent) == (
        1,
        [2015, 2021],
        True,
    )
    page = client.get(f"/hulpvragers/{marlies.pk}/screening/{screening.pk}/overzicht/").content.decode()
    assert "2015, 2021" in page
    # the form shows what was saved
    again = client.get(url).content.decode()
    assert 'value="2015, 2021"' in again
    client.force_login(personas.olaf)
    assert client.get(url).status_code == 404


def test_junk_children_on_the_data_step_saves_nothing(personas: Any, client: Any) -> None:
    hulpvrager = register_client(personas)
    screening = screening_start(client=hulpvrager, actor=personas.sofie, organisation=personas.lb, screened_on=SCREENED)
    client.force_login(personas.sofie)
    response = client.post(
        f"/hulpvragers/{hulpvrager.pk}/screening/{screening.pk}/gegevens/",
        {"employment_status": "inactive", "household_children": "2015, =HYPERLINK(1)"},
    )
    assert response.status_code == 200
    assert Screening.objects.get(pk=screening.pk).employment_status == ""


def test_children_under_and_single_parent_rules() -> None:
    on = dt.date(2026, 3, 1)
    mother = Facts(age=45, obstacles=frozenset(), facts={"single_parent": True}, on=on, children=(2015, 2024))
    assert child_age(2024, on) == 2
    assert evaluate({"children_under": 3}, mother)
    assert not evaluate({"children_under": 2}, mother)
    assert evaluate({"all": [{"single_parent": True}, {"children_under": 12}]}, mother)
    assert not evaluate({"single_parent": False}, mother)
    unknown = Facts(age=45, obstacles=frozenset(), on=on)
    assert not evaluate({"children_under": 18}, unknown)
    assert not evaluate({"single_parent": True}, unknown) and not evaluate({"single_parent": False}, unknown)
    childless = Facts(age=30, obstacles=frozenset(), facts={"household_adults": 2}, on=on, children=())
    assert not evaluate({"children_under": 18}, childless)
    assert evaluate({"fact": {"name": "household_adults", "equals": 2}}, childless)


def test_a_client_screened_at_29_stays_neet_after_turning_30(personas: Any) -> None:
    """Oostende's NEET rule is 15-29; the rule is decided on the screening date (the ESF+ entry date)."""
    born = dt.date(1996, 3, 2)  # 29 on 1 March 2026, 30 the next day
    client = register_client(personas, birth_date=born)
    complete_screening(client, personas.sofie, obstacles=["unemployed"], on=SCREENED, in_education=False)
    latest = completed_screenings(client=client)[-1]
    data = region_classification_data(region_id=personas.region.pk)
    later = dt.date(2026, 6, 1)
    assert client.age_on(later) == 30
    groups = {
        g.code for g in classification_for(client=client, screening=latest, region_data=data, on=later).target_groups
    }
    assert "neet-youth" in groups


def test_household_rules_follow_the_screening(personas: Any) -> None:
    """A household rule (as a region file may hold it) classifies on the recorded household."""
    client = register_client(personas, birth_date=dt.date(1981, 5, 1), gender="F")
    complete_screening(
        client,
        personas.sofie,
        obstacles=["debts"],
        household_adults=1,
        household_children=[2012, 2023],
        single_parent=True,
    )
    latest = completed_screenings(client=client)[-1]
    rule = {"all": [{"single_parent": True}, {"children_under": 4}]}  # the 2023 child is 3 in 2026
    data = region_classification_data(region_id=personas.region.pk)
    data["target_groups"] = [SimpleNamespace(code="young-single-parents", rule=rule)]
    result = classification_for(client=client, screening=latest, region_data=data)
    assert [g.code for g in result.target_groups] == ["young-single-parents"]
    rule["all"][1] = {"children_under": 3}
    assert classification_for(client=client, screening=latest, region_data=data).target_groups == []


def _neet(personas: Any, client: Any, on: dt.date) -> bool:
    latest = completed_screenings(client=client)[-1]
    data = region_classification_data(region_id=personas.region.pk)
    return "neet-youth" in {
        g.code for g in classification_for(client=client, screening=latest, region_data=data, on=on).target_groups
    }


def test_a_pupil_of_17_at_risk_of_early_school_leaving_is_neet_and_stays_so_after_turning_19(personas: Any) -> None:
    """Oostende's addendum: "ongekwalificeerde uitstroom in het onderwijs/ drop-out 16-18 jaar" counts,
    even while the pupil is still enrolled; decided on the screening date, across a birthday."""
    pupil = register_client(personas, first_name="Roy", birth_date=dt.date(2008, 6, 1))  # 17 on SCREENED
    complete_screening(pupil, personas.sofie, obstacles=["early-school-leaving"], on=SCREENED, in_education=True)
    assert _neet(personas, pupil, SCREENED)
    assert pupil.age_on(dt.date(2027, 7, 1)) == 19
    assert _neet(personas, pupil, dt.date(2027, 7, 1))


def test_a_student_of_20_at_risk_of_leaving_school_is_not_neet_while_enrolled(personas: Any) -> None:
    student = register_client(personas, first_name="John", birth_date=dt.date(2005, 6, 1))  # 20 on SCREENED
    complete_screening(student, personas.sofie, obstacles=["early-school-leaving"], on=SCREENED, in_education=True)
    assert not _neet(personas, student, SCREENED)
