from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.offers.models import Offer
from apps.referrals.models import Referral


class OfferChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.title} ({obj.organisation.name})"


class ReferralForm(forms.Form):
    offer = OfferChoiceField(queryset=Offer.objects.none(), label=_("Offer"))
    note = forms.CharField(
        label=_("Question to the partner"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What should the partner know? Do not write more about the client than needed."),
    )
    from_recommendation = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, region_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offer_field = self.fields["offer"]
        assert isinstance(offer_field, forms.ModelChoiceField)
        offer_field.queryset = Offer.objects.filter(
            organisation__region_id=region_id, organisation__is_active=True, is_active=True
        ).select_related("organisation")


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=300)


class RefuseForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=Referral.RefusalReason.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("Explanation"), required=False, max_length=300, help_text=_("Required when you choose 'Other'.")
    )


class NotCompleteForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=Referral.EndReason.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("Explanation"), required=False, max_length=300, help_text=_("Required when you choose 'Other'.")
    )


class HandoverForm(forms.Form):
    at = forms.DateTimeField(
        label=_("When"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    place = forms.CharField(label=_("Where"), max_length=200)
