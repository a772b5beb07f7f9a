"""Forms of the workspace pages (filters and the caseload hand-over)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User
from apps.core.ids import parse_id
from apps.regions.models import Challenge, Region
from apps.regions.selectors import region_rows


class CaseloadFilterForm(forms.Form):
    """The caseload's filters (all optional; a wrong value is a form error, never a crash)."""

    show = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[
            ("", _("All my pathways")),
            ("overdue", _("Overdue actions")),
            ("week", _("Due this week")),
            ("waiting", _("Waiting for a partner's answer")),
        ],
    )
    challenge = forms.ModelChoiceField(
        label=_("Regional challenge"), required=False, queryset=Challenge.objects.none(), empty_label=_("Any")
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("due", _("Next due date")),
            ("name", _("Client name")),
            ("contact", _("Longest without contact")),
            ("stage", _("Stage")),
        ],
    )

    def __init__(self, *args: Any, regions: list[Region], **kwargs: Any) -> None:
        """``regions``: the Region rows of the user's organisations (as loaded with the memberships)."""
        super().__init__(*args, **kwargs)
        field = self.fields["challenge"]
        assert isinstance(field, forms.ModelChoiceField)
        if self.is_bound:  # what a submitted value is checked against (a query only when a challenge is chosen)
            field.queryset = Challenge.objects.filter(region__in=regions)
        # the choices shown: the regions' challenges kept per region version (region_rows), not a query per render
        shown = sorted(
            (c for region in regions for c in region_rows(region=region, model=Challenge)),
            key=lambda c: (c.region_id, c.rank),
        )
        field.choices = [("", field.empty_label), *((c.pk, f"{c.persona_name}: {c.title}") for c in shown)]


class PathwayIdsField(forms.TypedMultipleChoiceField):
    """Pathway ids (the table's check boxes) checked against ``allowed`` (a set of ids: the caseload, thousands
    for some workers) instead of a list of choices: the form never renders them, so none are built."""

    default_error_messages = {  # noqa: RUF012 - Django's way of naming a field's messages
        "invalid_choice": _("A ticked pathway is not (or no longer) in your caseload: reload the page and tick again.")
    }

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.allowed: set[int] = set()

    def valid_value(self, value: Any) -> bool:
        number = parse_id(value)
        return number is not None and number in self.allowed


class HandOverForm(forms.Form):
    """Hand the selected pathways (or the whole caseload) to a colleague of the same organisation."""

    to_user = forms.ModelChoiceField(label=_("Colleague taking over"), queryset=User.objects.none())
    scope = forms.ChoiceField(
        label=_("What to hand over"),
        choices=[("selected", _("The pathways ticked in the table")), ("all", _("My whole caseload"))],
        initial="selected",
        widget=forms.RadioSelect,
    )
    pathway = PathwayIdsField(label=_("Pathways"), required=False, coerce=int)

    def __init__(
        self,
        *args: Any,
        colleagues: Callable[[], QuerySet[Any]],
        choices: list[tuple[int, str, str, str]],
        pathway_ids: list[int],
        **kwargs: Any,
    ) -> None:
        """``colleagues``: gives the queryset a submitted colleague is checked against (built only when the form is
        sent); ``choices``: the same colleagues as ``(pk, first_name, last_name, username)`` rows, shown."""
        super().__init__(*args, **kwargs)
        to_user = self.fields["to_user"]
        assert isinstance(to_user, forms.ModelChoiceField)
        if self.is_bound:
            to_user.queryset = colleagues()  # what a submitted value is checked against
        # the choices shown, as plain values (not a model per colleague through a database cursor)
        to_user.choices = [
            ("", to_user.empty_label),
            *((pk, f"{first} {last}".strip() or username) for pk, first, last, username in choices),
        ]
        pathway = self.fields["pathway"]
        assert isinstance(pathway, PathwayIdsField)
        pathway.allowed = set(pathway_ids)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("scope") == "selected" and not data.get("pathway") and "pathway" not in self.errors:
            self.add_error("pathway", _("Tick at least one pathway in the table, or choose the whole caseload."))
        return data
