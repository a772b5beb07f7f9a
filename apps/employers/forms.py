from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Organisation
from apps.clients.models import DutchLevel
from apps.consent.models import Method
from apps.employers import isco
from apps.employers.models import (
    ActivityKind,
    CoachingContact,
    EmployerSize,
    NaceSection,
    OpportunityKind,
    PlacementOutcome,
    RefusalReason,
    Shift,
    Support,
)
from apps.regions.models import Municipality

DATE = {"format": "%Y-%m-%d", "attrs": {"type": "date"}}


def _date(label: Any, required: bool = True) -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=forms.DateInput(**DATE))  # type: ignore[arg-type]


class EmployerForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    enterprise_number = forms.CharField(label=_("Enterprise number (KBO)"), max_length=20)
    sector = forms.ChoiceField(label=_("Sector (NACE section)"), choices=NaceSection.choices)
    nace_code = forms.CharField(label=_("NACE code (optional)"), max_length=8, required=False)
    municipality = forms.ModelChoiceField(label=_("Municipality"), queryset=Municipality.objects.none())
    size = forms.ChoiceField(label=_("Size"), choices=EmployerSize.choices)
    holder = forms.ModelChoiceField(
        label=_("Partner organisation holding the relationship"), queryset=Organisation.objects.none()
    )

    def __init__(self, *args: Any, region: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = region.municipalities.all()  # type: ignore[attr-defined]
        self.fields["holder"].queryset = organisations  # type: ignore[attr-defined]


class ContactPersonForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    role = forms.CharField(label=_("Role"), max_length=100, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(label=_("Activity"), choices=ActivityKind.choices)
    happened_on = _date(_("Date"))
    summary = forms.CharField(label=_("Short summary"), widget=forms.Textarea(attrs={"rows": 3}))
    follow_up = forms.CharField(label=_("Follow-up action"), max_length=300, required=False)
    follow_up_due = _date(_("Follow-up due"), required=False)


class OpportunityForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind (sets the rung)"), choices=OpportunityKind.choices)
    isco_code = forms.ChoiceField(label=_("Occupation (ISCO-08)"), choices=())
    hours_per_week = forms.IntegerField(label=_("Hours per week"), min_value=1, max_value=60)
    shifts = forms.MultipleChoiceField(
        label=_("Shifts"), choices=Shift.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    municipality = forms.ModelChoiceField(label=_("Municipality"), queryset=Municipality.objects.none())
    dutch_level = forms.ChoiceField(label=_("Dutch level needed"), choices=DutchLevel.choices)
    driving_licence = forms.BooleanField(label=_("Driving licence needed"), required=False)
    supports = forms.MultipleChoiceField(
        label=_("Support the employer accepts"),
        choices=Support.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    places = forms.IntegerField(label=_("Places"), min_value=1, max_value=100, initial=1)
    starts_on = _date(_("From"))
    ends_on = _date(_("Until (optional)"), required=False)

    def __init__(self, *args: Any, region: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["isco_code"].choices = isco.unit_choices()  # type: ignore[attr-defined]
        self.fields["municipality"].queryset = region.municipalities.all()  # type: ignore[attr-defined]


class WorkWishForm(forms.Form):
    occupations = forms.CharField(
        label=_("Occupations wished (ISCO-08 codes, separated by commas)"), max_length=200, required=False
    )
    max_travel_minutes = forms.IntegerField(label=_("Longest acceptable journey (minutes)"), min_value=5, max_value=180)
    max_hours_per_week = forms.IntegerField(label=_("Most hours per week"), min_value=1, max_value=60)
    shifts = forms.MultipleChoiceField(
        label=_("Acceptable shifts"), choices=Shift.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    driving_licence = forms.BooleanField(label=_("Has a driving licence"), required=False)


class ProposeForm(forms.Form):
    motivation = forms.CharField(
        label=_("Why this candidate (no name, no details the employer need not know)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=1000,
    )


class PlacementConsentForm(forms.Form):
    method = forms.ChoiceField(label=_("How was consent given?"), choices=Method.choices, widget=forms.RadioSelect)
    witness = forms.CharField(label=_("Name of the witness (for verbal consent)"), max_length=200, required=False)
    given_on = _date(_("Date"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("given_on", timezone.localdate())
        super().__init__(*args, **kwargs)


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Your answer"),
        choices=[("yes", _("Interested: we would like to meet this candidate")), ("no", _("Not now"))],
        widget=forms.RadioSelect,
    )
    reason = forms.ChoiceField(
        label=_("Reason (if not now)"), choices=[("", "—"), *RefusalReason.choices], required=False
    )
    note = forms.CharField(label=_("Explanation (optional)"), max_length=300, required=False)


class IntakeForm(forms.Form):
    intake_on = _date(_("Intake interview on"))
    start_on = _date(_("Expected start"))


class StartForm(forms.Form):
    start_on = _date(_("Start date"))


class CoachingForm(forms.Form):
    done_on = _date(_("Date"))
    with_whom = forms.ChoiceField(label=_("With"), choices=CoachingContact.With.choices)
    summary = forms.CharField(label=_("Short summary"), widget=forms.Textarea(attrs={"rows": 2}))
    still_working = forms.BooleanField(label=_("The client is still working there"), required=False, initial=True)


class EndForm(forms.Form):
    end_on = _date(_("End date"))
    outcome = forms.ChoiceField(label=_("Outcome"), choices=PlacementOutcome.choices)
