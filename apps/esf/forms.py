"""Forms of the ESF+ pages: the period and breakdowns of the report, the participant record."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Organisation
from apps.esf.indicators import Filters
from apps.esf.models import Ethos, LabourStatus, Participation, Source, Tri
from apps.regions.models import Challenge, Municipality, Region, TargetGroup

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=DATE)
    end = forms.DateField(label=_("Up to and including"), widget=DATE)
    challenge = forms.ModelChoiceField(queryset=Challenge.objects.none(), required=False, label=_("Challenge"))
    target_group = forms.ModelChoiceField(queryset=TargetGroup.objects.none(), required=False, label=_("Target group"))
    municipality = forms.ModelChoiceField(queryset=Municipality.objects.none(), required=False, label=_("Municipality"))
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.none(), required=False, label=_("Organisation"))

    def __init__(self, data: Any, *, region: Region) -> None:
        year = timezone.localdate().year
        values = {"start": dt.date(year, 1, 1).isoformat(), "end": dt.date(year, 12, 31).isoformat()}
        values.update({k: v for k, v in data.items() if k in self.base_fields and v})
        super().__init__(values)
        self.fields["challenge"].queryset = Challenge.objects.filter(region=region)  # type: ignore[attr-defined]
        self.fields["target_group"].queryset = TargetGroup.objects.filter(region=region)  # type: ignore[attr-defined]
        self.fields["municipality"].queryset = Municipality.objects.filter(region=region)  # type: ignore[attr-defined]
        self.fields["organisation"].queryset = Organisation.objects.filter(region=region)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", _("The end of the period cannot be before its start."))
        if start and end and (end - start).days > 3660:
            self.add_error("end", _("Choose a period of at most ten years."))
        return data

    def filters(self) -> Filters:
        d = self.cleaned_data
        return Filters(
            **{
                k: (d[k].pk if d.get(k) else None)
                for k in ("challenge", "target_group", "municipality", "organisation")
            }
        )

    def query(self) -> str:
        """The period and breakdowns as a query string (ids and ISO dates only: no personal data)."""
        from urllib.parse import urlencode

        d = self.cleaned_data
        params = {"start": d["start"].isoformat(), "end": d["end"].isoformat()}
        for k in ("challenge", "target_group", "municipality", "organisation"):
            if d.get(k):
                params[k] = str(d[k].pk)
        return urlencode(params)


def _tri(label: Any) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=[("", _("Not asked yet")), *Tri.choices], required=False)


def _source() -> forms.ChoiceField:
    return forms.ChoiceField(label=_("Source"), choices=[("", "—"), *Source.choices], required=False)


class EntryForm(forms.ModelForm):
    labour_status = forms.ChoiceField(
        label=_("Labour-market status"), choices=[("", "—"), *LabourStatus.choices], required=False
    )
    housing = forms.ChoiceField(label=_("Housing (ETHOS)"), choices=[("", "—"), *Ethos.choices], required=False)
    isced_level = forms.TypedChoiceField(
        label=_("Highest ISCED level completed"),
        choices=[("", "—"), *[(i, str(i)) for i in range(9)]],
        coerce=int,
        empty_value=None,
        required=False,
    )
    disability = _tri(_("Disability"))
    disability_source = _source()
    foreign_background = _tri(_("Foreign background"))
    foreign_background_source = _source()
    minority = _tri(_("Minority"))
    minority_source = _source()

    def __init__(self, *args: Any, region: Region, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["challenge"].queryset = Challenge.objects.filter(region=region)  # type: ignore[attr-defined]
        self.fields["target_group"].queryset = TargetGroup.objects.filter(region=region)  # type: ignore[attr-defined]

    class Meta:
        model = Participation
        fields = [
            "entry_date", "challenge", "target_group", "gender", "labour_status", "unemployed_months", "isced_level",
            "nationality", "housing",
            "disability", "disability_source", "foreign_background", "foreign_background_source",
            "minority", "minority_source",
        ]  # fmt: skip
        widgets = {"entry_date": DATE}


class LeavingForm(forms.Form):
    leaving_date = forms.DateField(label=_("Leaving date"), widget=DATE)
    recorded_on = forms.DateField(label=_("Results recorded on"), widget=DATE)
    job_searching = forms.BooleanField(label=_("Job searching"), required=False)
    in_education = forms.BooleanField(label=_("In education or training"), required=False)
    qualification = forms.BooleanField(label=_("Gained a qualification"), required=False)
    employed = forms.BooleanField(label=_("Employed (incl. self-employed)"), required=False)
    in_sample = forms.BooleanField(label=_("In the six-month follow-up sample"), required=False, initial=True)


class FollowUpForm(forms.Form):
    followed_up_on = forms.DateField(label=_("Followed up on"), widget=DATE)
    employed = forms.BooleanField(label=_("Employed six months after leaving"), required=False)
    better_situation = forms.BooleanField(
        label=_("Better labour-market situation (only for those employed at entry)"), required=False
    )
