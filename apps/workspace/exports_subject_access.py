"""A copy of everything the partnership holds about one client, to hand over on request (GDPR art. 15).

``subject_access_export(client=..., actor=...)`` returns ``(file name, zip bytes)`` and writes the audit entry
``clients.subject_access.exported`` in the same transaction (so the copy appears in the client's access log).
The zip holds, always in Dutch:

- ``LEESMIJ.txt``: in plain words what the files are, and the client's rights;
- ``overzicht.html``: everything on one page (every text escaped by the template engine);
- one CSV per part (UTF-8 with BOM, ``;``-separated for Excel in Belgium, every cell through
  ``apps.core.cells.safe_row`` so typed text never becomes a formula): ``gegevens.csv`` (identity and contact),
  ``screenings.csv``, ``levensdomeinen.csv``, ``plan.csv`` (goals and actions), ``contacten.csv``,
  ``doorverwijzingen.csv``, ``toestemmingen.csv``, ``esf.csv``, ``rechtzettingen.csv`` and ``inzage.csv``
  (who looked at the file, from the record of reads).

A fixed number of queries, whatever the size of the file (one per part).
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.assessment.models import DomainScore, Screening
from apps.audit.services import audit_log
from apps.clients import identifiers
from apps.clients.models import Client, RectificationRequest
from apps.consent.selectors import consents_of_client
from apps.core.cells import safe_row
from apps.esf.models import Participation
from apps.pathways.models import Action, ContactLog, Goal, Pathway
from apps.referrals.models import Referral
from apps.workspace.selectors_rights import access_entries, access_rows


def _csv(header: Iterable[str], rows: Iterable[Iterable[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow([str(h) for h in header])
    for row in rows:
        writer.writerow(safe_row("" if v is None else v for v in row))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _yes(value: bool | None) -> str:
    return "" if value is None else (_("yes") if value else _("no"))


def subject_access_parts(client: Client) -> dict[str, Any]:
    """Every part of the copy as lists of row tuples, with its column titles (active language)."""
    screenings = list(
        Screening.objects.filter(client=client).order_by("screened_on", "id").prefetch_related("obstacles")
    )
    scores = list(
        DomainScore.objects.filter(screening__client=client)
        .select_related("life_domain")
        .order_by("screening_id", "life_domain__position")
    )
    pathways = list(
        Pathway.objects.filter(client=client).select_related("organisation", "closure").order_by("started_on", "id")
    )
    goals = list(Goal.objects.filter(pathway__client=client).select_related("life_domain").order_by("pathway_id", "id"))
    actions = list(Action.objects.filter(pathway__client=client).select_related("goal").order_by("pathway_id", "id"))
    contacts = list(
        ContactLog.objects.filter(pathway__client=client)
        .select_related("author_organisation")
        .order_by("happened_on", "id")
    )
    referrals = list(
        Referral.objects.filter(pathway__client=client)
        .select_related("offer", "offer__organisation")
        .order_by("created_at", "id")
    )
    consents = consents_of_client(client=client)
    participations = list(Participation.objects.filter(client=client).select_related("region").order_by("entry_date"))
    rectifications = list(RectificationRequest.objects.filter(client=client).order_by("asked_on", "id"))
    looks = access_rows(list(access_entries(client.pk)))
    national_number = identifiers.display(client.national_number_encrypted, full=True)
    return {
        "identity": (
            [_("Field"), _("Value")],
            [
                (_("First name"), client.first_name),
                (_("Last name"), client.last_name),
                (_("Birth date"), client.birth_date.isoformat()),
                (_("Gender"), client.get_gender_display()),
                (_("National number"), national_number),
                (_("Phone"), client.phone),
                (_("E-mail"), client.email),
                (_("Street and number"), client.street),
                (_("Municipality"), client.municipality.name),
                (_("Languages"), ", ".join(client.language_names())),
                (_("Level of Dutch"), client.get_dutch_level_display()),
                (_("Interpreter needed"), _yes(client.interpreter_needed)),
                (_("Registered by"), client.organisation.name),
                (_("Registered on"), client.created_at.date().isoformat()),
            ],
        ),
        "screenings": (
            [
                _("Date"),
                _("Status"),
                _("Participation ladder now"),
                _("Attainable"),
                _("Work situation"),
                _("Months unemployed"),
                _("Obstacles"),
                _("Other obstacles"),
            ],
            [
                (
                    s.screened_on.isoformat(),
                    s.get_status_display(),
                    s.ladder_current,
                    s.ladder_attainable,
                    s.get_employment_status_display(),
                    s.unemployed_months,
                    ", ".join(o.label for o in s.obstacles.all()),
                    s.other_obstacles,
                )
                for s in screenings
            ],
        ),  # fmt: skip
        "domains": (
            [_("Screening"), _("Life domain"), _("Level"), _("Level according to the client"), _("Note")],
            [(d.screening_id, d.life_domain.label, d.level, d.client_level, d.note) for d in scores],
        ),
        "plan": (
            [_("Pathway"), _("Kind"), _("Life domain"), _("Description"), _("Due date"), _("Status")],
            [
                *[
                    (
                        g.pathway_id,
                        _("goal"),
                        g.life_domain.label,
                        g.description,
                        "",
                        _("achieved") if g.achieved else "",
                    )
                    for g in goals
                ],
                *[
                    (
                        a.pathway_id,
                        _("action"),
                        "",
                        a.description,
                        a.due_on.isoformat() if a.due_on else "",
                        a.get_status_display(),
                    )
                    for a in actions
                ],
            ],
        ),  # fmt: skip
        "pathways": (
            [
                _("Pathway"),
                _("Organisation"),
                _("Start date"),
                _("Status"),
                _("In the client's words"),
                _("Closed on"),
                _("Outcome"),
            ],
            [
                (
                    p.pk,
                    p.organisation.name,
                    p.started_on.isoformat(),
                    p.get_status_display(),
                    p.client_words,
                    p.closure.closed_on.isoformat() if hasattr(p, "closure") else "",
                    p.closure.get_outcome_display() if hasattr(p, "closure") else "",
                )
                for p in pathways
            ],
        ),  # fmt: skip
        "contacts": (
            [_("Date"), _("Organisation"), _("Where"), _("Who was there"), _("Summary"), _("Next step")],
            [
                (
                    c.happened_on.isoformat(),
                    c.author_organisation.name,
                    c.get_place_display(),
                    c.present,
                    c.summary,
                    c.next_step,
                )
                for c in contacts
            ],
        ),  # fmt: skip
        "referrals": (
            [_("Sent on"), _("Offer"), _("Organisation"), _("Status"), _("Question to the partner")],
            [
                (
                    r.created_at.date().isoformat(),
                    r.offer.title,
                    r.offer.organisation.name,
                    r.get_status_display(),
                    r.note,
                )
                for r in referrals
            ],
        ),  # fmt: skip
        "consents": (
            [_("Asked on"), _("Status"), _("Organisations"), _("Data"), _("For"), _("Valid until"), _("Withdrawn on")],
            [
                (
                    c.given_on.isoformat(),
                    c.status.label,
                    ", ".join(o.name for o in c.organisations.all()),
                    ", ".join(c.category_labels()),
                    ", ".join(c.purpose_labels()),
                    c.valid_until.isoformat() if c.valid_until else "",
                    c.withdrawn_on.isoformat() if c.withdrawn_on else "",
                )
                for c in consents
            ],
        ),  # fmt: skip
        "esf": (
            [
                _("Entry date"),
                _("Leaving date"),
                _("Age on the entry date"),
                _("Labour-market status"),
                _("Highest ISCED level"),
                _("Disability"),
                _("Foreign background"),
                _("Employed on leaving"),
            ],
            [
                (
                    p.entry_date.isoformat(),
                    p.leaving_date.isoformat() if p.leaving_date else "",
                    p.age_at_entry,
                    p.get_labour_status_display(),
                    p.isced_level,
                    p.get_disability_display(),
                    p.get_foreign_background_display(),
                    _yes(p.employed_on_leaving),
                )
                for p in participations
            ],
        ),  # fmt: skip
        "rectifications": (
            [_("Asked on"), _("What"), _("Status"), _("Decided on"), _("What was done, or why not")],
            [
                (
                    r.asked_on.isoformat(),
                    r.what,
                    r.get_status_display(),
                    r.decided_on.isoformat() if r.decided_on else "",
                    r.decision_note,
                )
                for r in rectifications
            ],
        ),  # fmt: skip
        "access": (
            [_("When"), _("Who looked"), _("Organisation"), _("Why"), _("What")],
            [
                (
                    timezone.localtime(r.at).strftime("%Y-%m-%d %H:%M"),
                    r.who,
                    ", ".join(r.organisations),
                    r.purpose,
                    r.what,
                )
                for r in looks
            ],
        ),  # fmt: skip
    }


FILES = {
    "identity": "gegevens.csv",
    "screenings": "screenings.csv",
    "domains": "levensdomeinen.csv",
    "pathways": "trajecten.csv",
    "plan": "plan.csv",
    "contacts": "contacten.csv",
    "referrals": "doorverwijzingen.csv",
    "consents": "toestemmingen.csv",
    "esf": "esf.csv",
    "rectifications": "rechtzettingen.csv",
    "access": "inzage.csv",
}


@transaction.atomic
def subject_access_export(*, client: Client, actor: Any, organisation: Any) -> tuple[str, bytes]:
    """The copy of the file as ``(file name, zip bytes)``; audited as ``clients.subject_access.exported``
    (``organisation``: the one the actor acts for, shown in the access log)."""
    audit_log(
        actor=actor,
        action="clients.subject_access.exported",
        obj=client,
        changes={"organisations": [organisation.pk], "purpose": "guidance"},
    )
    today = timezone.localdate()
    with translation.override("nl"):
        parts = subject_access_parts(client)
        titles = {
            "identity": _("Identity and contact"),
            "screenings": _("Screenings"),
            "domains": _("Life domains in each screening"),
            "pathways": _("Pathways"),
            "plan": _("Plan: goals and actions"),
            "contacts": _("Contacts"),
            "referrals": _("Referrals"),
            "consents": _("Consents"),
            "esf": _("ESF+ participation"),
            "rectifications": _("Requests to correct data"),
            "access": _("Who looked at the file"),
        }
        context = {
            "client": client,
            "today": today,
            "organisation": organisation,
            "parts": [(FILES[key], titles[key], *parts[key]) for key in FILES],
        }
        readme = render_to_string("workspace/subject_access_readme.txt", context)
        overview = render_to_string("workspace/subject_access.html", context)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("LEESMIJ.txt", readme)
        archive.writestr("overzicht.html", overview)
        for key, name in FILES.items():
            header, rows = parts[key]
            archive.writestr(name, _csv(header, rows))
    return f"dossier-{client.pk}-{today.isoformat()}.zip", buffer.getvalue()
