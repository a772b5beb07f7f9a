"""Forms of group activities and sessions (rendered with ``{% field %}``: labels, hints, errors tied to the
inputs)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.offers.models import Offer


class GroupActivityForm(forms.Form):
    offer = forms.ModelChoiceField(
        label=_("Offer"),
        queryset=Offer.objects.none(),
        help_text=_("The offer of your organisation this activity belongs to."),
    )
    title = forms.CharField(
        label=_("Title"), max_length=200, help_text=_("For example: language café on Tuesday, sewing atelier.")
    )

    def __init__(self, *args: Any, offers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["offer"].queryset = offers  # type: ignore[attr-defined]
        self.fields["offer"].label_from_instance = (  # type: ignore[attr-defined]
            lambda offer: f"{offer.title} – {offer.organisation.name}"
        )


class SessionForm(forms.Form):
    held_on = forms.DateField(
        label=_("Date of the session"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )


class AttendanceForm(forms.Form):
    attendees = forms.TypedMultipleChoiceField(
        label=_("Present"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attendees"].choices = choices  # type: ignore[attr-defined]
