"""The example region file of format 1.4 (regions/examples/westhoek-dorpen.json): an intake there classifies on
the household and the age as on the screening date, also after a birthday; its screening step shows the
region's description of each level."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest

from apps.assessment.selectors import classification_for, completed_screenings, region_classification_data
from apps.assessment.services import screening_start
from conftest import ROOT, complete_screening, load, make_user

SCREENED = dt.date(2025, 3, 1)


@pytest.fixture
def dorpen(db: Any) -> SimpleNamespace:
    from apps.accounts.models import Organisation, Role

    region = load(ROOT / "regions" / "examples" / "westhoek-dorpen.json")
    veurne = region.municipalities.get(code="veurne")
    lb = Organisation.objects.create(
        region=region, code="lb-veurne-dorpen", name="OCMW Veurne", kind=Organisation.Kind.LOCAL_GOVERNMENT
    )
    return SimpleNamespace(
        region=region,
        lb=lb,
        veurne=veurne,
        houtem=veurne.deelgemeenten.get(code="houtem"),
        sofie=make_user("sofie", "Sofie", [(lb, Role.COUNSELLOR)]),
    )


def register_client(dorpen: SimpleNamespace, **data: Any) -> Any:
    """A client of the example region registered through ``client_register``."""
    from apps.clients.services import client_register

    defaults: dict[str, Any] = {
        "first_name": "An",
        "last_name": "Vermeulen",
        "birth_date": dt.date(1990, 5, 4),
        "gender": "F",
        "municipality": dorpen.veurne,
        "languages": ["nl"],
        "dutch_level": "C2",
        "interpreter_needed": False,
    }
    return client_register(organisation=dorpen.lb, actor=dorpen.sofie, **(defaults | data))


def _groups(dorpen: SimpleNamespace, client: Any, on: dt.date) -> set[str]:
    latest = completed_screenings(client=client)[-1]
    data = region_classification_data(region_id=dorpen.region.pk)
    return {g.code for g in classification_for(client=client, screening=latest, region_data=data, on=on).target_groups}


def test_a_single_mother_of_25_in_houtem_is_in_both_groups_on_the_screening_date_and_stays_after_birthdays(
    dorpen: SimpleNamespace,
) -> None:
    """Lien, 25 on the screening date (26 the next day), single mother of a child born in 2020 (5 in 2025: a child
    known by birth year counts the age reached that year, docs/region-format.md): young jobseeker (18-25) and
    single parent with a child under 6 on the screening date, and still so in January 2026, when she is 26 and
    her child 6; a screening in 2026 decides anew, and she is in neither group."""
    lien = register_client(
        dorpen,
        first_name="Lien",
        birth_date=dt.date(1999, 3, 2),
        municipality=dorpen.veurne,
        deelgemeente=dorpen.houtem,
        languages=["nl"],
        dutch_level="C2",
        interpreter_needed=False,
    )
    complete_screening(
        lien,
        dorpen.sofie,
        obstacles=["no-transport"],
        on=SCREENED,
        employment_status="unemployed",
        household_adults=1,
        household_children=[2020],
        single_parent=True,
    )
    assert lien.age_on(SCREENED) == 25
    assert _groups(dorpen, lien, SCREENED) >= {"young-single-parents", "young-jobseekers"}
    later = dt.date(2026, 1, 15)
    assert lien.age_on(later) == 26
    assert _groups(dorpen, lien, later) >= {"young-single-parents", "young-jobseekers"}
    # screened again after her birthday: the rules read the new date
    complete_screening(
        lien,
        dorpen.sofie,
        obstacles=["no-transport"],
        on=later,
        employment_status="unemployed",
        household_adults=1,
        household_children=[2020],
        single_parent=True,
    )
    assert _groups(dorpen, lien, later).isdisjoint({"young-jobseekers", "young-single-parents"})
    # a parent recorded as not single is not in the single parents' group
    pieter = register_client(dorpen, first_name="Pieter", birth_date=dt.date(1990, 1, 1), municipality=dorpen.veurne)
    complete_screening(
        pieter, dorpen.sofie, obstacles=["no-transport"], on=SCREENED, household_children=[2023], single_parent=False
    )
    assert "young-single-parents" not in _groups(dorpen, pieter, SCREENED)


def test_the_screening_step_shows_the_region_s_description_of_each_level(dorpen: SimpleNamespace, client: Any) -> None:
    hulpvrager = register_client(dorpen, municipality=dorpen.veurne)
    screening = screening_start(client=hulpvrager, actor=dorpen.sofie, organisation=dorpen.lb, screened_on=SCREENED)
    client.force_login(dorpen.sofie)
    page = client.get(f"/hulpvragers/{hulpvrager.pk}/screening/{screening.pk}/domeinen/").content.decode()
    assert "Geen vervoer en geen bus in het dorp" in page
    # tied to its radio button for screen readers
    transport = dorpen.region.life_domains.get(code="transport")
    assert f'aria-describedby="id_level_{transport.pk}_1-desc"' in page
    assert f'id="id_level_{transport.pk}_1-desc"' in page
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get(f"/hulpvragers/{hulpvrager.pk}/screening/{screening.pk}/domeinen/").content.decode()
    assert "No transport and no bus in the village" in english
