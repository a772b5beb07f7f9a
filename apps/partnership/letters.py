"""The decision letter as a PDF (WeasyPrint, imported lazily: it is heavy and only letters need it)."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from apps.core.outputs import html_to_pdf
from apps.partnership.models import Candidacy


def decision_letter_html(candidacy: Candidacy) -> str:
    call = candidacy.region.call
    return render_to_string(
        "partnership/letter_decision.html",
        {
            "candidacy": candidacy,
            "call": call,
            "region": candidacy.region,
            "today": timezone.localdate(candidacy.decision_sent_at or timezone.now()),
        },
    )


def decision_letter_pdf(candidacy: Candidacy) -> bytes:
    """The letter as PDF; no resource is fetched while rendering (apps/core/outputs.py)."""
    return html_to_pdf(decision_letter_html(candidacy))
