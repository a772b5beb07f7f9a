"""Every read of consent: which data categories an organisation may see of a client, for which purpose, whether it
sees the identity, and which consents a page shows. The one home of that rule (issue 9): permissions, selectors and
services of every app ask here, never ``Consent.objects`` themselves.

A consent counts while it is in force (``Consent.objects.in_force()``: given, not withdrawn, its end date not
passed); a withdrawal takes effect on the next request
because every read asks afresh. Purposes and categories are ``apps.consent.models.Purpose`` / ``DataCategory``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from apps.accounts.models import Organisation
from apps.consent.models import Consent, DataCategory, Decision, Purpose
from apps.core.aggregates import JSONRows, rows_of
from apps.core.prefetch import set_prefetched
from apps.core.prepared import Prepared


def consented_categories(
    *, pairs: Iterable[tuple[int, int]], purposes: Iterable[str]
) -> dict[tuple[int, int], set[str]]:
    """Bulk ``covered_categories``: per (client id, organisation id), the categories that active consents
    give that organisation for any of ``purposes``. One query, whatever the number of pairs."""
    pairs = set(pairs)
    wanted = set(purposes)
    result: dict[tuple[int, int], set[str]] = defaultdict(set)
    if not pairs:
        return result
    rows = (
        Consent.objects.in_force()
        .filter(client_id__in={c for c, _o in pairs}, organisations__in={o for _c, o in pairs})
        .values_list("client_id", "organisations", "categories", "purposes")
    )
    for client_id, organisation_id, categories, consent_purposes in rows:
        if (client_id, organisation_id) in pairs and wanted & set(consent_purposes):
            result[(client_id, organisation_id)].update(categories)
    return result


def consents_in_force_rows(*, client: Any, organisation: Any) -> Subquery:
    """For a query of another model: the consents in force for the client and the organisation that the outer row's
    fields ``client`` and ``organisation`` name (``OuterRef``s or values), their categories and purposes as a
    :class:`~apps.core.aggregates.JSONRows` subquery. Read it with :func:`categories_in_rows`: the same answer
    as ``consented_categories`` for that pair, without a query of its own."""
    return Subquery(
        Consent.objects.in_force()
        .filter(client_id=client, organisations=organisation)
        .order_by()
        .values("client_id")
        .annotate(rows=JSONRows(categories="categories", purposes="purposes"))
        .values("rows")
    )


def categories_in_rows(rows: str | None, *, purposes: Iterable[str]) -> set[str]:
    """The categories that the consents of a :func:`consents_in_force_rows` value give for any of ``purposes``."""
    wanted = set(purposes)
    found: set[str] = set()
    for row in rows_of(rows):
        if wanted & set(_json_value(row["purposes"])):
            found.update(_json_value(row["categories"]))
    return found


def _json_value(value: Any) -> Any:
    """A JSON column inside a JSONRows row: its text on SQLite, the value itself on PostgreSQL."""
    return json.loads(value) if isinstance(value, str) else value


def covered_categories(*, client_id: int, organisation_ids: set[int], purpose: str) -> set[str]:
    """The data categories that active consents let these organisations see for a purpose (one query)."""
    found = consented_categories(pairs={(client_id, o) for o in organisation_ids}, purposes=[purpose])
    return set().union(*found.values()) if found else set()


def consent_covers(*, client_id: int, organisation_id: int, category: str, purpose: str) -> bool:
    return category in covered_categories(client_id=client_id, organisation_ids={organisation_id}, purpose=purpose)


def identity_shared(
    *, client_ids: set[int], organisation_ids: set[int], purposes: Iterable[str] = (Purpose.REFERRAL, Purpose.GUIDANCE)
) -> set[tuple[int, int]]:
    """(client id, organisation id) pairs for which an active consent shares the identity for one of ``purposes``
    (default: referral or guidance). One query; empty inputs give an empty set without a query."""
    if not client_ids or not organisation_ids:
        return set()
    wanted = set(purposes)
    rows = (
        Consent.objects.in_force()
        .filter(client_id__in=client_ids, organisations__in=organisation_ids)
        .values_list("client_id", "organisations", "categories", "purposes")
    )
    return {
        (client_id, organisation_id)
        for client_id, organisation_id, categories, consent_purposes in rows
        if DataCategory.IDENTITY in categories and wanted & set(consent_purposes)
    }


def clients_identified_to(*, organisation_ids: set[int], region_ids: set[int], purpose: str) -> list[int]:
    """Ids of the clients (of the given regions) whose identity an active consent shares with any of these
    organisations for ``purpose``: whom a client list shows beyond the organisation's own files. One query."""
    return [
        client_id
        for client_id, categories, purposes in Consent.objects.in_force()
        .filter(
            organisations__in=organisation_ids,
            client__organisation__region_id__in=region_ids,
        )
        .values_list("client_id", "categories", "purposes")
        if DataCategory.IDENTITY in categories and purpose in purposes
    ]


def consents_shown(*, client: Any, owner: bool, organisation_ids: Iterable[int], active_only: bool) -> list[Consent]:
    """The consents of a client a viewer sees, with their organisations prefetched: the owning organisation every
    consent, withdrawn ones included; another organisation only those given to it (only active ones when
    ``active_only``: the API, docs/decisions/0014-access-matrix.md; the client file shows withdrawn ones too)."""
    consents = Consent.objects.filter(client=client)
    if not owner:
        consents = consents.filter(organisations__in=list(organisation_ids)).distinct()
        if active_only:
            consents = consents.in_force()
    return list(consents.prefetch_related("organisations"))


_CONSENT_FIELDS = [f.attname for f in Consent._meta.concrete_fields]
_ORGANISATION_FIELDS = [f.attname for f in Organisation._meta.concrete_fields]


def _with_organisations(consents: QuerySet[Consent]) -> QuerySet[Any]:
    """Rows of ``consents`` joined to their organisations: the consent's fields, then the organisation's."""
    return consents.order_by("-given_on", "-id").values_list(  # Consent's ordering
        *_CONSENT_FIELDS, *(f"organisations__{name}" for name in _ORGANISATION_FIELDS)
    )


_consents_with_organisations = Prepared(
    lambda client_id: _with_organisations(Consent.objects.filter(client_id=client_id))
)


def consents_shown_in_one_query(
    *, client: Any, owner: bool, organisation_ids: Iterable[int], active_only: bool
) -> list[Consent]:
    """``consents_shown`` (the same consents, order and ``organisations.all()``, by name) in one query instead of
    two: the consents joined to their organisations, one row per pair (a consent without organisations: one row).
    For pages that show a client's consents on every visit (the client file)."""
    consent_fields, organisation_fields = _CONSENT_FIELDS, _ORGANISATION_FIELDS
    if owner:  # the registering organisation's file: every consent (compiled once, apps/core/prepared.py)
        rows: Iterable[Any] = _consents_with_organisations(client_id=client.pk)
    else:
        shown = Consent.objects.filter(client=client, organisations__in=list(organisation_ids))
        if active_only:
            shown = shown.in_force()
        rows = _with_organisations(Consent.objects.filter(pk__in=shown.values("pk")))
    consents: dict[int, tuple[Consent, list[Any]]] = {}
    n = len(consent_fields)
    for row in rows:
        consent_id = row[consent_fields.index("id")]
        if consent_id not in consents:
            consents[consent_id] = (Consent.from_db("default", consent_fields, row[:n]), [])
        if row[n] is not None:  # the organisation's id: None for a consent without organisations
            consents[consent_id][1].append(Organisation.from_db("default", organisation_fields, row[n:]))
    result = []
    for consent, organisations in consents.values():
        organisations.sort(key=lambda o: (o.name, o.pk))
        set_prefetched(consent, "organisations", organisations)
        result.append(consent)
    return result


def consents_to_renew(organisation_ids: Iterable[int], today: dt.date) -> QuerySet[Consent]:
    """Consents of the organisations' clients that end within ``CONSENT_RENEWAL_DAYS`` days or ended at most that
    long ago (given, not withdrawn), unless a later consent of the same client is in force beyond that end date."""
    window = dt.timedelta(days=settings.CONSENT_RENEWAL_DAYS)
    renewed = (
        Consent.objects.in_force(today)
        .filter(client_id=OuterRef("client_id"), given_on__gte=OuterRef("given_on"))
        .exclude(pk=OuterRef("pk"))
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=OuterRef("valid_until")))
    )
    return Consent.objects.filter(
        client__organisation_id__in=organisation_ids,
        client__merged_into__isnull=True,
        decision=Decision.GIVEN,
        withdrawn_on__isnull=True,
        valid_until__gte=today - window,
        valid_until__lte=today + window,
    ).exclude(Exists(renewed))


def consent_of_client(*, client: Any, consent_id: int) -> Consent:
    """One consent of ``client`` with its organisations; raises ``Consent.DoesNotExist`` for another client's
    consent or an unknown id (views turn it into a 404). Access to the client is the caller's check."""
    return Consent.objects.prefetch_related("organisations").get(pk=consent_id, client=client)


def consents_of_client(*, client: Any) -> list[Consent]:
    """Every consent of ``client``, oldest first, with its organisations: the subject-access export's view
    (GDPR Art. 15), active or not. Access to the client is the caller's check."""
    return list(Consent.objects.filter(client=client).prefetch_related("organisations").order_by("given_on", "id"))
