"""Participants through the real services (client register, pathway start, ESF+ entry, leaving, follow-up)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from apps.esf.models import Participation
from apps.esf.services import participation_enter, participation_record_follow_up, participation_record_leaving
from apps.pathways.services import pathway_start
from conftest import register_client

_counter = [0]


def participant(
    personas: Any,
    *,
    born: dt.date,
    gender: str = "M",
    entry: dt.date = dt.date(2025, 3, 1),
    municipality: str = "oostende",
    organisation: Any = None,
    actor: Any = None,
    leaving: dt.date | None = None,
    results: dict[str, bool] | None = None,
    recorded_after_days: int = 10,
    follow_up: dict[str, bool] | None = None,
    **data: Any,
) -> Participation:
    """One participant; ``data`` holds entry fields (labour_status, isced_level, nationality, ...)."""
    _counter[0] += 1
    organisation = organisation or personas.lb
    actor = actor or personas.sofie
    client = register_client(
        personas,
        organisation=organisation,
        actor=actor,
        first_name=f"P{_counter[0]}",
        last_name="Deelnemer",
        birth_date=born,
        gender=gender,
        municipality=personas.region.municipalities.get(code=municipality),
    )
    pathway = pathway_start(client=client, actor=actor, organisation=organisation, started_on=entry)
    p = participation_enter(actor=actor, pathway=pathway, entry_date=entry, **data)
    if leaving is not None:
        flags = {"job_searching": False, "in_education": False, "qualification": False, "employed": False}
        flags.update(results or {})
        p = participation_record_leaving(
            actor=actor,
            participation=p,
            leaving_date=leaving,
            recorded_on=leaving + dt.timedelta(days=recorded_after_days),
            **flags,
        )
    if follow_up is not None:
        p = participation_record_follow_up(
            actor=actor,
            participation=p,
            followed_up_on=p.follow_up_due,  # type: ignore[arg-type]
            employed=follow_up.get("employed", False),
            better_situation=follow_up.get("better", False),
        )
    return p


def worked_example(personas: Any) -> list[Participation]:
    """The five invented participants of the reference's worked example (docs/esf-indicators.md, section 5)."""
    leaving = dt.date(2025, 6, 30)
    return [
        participant(  # P1
            personas, born=dt.date(2001, 5, 10), gender="M", labour_status="unemployed", unemployed_months=17,
            isced_level=2, nationality="SY", foreign_background="yes", foreign_background_source="self_declared",
            housing="housed", leaving=leaving, results={"qualification": True}, follow_up={"employed": True},
        ),
        participant(  # P2
            personas, born=dt.date(1967, 1, 20), gender="F", labour_status="inactive", isced_level=1,
            nationality="BE", disability="yes", disability_source="self_declared", housing="housed",
            leaving=leaving, results={"job_searching": True}, follow_up={"employed": False},
        ),
        participant(  # P3
            personas, born=dt.date(1994, 8, 2), gender="X", labour_status="employed", isced_level=3,
            nationality="BE", housing="roofless", leaving=leaving, follow_up={"employed": True, "better": True},
        ),
        participant(  # P4
            personas, born=dt.date(2007, 11, 15), gender="M", labour_status="inactive", isced_level=2,
            nationality="BE", housing="housed", leaving=leaving, results={"in_education": True},
        ),
        participant(  # P5: Bekegem is a deelgemeente of Ichtegem
            personas, born=dt.date(1980, 2, 11), gender="M", labour_status="unemployed", unemployed_months=8,
            isced_level=6, nationality="PL", foreign_background="yes", foreign_background_source="self_declared",
            housing="housed", municipality="ichtegem", leaving=leaving, results={"employed": True},
            follow_up={"employed": True},
        ),
    ]  # fmt: skip
