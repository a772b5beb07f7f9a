"""Conversion of selected candidacies into partner organisations with their offers (social map)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.text import slugify

from apps.accounts.models import Organisation
from apps.audit.services import audit_log
from apps.offers.models import DeliveryMode, Period
from apps.offers.services import offer_create
from apps.partnership.models import Candidacy
from apps.regions.models import Obstacle, Region


def _unique_code(region: Region, name: str) -> str:
    base = slugify(name)[:50] or "partner"
    code, n = base, 1
    while Organisation.objects.filter(region=region, code=code).exists():
        n += 1
        code = f"{base}-{n}"
    return code


@transaction.atomic
def selected_candidacies_convert(*, region: Region, actor: Any) -> list[Candidacy]:
    """Selected candidacies become partner organisations with one offer per intervention type offered.

    Idempotent: an existing organisation or offer made from the candidacy is kept, never duplicated.
    """
    converted = []
    selected = (
        Candidacy.objects.select_for_update()
        .filter(region=region, decision=Candidacy.Decision.SELECTED, status=Candidacy.Status.SUBMITTED)
        .order_by("pk")
    )
    for candidacy in selected:
        created_offers = []
        organisation = candidacy.partner_organisation
        new_organisation = organisation is None
        if organisation is None:
            organisation = Organisation.objects.create(
                region=region,
                code=_unique_code(region, candidacy.organisation_name),
                name=candidacy.organisation_name,
                kind=Organisation.Kind.PARTNER,
                municipality=candidacy.municipality,
            )
            candidacy.partner_organisation = organisation
            candidacy.save(update_fields=["partner_organisation", "updated_at"])
        challenge_obstacles = list(
            Obstacle.objects.filter(challenge_lines__challenge__in=candidacy.challenges.all()).distinct()
        )
        municipalities = list(candidacy.municipalities.all())
        for line in candidacy.offers.select_related("intervention_type").filter(offer__isnull=True):
            itype = line.intervention_type
            obstacles = [o for o in challenge_obstacles if itype.pk in {t.pk for t in o.intervention_types.all()}]
            outreach = candidacy.outreach
            offer = offer_create(
                organisation=organisation,
                actor=actor,
                title=f"{itype.label_nl} – {candidacy.organisation_name}"[:200],
                description=candidacy.outreach_text if outreach and candidacy.outreach_text else candidacy.expertise,
                delivery_mode=DeliveryMode.OUTREACH if outreach else DeliveryMode.AT_ADDRESS,
                address="" if outreach else candidacy.address,
                location_municipality=None if outreach else (candidacy.municipality or municipalities[0]),
                languages=list(candidacy.languages),
                capacity=line.yearly_capacity,
                capacity_period=Period.YEAR,
                intervention_types=[itype],
                obstacles=obstacles or challenge_obstacles,
                municipalities=municipalities,
            )
            line.offer = offer
            line.save(update_fields=["offer"])
            created_offers.append(offer.pk)
        if new_organisation or created_offers:
            audit_log(
                actor=actor,
                action="partnership.candidacy.converted",
                obj=candidacy,
                changes={"organisation": organisation.pk, "offers": created_offers},
            )
        converted.append(candidacy)
    return converted
