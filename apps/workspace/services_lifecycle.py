"""Ends of life that reach across apps (issue 10): a worker leaves, an organisation stops.

A withdrawn consent is handled by ``apps.pathways.services.consent_withdraw_with_team`` (the API calls it
too). Each closes what depended on it, in one transaction, and states it in its audit entry. Lives in
workspace because it writes rows of accounts, pathways, offers and referrals together (docs/architecture.md).

Access checks (``apps.pathways.permissions``, ``apps.clients.permissions``) also refuse inactive memberships
and organisations and missing consents; these services make the data say the same thing at once, so teams,
"my work" and notifications no longer count someone who left.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from apps.accounts.models import Membership, Organisation
from apps.audit.services import audit_log
from apps.offers.models import Offer
from apps.pathways.models import Pathway
from apps.pathways.services import team_places_end
from apps.referrals.services import offer_deactivate


@transaction.atomic
def membership_deactivate(*, membership: Membership, actor: Any) -> dict[str, Any]:
    """A worker leaves an organisation (or a role in it): the membership becomes inactive and every team
    place the worker held for that organisation ends at once (their open actions go to each pathway's
    counsellor, see ``team_places_end``). Returns ``{"team_places_ended": [pathway ids]}``.
    Raises ``ValidationError`` when the membership is already inactive."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if not membership.is_active:
        raise ValidationError(_("This membership is already inactive."))
    membership.is_active = False
    membership.save(update_fields=["is_active", "updated_at"])
    still_there = Membership.objects.filter(
        user_id=membership.user_id, organisation_id=membership.organisation_id, is_active=True
    ).exists()
    ended = (
        []
        if still_there  # another active role in the same organisation keeps the team places
        else team_places_end(
            user=membership.user, actor=actor, organisation=membership.organisation, reason="membership_ended"
        )
    )
    audit_log(
        actor=actor,
        action="accounts.membership.deactivated",
        obj=membership,
        changes={"user": membership.user_id, "team_places_ended": [m.pathway_id for m in ended]},
    )
    return {"team_places_ended": [m.pathway_id for m in ended]}


@transaction.atomic
def organisation_deactivate(*, organisation: Organisation, actor: Any) -> dict[str, Any]:
    """An organisation stops: its memberships end (with their team places, ``membership_deactivate``), its
    offers stop (``offer_deactivate``: waiting referrals answered, waiting entries closed, running places
    kept until they end) and it can no longer be chosen. Pathways it holds the direction of stay open and
    are listed in the audit entry, so the coordinator hands them over. Returns what was ended."""
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if not organisation.is_active:
        raise ValidationError(_("This organisation is already inactive."))
    memberships = [
        membership_deactivate(membership=m, actor=actor)
        for m in Membership.objects.filter(organisation=organisation, is_active=True)
    ]
    offers = [offer_deactivate(offer=o, actor=actor) for o in Offer.objects.filter(organisation=organisation)]
    organisation.is_active = False
    organisation.save(update_fields=["is_active", "updated_at"])
    directed = list(
        Pathway.objects.filter(organisation=organisation)
        .exclude(status=Pathway.Status.CLOSED)
        .values_list("pk", flat=True)
    )
    result = {
        "memberships": len(memberships),
        "team_places_ended": sorted({p for m in memberships for p in m["team_places_ended"]}),
        "offers": len(offers),
        "referrals_refused": sorted({r for o in offers for r in o["refused"]}),
        "pathways_to_hand_over": directed,
    }
    audit_log(actor=actor, action="accounts.organisation.deactivated", obj=organisation, changes=result)
    return result
