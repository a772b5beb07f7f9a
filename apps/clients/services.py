"""Writes on clients: registration, update, merge and undo, and the record of every file opened."""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from apps.audit import reads
from apps.audit.services import audit_log
from apps.clients import identifiers
from apps.clients.models import Client
from apps.core.chronology import Dated, Event, check_dates
from apps.core.concurrency import remember_submission, submitted_before, versioned_update
from apps.core.search import compose_key

CLIENT_FIELDS = (
    "first_name", "last_name", "birth_date", "gender", "phone", "email", "street", "municipality",
    "deelgemeente", "languages", "dutch_level", "interpreter_needed",
)  # fmt: skip


@dataclass(frozen=True)
class PossibleDuplicate:
    """What a registering user may learn about a match elsewhere: only that it exists, and where."""

    organisation_name: str
    reason: str
    client_id: int  # for the coordinator's merge page only; never shown across organisations


def client_search_key(client: Client) -> str:
    """The client's stored search key (apps/core/search.py): first and last name as tokens, the phone as
    national digits. Every writer of those fields sets ``client.search_key`` to this before saving."""
    return compose_key(names=(client.first_name, client.last_name), phones=(client.phone,))


def _normalise_name(value: str) -> str:
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    return " ".join("".join(c for c in decomposed if c.isalnum() or c == " ").split())


def name_similarity(a_first: str, a_last: str, b_first: str, b_last: str) -> float:
    a = _normalise_name(f"{a_first} {a_last}")
    b = _normalise_name(f"{b_first} {b_last}")
    swapped = _normalise_name(f"{b_last} {b_first}")
    return max(SequenceMatcher(None, a, b).ratio(), SequenceMatcher(None, a, swapped).ratio())


def possible_duplicates(
    *,
    region_id: int,
    first_name: str,
    last_name: str,
    birth_date: dt.date | None,
    national_number: str = "",
    exclude_pk: int | None = None,
    actor: Any = None,
) -> list[PossibleDuplicate]:
    """Likely duplicates across the whole partnership: same national number, or similar name (accents and
    case ignored, ``name_similarity`` >= 0.8) and same birth date.

    The check tells where a person is a client, so with ``actor`` the clients it found are noted in the
    record of reads (one ``clients.list.viewed`` entry, purpose ``duplicate_check``: ids only, no names);
    the pages and the API also rate-limit it per account (``RATE_LIMITS['duplicate_check']``).
    """
    found: dict[int, PossibleDuplicate] = {}
    base = Client.objects.filter(organisation__region_id=region_id, merged_into__isnull=True).select_related(
        "organisation"
    )
    if exclude_pk:
        base = base.exclude(pk=exclude_pk)
    if national_number:
        for c in base.filter(national_number_digest=identifiers.digest(national_number)):
            found[c.pk] = PossibleDuplicate(c.organisation.name, _("same national number"), c.pk)
    if birth_date is not None:
        for c in base.filter(birth_date=birth_date).only(
            "pk", "first_name", "last_name", "organisation__name", "organisation__id"
        ):
            if c.pk not in found and name_similarity(first_name, last_name, c.first_name, c.last_name) >= 0.8:
                found[c.pk] = PossibleDuplicate(c.organisation.name, _("similar name and same birth date"), c.pk)
    if actor is not None and found:
        reads.note_list(actor=actor, client_ids=found, purpose="duplicate_check")
    return list(found.values())


def _apply_national_number(client: Client, national_number: str) -> None:
    if national_number:
        digits = identifiers.validate_national_number(national_number, birth_date=client.birth_date)
        client.national_number_digest = identifiers.digest(digits)
        client.national_number_encrypted = identifiers.encrypt(digits)
    else:
        client.national_number_digest = ""
        client.national_number_encrypted = ""


def _check_place(client: Client, organisation: Any) -> None:
    if client.municipality.region_id != organisation.region_id:
        raise ValidationError({"municipality": _("This municipality is not in the region.")})
    if client.deelgemeente is not None and client.deelgemeente.municipality_id != client.municipality_id:
        raise ValidationError({"deelgemeente": _("This deelgemeente is not part of the municipality.")})


class AlreadyRegistered(ValidationError):
    """The national number belongs to an active client already: ``existing`` is that client.

    A ValidationError on ``national_number`` (so forms and the import show it at the field); the page sends
    the user to the existing file when they may open it (docs/decisions/0015-records-integrity.md).
    """

    def __init__(self, existing: Client):
        super().__init__(
            {
                "national_number": [
                    _("A client with this national number is already registered by %(organisation)s.")
                    % {"organisation": existing.organisation.name}
                ]
            }
        )
        self.existing = existing


class _SameSubmission(Exception):
    def __init__(self, client_id: int):
        self.client_id = client_id


def _active_with_digest(digest: str, exclude_pk: int | None = None) -> Client | None:
    if not digest:
        return None
    found = Client.objects.select_related("organisation").filter(
        national_number_digest=digest, merged_into__isnull=True
    )
    if exclude_pk:
        found = found.exclude(pk=exclude_pk)
    return found.first()


def client_register(
    *,
    organisation: Any,
    actor: Any,
    national_number: str = "",
    submission_key: str = "",
    submission_fingerprint: str = "",
    **data: Any,
) -> Client:
    """Register a client of ``organisation`` (fields: ``CLIENT_FIELDS``); writes ``clients.client.registered``.

    ``submission_key``: the form's one-time key or the API's ``Idempotency-Key``; a second submission with the
    same key returns the client the first created (a double click makes one record). ``submission_fingerprint``:
    a digest of the request for a key the sender chose (the API); the key with another request raises
    ``apps.core.concurrency.SubmissionKeyReused`` and writes nothing. Raises ``AlreadyRegistered`` when an
    active client has the national number (also when a concurrent registration wins the race: the partial
    unique constraint ``uniq_active_national_number`` decides), ``ValidationError`` for bad data, ``TypeError``
    for unknown fields. Nothing is saved on an error.
    """
    earlier = submitted_before(submission_key, "clients.register", submission_fingerprint)
    if earlier is not None:
        return Client.objects.get(pk=earlier)
    try:
        return _register(
            organisation=organisation,
            actor=actor,
            national_number=national_number,
            key=submission_key,
            fingerprint=submission_fingerprint,
            data=data,
        )
    except _SameSubmission as same:
        return Client.objects.get(pk=same.client_id)


@transaction.atomic
def _register(
    *, organisation: Any, actor: Any, national_number: str, key: str, fingerprint: str = "", data: dict[str, Any]
) -> Client:
    unknown = set(data) - set(CLIENT_FIELDS)
    if unknown:
        raise TypeError(f"unknown client fields: {sorted(unknown)}")
    client = Client(organisation=organisation, registered_by=actor, **data)
    _check_place(client, organisation)
    check_dates({Event.BIRTH: Dated("birth_date", client.birth_date)})
    try:
        _apply_national_number(client, national_number)
    except ValidationError as exc:
        raise ValidationError({"national_number": exc.messages}) from exc
    client.full_clean(validate_constraints=False)
    client.search_key = client_search_key(client)
    existing = _active_with_digest(client.national_number_digest)
    if existing is not None:
        raise AlreadyRegistered(existing)
    try:
        with transaction.atomic():
            client.save()
    except IntegrityError:  # a concurrent registration of the same number committed first
        earlier = submitted_before(key, "clients.register", fingerprint)
        if earlier is not None:
            raise _SameSubmission(earlier) from None
        existing = _active_with_digest(client.national_number_digest)
        if existing is None:
            raise
        raise AlreadyRegistered(existing) from None
    first = remember_submission(key, "clients.register", client.pk, fingerprint)
    if first is not None:
        raise _SameSubmission(first)
    audit_log(actor=actor, action="clients.client.registered", obj=client, changes={"organisation": organisation.pk})
    return client


def _birth_against_record(client: Client) -> dict[Event, Dated]:
    """The new birth date and the earliest recorded date of each event of the client's case (reverse
    relations: no import of the higher apps), for :func:`apps.core.chronology.check_dates`."""
    from django.db.models import Min

    dates = {Event.BIRTH: Dated("birth_date", client.birth_date)}
    for event, relation, field in (
        (Event.CONSENT_GIVEN, "consents", "given_on"),
        (Event.SCREENING, "screenings", "screened_on"),
        (Event.PATHWAY_START, "pathways", "started_on"),
    ):
        earliest = getattr(client, relation).aggregate(first=Min(field))["first"]
        dates[event] = Dated(None, earliest)
    return dates


@transaction.atomic
def client_update(
    *,
    client: Client,
    actor: Any,
    national_number: str | None = None,
    expected_version: int | None = None,
    **data: Any,
) -> Client:
    """Change a client's fields (``CLIENT_FIELDS``) and, when given, the national number; writes
    ``clients.client.updated``. ``expected_version``: the version the edit form showed; a stale one raises
    ``apps.core.concurrency.EditConflict`` and writes nothing (optimistic lock, decisions 0008 and 0015).
    Raises ``AlreadyRegistered`` when another active client holds the number, ``ValidationError`` for bad data.
    """
    unknown = set(data) - set(CLIENT_FIELDS)
    if unknown:
        raise TypeError(f"unknown client fields: {sorted(unknown)}")
    if expected_version is not None:
        client.version = versioned_update(Client, pk=client.pk, expected_version=expected_version)
    else:  # the API and the import: no form version, but every save moves the version on
        Client.objects.filter(pk=client.pk).update(version=F("version") + 1)
        client.version = Client.objects.values_list("version", flat=True).get(pk=client.pk)
    changed = sorted(k for k, v in data.items() if getattr(client, k) != v)
    for key, value in data.items():
        setattr(client, key, value)
    _check_place(client, client.organisation)
    if "birth_date" in changed:
        check_dates(_birth_against_record(client))
    if national_number is None and "birth_date" in changed and client.national_number_encrypted:
        try:  # recheck against the new date
            national_number = identifiers.decrypt(client.national_number_encrypted)
        except identifiers.UnreadableIdentifier as exc:
            raise ValidationError(
                {"national_number": [_("The stored number cannot be read; enter it again.")]}
            ) from exc
    if national_number is not None:
        try:
            _apply_national_number(client, national_number)
        except ValidationError as exc:
            raise ValidationError({"national_number": exc.messages}) from exc
        if "national_number" not in changed:
            changed.append("national_number")
        existing = _active_with_digest(client.national_number_digest, exclude_pk=client.pk)
        if existing is not None:
            raise AlreadyRegistered(existing)
    client.full_clean(validate_constraints=False)
    client.search_key = client_search_key(client)
    client.save()
    audit_log(actor=actor, action="clients.client.updated", obj=client, changes={"fields": changed})
    return client


@transaction.atomic
def identifier_key_rotate(*, actor: Any, new_key: str, old_key: str | None = None) -> int:
    """Re-encrypt and re-digest every stored national register/BIS number under ``new_key``.

    ``old_key`` defaults to ``settings.IDENTIFIER_KEY``. All clients (merged ones included) are locked and
    rewritten in one transaction: a number that ``old_key`` cannot read raises ``ValidationError`` and
    nothing changes. Returns the number of clients rewritten. Afterwards configure ``IDENTIFIER_KEY`` to
    ``new_key`` and restart. Rule: docs/decisions/0004-consent-and-privacy.md.
    """
    if len(new_key) < 32:
        raise ValidationError(_("The new identifier key must be at least 32 characters long."))
    rows = list(
        Client.objects.select_for_update()
        .exclude(national_number_encrypted="")
        .only("pk", "national_number_encrypted", "national_number_digest")
        .order_by("pk")
    )
    for client in rows:
        try:
            digits = identifiers.decrypt(client.national_number_encrypted, key=old_key)
        except identifiers.UnreadableIdentifier as exc:
            raise ValidationError(
                _("The number of client %(id)s cannot be read with the current key; nothing was changed.")
                % {"id": client.pk}
            ) from exc
        client.national_number_encrypted = identifiers.encrypt(digits, key=new_key)
        client.national_number_digest = identifiers.digest(digits, key=new_key)
    Client.objects.bulk_update(rows, ["national_number_encrypted", "national_number_digest"], batch_size=500)
    audit_log(actor=actor, action="clients.identifier_key.rotated", changes={"count": len(rows)})
    return len(rows)


@transaction.atomic
def client_seal_open(*, client: Client, actor: Any, categories: list[str], reason: str, sealed: frozenset[str]) -> None:
    """Open sealed special categories of ``client`` for ``actor`` ("break the glass").

    ``sealed``: the categories this user may open (``ClientAccess.sealed``); ``categories`` must be a non-empty
    subset of it and ``reason`` at least 10 characters. Writes one ``clients.seal.opened`` audit entry holding
    the categories, the reason and the hours; the categories stay open for ``settings.SEAL_OPEN_HOURS`` hours
    (``apps.clients.permissions.opened_seals``). Raises ValidationError by field. Rule:
    docs/decisions/0014-access-matrix.md.
    """
    errors: dict[str, list[str]] = {}
    if not categories or not set(categories) <= set(sealed):
        errors["categories"] = [_("Choose at least one sealed category.")]
    if len(reason.strip()) < 10:
        errors["reason"] = [_("Give the reason why you need this data (at least 10 characters).")]
    if errors:
        raise ValidationError(errors)
    audit_log(
        actor=actor,
        action="clients.seal.opened",
        obj=client,
        changes={"categories": sorted(set(categories)), "reason": reason.strip(), "hours": settings.SEAL_OPEN_HOURS},
    )
