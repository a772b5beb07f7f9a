"""The table of levels per life domain written out in Python (apps/workspace/templatetags/levels.py) gives the HTML
the template loops of the client file and the pathway page gave, with missing levels and hostile labels."""

from __future__ import annotations

from types import SimpleNamespace

from django.template import Context, Engine

from apps.workspace.templatetags.levels import level_rows

# the loops the tag replaced (client_detail.html: three columns; pathway_detail.html: four)
CLIENT_FILE_LOOP = (
    '{% for d, b, l in domain_rows %}<tr><th scope="row" class="fw-normal">{{ d.label }}</th>'
    '<td class="text-end">{{ b|default_if_none:"–" }}</td><td class="text-end">{{ l|default_if_none:"–" }}</td>'
    "</tr>{% endfor %}"
)
PATHWAY_LOOP = (
    '{% for d, b, l, c in domain_rows %}<tr><th scope="row" class="fw-normal">{{ d.label }}</th>'
    '<td class="text-end">{{ b|default_if_none:"–" }}</td><td class="text-end">{{ l|default_if_none:"–" }}</td>'
    '<td class="text-end">{{ c|default_if_none:"–" }}</td></tr>{% endfor %}'
)
HOSTILE = SimpleNamespace(label='<img src=x onerror="alert(1)"> & Wonen')
WORK = SimpleNamespace(label="Werk")


def reference(loop: str, rows: list[tuple[object, ...]]) -> str:
    return Engine.get_default().from_string(loop).render(Context({"domain_rows": rows}))


def test_the_client_files_rows_are_the_html_the_loop_gave() -> None:
    rows: list[tuple[object, ...]] = [(HOSTILE, 1, None), (WORK, None, 0), (WORK, 4, 5)]
    assert level_rows(rows) == reference(CLIENT_FILE_LOOP, rows)
    assert "<img" not in level_rows(rows) and "&lt;img" in level_rows(rows)


def test_the_pathway_pages_rows_are_the_html_the_loop_gave() -> None:
    rows: list[tuple[object, ...]] = [(HOSTILE, None, None, None), (WORK, 2, 3, 4), (WORK, 0, None, 1)]
    assert level_rows(rows) == reference(PATHWAY_LOOP, rows)


def test_no_domains_give_no_rows() -> None:
    assert level_rows([]) == reference(PATHWAY_LOOP, []) == ""
