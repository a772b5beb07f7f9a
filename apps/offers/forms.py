from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.clients.models import LANGUAGE_CHOICES
from apps.core.concurrency import VersionField
from apps.offers.models import DeliveryMode, Format, Offer, Period
from apps.regions.models import InterventionType, Municipality, Obstacle, TargetGroup
from apps.regions.selectors import region_rows


def region_choices(field: Any, *, model: Any, regions: list[Any]) -> None:
    """Point a model choice ``field`` at the rows of ``model`` in ``regions`` (Region rows): a submitted value is
    checked against them (a query only when one is chosen); the choices shown are the rows kept per region
    version (``region_rows``), not a query per render; the empty choice first when the field has one."""
    field.queryset = model.objects.filter(region__in=regions)
    rows = [(r.pk, field.label_from_instance(r)) for region in regions for r in region_rows(region=region, model=model)]
    field.choices = rows if field.empty_label is None else [("", field.empty_label), *rows]


class OfferForm(forms.ModelForm):
    languages = forms.MultipleChoiceField(
        label=_("Languages"), choices=LANGUAGE_CHOICES, widget=forms.CheckboxSelectMultiple, required=False
    )
    # the version the form showed (optimistic lock); the places taken are not on the form: only referrals
    # take and give back places (docs/decisions/0016-case-work-holds-together.md)
    version = VersionField(required=False)

    class Meta:
        model = Offer
        fields = [
            "title", "description", "intervention_types", "obstacles", "municipalities", "delivery_mode", "format",
            "address", "location_municipality", "languages", "interpreter_available", "min_age", "max_age",
            "target_groups", "gender_specific", "capacity", "capacity_period", "waiting_weeks",
            "cost_to_client", "accessibility_notes", "is_active",
        ]  # fmt: skip
        widgets = {
            "intervention_types": forms.CheckboxSelectMultiple,
            "obstacles": forms.CheckboxSelectMultiple,
            "municipalities": forms.CheckboxSelectMultiple,
            "target_groups": forms.CheckboxSelectMultiple,
            "delivery_mode": forms.RadioSelect(choices=DeliveryMode.choices),
            "format": forms.RadioSelect(choices=Format.choices),
            "capacity_period": forms.Select(choices=Period.choices),
            "description": forms.Textarea(attrs={"rows": 4}),
            "accessibility_notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, region: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, model in (
            ("intervention_types", InterventionType),
            ("obstacles", Obstacle),
            ("municipalities", Municipality),
            ("location_municipality", Municipality),
            ("target_groups", TargetGroup),
        ):
            region_choices(self.fields[name], model=model, regions=[region])
        self.fields["municipalities"].required = False
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version


class OfferSearchForm(forms.Form):
    q = forms.CharField(label=_("Offer or organisation"), required=False, max_length=100)
    obstacle = forms.ModelChoiceField(label=_("Obstacle"), queryset=Obstacle.objects.none(), required=False)
    intervention_type = forms.ModelChoiceField(
        label=_("Intervention type"), queryset=InterventionType.objects.none(), required=False
    )
    municipality = forms.ModelChoiceField(label=_("Municipality"), queryset=Municipality.objects.none(), required=False)
    language = forms.ChoiceField(label=_("Language"), choices=[("", "—"), *LANGUAGE_CHOICES], required=False)

    def __init__(self, *args: Any, regions: list[Any], **kwargs: Any) -> None:
        """``regions``: the Region rows of the user's organisations (as loaded with the memberships)."""
        super().__init__(*args, **kwargs)
        for name, model in (
            ("obstacle", Obstacle),
            ("intervention_type", InterventionType),
            ("municipality", Municipality),
        ):
            region_choices(self.fields[name], model=model, regions=regions)
