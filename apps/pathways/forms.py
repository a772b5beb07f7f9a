from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.pathways.models import Closure, ContactLog, Outcome, TeamMember, TeamRole
from apps.regions.models import LifeDomain, Obstacle


class PlanForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    client_words = forms.CharField(
        label=_("What I want (in the client's own words)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class GoalForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    life_domain = forms.ModelChoiceField(label=_("Life domain"), queryset=LifeDomain.objects.none())
    description = forms.CharField(label=_("Goal"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
    obstacles = forms.ModelMultipleChoiceField(
        label=_("Obstacles it tackles"),
        queryset=Obstacle.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    achieved = forms.BooleanField(label=_("Achieved"), required=False)
    DELETE = forms.BooleanField(label=_("Remove this goal"), required=False)

    def __init__(
        self, *args: Any, domains: Any, obstacles: Any, screened: frozenset[int] = frozenset(), **kwargs: Any
    ) -> None:
        """``obstacles``: the region's obstacles (a list or queryset); ``screened``: the ids of those found in
        this client's latest screening, offered first (``obstacle_groups``), then the others."""
        super().__init__(*args, **kwargs)
        self.fields["life_domain"].queryset = domains  # type: ignore[attr-defined]
        field = self.fields["obstacles"]
        ids = [o.pk for o in obstacles]
        field.queryset = Obstacle.objects.filter(pk__in=ids)  # type: ignore[attr-defined]
        first = [o for o in obstacles if o.pk in screened]
        rest = [o for o in obstacles if o.pk not in screened]
        field.choices = [(o.pk, str(o)) for o in first + rest]  # type: ignore[attr-defined]
        counter = iter(range(len(ids)))
        chosen = {str(v) for v in (self["obstacles"].value() or [])}
        # (title, [(value, label, index)], folded): the others fold away (a <details>, no JavaScript) when the
        # screening offers some and none of the others is ticked
        self.obstacle_groups = [
            (title, [(o.pk, str(o), next(counter)) for o in group], folded)
            for title, group, folded in (
                (_("From this client's screening"), first, False),
                (_("Other obstacles"), rest, bool(first) and not any(str(o.pk) in chosen for o in rest)),
            )
            if group
        ]


class ActionForm(forms.Form):
    description = forms.CharField(label=_("Action"), max_length=300)
    owner = forms.ChoiceField(label=_("Who does it"))
    due_on = forms.DateField(
        label=_("Due date"), required=False, widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    goal = forms.ChoiceField(label=_("For the goal"), required=False)

    def __init__(self, *args: Any, team: list[TeamMember], goals: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.team = {str(m.pk): m for m in team}
        self.goals = {str(g.pk): g for g in goals}
        self.fields["owner"].choices = [(str(m.pk), f"{m.user} – {m.organisation.name}") for m in team]  # type: ignore[attr-defined]
        self.fields["goal"].choices = [("", "—"), *[(str(g.pk), g.description[:60]) for g in goals]]  # type: ignore[attr-defined]


class TeamMemberForm(forms.Form):
    membership = forms.ChoiceField(label=_("Person and organisation"))
    role = forms.ChoiceField(label=_("Role in the team"), choices=TeamRole.choices, widget=forms.RadioSelect)
    task = forms.CharField(label=_("What they take on"), max_length=200, required=False)

    def __init__(self, *args: Any, memberships: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.memberships = {str(m.pk): m for m in memberships}
        self.fields["membership"].choices = [  # type: ignore[attr-defined]
            (str(m.pk), f"{m.user} – {m.organisation.name} ({m.get_role_display()})") for m in memberships
        ]


class ContactForm(forms.ModelForm):
    class Meta:
        model = ContactLog
        fields = ["happened_on", "place", "present", "summary", "next_step", "confidential"]
        widgets = {
            "happened_on": forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
            "place": forms.RadioSelect,
            "summary": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("happened_on", timezone.localdate())
        super().__init__(*args, **kwargs)


class ClosureForm(forms.ModelForm):
    """The closing form: date, outcome, the ESF+ results upon leaving (Reg. (EU) 2021/1057 Annex I, EECR01-04:
    collected within four weeks, so they may be recorded now or later: ``results_now``) and a note.
    ``cleaned_data`` fits ``apps.esf.services_closing.close_pathway``."""

    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices, widget=forms.RadioSelect)
    results_now = forms.TypedChoiceField(
        label=_("Results on leaving (ESF+)"),
        choices=[
            ("yes", _("Known now: tick them below")),
            ("no", _("Not known yet: record them on the ESF+ record within four weeks (your to-do reminds you)")),
        ],
        coerce=lambda value: value == "yes",
        initial="yes",
        widget=forms.RadioSelect,
    )

    class Meta:
        model = Closure
        fields = [
            "closed_on", "outcome", "results_now", "job_searching", "in_education", "qualification", "employed", "note",
        ]  # fmt: skip
        widgets = {
            "closed_on": forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("closed_on", timezone.localdate())
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        ticked = [name for name in ("job_searching", "in_education", "qualification", "employed") if data.get(name)]
        if data.get("results_now") is False and ticked:
            self.add_error(
                "results_now", _("You ticked results on leaving: choose 'known now', or untick them for later.")
            )
        return data


class FollowUpForm(forms.Form):
    followed_up_on = forms.DateField(
        label=_("Date of the follow-up"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    employed = forms.BooleanField(label=_("In employment (incl. self-employed)"), required=False)
    better_situation = forms.BooleanField(label=_("Better labour-market situation"), required=False)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
