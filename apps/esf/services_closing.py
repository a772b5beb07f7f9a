"""Closing and reopening a pathway, everything that depends on it included: the one way to a closed pathway.

``close_pathway`` withdraws the open referrals, closes the pathway (closure, open actions cancelled, waiting
entries closed: ``apps.referrals.services.pathway_close_with_referrals``) and lets the client's ESF+
participation leave (Reg. (EU) 2021/1057 Annex I: leaving date, results upon leaving, six-month follow-up),
in ONE transaction: a refusal anywhere leaves nothing half-written. ``reopen_pathway`` undoes both.

It lives in ``apps.esf`` because that is the lowest layer that knows pathways, referrals and the ESF+ record,
so every route can reach it: the close page (workspace), the employer's "employed" outcome (which sends the
user to that page), the API (api), management commands (demo). A test (``test_closing_routes``) fails
when code elsewhere calls the lower closing services directly.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from apps.esf.models import Participation
from apps.esf.services import participation_leave_with_pathway, participation_undo_leaving
from apps.pathways.models import Pathway
from apps.pathways.services import pathway_reopen
from apps.referrals.services import pathway_close_with_referrals

RESULT_FIELDS = ("job_searching", "in_education", "qualification", "employed")


@transaction.atomic
def close_pathway(
    *,
    pathway: Pathway,
    actor: Any,
    closed_on: dt.date,
    outcome: str,
    results_now: bool,
    job_searching: bool = False,
    in_education: bool = False,
    qualification: bool = False,
    employed: bool = False,
    note: str = "",
    today: dt.date | None = None,
) -> dict[str, Any]:
    """Close ``pathway`` on ``closed_on`` with ``outcome`` (``apps.pathways.models.Outcome``), its dependents
    and the ESF+ leaving.

    ``results_now``: the four results upon leaving (EECR01-04) are known and recorded today (``today``,
    default the local date, never before ``closed_on``); otherwise they are collected later, within
    ``ESF_LEAVING_WINDOW_DAYS`` (four weeks), and the worker's to-do reminds them after that.
    The six-month follow-up is due at least ``ESF_FOLLOW_UP_MONTHS`` months after ``closed_on``.

    Returns ``{"closure": Closure, "withdrawn": [referral ids], "participation": Participation | None}``.
    Raises ``ValidationError`` (field errors; nothing written) for invalid closure data, a pathway already
    closed, or a closing date before the ESF+ entry date.
    """
    results = (
        {"job_searching": job_searching, "in_education": in_education, "qualification": qualification,
         "employed": employed}
        if results_now
        else None
    )  # fmt: skip
    closed = pathway_close_with_referrals(
        pathway=pathway, actor=actor, closed_on=closed_on, outcome=outcome, note=note, **(results or {})
    )
    participation: Participation | None = participation_leave_with_pathway(
        actor=actor,
        pathway=pathway,
        leaving_date=closed_on,
        results=results,
        recorded_on=today or timezone.localdate(),
    )
    return {**closed, "participation": participation}


@transaction.atomic
def reopen_pathway(*, pathway: Pathway, actor: Any, reason: str) -> dict[str, Any]:
    """Reopen a closed pathway with a reason (``pathway_reopen``: the closure is removed) and undo the ESF+
    leaving it caused (``participation_undo_leaving``: the participation continues, its leaving data go).

    Returns ``{"pathway": Pathway, "participation": Participation | None}``. Raises ``ValidationError``
    without a reason or when the client has another open pathway (nothing written).
    """
    reopened = pathway_reopen(pathway=pathway, actor=actor, reason=reason)
    return {"pathway": reopened, "participation": participation_undo_leaving(actor=actor, pathway=reopened)}
