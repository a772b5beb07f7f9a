"""The form renderer writes the standard widgets out in Python: it must give, byte for byte, what Django's
own widget templates give, escaping included, and fall back to them for anything else."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django import forms
from django.conf import settings
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from apps.core.form_renderer import FormRenderer

NASTY = '<script>alert("x")</script> & \'quote\' =cmd|"/C calc"!A0 é'


class Everything(forms.Form):
    name = forms.CharField(max_length=50, help_text="help")
    count = forms.IntegerField(min_value=0, required=False)
    mail = forms.EmailField(required=False, widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    born = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    secret = forms.CharField(required=False, widget=forms.PasswordInput(render_value=True))
    hidden = forms.CharField(required=False, widget=forms.HiddenInput)
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    agree = forms.BooleanField(required=False)
    colour = forms.ChoiceField(choices=[("", "---"), ("r", "Red & <b>"), ("g", NASTY)], required=False)
    grouped = forms.ChoiceField(
        choices=[("Warm", [("r", "Red"), ("o", "Orange")]), ("Cold", [("b", "Blue")]), ("x", "Other")],
        required=False,
    )
    many = forms.MultipleChoiceField(choices=[("a", "A"), ("b", "B"), ("c", NASTY)], required=False)
    url = forms.URLField(required=False)
    search = forms.CharField(required=False, widget=forms.TextInput(attrs={"type": "search", "disabled": True}))
    off = forms.CharField(required=False, widget=forms.TextInput(attrs={"readonly": False, "data-x": NASTY}))
    radio = forms.ChoiceField(choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect, required=False)
    split = forms.SplitDateTimeField(required=False)


def both(form: forms.Form, name: str, attrs: dict[str, Any] | None = None) -> tuple[str, str]:
    bound = form[name]
    fast = bound.as_widget(attrs=dict(attrs or {}))
    form.renderer = DjangoTemplates()
    try:
        slow = bound.as_widget(attrs=dict(attrs or {}))
    finally:
        form.renderer = FormRenderer()
    return str(fast), str(slow)


def test_the_project_renders_forms_with_this_renderer():
    assert settings.FORM_RENDERER == "apps.core.form_renderer.FormRenderer"


@pytest.mark.parametrize("name", list(Everything.base_fields))
def test_every_widget_renders_as_djangos_templates_do_empty_and_filled(name):
    data = {
        "name": NASTY,
        "count": "12",
        "mail": "a@b.be",
        "born": "2026-12-02",
        "secret": NASTY,
        "hidden": NASTY,
        "note": NASTY + "\nsecond line",
        "agree": "on",
        "colour": "g",
        "grouped": "o",
        "many": ["a", "c"],
        "url": "https://example.org/?a=1&b=2",
        "search": "x",
        "off": "y",
        "radio": "b",
        "split_0": "2026-12-02",
        "split_1": "10:00",
    }
    for form in (
        Everything(renderer=FormRenderer()),
        Everything(data, renderer=FormRenderer()),
        Everything(initial={"born": dt.date(2026, 1, 2), "count": 3}, renderer=FormRenderer()),
    ):
        fast, slow = both(form, name, {"class": "form-control", "aria-describedby": "x-help", "required": True})
        assert fast == slow
        assert "<script>" not in fast


def test_safe_values_and_labels_are_not_escaped_twice_as_in_djangos_templates():
    class Safe(forms.Form):
        pick = forms.ChoiceField(choices=[("s", mark_safe("<em>safe</em>")), ("u", "<em>unsafe</em>")])
        text = forms.CharField(initial=mark_safe("<b>kept</b>"))

    form = Safe(renderer=FormRenderer())
    for name in ("pick", "text"):
        fast, slow = both(form, name)
        assert fast == slow


def test_a_widget_with_its_own_option_template_goes_through_djangos_templates():
    class Custom(forms.Select):
        option_template_name = "django/forms/widgets/radio_option.html"

    class Form(forms.Form):
        pick = forms.ChoiceField(choices=[("a", "A")], widget=Custom)

    fast, slow = both(Form(renderer=FormRenderer()), "pick")
    assert fast == slow
    assert "<label><input" in fast  # the option template was used


@hypothesis_settings(max_examples=60, deadline=None)
@given(
    value=st.text(max_size=30),
    label=st.text(max_size=30),
    attr=st.one_of(st.booleans(), st.text(max_size=10), st.integers()),
)
def test_any_text_in_values_labels_and_attributes_renders_as_djangos_templates(value, label, attr):
    class Form(forms.Form):
        text = forms.CharField(required=False, widget=forms.TextInput(attrs={"data-v": attr}))
        note = forms.CharField(required=False, widget=forms.Textarea(attrs={"data-v": attr}))
        pick = forms.ChoiceField(choices=[(value, label), ("x", "y")], required=False)

    form = Form({"text": value, "note": value, "pick": value}, renderer=FormRenderer())
    for name in ("text", "note", "pick"):
        fast, slow = both(form, name, {"data-w": attr})
        assert fast == slow
