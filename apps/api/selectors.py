"""Reads behind the API's client sub-resources, each with a fixed number of queries.

They take a ``ClientAccess`` that ``apps.clients.permissions.get_client_for_user`` returned, and
apply the same visibility rules as the client file page (``apps.workspace.selectors.client_file``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from apps.assessment.models import Screening
from apps.assessment.selectors import classification_for, completed_screenings, region_classification_data
from apps.clients.permissions import CLASSIFICATION_CATEGORIES, ClientAccess
from apps.consent.models import Consent, DataCategory
from apps.regions.models import LifeDomain


def screenings_for(*, access: ClientAccess) -> tuple[list[Screening], dict[int, LifeDomain]]:
    """Completed screenings (oldest first) and the region's life domains by id; no screenings
    unless the access sees life domains (4 queries, whatever the number of screenings)."""
    if not access.sees(DataCategory.LIFE_DOMAINS):
        return [], {}
    client = access.client
    domains = {d.pk: d for d in LifeDomain.objects.filter(region_id=client.organisation.region_id)}
    return completed_screenings(client=client), domains


@dataclass
class ClassificationResult:
    available: bool
    reason: str = ""
    screening: int | None = None
    target_groups: list[Any] = field(default_factory=list)
    challenges: list[Any] = field(default_factory=list)


def classification_of(*, access: ClientAccess) -> ClassificationResult:
    """Target groups and nearest challenges on the latest completed screening, or why there are none."""
    if not CLASSIFICATION_CATEGORIES.issubset(access.categories):
        return ClassificationResult(
            available=False,
            reason=_("The classification is not available: the consent does not cover all the data it is based on."),
        )
    client = access.client
    screenings = completed_screenings(client=client)
    if not screenings:
        return ClassificationResult(available=False, reason=_("The client has no completed screening yet."))
    latest = screenings[-1]
    region_data = region_classification_data(region_id=client.organisation.region_id)
    result = classification_for(client=client, screening=latest, region_data=region_data)
    return ClassificationResult(
        available=True, screening=latest.pk, target_groups=result.target_groups, challenges=result.challenges
    )


def consents_for(*, access: ClientAccess) -> list[Consent]:
    """The owning organisation sees every consent, withdrawn ones included; others only the active ones given
    to their own organisations (docs/decisions/0014-access-matrix.md)."""
    consents = Consent.objects.filter(client=access.client).prefetch_related("organisations")
    if not access.owner:
        consents = consents.in_force().filter(organisations__in=access.organisation_ids).distinct()
    return list(consents)
