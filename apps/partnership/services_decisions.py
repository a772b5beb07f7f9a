"""Decisions on candidacies (with the decision letter) and the applicant's rebuttal and its handling."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from apps.audit.services import audit_log
from apps.partnership.letters import decision_letter_pdf
from apps.partnership.mail import recipients, send_after_commit
from apps.partnership.models import Candidacy, Rebuttal
from apps.partnership.services_candidacies import candidacy_version_move
from apps.partnership.timeline import now_or_clock, rebuttal_closes_at


@transaction.atomic
def decision_record(
    *,
    candidacy: Candidacy,
    actor: Any,
    decision: str,
    motivation: str,
    now: dt.datetime | None = None,
    expected_version: int | None = None,
) -> Candidacy:
    """Record the decision and send the decision letter (PDF) by e-mail; this opens the rebuttal window.

    ``expected_version``: the candidacy version the coordinator's form showed; a stale one raises
    ``apps.core.concurrency.EditConflict``: nothing is written and no letter leaves (issue 10 item 5).
    Raises ValidationError by field (``decision``, ``motivation``).
    """
    now = now_or_clock(now)
    if decision not in (Candidacy.Decision.SELECTED, Candidacy.Decision.NOT_SELECTED):
        raise ValidationError({"decision": [_("Choose selected or not selected.")]})
    if not motivation.strip():
        raise ValidationError({"motivation": [_("Motivate the decision.")]})
    candidacy_version_move(candidacy, expected_version)
    before = Candidacy.objects.values_list("decision", flat=True).get(pk=candidacy.pk)
    candidacy.decision, candidacy.decision_motivation = decision, motivation
    candidacy.decided_at = candidacy.decision_sent_at = now
    candidacy.save(update_fields=["decision", "decision_motivation", "decided_at", "decision_sent_at", "updated_at"])
    audit_log(
        actor=actor,
        action="partnership.decision.recorded",
        obj=candidacy,
        changes={"before": before, "after": decision},
    )
    with translation.override(settings.LANGUAGE_CODE):
        pdf = decision_letter_pdf(candidacy)
        send_after_commit(
            subject=_("Decision on your candidacy %(reference)s") % {"reference": candidacy.reference},
            body=render_to_string(
                "partnership/email_decision.txt",
                {"candidacy": candidacy, "rebuttal_by": candidacy.region.call.rebuttal_by},
            ),
            to=recipients(candidacy),
            attachments=[(f"beslissing-{candidacy.reference}.pdf", pdf, "application/pdf")],
        )
    return candidacy


@transaction.atomic
def rebuttal_submit(*, candidacy: Candidacy, text: str, now: dt.datetime | None = None) -> Rebuttal:
    now = now_or_clock(now)
    if candidacy.decision_sent_at is None:
        raise ValidationError(_("There is no decision to respond to yet."))
    if Rebuttal.objects.filter(candidacy=candidacy).exists():
        raise ValidationError(_("A rebuttal was already submitted."))
    if now >= rebuttal_closes_at(candidacy.region.call):
        raise ValidationError(_("The rebuttal period has ended."))
    if not text.strip():
        raise ValidationError({"text": [_("Write your rebuttal.")]})
    rebuttal = Rebuttal.objects.create(candidacy=candidacy, text=text, submitted_at=now)
    audit_log(actor=None, action="partnership.rebuttal.submitted", obj=candidacy, changes={"rebuttal": rebuttal.pk})
    return rebuttal


@transaction.atomic
def rebuttal_handle(
    *, rebuttal: Rebuttal, actor: Any, handling: str, outcome: str, now: dt.datetime | None = None
) -> Rebuttal:
    if outcome not in (Rebuttal.Outcome.UPHELD, Rebuttal.Outcome.REJECTED):
        raise ValidationError({"outcome": [_("Choose the outcome.")]})
    if not handling.strip():
        raise ValidationError({"handling": [_("Describe how the rebuttal was handled.")]})
    rebuttal.handling, rebuttal.outcome = handling, outcome
    rebuttal.handled_by, rebuttal.handled_at = actor, now_or_clock(now)
    rebuttal.save()
    audit_log(actor=actor, action="partnership.rebuttal.handled", obj=rebuttal.candidacy, changes={"outcome": outcome})
    return rebuttal
