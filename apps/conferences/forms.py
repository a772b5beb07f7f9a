"""Forms of case conferences and system signals (rendered with ``{% field %}``: labels, hints,
errors tied to the inputs)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User
from apps.conferences.models import SystemSignal


def person_label(user: Any) -> str:
    """ "Els Peeters – De Brug vzw": the name and the organisations in the partnership, when prefetched."""
    organisations = sorted({m.organisation.name for m in getattr(user, "partnership_memberships", [])})
    name = user.get_full_name() or user.username
    return f"{name} – {', '.join(organisations)}" if organisations else name


class ConferenceForm(forms.Form):
    scheduled_at = forms.DateTimeField(
        label=_("When"), widget=forms.DateTimeInput(format="%Y-%m-%dT%H:%M", attrs={"type": "datetime-local"})
    )
    place = forms.CharField(label=_("Where"), max_length=200, required=False)
    participants = forms.ModelMultipleChoiceField(
        label=_("Participants"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("You take part yourself. The participants are notified."),
    )
    pathways = forms.TypedMultipleChoiceField(
        label=_("Clients discussed"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only clients whose pathway you can open."),
        error_messages={"required": _("Choose at least one client to discuss.")},
    )

    def __init__(self, *args: Any, people: Any, pathway_choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = people  # type: ignore[attr-defined]
        self.fields["participants"].label_from_instance = person_label  # type: ignore[attr-defined]
        self.fields["pathways"].choices = pathway_choices  # type: ignore[attr-defined]


class DecisionsForm(forms.Form):
    decisions = forms.CharField(
        label=_("Decisions"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What was agreed, and who does what. A change to a plan is made on the plan itself."),
    )


class SignalForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of barrier"), choices=SystemSignal.Kind.choices, widget=forms.RadioSelect)
    description = forms.CharField(
        label=_("Description"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Describe the barrier in the system itself (a waiting list, a rule, a missing offer). "
            "Do not name the client."
        ),
    )


class SignalFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *SystemSignal.Kind.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), ("open", _("Open")), ("resolved", _("Resolved"))],
    )


# --- group activities -----------------------------------------------------------------------------
