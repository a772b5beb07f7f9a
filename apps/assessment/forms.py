from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.assessment.models import (
    ISCED_CHOICES,
    Answer,
    EmploymentStatus,
    HousingSituation,
    LadderRung,
    Level,
)
from apps.core.concurrency import VersionField

NOT_KNOWN = "unknown"


def _level(value: str) -> int | None:
    return None if value == NOT_KNOWN else int(value)


def _choice_key(value: Any) -> Any:
    """A bound value ("3", 3 or "unknown") as the key of the level choices (ints and ``NOT_KNOWN``)."""
    return value if value == NOT_KNOWN else int(value)


class DomainsForm(forms.Form):
    """One radio group (1-5) and a short note per life domain of the region."""

    version = VersionField(required=False)  # the version the step showed (optimistic lock)

    def __init__(
        self,
        *args: Any,
        domains: list[Any],
        initial_levels: dict[int, tuple[int | None, str]],
        initial_client: dict[int, int | None] | None = None,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.domains = domains
        for domain in domains:
            level, note = initial_levels.get(domain.pk, (None, ""))
            self.fields[f"level_{domain.pk}"] = forms.TypedChoiceField(
                label=domain.label,
                choices=[*Level.choices, (NOT_KNOWN, _("Not known / not discussed"))],
                coerce=_level,
                widget=forms.RadioSelect,
                required=False,
                empty_value="",
                initial=NOT_KNOWN if (level is None and domain.pk in initial_levels) else level,
            )
            self.fields[f"client_{domain.pk}"] = forms.TypedChoiceField(
                label=_("The client's own view of %(domain)s") % {"domain": domain.label},
                choices=[("", "—"), *Level.choices],
                coerce=int,
                empty_value=None,
                required=False,
                initial=(initial_client or {}).get(domain.pk),
            )
            self.fields[f"note_{domain.pk}"] = forms.CharField(
                label=_("Note on %(domain)s") % {"domain": domain.label},
                max_length=300,
                required=False,
                initial=note,
            )

    def rows(self) -> list[tuple[Any, Any, Any, Any]]:
        return [(d, self[f"level_{d.pk}"], self[f"client_{d.pk}"], self[f"note_{d.pk}"]) for d in self.domains]

    def panels(self) -> list[dict[str, Any]]:
        """Per domain: its fields, the chosen answer's label ("" when none) and whether to show it open (the
        first unanswered domain and every domain with an error)."""
        result, opened = [], False
        labels = dict(self.fields[f"level_{self.domains[0].pk}"].choices) if self.domains else {}  # type: ignore[attr-defined]
        for d, level, client_view, note in self.rows():
            value = level.value()
            answer = labels.get(_choice_key(value), "") if value not in (None, "") else ""
            is_open = bool(level.errors or client_view.errors or note.errors) or (not answer and not opened)
            opened = opened or (not answer)
            result.append(
                {
                    "domain": d,
                    "level": level,
                    "client_view": client_view,
                    "note": note,
                    "answer": answer,
                    "open": is_open,
                    # the region's short description of each level in this domain (format 1.4), if any
                    "descriptions": {lvl: text for lvl in Level.values if (text := d.level_description(lvl))},
                }
            )
        return result

    def client_levels(self) -> dict[int, int | None]:
        return {d.pk: self.cleaned_data.get(f"client_{d.pk}") for d in self.domains}

    def levels(self) -> dict[int, tuple[int | None, str]]:
        """Answered domains only (a level or "not known"); unanswered ones are left as they were."""
        return {
            d.pk: (self.cleaned_data[f"level_{d.pk}"], self.cleaned_data[f"note_{d.pk}"])
            for d in self.domains
            if self.cleaned_data.get(f"level_{d.pk}") != ""
        }

    def answered(self) -> int:
        """How many domains have an answer (bound: as submitted; unbound: as saved)."""
        return sum(1 for d in self.domains if self[f"level_{d.pk}"].value() not in (None, ""))


class ObstaclesForm(forms.Form):
    version = VersionField(required=False)  # the version the step showed (optimistic lock)
    obstacles = forms.MultipleChoiceField(label=_("Obstacles"), required=False, widget=forms.CheckboxSelectMultiple)
    other = forms.CharField(
        label=_("Other obstacles (free text)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, obstacles: list[Any], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.obstacle_list = obstacles
        self.fields["obstacles"].choices = [(str(o.pk), o.label) for o in obstacles]  # type: ignore[attr-defined]

    @property
    def error_targets(self) -> dict[str, str]:
        """The error summary links the obstacles to the first checkbox the step shows (its template renders
        them with ids of its own, grouped by life domain)."""
        groups = self.groups()
        return {"obstacles": f"obstacle-{groups[0][1][0][0].pk}" if groups else ""}

    def groups(self) -> list[tuple[str, list[Any]]]:
        chosen = set(self["obstacles"].value() or [])
        groups: dict[str, list[Any]] = {}
        for o in self.obstacle_list:
            groups.setdefault(o.life_domain.label, []).append((o, str(o.pk) in chosen))
        return list(groups.items())


class LadderForm(forms.Form):
    version = VersionField(required=False)  # the version the step showed (optimistic lock)
    current = forms.TypedChoiceField(
        label=_("Where is the client now?"), choices=LadderRung.choices, coerce=int, widget=forms.RadioSelect
    )
    attainable = forms.TypedChoiceField(
        label=_("What is attainable within a year?"), choices=LadderRung.choices, coerce=int, widget=forms.RadioSelect
    )


def _blank(choices: Any) -> list[tuple[Any, Any]]:
    return [("", "—"), *list(choices)]


class EntryDataForm(forms.Form):
    version = VersionField(required=False)  # the version the step showed (optimistic lock)
    employment_status = forms.ChoiceField(label=_("Employment status"), choices=_blank(EmploymentStatus.choices))
    unemployed_months = forms.IntegerField(
        label=_("How many months unemployed?"), min_value=0, max_value=720, required=False
    )
    in_education = forms.TypedChoiceField(
        label=_("In education or training?"),
        choices=[("", "—"), ("true", _("Yes")), ("false", _("No"))],
        coerce=lambda v: v == "true",
        empty_value=None,
        required=False,
    )
    isced_level = forms.TypedChoiceField(
        label=_("Highest education completed"),
        choices=_blank(ISCED_CHOICES),
        coerce=int,
        empty_value=None,
        required=False,
    )
    housing_situation = forms.ChoiceField(
        label=_("Housing situation"), choices=_blank(HousingSituation.choices), required=False
    )
    foreign_background = forms.ChoiceField(
        label=_("Foreign background"), choices=_blank(Answer.choices), required=False
    )
    third_country_national = forms.ChoiceField(
        label=_("Third-country national (not EU)"), choices=_blank(Answer.choices), required=False
    )
    disability = forms.ChoiceField(label=_("Disability"), choices=_blank(Answer.choices), required=False)
    household_adults = forms.IntegerField(
        label=_("How many adults live in the household (the client included)?"),
        min_value=0,
        max_value=20,
        required=False,
    )
    household_children = forms.CharField(
        label=_("Birth years of the children in the household"),
        help_text=_("Separated by commas, e.g. 2012, 2019. Leave empty when there are none."),
        required=False,
        max_length=200,
    )
    single_parent = forms.TypedChoiceField(
        label=_("Single parent?"),
        choices=[("", "—"), ("true", _("Yes")), ("false", _("No"))],
        coerce=lambda v: v == "true",
        empty_value=None,
        required=False,
    )

    def clean_household_children(self) -> list[int]:
        """'2012, 2019' -> [2012, 2019]; a clear error naming the entry that is not a birth year."""
        text = self.cleaned_data.get("household_children") or ""
        years = []
        this_year = timezone.localdate().year
        for part in text.replace(";", ",").split(","):
            part = part.strip()
            if not part:
                continue
            if not part.isdigit() or not 1900 <= int(part) <= this_year:
                raise forms.ValidationError(
                    _("'%(value)s' is not a birth year (1900 to %(year)s).") % {"value": part, "year": this_year}
                )
            years.append(int(part))
        if len(years) > 20:
            raise forms.ValidationError(_("Give at most 20 birth years."))
        return sorted(years)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("employment_status") == "unemployed" and data.get("unemployed_months") is None:
            self.add_error("unemployed_months", _("Give how long the client has been unemployed."))
        return data
