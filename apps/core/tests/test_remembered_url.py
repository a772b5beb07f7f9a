"""The template builtin ``{% url %}`` (apps/core/templatetags/remembered_url.py) gives what Django's own tag gives,
remembers what it reversed, and fails as Django's does."""

from __future__ import annotations

import pytest
from django.template import Context, Engine, Template
from django.template.defaulttags import URLNode
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse, set_script_prefix

from apps.core.templatetags import remembered_url

DJANGO = Engine.get_default()
CASES = [
    ("{% url 'core:home' %}", {}),
    ("{% url 'pathways:detail' pk %}", {"pk": 7}),
    ("{% url 'pathways:detail' pk=pk %}", {"pk": 12}),
    ("{% url 'clients:detail' pk as there %}[{{ there }}]", {"pk": 3}),
    ("{% url 'no:such' as there %}[{{ there }}]", {}),
    ("{% url name pk %}", {"name": "pathways:detail", "pk": "42"}),
]


def render(source: str, context: dict, *, django: bool = False) -> str:
    template = Template(source, engine=DJANGO)
    if django:
        for node in template.nodelist.get_nodes_by_type(URLNode):
            node.__class__ = URLNode  # Django's own tag on the same parsed arguments
    return template.render(Context(context))


def test_every_template_gets_the_remembering_url_tag():
    node = Template("{% url 'core:home' %}", engine=DJANGO).nodelist[0]
    assert type(node) is remembered_url.RememberedURLNode


@pytest.mark.parametrize(("source", "context"), CASES)
def test_the_tag_renders_what_djangos_url_tag_renders_twice_in_a_row(source, context):
    expected = render(source, context, django=True)
    assert render(source, context) == expected
    assert render(source, context) == expected  # remembered


def test_a_wrong_view_name_raises_as_djangos_tag_does():
    with pytest.raises(NoReverseMatch):
        render("{% url 'no:such' %}", {})
    with pytest.raises(NoReverseMatch):
        render("{% url 'pathways:detail' %}", {})


def test_what_was_reversed_is_remembered_per_script_prefix():
    remembered_url._urls.clear()
    path = reverse("pathways:detail", args=[5])
    assert render("{% url 'pathways:detail' 5 %}", {}) == path
    assert len(remembered_url._urls) == 1
    set_script_prefix("/padwijzer/")
    try:
        assert render("{% url 'pathways:detail' 5 %}", {}) == "/padwijzer" + path
    finally:
        set_script_prefix("/")
    assert len(remembered_url._urls) == 2


def test_the_table_keeps_at_most_its_size(monkeypatch):
    monkeypatch.setattr(remembered_url, "SIZE", 3)
    remembered_url._urls.clear()
    for pk in range(1, 6):
        render("{% url 'pathways:detail' pk %}", {"pk": pk})
    assert len(remembered_url._urls) == 3
    assert [key[1] for key in remembered_url._urls] == [(3,), (4,), (5,)]


def test_arguments_that_are_not_plain_values_are_reversed_every_time():
    remembered_url._urls.clear()

    class Id(int):
        pass

    assert render("{% url 'pathways:detail' pk %}", {"pk": Id(9)}) == reverse("pathways:detail", args=[9])
    assert remembered_url._urls == {}


def test_a_request_current_app_is_part_of_what_is_remembered():
    request = RequestFactory().get("/")
    request.current_app = "core"
    template = Template("{% url 'core:home' %}", engine=DJANGO)
    assert template.render(Context({"request": request})) == reverse("core:home", current_app="core")
