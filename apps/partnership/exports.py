"""Exports of the candidacies and the jury's scores (with their history) to xlsx."""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from apps.core.cells import safe_workbook
from apps.partnership.models import Score, ScoreChange
from apps.partnership.selectors import ranking
from apps.regions.models import Region


def _num(value: object) -> object:
    return float(value) if value is not None else None  # type: ignore[arg-type]


def _when(value: object) -> object:
    return timezone.localtime(value).replace(tzinfo=None) if value is not None else None  # type: ignore[arg-type]


def candidacies_xlsx(*, region: Region) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = _("Candidacies")[:31]
    ws.append(
        [
            _("Rank"), _("Reference"), _("Organisation"), _("Enterprise number"), _("Submitted at"),
            _("Challenges"), _("Intervention types (yearly capacity)"), _("Municipalities"), _("Budget (EUR)"),
            _("Round 1 (jury mean)"), _("Consensus"), _("Round 2"), _("Final score"), _("Shortlisted"),
            _("Decision"), _("Rebuttal outcome"),
        ]
    )  # fmt: skip
    every_score = list(
        Score.objects.filter(candidacy__region=region).select_related("candidacy", "member", "criterion")
    )
    for row in ranking(region=region, scores=every_score):
        c = row.candidacy
        rebuttal = getattr(c, "rebuttal", None)
        ws.append(
            [
                row.rank, c.reference, c.organisation_name, c.enterprise_number_display, _when(c.submitted_at),
                ", ".join(f"{ch.rank}. {ch.persona_name}" for ch in c.challenges.all()),
                ", ".join(f"{o.intervention_type.label} ({o.yearly_capacity})" for o in c.offers.all()),
                ", ".join(m.name for m in c.municipalities.all()), _num(c.budget_requested),
                _num(row.round1_mean), _num(c.consensus_score), _num(row.round2), _num(row.final),
                _("yes") if c.shortlisted else _("no"), c.get_decision_display(),
                rebuttal.get_outcome_display() if rebuttal else "",
            ]
        )  # fmt: skip
    scores = wb.create_sheet(_("Scores")[:31])
    scores.append([_("Reference"), _("Round"), _("Jury member"), _("Criterion"), _("Weight"), _("Score"),
                   _("Motivation"), _("Last changed")])  # fmt: skip
    for s in every_score:
        scores.append([s.candidacy.reference, s.round, str(s.member), s.criterion.name, s.criterion.weight, s.value,
                       s.motivation, _when(s.updated_at)])  # fmt: skip
    history = wb.create_sheet(_("Score history")[:31])
    history.append([_("Reference"), _("Round"), _("Jury member"), _("Criterion"), _("Score"), _("Motivation"),
                    _("Changed by"), _("Changed at")])  # fmt: skip
    changes = ScoreChange.objects.filter(score__candidacy__region=region).select_related(
        "score__candidacy", "score__member", "score__criterion", "changed_by"
    )
    for h in changes:
        history.append([h.score.candidacy.reference, h.score.round, str(h.score.member), h.score.criterion.name,
                        h.value, h.motivation, str(h.changed_by), _when(h.changed_at)])  # fmt: skip
    for sheet in wb.worksheets:
        for i in range(1, sheet.max_column + 1):
            sheet.column_dimensions[get_column_letter(i)].width = 22
    out = io.BytesIO()
    safe_workbook(wb)  # what applicants typed can never be a formula (apps/core/cells.py)
    wb.save(out)
    return out.getvalue()
