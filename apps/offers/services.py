"""Writes on the social map."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.audit.services import audit_log
from apps.core.concurrency import versioned_update
from apps.core.search import compose_key
from apps.core.states import sources
from apps.offers.models import DeliveryMode, Offer, WaitingListEntry

SCALAR_FIELDS = (
    "title", "description", "delivery_mode", "format", "address", "location_municipality", "latitude", "longitude",
    "languages", "interpreter_available", "min_age", "max_age", "gender_specific", "capacity", "capacity_period",
    "occupancy", "waiting_weeks", "cost_to_client", "accessibility_notes", "is_active",
)  # fmt: skip
M2M_FIELDS = ("intervention_types", "obstacles", "municipalities", "target_groups")


def _check(offer: Offer, m2m: dict[str, Any]) -> None:
    region_id = offer.organisation.region_id
    errors: dict[str, list[str]] = {}
    if offer.delivery_mode == DeliveryMode.AT_ADDRESS:
        if offer.location_municipality is None:
            errors["location_municipality"] = [_("An offer at an address needs the municipality of that address.")]
        if offer.latitude is None and offer.location_municipality is not None:
            offer.latitude = offer.location_municipality.latitude
            offer.longitude = offer.location_municipality.longitude
    if offer.min_age is not None and offer.max_age is not None and offer.min_age > offer.max_age:
        errors["max_age"] = [_("The maximum age is below the minimum age.")]
    if offer.occupancy > offer.capacity:
        errors["occupancy"] = [
            _("The places taken (%(occupancy)s) cannot exceed the capacity (%(capacity)s).")
            % {"occupancy": offer.occupancy, "capacity": offer.capacity}
        ]
    for name, items in m2m.items():
        if any(getattr(item, "region_id", region_id) != region_id for item in items):
            errors[name] = [_("Choose only items of the organisation's region.")]
    if not m2m.get("intervention_types"):
        errors["intervention_types"] = [_("Choose at least one intervention type.")]
    if not m2m.get("obstacles"):
        errors["obstacles"] = [_("Choose at least one obstacle the offer addresses.")]
    if not m2m.get("municipalities") and offer.delivery_mode != DeliveryMode.ONLINE:
        errors["municipalities"] = [_("Choose the municipalities the offer serves.")]
    if errors:
        raise ValidationError(errors)


def offer_search_key(offer: Offer) -> str:
    """The offer's stored search key (apps/core/search.py): its title (words and as one token). The
    organisation's name is searched through ``organisation.search_key``. Set by every writer of the title."""
    return compose_key(texts=(offer.title,))


@transaction.atomic
def offer_create(*, organisation: Any, actor: Any, **data: Any) -> Offer:
    m2m = {k: list(data.pop(k, [])) for k in M2M_FIELDS}
    unknown = set(data) - set(SCALAR_FIELDS)
    if unknown:
        raise TypeError(f"unknown offer fields: {sorted(unknown)}")
    offer = Offer(organisation=organisation, **data)
    _check(offer, m2m)
    offer.full_clean()
    offer.search_key = offer_search_key(offer)
    offer.save()
    for name, items in m2m.items():
        getattr(offer, name).set(items)
    audit_log(actor=actor, action="partners.offer.created", obj=offer, changes={"organisation": organisation.pk})
    return offer


@transaction.atomic
def offer_update(
    *,
    offer: Offer,
    actor: Any,
    seen_occupancy: int | None = None,
    expected_version: int | None = None,
    **data: Any,
) -> Offer:
    """Change an offer's fields (scalars of ``SCALAR_FIELDS``, many-to-many of ``M2M_FIELDS``).

    ``expected_version``: the version the edit form showed; a stale one raises
    ``apps.core.concurrency.EditConflict`` and writes nothing (optimistic lock, decision 0015). Without it
    (the allocation, ending an offer) the save still moves the version on, so an open form becomes stale.
    Places taken (``occupancy``) do not move the version: an accept never makes the form stale.

    ``seen_occupancy``: the places taken when the form was opened. The row is re-read under a lock, so an
    accept or an allocation that took a place meanwhile is not overwritten by a stale form: an unchanged
    occupancy keeps the current value; a changed one over a changed current value raises ``ValidationError``
    on ``occupancy`` (issue 10). Raises ``ValidationError`` (field errors) for invalid data, ``TypeError``
    for unknown fields.
    """
    m2m = {k: list(data.pop(k)) for k in M2M_FIELDS if k in data}
    unknown = set(data) - set(SCALAR_FIELDS)
    if unknown:
        raise TypeError(f"unknown offer fields: {sorted(unknown)}")
    if expected_version is not None:
        offer.version = versioned_update(Offer, pk=offer.pk, expected_version=expected_version)
    else:
        Offer.objects.filter(pk=offer.pk).update(version=F("version") + 1)
        offer.version = Offer.objects.values_list("version", flat=True).get(pk=offer.pk)
    current_occupancy = Offer.objects.select_for_update().values_list("occupancy", flat=True).get(pk=offer.pk)
    offer.occupancy = current_occupancy
    if seen_occupancy is not None and "occupancy" in data and current_occupancy != seen_occupancy:
        if data["occupancy"] == seen_occupancy:
            data.pop("occupancy")  # not touched in the form: keep the places taken meanwhile
        else:
            raise ValidationError(
                {
                    "occupancy": [
                        _("Meanwhile the places taken changed to %(now)s. Check the number and save again.")
                        % {"now": current_occupancy}
                    ]
                }
            )
    ending = offer.is_active and data.get("is_active") is False
    if ending and offer.referrals.filter(status__in=["sent", "waiting"]).exists():
        # the referrals waiting for an answer are refused by apps.referrals.services.offer_deactivate
        raise ValidationError(
            {"is_active": [_("Referrals still wait for an answer: use 'Stop the offer', which answers them.")]}
        )
    changed = sorted(k for k, v in data.items() if getattr(offer, k) != v)
    for key, value in data.items():
        setattr(offer, key, value)
    current = {k: list(getattr(offer, k).all()) for k in M2M_FIELDS}
    _check(offer, current | m2m)
    offer.full_clean()
    offer.search_key = offer_search_key(offer)
    offer.save()
    for name, items in m2m.items():
        if {i.pk for i in items} != {i.pk for i in current[name]}:
            getattr(offer, name).set(items)
            changed.append(name)
    closed: list[int] = []
    if ending:  # nobody waits for an offer that has ended (issue 10)
        closed = waiting_entries_close(offer=offer)
    audit_log(
        actor=actor,
        action="partners.offer.updated",
        obj=offer,
        changes={"fields": changed, **({"waiting_entries_closed": closed} if ending else {})},
    )
    return offer


def offer_occupancy_change(*, offer_id: int, delta: int) -> None:
    """Take (+1) or give back (-1) a place. Touches ``updated_at``, so cached offer profiles follow.

    Called inside the caller's transaction (a referral accepted, an allocation confirmed, ...), which
    writes the audit entry of the business event. One conditional UPDATE: taking a place of a full offer
    raises ``ValidationError`` and changes nothing (the check constraint ``offer_occupancy_within_capacity``
    is the last line, issue 10); giving back a place of an empty offer changes nothing.
    """
    from django.db.models import F, Q

    limit = Q(occupancy__gte=-delta) if delta < 0 else Q(occupancy__lte=F("capacity") - delta)
    qs = Offer.objects.filter(limit, pk=offer_id)
    updated = qs.update(occupancy=F("occupancy") + delta, updated_at=timezone.now())
    if delta > 0 and not updated:
        raise ValidationError(_("The offer has no free place any more."))


@transaction.atomic
def waiting_list_add(
    *, client: Any, actor: Any, offer: Offer | None = None, since: dt.date | None = None
) -> WaitingListEntry:
    """Put a client on the waiting list of ``offer`` (or of any fitting offer when None).

    One open entry per client and offer (partial unique constraints ``uniq_open_waiting_entry_*``): a second
    raises ``ValidationError``, also when two requests race (the constraint's IntegrityError is translated).
    """
    from django.db import IntegrityError

    duplicate = ValidationError(_("The client is already on this waiting list."))
    if WaitingListEntry.objects.filter(client=client, offer=offer, is_open=True).exists():
        raise duplicate
    try:
        with transaction.atomic():
            entry = WaitingListEntry.objects.create(
                client=client, offer=offer, since=since or timezone.localdate(), added_by=actor
            )
    except IntegrityError as exc:
        raise duplicate from exc
    audit_log(
        actor=actor,
        action="matching.waiting_list.added",
        obj=entry,
        changes={"client": client.pk, "offer": offer.pk if offer else None},
    )
    return entry


def waiting_entries_close(**filters: Any) -> list[int]:
    """Close the open waiting entries that match ``filters`` (field lookups of WaitingListEntry) and return their
    ids: the one body of the declared move ``is_open`` True -> False (``WaitingListEntry.IS_OPEN_TRANSITIONS``).
    Two queries; runs in the caller's transaction, whose audit entry names the ids."""
    entries = WaitingListEntry.objects.filter(is_open__in=sources(WaitingListEntry, False, field="is_open"), **filters)
    closed = list(entries.values_list("pk", flat=True))
    entries.update(is_open=False, updated_at=timezone.now())
    return closed
