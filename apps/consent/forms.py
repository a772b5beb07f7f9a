from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Organisation
from apps.consent.models import DataCategory, Decision, Method, Purpose
from apps.core.concurrency import SubmissionKeyField


class SignedFormField(forms.FileField):
    widget = forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"})


class ConsentForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("What did the client answer?"),
        choices=Decision.choices,
        initial=Decision.GIVEN,
        widget=forms.RadioSelect,
        required=False,  # left out (an older form, a script): the client gave it, as the form preselects
    )

    def clean_decision(self) -> str:
        return self.cleaned_data.get("decision") or Decision.GIVEN

    organisations = forms.ModelMultipleChoiceField(
        label=_("Organisations that may see the data"),
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    categories = forms.MultipleChoiceField(
        label=_("Which data"), choices=DataCategory.choices, widget=forms.CheckboxSelectMultiple
    )
    purposes = forms.MultipleChoiceField(
        label=_("For what"),
        # employer mediation names its employer: it is recorded from the placement (apps/employers)
        choices=[c for c in Purpose.choices if c[0] != Purpose.EMPLOYER_MEDIATION],
        widget=forms.CheckboxSelectMultiple,
    )
    method = forms.ChoiceField(label=_("How was consent given?"), choices=Method.choices, widget=forms.RadioSelect)
    witness = forms.CharField(label=_("Name of the witness (for verbal consent)"), max_length=200, required=False)
    given_on = forms.DateField(label=_("Date"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    submission = SubmissionKeyField()  # one consent per submission (a double click records one)
    valid_until = forms.DateField(
        label=_("Valid until (optional)"),
        help_text=_("The last day the consent holds. You get a reminder to renew it a month before."),
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    signed_form = SignedFormField(
        label=_("Signed form (scan or PDF, optional)"),
        help_text=_("A PDF, JPEG or PNG file. Only your organisation can open it."),
        required=False,
    )

    def __init__(self, *args: Any, region: Any, registering_organisation_id: int, **kwargs: Any) -> None:
        """``region``: the client's partnership, whose organisations are offered; ``registering_organisation_id``:
        the client's own organisation, left out (it holds the file; ``consent_record`` refuses it too)."""
        kwargs.setdefault("initial", {}).setdefault("given_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["organisations"].queryset = (  # type: ignore[attr-defined]
            Organisation.objects.filter(region=region, is_active=True)
            .exclude(pk=registering_organisation_id)
            .order_by("kind", "name")
        )


class SignedFormUploadForm(forms.Form):
    signed_form = SignedFormField(
        label=_("Signed form (scan or PDF)"),
        help_text=_("A PDF, JPEG or PNG file. Only your organisation can open it."),
    )
