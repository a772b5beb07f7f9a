"""Retention and erasure: anonymise a client file when its retention period has ended, or on request where the
law allows it (docs/decisions/0019-client-rights-and-retention.md).

Modelled on pretix's data shredders: each kind of data has one "shredder" (a model, the path to the client, the
fields it blanks) and the steps are always the same: **export first where needed** (the client can be handed the
copy of the file, apps/workspace/exports_subject_access.py, before an erasure on request; the ESF+ participation
rows, which the ESF+ report needs, carry no name and stay), **then remove** (one UPDATE per shredder, files
deleted after commit), **then log** that it happened (``clients.client.anonymised``: ids, the reason and counts,
no personal data). The hash-chained audit trail is not touched: its entries hold ids and codes, which point to an
anonymised row afterwards.

Retention periods (settings, documented in README and docs/deploy.md):

- ``RETENTION_CASE_YEARS`` after the last pathway closed;
- for an ESF+ participant, until 31 December of (the year of leaving + ``RETENTION_ESF_YEARS``),
  Regulation (EU) 2021/1060 art. 82;
- ``RETENTION_UNUSED_YEARS`` after the last change of a file that never had a pathway.

A file with an open pathway is never due.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.assessment.models import DomainScore, Screening
from apps.audit.services import audit_log
from apps.clients.models import Client, RectificationRequest
from apps.consent.models import Consent
from apps.employers.models import CoachingContact, Placement
from apps.esf.models import Participation
from apps.pathways.models import Action, Closure, ContactLog, Goal, Pathway, PlanChange, TeamMember
from apps.referrals.models import Referral, ReferralEvent

ANONYMOUS = "—"


@dataclass(frozen=True)
class Shredder:
    """One kind of personal data: which rows (``model`` filtered by ``client_path`` = the client id) and what
    each field becomes."""

    model: Any
    client_path: str
    fields: dict[str, Any]


SHREDDERS: tuple[Shredder, ...] = (
    Shredder(Screening, "client_id", {"other_obstacles": ""}),
    Shredder(DomainScore, "screening__client_id", {"note": ""}),
    Shredder(Pathway, "client_id", {"client_words": ""}),
    Shredder(TeamMember, "pathway__client_id", {"task": ""}),
    Shredder(Goal, "pathway__client_id", {"description": ANONYMOUS}),
    Shredder(Action, "pathway__client_id", {"description": ANONYMOUS}),
    Shredder(PlanChange, "pathway__client_id", {"summary": ANONYMOUS, "changes": {}}),
    Shredder(ContactLog, "pathway__client_id", {"summary": ANONYMOUS, "present": "", "next_step": ""}),
    Shredder(Closure, "pathway__client_id", {"note": "", "follow_up_note": ""}),
    Shredder(Referral, "pathway__client_id", {"note": "", "reason_note": "", "handover_place": ""}),
    Shredder(ReferralEvent, "referral__pathway__client_id", {"note": ""}),
    Shredder(Consent, "client_id", {"witness": ""}),
    Shredder(RectificationRequest, "client_id", {"what": ANONYMOUS, "decision_note": ""}),
    Shredder(Placement, "client_id", {"motivation": "", "refusal_note": ""}),
    Shredder(CoachingContact, "placement__client_id", {"summary": ""}),
)


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class Retention:
    """Until when a file must be kept: ``until`` (None while a pathway is open) and why (``reason``: ``open``,
    ``case``, ``esf`` or ``unused``); ``esf_until``: the end of the ESF+ evidence period, if any."""

    until: dt.date | None
    reason: str
    esf_until: dt.date | None = None


def _annotated(queryset: QuerySet[Client]) -> QuerySet[Client]:
    closed = Closure.objects.filter(pathway__client_id=OuterRef("pk")).order_by().values("pathway__client_id")
    esf = Participation.objects.filter(client_id=OuterRef("pk")).order_by().values("client_id")
    return queryset.annotate(
        has_open=Exists(Pathway.objects.filter(client_id=OuterRef("pk")).exclude(status=Pathway.Status.CLOSED)),
        has_pathway=Exists(Pathway.objects.filter(client_id=OuterRef("pk"))),
        last_closed=Subquery(closed.annotate(m=Max("closed_on")).values("m")[:1]),
        esf_left=Subquery(esf.annotate(m=Max("leaving_date")).values("m")[:1]),
        esf_entered=Subquery(esf.annotate(m=Max("entry_date")).values("m")[:1]),
    )


def retention_of(client: Any) -> Retention:
    """The retention of a client annotated by ``_annotated`` (see the module docstring for the rules)."""
    if client.has_open:
        return Retention(None, "open")
    if client.last_closed is not None:
        until, reason = _add_years(client.last_closed, settings.RETENTION_CASE_YEARS), "case"
    else:
        until, reason = _add_years(timezone.localdate(client.updated_at), settings.RETENTION_UNUSED_YEARS), "unused"
    esf_until = None
    esf_day = client.esf_left or client.last_closed or client.esf_entered
    if client.esf_entered is not None and esf_day is not None:
        esf_until = dt.date(esf_day.year + settings.RETENTION_ESF_YEARS, 12, 31)
        if esf_until > until:
            until, reason = esf_until, "esf"
    return Retention(until, reason, esf_until)


def retention_for(client: Client) -> Retention:
    """The retention of one client (one query)."""
    return retention_of(_annotated(Client.objects.filter(pk=client.pk)).get())


def clients_due(today: dt.date | None = None, limit: int | None = None) -> list[tuple[int, str]]:
    """(client id, reason) of every file whose retention ended before ``today``, oldest change first."""
    today = today or timezone.localdate()
    candidates = _annotated(Client.objects.filter(anonymised_at__isnull=True)).filter(Q(has_open=False))
    # a cheap first cut in SQL: something ended long enough ago; the exact rule is retention_of
    shortest = min(settings.RETENTION_CASE_YEARS, settings.RETENTION_UNUSED_YEARS)
    cutoff = _add_years(today, -shortest)
    candidates = candidates.filter(
        Q(last_closed__lt=cutoff) | Q(has_pathway=False, updated_at__date__lt=cutoff)
    ).order_by("updated_at", "pk")
    due = []
    for client in candidates.iterator(chunk_size=500):
        retention = retention_of(client)
        if retention.until is not None and retention.until < today:
            due.append((client.pk, retention.reason))
            if limit is not None and len(due) >= limit:
                break
    return due


@transaction.atomic
def client_anonymise(*, client: Client, actor: Any, reason: str) -> dict[str, int]:
    """Remove the personal data of one client file, keep the rows (and so every count, the ESF+ report
    included), and log it. Returns the number of rows changed per kind. Idempotent: an anonymised file is left.

    The identity becomes "—" (last name: the client number), the birth date 1 January of its year, contact data,
    national number, languages and deelgemeente are removed; free texts of every shredder are blanked; signed
    consent forms are deleted once the transaction commits."""
    client = Client.objects.select_for_update().get(pk=client.pk)
    if client.anonymised_at is not None:
        return {}
    counts: dict[str, int] = {}
    for shredder in SHREDDERS:
        rows = shredder.model.objects.filter(**{shredder.client_path: client.pk})
        counts[shredder.model._meta.label_lower] = rows.update(**shredder.fields)
    files = [c.signed_form.name for c in Consent.objects.filter(client=client).exclude(signed_form="")]
    Consent.objects.filter(client=client).exclude(signed_form="").update(signed_form="")
    if files:
        storage = Consent._meta.get_field("signed_form").storage

        def delete_files() -> None:
            for name in files:
                storage.delete(name)

        transaction.on_commit(delete_files)
    Client.objects.filter(pk=client.pk).update(
        first_name=ANONYMOUS,
        last_name=f"#{client.pk}",
        birth_date=client.birth_date.replace(month=1, day=1),
        national_number_digest="",
        national_number_encrypted="",
        phone="",
        email="",
        street="",
        search_key="",  # the folded name and phone (apps/core/search.py) go with them
        deelgemeente=None,
        languages=[],
        anonymised_at=timezone.now(),
        version=client.version + 1,
    )
    audit_log(
        actor=actor,
        action="clients.client.anonymised",
        obj=client,
        changes={"reason": reason, "rows": sum(counts.values()), "files": len(files)},
    )
    return counts


def apply_retention(*, today: dt.date | None = None, limit: int | None = None) -> list[int]:
    """The daily job: anonymise every file whose retention ended (at most ``limit``, default
    ``RETENTION_BATCH``), each in its own transaction, then log the run (``clients.retention.run``, the count).
    Returns the ids anonymised. Idempotent."""
    done = []
    for client_id, reason in clients_due(today, limit or settings.RETENTION_BATCH):
        client_anonymise(client=Client(pk=client_id), actor=None, reason=reason)
        done.append(client_id)
    audit_log(actor=None, action="clients.retention.run", changes={"count": len(done)})
    return done


@dataclass(frozen=True)
class ErasureResult:
    """``erased``: the file was anonymised; else ``reason`` (plain words for the client) and ``until``."""

    erased: bool
    reason: str = ""
    until: dt.date | None = None


@transaction.atomic
def client_erase_on_request(*, client: Client, actor: Any) -> ErasureResult:
    """Erase a file because the client asks it (GDPR art. 17), where the law allows it.

    Refused, with a reason the client is told and a ``clients.erasure.refused`` entry, while a pathway is open
    (close it first) or while the ESF+ evidence period runs (art. 17(3)(b): a legal obligation; the participation
    was reported to the ESF+ managing authority). Otherwise the file is anonymised at once."""
    retention = retention_for(client)
    if retention.reason == "open":
        audit_log(actor=actor, action="clients.erasure.refused", obj=client, changes={"reason": "open"})
        return ErasureResult(False, _("A pathway is still open: close it first."))
    if retention.esf_until is not None and retention.esf_until >= timezone.localdate():
        audit_log(
            actor=actor,
            action="clients.erasure.refused",
            obj=client,
            changes={"reason": "esf", "until": retention.esf_until.isoformat()},
        )
        return ErasureResult(
            False,
            _(
                "The client took part in the European Social Fund (ESF+): the law requires the proof to be kept "
                "until %(date)s. Then the file is anonymised automatically."
            )
            % {"date": retention.esf_until.strftime("%d/%m/%Y")},
            retention.esf_until,
        )
    client_anonymise(client=client, actor=actor, reason="request")
    return ErasureResult(True)
