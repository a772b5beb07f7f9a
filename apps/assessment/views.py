from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from apps.assessment.forms import DomainsForm, EntryDataForm, LadderForm, ObstaclesForm
from apps.assessment.models import Screening
from apps.assessment.services import (
    screening_complete,
    screening_save_domains,
    screening_save_entry_data,
    screening_save_ladder,
    screening_save_obstacles,
    screening_start,
)
from apps.clients.permissions import get_client_for_editing
from apps.core.concurrency import EditConflict
from apps.core.forms import form_errors
from apps.regions.models import LifeDomain, Obstacle

STEPS = [
    ("domeinen", gettext_lazy("Life domains")),
    ("drempels", gettext_lazy("Obstacles")),
    ("ladder", gettext_lazy("Participation ladder")),
    ("gegevens", gettext_lazy("Situation at entry")),
    ("overzicht", gettext_lazy("Check and finish")),
]
STEP_KEYS = [key for key, _label in STEPS]


@login_required
@require_POST
def screening_new(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_client_for_editing(request.user, pk)
    screening = screening_start(
        client=access.client,
        actor=request.user,
        organisation=access.client.organisation,
        screened_on=timezone.localdate(),
        submission_key=request.POST.get("submission", "")[:64],
    )
    return redirect("clients:screening_step", pk=pk, screening_pk=screening.pk, step=STEP_KEYS[0])


def _next(pk: int, screening: Screening, step: str) -> HttpResponse:
    following = STEP_KEYS[STEP_KEYS.index(step) + 1]
    return redirect("clients:screening_step", pk=pk, screening_pk=screening.pk, step=following)


def _overview(context: dict[str, Any], screening: Screening, region_id: int) -> None:
    """The last step's summary: the scores, the obstacles and the life domains not scored yet."""
    context["scores"] = list(screening.scores.select_related("life_domain").order_by("life_domain__position"))
    context["obstacles"] = list(screening.obstacles.all())
    context["missing_domains"] = [
        d
        for d in LifeDomain.objects.filter(region_id=region_id)
        if d.pk not in {s.life_domain_id for s in context["scores"]}
    ]


@login_required
def screening_step(request: HttpRequest, pk: int, screening_pk: int, step: str) -> HttpResponse:
    access = get_client_for_editing(request.user, pk)
    client = access.client
    screening = get_object_or_404(Screening, pk=screening_pk, client=client, status=Screening.Status.DRAFT)
    if step not in STEP_KEYS:
        raise Http404
    region_id = client.organisation.region_id
    data = request.POST if request.method == "POST" else None
    context: dict[str, Any] = {
        "client": client,
        "screening": screening,
        "steps": STEPS,
        "step": step,
        "step_number": STEP_KEYS.index(step) + 1,
        "step_count": len(STEPS),
    }
    form: Any = None
    shown = request.POST.get("version", "") if data is not None else ""
    # the version the step showed (optimistic lock); a post without one is checked against the stored version
    expected = int(shown) if shown.isascii() and shown.isdigit() and len(shown) < 10 else screening.version
    try:
        if step == "domeinen":
            domains = list(LifeDomain.objects.filter(region_id=region_id))
            scores = list(screening.scores.all())
            initial = {s.life_domain_id: (s.level, s.note) for s in scores}
            form = DomainsForm(
                data,
                domains=domains,
                initial_levels=initial,
                initial_client={s.life_domain_id: s.client_level for s in scores},
            )
            if data is not None and form.is_valid():
                screening_save_domains(
                    screening=screening,
                    actor=request.user,
                    levels=form.levels(),
                    client_levels=form.client_levels(),
                    expected_version=expected,
                )
                return _next(pk, screening, step)
        elif step == "drempels":
            obstacles = list(
                Obstacle.objects.filter(region_id=region_id)
                .select_related("life_domain")
                .order_by("life_domain__position", "position")
            )
            chosen = [str(i) for i in screening.obstacles.values_list("pk", flat=True)]
            form = ObstaclesForm(
                data, obstacles=obstacles, initial={"obstacles": chosen, "other": screening.other_obstacles}
            )
            if data is not None and form.is_valid():
                screening_save_obstacles(
                    screening=screening,
                    actor=request.user,
                    obstacle_ids=[int(i) for i in form.cleaned_data["obstacles"]],
                    other=form.cleaned_data["other"],
                    expected_version=expected,
                )
                return _next(pk, screening, step)
        elif step == "ladder":
            form = LadderForm(
                data, initial={"current": screening.ladder_current, "attainable": screening.ladder_attainable}
            )
            if data is not None and form.is_valid():
                screening_save_ladder(
                    screening=screening,
                    actor=request.user,
                    current=form.cleaned_data["current"],
                    attainable=form.cleaned_data["attainable"],
                    expected_version=expected,
                )
                return _next(pk, screening, step)
        elif step == "gegevens":
            fields = (
                "employment_status",
                "unemployed_months",
                "in_education",
                "isced_level",
                "housing_situation",
                "foreign_background",
                "third_country_national",
                "disability",
                "household_adults",
            )
            entry: dict[str, Any] = {f: getattr(screening, f) for f in fields}
            entry["in_education"] = {True: "true", False: "false"}.get(screening.in_education, "")  # type: ignore[arg-type]
            entry["single_parent"] = {True: "true", False: "false"}.get(screening.single_parent, "")  # type: ignore[arg-type]
            entry["household_children"] = ", ".join(str(y) for y in screening.household_children or [])
            form = EntryDataForm(data, initial=entry)
            if data is not None and form.is_valid():
                entry_data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
                screening_save_entry_data(
                    screening=screening, actor=request.user, expected_version=expected, **entry_data
                )
                return _next(pk, screening, step)
        else:  # overzicht
            if data is not None:
                screening_complete(screening=screening, actor=request.user, expected_version=expected)
                messages.success(request, _("The screening is finished."))
                return redirect("clients:detail", pk=pk)
            _overview(context, screening, region_id)
    except EditConflict as exc:
        # nothing was written: the step shows the user's input again, with the current version, so that a
        # second save is deliberate (apps.core.concurrency)
        context["conflict"] = True
        screening.refresh_from_db()
        if form is not None:
            data_again = request.POST.copy()
            data_again["version"] = str(exc.current_version)
            form.data = data_again
        if step == "overzicht":
            _overview(context, screening, region_id)
    except ValidationError as exc:
        if form is not None:
            form_errors(form, exc)
        else:
            context["errors"] = exc.messages
            context["scores"] = list(screening.scores.select_related("life_domain").order_by("life_domain__position"))
            context["obstacles"] = list(screening.obstacles.all())
    if form is not None and not form.is_bound:
        form.fields["version"].initial = screening.version
    context["form"] = form
    return render(request, f"assessment/step_{step}.html", context)
