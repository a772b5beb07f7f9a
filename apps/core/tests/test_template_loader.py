"""The loader that writes fixed translations into the compiled templates (apps/core/template_loader.py) changes
nothing a user sees: the main pages give the same HTML in both languages with it and with Django's plain cached
loader, and a translation that depends on its context is left alone.

Personas (conftest): Sofie, counsellor, opens Mariam's file, pathway, recommendations and her work; Wouter,
coordinator, his home page.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.template import Context, Engine
from django.templatetags.i18n import BlockTranslateNode, TranslateNode
from django.test import Client as Browser
from django.test import override_settings
from django.utils import translation

from apps.core.template_loader import write_in_translations
from tests.factories import complete_screening, give_consent, register_client, start_pathway

PLAIN_LOADERS = [
    (
        "django.template.loaders.cached.Loader",
        ["django.template.loaders.filesystem.Loader", "django.template.loaders.app_directories.Loader"],
    )
]
RANDOM = re.compile(r'(name="(?:csrfmiddlewaretoken|submission)" value=")[^"]+"')


def plain_templates(settings: Any) -> list[dict[str, Any]]:
    templates = [dict(engine, OPTIONS=dict(engine["OPTIONS"])) for engine in settings.TEMPLATES]
    templates[0]["OPTIONS"]["loaders"] = PLAIN_LOADERS
    return templates


def page(browser: Browser, url: str, language: str) -> str:
    html = browser.get(url, headers={"accept-language": language}).content.decode()
    return RANDOM.sub(r'\1-"', html)


@pytest.mark.parametrize("language", ["nl-be", "en"])
def test_the_main_pages_give_the_same_html_with_the_translations_written_in(
    personas: Any, client: Browser, settings: Any, language: str
) -> None:
    settings.LANGUAGE_COOKIE_NAME = "taal"
    mariam = register_client(personas, first_name="Mariam", last_name="<b>Test</b> & co")
    complete_screening(mariam, personas.sofie, obstacles=["debts"])
    give_consent(personas, mariam, categories=["identity", "life_domains"], purposes=["guidance", "referral"])
    pathway = start_pathway(personas, mariam)
    counsellor, coordinator = Browser(), Browser()
    counsellor.force_login(personas.sofie)
    coordinator.force_login(personas.wouter)
    pages = [
        (counsellor, f"/hulpvragers/{mariam.pk}/"),
        (counsellor, f"/trajecten/{pathway.pk}/"),
        (counsellor, f"/matching/hulpvrager/{mariam.pk}/"),
        (counsellor, "/trajecten/mijn-werk/"),
        (counsellor, "/"),
        (coordinator, "/"),
        (Browser(), "/account/login/"),
    ]
    for browser, _url in pages:
        browser.cookies["taal"] = language
    written = [page(browser, url, language) for browser, url in pages]
    with override_settings(TEMPLATES=plain_templates(settings)):
        plain = [page(browser, url, language) for browser, url in pages]
    for (_browser, url), mine, theirs in zip(pages, written, plain, strict=True):
        assert mine == theirs, url
    assert ("Afmelden" if language == "nl-be" else "Log out") in written[0]


def test_fixed_translations_are_written_in_per_language_and_the_others_left_alone() -> None:
    source = (
        '{% load i18n %}<a>{% translate "Log out" %}</a>'
        "{% blocktranslate %}Save{% endblocktranslate %}"
        "{% blocktranslate with n=who %}Hello {{ n }}{% endblocktranslate %}"
        '{% translate "Save" as label %}[{{ label }}]'
        "{% translate word %}"
        '{% autoescape off %}{% translate "Save" %}{% endautoescape %}'
        '{% language "en" %}{% translate "Log out" %}{% endlanguage %}'
    )
    engine = Engine(
        loaders=[("apps.core.template_loader.Loader", [("django.template.loaders.locmem.Loader", {"t.html": source})])],
        libraries={"i18n": "django.templatetags.i18n"},
    )
    context = {"who": "<i>Jo</i>", "word": "Save"}
    with translation.override("nl-be"):
        dutch = engine.get_template("t.html")
        assert dutch.render(Context(context)) == (
            "<a>Afmelden</a>BewarenHello &lt;i&gt;Jo&lt;/i&gt;[Bewaren]BewarenBewarenLog out"
        )
    with translation.override("en"):
        english = engine.get_template("t.html")
        assert english.render(Context(context)) == "<a>Log out</a>SaveHello &lt;i&gt;Jo&lt;/i&gt;[Save]SaveSaveLog out"
    assert english is not dutch  # one compiled template per language
    kinds: Any = TranslateNode | BlockTranslateNode
    left = [type(n).__name__ for n in dutch.nodelist.get_nodes_by_type(kinds)]
    # the block with a variable, the one kept "as", the variable one, the one under autoescape, the one under
    # {% language %}: five left; the two fixed ones written in
    assert sorted(left) == ["BlockTranslateNode"] + ["TranslateNode"] * 4, left
    assert write_in_translations(dutch.nodelist, dutch) == 0  # nothing more to write in
