"""Accessible Bootstrap rendering of form fields: labels, fieldsets for choices, errors tied to inputs, and the
error summary above a form sent back with errors (``error_summary``: each field's error links to its input)."""

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
            for index, value, label in (_choices(bound) if choice_list else [])
        ],
    }


def _is_choice_list(bound: Any) -> bool:
    return isinstance(bound.field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple)


def _choices(bound: Any) -> list[tuple[int, Any, str]]:
    """The (index, value, label) of the inputs ``field`` renders for a radio or checkbox list: the empty choice
    is left out, but counted in the index (the index is part of each input's id, see ``choice_input``)."""
    return [(index, value, label) for index, (value, label) in enumerate(bound.field.choices) if value != ""]


def input_id(bound: Any) -> str:
    """The id of the element the error summary links to for ``bound``: the input ``field`` renders, or the
    first input of a radio or checkbox list; "" when there is none to reach (a hidden field, a form without
    ids, a list without choices). A form that renders a field its own way names that element in
    ``error_targets`` (a dict: field name -> id)."""
    targets = getattr(bound.form, "error_targets", None) or {}
    if bound.name in targets:
        return str(targets[bound.name] or "")
    if bound.is_hidden or not bound.auto_id:
        return ""
    if _is_choice_list(bound):
        first = next(iter(_choices(bound)), None)
        return f"{bound.auto_id}_{first[0]}" if first else ""
    return str(bound.id_for_label or "")


def _summary_lines(form: Any, number: int | None = None) -> list[dict[str, Any]]:
    lines: list[dict[str, Any]] = [
        {"message": message, "label": "", "target": "", "number": number} for message in form.non_field_errors()
    ]
    for bound in form:  # in the order of the form, as the fields appear on the page
        for message in bound.errors:
            lines.append({"message": message, "label": bound.label, "target": input_id(bound), "number": number})
    return lines


@register.simple_tag
def error_summary(form: Any, formset: Any = None) -> list[dict[str, Any]]:
    """The lines of the error summary (``includes/form_errors.html``) of ``form`` and, when given, the forms of
    ``formset``: the errors that belong to no field first, then each field's errors in the order of the form.
    Each line: ``message``, the field's ``label`` and ``target``, the id of the input the line links to ("" for
    a line without a field or an input to reach: shown as plain text); ``number``: the position (from 1) of
    the formset's form it belongs to, else None. The template escapes every part (a message may quote what
    the user typed)."""
    lines: list[dict[str, Any]] = []
    if isinstance(form, forms.BaseForm) and form.errors:
        lines += _summary_lines(form)
    if isinstance(formset, forms.BaseFormSet) and formset.is_bound and formset.total_error_count():
        lines += [{"message": m, "label": "", "target": "", "number": None} for m in formset.non_form_errors()]
        for index, item in enumerate(formset.forms, start=1):
            if item.errors:
                lines += _summary_lines(item, index)
    return lines


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
