"""Accessible Bootstrap rendering of form fields: labels, fieldsets for choices, errors tied to inputs."""

from __future__ import annotations

from typing import Any

from django import forms, template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from apps.core.concurrency import new_submission_key

register = template.Library()


@register.inclusion_tag("includes/field.html")
def field(bound: Any, hint: str = "", descriptions: dict[Any, str] | None = None) -> dict[str, Any]:
    """A form field with its label, hint and errors; ``descriptions``: choice value -> a short text shown
    under that choice and linked to it by aria-describedby (the region's description of a level)."""
    widget = bound.field.widget
    choice_list = isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple)
    checkbox = isinstance(widget, forms.CheckboxInput)
    describedby = []
    if bound.help_text or hint:
        describedby.append(f"{bound.auto_id}-help")
    if bound.errors:
        describedby.append(f"{bound.auto_id}-error")
    attrs: dict[str, Any] = {}
    if describedby:
        attrs["aria-describedby"] = " ".join(describedby)
    if bound.errors:
        attrs["aria-invalid"] = "true"
    if not choice_list:
        css = (
            "form-check-input" if checkbox else ("form-select" if isinstance(widget, forms.Select) else "form-control")
        )
        if bound.errors:
            css += " is-invalid"
        attrs["class"] = css
    return {
        "bound": bound,
        "choice_list": choice_list,
        "checkbox": checkbox,
        "input_type": widget.input_type if choice_list else "checkbox",
        "widget_html": None if choice_list else bound.as_widget(attrs=attrs),
        "hint": hint or bound.help_text,
        "describedby": " ".join(describedby),
        "choices": [
            (index, value, label, (descriptions or {}).get(value, ""))
            for index, (value, label) in enumerate(bound.field.choices if choice_list else [])
            if value != ""
        ],
    }


@register.simple_tag
def choice_input(
    bound: Any, choice_value: Any, choice_label: str, index: int, input_type: str, description: str = ""
) -> str:
    values = bound.value()
    if not isinstance(values, list | tuple):
        values = [values]
    checked = str(choice_value) in {str(v) for v in values if v is not None}
    input_id = f"{bound.auto_id}_{index}"
    html = format_html(
        '<input class="form-check-input" type="{}" name="{}" id="{}" value="{}"{}{}{}>'
        '<label class="form-check-label" for="{}">{}</label>',
        input_type,
        bound.html_name,
        input_id,
        choice_value,
        " checked" if checked else "",
        mark_safe(' aria-invalid="true"') if bound.errors else "",
        format_html(' aria-describedby="{}-desc"', input_id) if description else "",
        input_id,
        choice_label,  # noqa: S308
    )
    if description:
        html += format_html('<div class="form-text mt-0" id="{}-desc">{}</div>', input_id, description)
    return html


@register.simple_tag
def submission_key() -> str:
    """A fresh one-time key for a creating button outside a Django form (``apps.core.concurrency``): the
    same press sent twice creates one record."""

    return new_submission_key()
