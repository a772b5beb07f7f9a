from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from apps.clients import identifiers
from apps.clients.models import LANGUAGE_CHOICES, Client, DutchLevel, Gender
from apps.consent.models import DataCategory
from apps.core.concurrency import SubmissionKeyField, VersionField
from apps.core.ids import IdField
from apps.regions.models import Deelgemeente, Municipality


class ClientForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    birth_date = forms.DateField(
        label=_("Birth date"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    gender = forms.ChoiceField(label=_("Gender"), choices=Gender.choices, widget=forms.RadioSelect)
    national_number = forms.CharField(
        label=_("National register or BIS number (optional)"),
        max_length=20,
        required=False,
        help_text=_("11 digits, e.g. 90.03.15-123.77. Only if the client agrees."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    email = forms.EmailField(label=_("E-mail"), required=False)
    street = forms.CharField(label=_("Street and number"), max_length=200, required=False)
    municipality = forms.ModelChoiceField(label=_("Municipality"), queryset=Municipality.objects.none())
    deelgemeente = forms.ModelChoiceField(label=_("Deelgemeente"), queryset=Deelgemeente.objects.none(), required=False)
    languages = forms.MultipleChoiceField(
        label=_("Languages spoken"), choices=LANGUAGE_CHOICES, widget=forms.CheckboxSelectMultiple, required=False
    )
    dutch_level = forms.ChoiceField(label=_("Level of Dutch"), choices=DutchLevel.choices)
    interpreter_needed = forms.BooleanField(label=_("Interpreter needed"), required=False)
    version = VersionField(required=False)  # edit: the version shown (optimistic lock)
    submission = SubmissionKeyField()  # registration: one record per submission

    def __init__(self, *args: Any, region: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = Municipality.objects.filter(region=region)  # type: ignore[attr-defined]
        self.fields["deelgemeente"].queryset = (  # type: ignore[attr-defined]
            Deelgemeente.objects.filter(municipality__region=region).select_related("municipality")
        )
        self.fields["deelgemeente"].label_from_instance = (  # type: ignore[attr-defined]
            lambda d: f"{d.postal_code} {d.name} ({d.municipality.name})"
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        municipality, deelgemeente = data.get("municipality"), data.get("deelgemeente")
        if municipality and deelgemeente and deelgemeente.municipality_id != municipality.pk:
            self.add_error("deelgemeente", _("This deelgemeente is not part of the municipality."))
        if data.get("national_number"):
            try:
                identifiers.validate_national_number(data["national_number"], birth_date=data.get("birth_date"))
            except ValidationError as exc:
                self.add_error("national_number", exc.messages)
        return data

    @classmethod
    def initial_for(cls, client: Client) -> dict[str, Any]:
        return {
            f: getattr(client, f)
            for f in (
                "first_name",
                "last_name",
                "birth_date",
                "gender",
                "phone",
                "email",
                "street",
                "municipality",
                "deelgemeente",
                "languages",
                "dutch_level",
                "interpreter_needed",
                "version",
            )
        }


class ConfirmDuplicateForm(forms.Form):
    confirm_new = forms.BooleanField(label=_("I checked: this is a different person, register anyway."), required=False)


class ClientSearchForm(forms.Form):
    q = forms.CharField(label=_("Name, client number, phone or national number"), required=False, max_length=100)


class MergeForm(forms.Form):
    survivor = IdField(label=_("Keep client number"))
    duplicate = IdField(label=_("Merge client number into it"))


class DistinctPairForm(forms.Form):
    """The two client numbers of a suggested pair the coordinator marks as two different people."""

    first = IdField(label=_("First client number"))
    second = IdField(label=_("Second client number"))


class SealOpenForm(forms.Form):
    """Break the glass: which sealed categories, and why (the reason is kept in the audit trail)."""

    categories = forms.MultipleChoiceField(
        label=_("Sealed categories to open"), widget=forms.CheckboxSelectMultiple, choices=()
    )
    reason = forms.CharField(
        label=_("Why do you need this data?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=500,
        help_text=_("Your reason is recorded with your name and the time; the client can ask who read their file."),
    )

    def __init__(self, *args: Any, sealed: frozenset[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["categories"]
        field.choices = [(c.value, c.label) for c in DataCategory if c.value in sealed]


class RectificationForm(forms.Form):
    what = forms.CharField(
        label=_("What does the client ask to correct?"),
        help_text=_("In the client's words: which data, and what it should be."),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    asked_on = forms.DateField(label=_("Asked on"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))


class RectificationDecisionForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Decision"),
        choices=[("corrected", _("Corrected")), ("refused", _("Refused"))],
        widget=forms.RadioSelect,
    )
    decision_note = forms.CharField(
        label=_("What was done, or why not"),
        help_text=_("The client is told this. A refusal needs a reason."),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
