from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Organisation
from apps.clients.models import LANGUAGE_CHOICES
from apps.core.concurrency import VersionField
from apps.partnership.models import Candidacy, Criterion, Rebuttal
from apps.regions.models import Challenge, InterventionType, Municipality, Region

SCORE_CHOICES = [(i, str(i)) for i in range(1, 6)]


class RegisterForm(forms.Form):
    applicant_name = forms.CharField(label=_("Your name"), max_length=200)
    applicant_email = forms.EmailField(label=_("Your e-mail address"))
    organisation_name = forms.CharField(label=_("Organisation name"), max_length=200)
    enterprise_number = forms.CharField(
        label=_("Enterprise number (KBO)"), max_length=14, help_text=_("10 digits, such as 0123.456.749.")
    )


class CandidacyForm(forms.ModelForm):
    """The draft: nothing is required here; what submission needs is checked when submitting."""

    languages = forms.MultipleChoiceField(
        label=_("Languages"), choices=LANGUAGE_CHOICES, widget=forms.CheckboxSelectMultiple, required=False
    )
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    version = VersionField(required=False)  # the version the draft showed (optimistic lock)

    class Meta:
        model = Candidacy
        fields = [
            "organisation_name", "enterprise_number", "address", "municipality", "website", "contact_name",
            "contact_email", "contact_phone", "challenges", "municipalities", "languages", "outreach",
            "outreach_text", "low_threshold", "low_threshold_text", "holistic", "holistic_text", "expertise",
            "references", "budget_requested",
        ]  # fmt: skip
        widgets = {
            "challenges": forms.CheckboxSelectMultiple,
            "municipalities": forms.CheckboxSelectMultiple,
            "outreach_text": forms.Textarea(attrs={"rows": 2}),
            "low_threshold_text": forms.Textarea(attrs={"rows": 2}),
            "holistic_text": forms.Textarea(attrs={"rows": 2}),
            "expertise": forms.Textarea(attrs={"rows": 4}),
            "references": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, region: Region, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["challenges"].queryset = Challenge.objects.filter(region=region)  # type: ignore[attr-defined]
        self.fields["challenges"].label_from_instance = (  # type: ignore[attr-defined]
            lambda c: f"{c.rank}. {c.persona_name}: {c.title}"
        )
        self.fields["municipalities"].queryset = Municipality.objects.filter(region=region)  # type: ignore[attr-defined]
        self.fields["municipality"].queryset = Municipality.objects.filter(region=region)  # type: ignore[attr-defined]
        self.fields["enterprise_number"].widget.attrs["maxlength"] = 14
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        for name in self.fields:
            self.fields[name].required = False
        self.type_fields: list[tuple[str, InterventionType]] = []
        current = (
            {o.intervention_type_id: o.yearly_capacity for o in self.instance.offers.all()} if self.instance.pk else {}
        )
        for itype in InterventionType.objects.filter(region=region):
            name = f"capacity_{itype.code}"
            self.fields[name] = forms.IntegerField(
                label=itype.label, min_value=1, max_value=100000, required=False, initial=current.get(itype.pk)
            )
            self.type_fields.append((name, itype))

    def offers(self) -> dict[int, int]:
        return {itype.pk: self.cleaned_data[name] for name, itype in self.type_fields if self.cleaned_data.get(name)}

    def draft_data(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if not k.startswith("capacity_") and k != "version"}
        for name in ("challenges", "municipalities"):
            data[name] = list(data.get(name) or [])
        for name, value in list(data.items()):
            if value is None and name not in ("municipality", "budget_requested"):
                data[name] = ""
        return data

    def capacity_fields(self) -> list[forms.BoundField]:
        return [self[name] for name, _t in self.type_fields]

    def main_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.Meta.fields]


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("Attachment (PDF, at most 10 MB)"), widget=forms.ClearableFileInput(attrs={"accept": ".pdf"})
    )


class RebuttalForm(forms.Form):
    text = forms.CharField(label=_("Your rebuttal"), widget=forms.Textarea(attrs={"rows": 6}))


class JuryMemberForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.none())

    def __init__(self, *args: Any, region: Region, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(region=region, is_active=True)  # type: ignore[attr-defined]


class CriterionForm(forms.ModelForm):
    class Meta:
        model = Criterion
        fields = ["name", "description", "weight"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class ConflictForm(forms.Form):
    has_conflict = forms.TypedChoiceField(
        label=_("Do you have a conflict of interest with this organisation?"),
        choices=[("no", _("No, I have no conflict of interest")), ("yes", _("Yes, I have a conflict of interest"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    explanation = forms.CharField(
        label=_("Explanation (required for a conflict)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ScoreForm(forms.Form):
    def __init__(self, *args: Any, criteria: list[Criterion], initial_scores: dict[int, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for c in criteria:
            current = initial_scores.get(c.pk)
            self.fields[f"score_{c.pk}"] = forms.TypedChoiceField(
                label=_("%(criterion)s (weight %(weight)s): score") % {"criterion": c.name, "weight": c.weight},
                choices=SCORE_CHOICES,
                coerce=int,
                widget=forms.RadioSelect,
                initial=current.value if current else None,
            )
            self.fields[f"motivation_{c.pk}"] = forms.CharField(
                label=_("%(criterion)s: motivation") % {"criterion": c.name},
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=current.motivation if current else "",
            )

    def values(self) -> dict[int, tuple[int, str]]:
        return {
            c.pk: (self.cleaned_data[f"score_{c.pk}"], self.cleaned_data[f"motivation_{c.pk}"]) for c in self.criteria
        }


class ConsensusForm(forms.Form):
    version = VersionField(required=False)  # the candidacy version the page showed (optimistic lock)
    score = forms.DecimalField(label=_("Consensus score (1-5)"), min_value=1, max_value=5, decimal_places=2)
    motivation = forms.CharField(label=_("Motivation"), widget=forms.Textarea(attrs={"rows": 3}))


class ShortlistForm(forms.Form):
    """The shortlist button: on (``1``) or off (``0``), with the candidacy version the page showed."""

    shortlisted = forms.TypedChoiceField(choices=[("1", "1"), ("0", "0")], coerce=lambda value: value == "1")
    version = VersionField(required=False)


class PitchForm(forms.Form):
    starts_at = forms.DateTimeField(
        label=_("Date and time of the pitch"),
        widget=forms.DateTimeInput(format="%Y-%m-%dT%H:%M", attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"), min_value=5, max_value=240, initial=30)
    location = forms.CharField(label=_("Location"), max_length=200)


class DecisionForm(forms.Form):
    version = VersionField(required=False)  # the candidacy version the page showed (optimistic lock)
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(Candidacy.Decision.SELECTED, _("Selected")), (Candidacy.Decision.NOT_SELECTED, _("Not selected"))],
        widget=forms.RadioSelect,
    )
    motivation = forms.CharField(label=_("Motivation"), widget=forms.Textarea(attrs={"rows": 4}))


class RebuttalHandleForm(forms.Form):
    handling = forms.CharField(label=_("How the rebuttal was handled"), widget=forms.Textarea(attrs={"rows": 3}))
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[
            (Rebuttal.Outcome.UPHELD, Rebuttal.Outcome.UPHELD.label),
            (Rebuttal.Outcome.REJECTED, Rebuttal.Outcome.REJECTED.label),
        ],  # fmt: skip
        widget=forms.RadioSelect,
    )


class BudgetForm(forms.Form):
    budget = forms.DecimalField(label=_("Budget available (EUR)"), min_value=0, max_digits=12, decimal_places=2)
