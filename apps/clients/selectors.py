"""Reads on clients, each with a fixed number of queries."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from apps.accounts.permissions import coordinated_region_ids, memberships_of
from apps.clients import identifiers
from apps.clients.models import Client
from apps.clients.permissions import CASE_ROLES, FULL_ROLES
from apps.consent.models import Purpose
from apps.consent.selectors import clients_identified_to
from apps.core.ids import parse_id
from apps.core.search import MIN_PHONE_DIGITS, digits_of, phone_key, search_filter


def client_search(query: str) -> Q:
    """What a typed ``query`` finds among clients (issue 10 item 8, apps/core/search.py):

    - a name, case-, accent-, apostrophe-, hyphen- and particle-insensitive ("celine" finds Céline,
      "van den broeck" and "vandenbroeck" find Van den Broeck, "dhondt" finds D'Hondt), every word in the key;
    - a number ("#123", "0470 12 34 56", "90.03.15-123.77"): the client number (the record's id), a phone
      number containing it (from :data:`~apps.core.search.MIN_PHONE_DIGITS` digits on), or a national register
      or BIS number (11 digits: compared by its digest, the number is never stored in clear).

    Combine with an access filter: this only says what matches, not who may see it.
    """
    digits = digits_of(query)
    if not digits:
        return search_filter(query)
    found = Q(pk__in=[])
    number = parse_id(digits)
    if number is not None:
        found |= Q(pk=number)
    if len(digits) >= MIN_PHONE_DIGITS:
        found |= Q(search_key__contains=phone_key(query))
    if len(digits) == 11:
        found |= Q(national_number_digest=identifiers.digest(digits))
    return found


def clients_for_user(*, user: Any, query: str = "") -> QuerySet[Client]:
    """Clients of the organisations where the user holds a full role, those whose case team a peer companion
    is on, plus those whose identity a consent shares with them (docs/decisions/0014-access-matrix.md).
    The rows fetched are recorded as one list read (``ClientQuerySet.recorded_for``)."""
    memberships = [m for m in memberships_of(user) if m.role in CASE_ROLES]
    own = {m.organisation_id for m in memberships}
    full = {m.organisation_id for m in memberships if m.role in FULL_ROLES}
    peer = own - full
    coordinated = coordinated_region_ids(user)
    consented = clients_identified_to(
        organisation_ids=own, region_ids={m.organisation.region_id for m in memberships}, purpose=Purpose.GUIDANCE
    )
    on_team = Client.objects.filter(
        organisation_id__in=peer, pathways__team__user=user, pathways__team__is_active=True
    ).values("pk")
    qs = Client.objects.recorded_for(user, frozenset(own)).filter(
        Q(organisation_id__in=full)
        | Q(pk__in=on_team)
        | Q(pk__in=consented)
        | Q(organisation__region_id__in=coordinated),
        merged_into__isnull=True,
    )
    if query:
        qs = qs.filter(client_search(query))
    return qs.select_related("organisation", "municipality").order_by("last_name", "first_name")
