"""The error summary above a form sent back with errors (``includes/form_errors.html``, the GOV.UK pattern): each
field's error is a link to the input the ``field`` tag renders for it (the first input of a radio or checkbox list),
with a form's prefix and in a formset too; an error that belongs to no field stays plain text; what the user typed
is escaped."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

from django import forms
from django.template import Context, Template

from apps.core.templatetags.pw_forms import error_summary, input_id

NASTY = '<b onmouseover="x">&</b>'

PAGE = Template(
    '{% load pw_forms %}{% include "includes/form_errors.html" %}'
    "<form>{% for f in form %}{% if f.is_hidden %}{{ f }}{% else %}{% field f %}{% endif %}{% endfor %}</form>"
)


class Page(HTMLParser):
    """The ids on a page, the links of its error summary and the summary's text."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.summary_text = ""
        self._depth = 0  # inside the summary: how many open elements deep
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(str(values["id"]))
        if values.get("id") == "form-errors":
            self._depth = 1
        elif self._depth and tag not in {"input", "br"}:
            self._depth += 1
        if self._depth and tag == "a":
            self.links.append(str(values.get("href")))

    def handle_endtag(self, tag: str) -> None:
        if self._depth:
            self._depth -= 1

    def handle_data(self, data: str) -> None:
        if self._depth:
            self.summary_text += data


def render(form: Any, **context: Any) -> Page:
    return Page(PAGE.render(Context({"form": form, **context})))


class Request(forms.Form):
    """A form with one field of every kind the summary must reach."""

    name = forms.CharField(label="Naam", max_length=5)
    kind = forms.ChoiceField(label="Soort", choices=[("", "—"), ("a", "A"), ("b", "B")], widget=forms.RadioSelect)
    days = forms.MultipleChoiceField(
        label="Dagen", choices=[("mon", "maandag"), ("tue", "dinsdag")], widget=forms.CheckboxSelectMultiple
    )
    colour = forms.ChoiceField(label="Kleur", choices=[("r", "rood")])
    agree = forms.BooleanField(label="Akkoord")
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean(self) -> Any:
        raise forms.ValidationError("Iemand anders bewaarde dit intussen.")


def test_a_form_sent_back_links_every_field_error_to_the_input_on_the_page() -> None:
    form = Request({"request-name": "te lang", "request-colour": NASTY, "request-version": "x"}, prefix="request")
    page = render(form)
    assert page.links == [
        "#id_request-name",
        "#id_request-kind_1",  # the empty choice is not shown: the first radio is the second choice
        "#id_request-days_0",
        "#id_request-colour",
        "#id_request-agree",
    ]
    assert all(link.removeprefix("#") in page.ids for link in page.links)
    text = " ".join(page.summary_text.split())
    assert "Iemand anders bewaarde dit intussen." in text  # the form's own error, as plain text, first
    assert text.index("Iemand anders") < text.index("Naam:")
    assert "Naam: Zorg dat deze waarde" in text and "Soort: " in text and "Kleur: Selecteer een geldige" in text


def test_what_the_user_typed_is_escaped_in_the_summary() -> None:
    html = PAGE.render(Context({"form": Request({"colour": NASTY})}))
    summary = html[html.index('id="form-errors"') : html.index("<form>")]
    assert NASTY not in summary and "&lt;b onmouseover=&quot;x&quot;&gt;&amp;&lt;/b&gt;" in summary


def test_a_hidden_field_and_a_form_without_ids_get_plain_text_lines() -> None:
    form = Request({"version": "x"}, auto_id=False)
    lines = error_summary(form)
    assert lines and all(line["target"] == "" for line in lines)
    hidden = Request({"version": "x"})
    assert input_id(hidden["version"]) == "" and input_id(hidden["name"]) == "id_name"
    assert Page(PAGE.render(Context({"form": Request({"version": "x"}, auto_id=False)}))).links == []


def test_a_form_that_renders_a_field_its_own_way_names_the_element_to_link_to() -> None:
    class OwnIds(Request):
        error_targets = {"days": "day-monday"}

    assert input_id(OwnIds({})["days"]) == "day-monday"


def test_an_unsent_or_valid_form_has_no_summary() -> None:
    assert error_summary(Request()) == [] and error_summary("") == []
    assert 'id="form-errors"' not in PAGE.render(Context({"form": Request()}))


def test_the_errors_of_a_formset_link_to_the_inputs_of_the_form_they_belong_to() -> None:
    class Goal(forms.Form):
        description = forms.CharField(label="Doel", max_length=10)

    goals = forms.formset_factory(Goal, extra=0)(
        {
            "goals-TOTAL_FORMS": "2",
            "goals-INITIAL_FORMS": "0",
            "goals-0-description": "werk",
            "goals-1-description": "te lang hier",
        },
        prefix="goals",
    )
    template = Template(
        '{% load pw_forms %}{% include "includes/form_errors.html" with formset=goals formset_item="Doel" %}'
        "{% for g in goals %}{% field g.description %}{% endfor %}"
    )
    page = Page(template.render(Context({"form": "", "goals": goals})))
    assert page.links == ["#id_goals-1-description"] and "id_goals-1-description" in page.ids
    assert "Doel 2 · Doel:" in " ".join(page.summary_text.split())
