"""Shared helpers for the partnership tests: candidacies made through the real services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from apps.partnership import services_candidacies, services_jury
from apps.partnership.models import Candidacy, Criterion
from apps.regions.models import Challenge, InterventionType

VALID_KBO = ["0202239951", "0403170701", "0417497106", "0123456749"]


def before_deadline(region: Any, seconds: int = 3600) -> dt.datetime:
    return region.call.candidacy_deadline - dt.timedelta(seconds=seconds)


def make_candidacy(
    region: Any,
    *,
    name: str = "Open Deur vzw",
    kbo: str = "0202239951",
    challenges: tuple[str, ...] = ("saled",),
    types: dict[str, int] | None = None,
    budget: str = "25000",
    submit: bool = True,
    outreach: bool = True,
) -> Candidacy:
    now = before_deadline(region)
    candidacy = services_candidacies.candidacy_start(
        region=region,
        applicant_name="An Peeters",
        applicant_email=f"an@{services_candidacies.normalise_name(name)}.be",
        organisation_name=name,
        enterprise_number=kbo,
        site_url="http://testserver/",
        now=now,
    )
    types = types if types is not None else {"psychological-help": 40, "mobility-support": 20}
    municipality = region.municipalities.first()
    services_candidacies.candidacy_save_draft(
        candidacy=candidacy,
        now=now,
        offers={InterventionType.objects.get(region=region, code=k).pk: v for k, v in types.items()},
        address="Kerkstraat 1",
        municipality=municipality,
        expertise="Twintig jaar ervaring met vluchtelingen.",
        outreach=outreach,
        outreach_text="We gaan op huisbezoek." if outreach else "",
        languages=["nl", "prs"],
        budget_requested=Decimal(budget),
        challenges=list(Challenge.objects.filter(region=region, code__in=challenges)),
        municipalities=list(region.municipalities.all()[:2]),
    )
    if submit:
        candidacy = services_candidacies.candidacy_submit(candidacy=candidacy, now=now)
    return Candidacy.objects.get(pk=candidacy.pk)


@pytest.fixture
def criteria(personas: Any) -> list[Criterion]:
    region = personas.region
    return [
        services_jury.criterion_save(
            region=region, actor=personas.wouter, name="Aansluiting bij de uitdagingen", weight=3
        ),
        services_jury.criterion_save(region=region, actor=personas.wouter, name="Haalbaarheid", weight=1),
    ]


@pytest.fixture
def candidacy(personas: Any, settings: Any, tmp_path: Any) -> Candidacy:
    settings.MEDIA_ROOT = tmp_path
    return make_candidacy(personas.region)
