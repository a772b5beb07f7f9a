"""Reads on clients, each with a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Left, Lower
from django.utils.translation import gettext as _

from apps.accounts.permissions import coordinated_region_ids, memberships_of
from apps.clients import identifiers
from apps.clients.models import Client, ClientQuerySet, DistinctPair
from apps.clients.permissions import CASE_ROLES, FULL_ROLES
from apps.clients.services import name_similarity
from apps.consent.models import Purpose
from apps.consent.selectors import clients_identified_to
from apps.core.ids import parse_id
from apps.core.keyset import KeysetPage, keyset_page
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


def clients_for_user(*, user: Any, query: str = "") -> ClientQuerySet:
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
    result: ClientQuerySet = qs.select_related("organisation", "municipality").order_by("last_name", "first_name")
    return result


@dataclass(frozen=True)
class SuspectedPair:
    """Two active records that may be one person, with the evidence in words (for the coordinator's list)."""

    first: Client
    second: Client
    similarity: float  # 0..1, ``name_similarity`` of the two names (accents, case and order ignored)
    evidence: list[str]

    @property
    def records(self) -> tuple[Client, Client]:
        return (self.first, self.second)


def suspected_duplicates(*, region_ids: set[int]) -> list[SuspectedPair]:
    """Pairs of active clients of the partnerships ``region_ids`` that may be one person: the same birth date
    and a similar name (``name_similarity`` >= 0.8: accents, case, punctuation and first/last order ignored),
    or the same national number (only possible when the unique constraint was bypassed); most similar first.

    One query whatever the number of clients: the database keeps the clients who share their birth date
    with another whose last or first name starts with the same three letters (case-insensitive; also across
    first and last name), then Python scores the pairs. A pair whose names differ in their first three
    letters in both names is not found (rule: issue 11 item 6; docs/decisions/0017-dates-agree.md).
    A pair a coordinator marked as two different people (``DistinctPair`` not undone) is left out: one more
    query, whatever the number of pairs.
    Rows are plain ``Client`` instances with ``organisation`` loaded; nothing is recorded as read here (the
    page records what it shows).
    """

    if not region_ids:
        return []
    active = Client.objects.filter(organisation__region_id__in=region_ids, merged_into__isnull=True).annotate(
        last3=Lower(Left("last_name", 3)), first3=Lower(Left("first_name", 3))
    )
    twin = active.filter(birth_date=OuterRef("birth_date")).exclude(pk=OuterRef("pk"))
    near = twin.filter(
        Q(last3=OuterRef("last3")) | Q(first3=OuterRef("first3")) | Q(last3=OuterRef("first3"))
        | Q(first3=OuterRef("last3"))
    )  # fmt: skip
    same_number = active.filter(national_number_digest=OuterRef("national_number_digest")).exclude(pk=OuterRef("pk"))
    candidates = (
        active.filter(Exists(near) | (~Q(national_number_digest="") & Exists(same_number)))
        .select_related("organisation")
        .order_by("birth_date", "pk")
    )
    dismissed = set(
        DistinctPair.objects.filter(first__organisation__region_id__in=region_ids, undone_at__isnull=True).values_list(
            "first_id", "second_id"
        )
    )
    groups: dict[Any, list[Client]] = {}
    for client in candidates:
        groups.setdefault(client.birth_date, []).append(client)
        if client.national_number_digest:
            groups.setdefault(client.national_number_digest, []).append(client)
    pairs: dict[tuple[int, int], SuspectedPair] = {}
    for members in groups.values():
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                if (a.pk, b.pk) in pairs or (min(a.pk, b.pk), max(a.pk, b.pk)) in dismissed:
                    continue
                score = name_similarity(a.first_name, a.last_name, b.first_name, b.last_name)
                one_number = bool(a.national_number_digest) and a.national_number_digest == b.national_number_digest
                if score < 0.8 and not one_number:
                    continue
                evidence = []
                if one_number:
                    evidence.append(_("same national number"))
                if a.birth_date == b.birth_date:
                    evidence.append(_("same birth date"))
                if score >= 0.8:
                    evidence.append(_("similar name (%(percent)s%%)") % {"percent": round(score * 100)})
                if a.phone and _digits(a.phone) == _digits(b.phone):
                    evidence.append(_("same phone number"))
                if a.email and a.email.casefold() == b.email.casefold():
                    evidence.append(_("same e-mail address"))
                pairs[(a.pk, b.pk)] = SuspectedPair(a, b, score, evidence)
    return sorted(pairs.values(), key=lambda p: (-len(p.evidence), -p.similarity, p.first.pk, p.second.pk))


DISMISSED_PER_PAGE = 25


def dismissed_pairs(*, region_ids: set[int], cursor: str | None = None) -> KeysetPage:
    """One keyset page (``DISMISSED_PER_PAGE``, newest first; junk cursor: ``Http404``) of the pairs coordinators
    of ``region_ids`` marked as two different people and did not undo, with both clients, their organisations
    and who dismissed them loaded (one query)."""
    pairs = DistinctPair.objects.filter(first__organisation__region_id__in=region_ids or {0}, undone_at__isnull=True)
    return keyset_page(
        pairs.select_related("first__organisation", "second__organisation", "dismissed_by"),
        ordering=("-dismissed_at", "-pk"),
        cursor=cursor,
        size=DISMISSED_PER_PAGE,
        salt="dismissed-pairs",
    )


def _digits(value: str) -> str:
    return "".join(ch for ch in value if ch.isdigit())
