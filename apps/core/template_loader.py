"""Templates compiled once per language, with their fixed translations written into them.

A ``{% translate "Save" %}`` costs a gettext (through the active language's thread-local), a variable lookup and
a node render on every page: twenty to fifty of them per page, a tenth of what the template engine spends on
one (issue 15, CPU per request; ``bench/pages_cpu.py``). This loader is Django's cached loader whose cache key
also holds the active language; when it compiles a template for a language it replaces every translation whose
output cannot depend on the context by the text it gives in that language (a ``TextNode``):

- ``{% translate "literal" %}`` without filters, ``as`` or ``context``;
- ``{% blocktranslate %}...{% endblocktranslate %}`` without variables, ``count``, ``with``, ``as`` or
  ``context``.

Left as they are: anything inside ``{% autoescape %}`` or ``{% language %}`` (they change what a translation
gives), and every translation holding a variable. A template included or extended at render time is loaded
then, in the language active then, so e-mails rendered under ``translation.override`` get their own language.
``apps/core/tests/test_template_loader.py`` renders the main pages in both languages with and without it and
compares the HTML.
"""

from __future__ import annotations

from typing import Any

from django.template import Context
from django.template.base import Node, NodeList, Template, TextNode, TokenType
from django.template.defaulttags import AutoEscapeControlNode, IfNode
from django.template.loaders import cached
from django.templatetags.i18n import BlockTranslateNode, LanguageNode, TranslateNode
from django.utils import translation


def _fixed(node: Node) -> bool:
    """Whether ``node`` is a translation whose output is the same in every context (module docstring)."""
    if isinstance(node, TranslateNode):
        expression = node.filter_expression
        variable = expression.var
        return (
            node.asvar is None
            and node.message_context is None
            and not expression.filters
            and getattr(variable, "literal", None) is not None
            and getattr(variable, "lookups", True) is None
        )
    if isinstance(node, BlockTranslateNode):
        return (
            not node.extra_context
            and not node.plural
            and node.countervar is None
            and node.asvar is None
            and node.message_context is None
            and all(token.token_type == TokenType.TEXT for token in node.singular)
        )
    return False


def write_in_translations(nodelist: NodeList, template: Template) -> int:
    """Replace, in place and in every nested node list, the fixed translations of ``nodelist`` by their text in
    the active language; returns how many were replaced."""
    replaced = 0
    for position, node in enumerate(nodelist):
        if isinstance(node, AutoEscapeControlNode | LanguageNode):
            continue
        if _fixed(node):
            context = Context(autoescape=True)
            context.template = template
            text = TextNode(str(node.render(context)))
            text.token, text.origin = node.token, node.origin
            nodelist[position] = text
            replaced += 1
            continue
        if isinstance(node, IfNode):  # its ``nodelist`` is a property: the branches hold the real lists
            for _condition, branch in node.conditions_nodelists:
                replaced += write_in_translations(branch, template)
            continue
        for attribute in node.child_nodelists:
            child = getattr(node, attribute, None)
            if isinstance(child, NodeList):
                replaced += write_in_translations(child, template)
    return replaced


class Loader(cached.Loader):
    """Django's cached loader, one compiled template per name and language, fixed translations written in."""

    def cache_key(self, template_name: str, skip: Any = None) -> str:
        return f"{translation.get_language()}:{super().cache_key(template_name, skip)}"

    def get_template(self, template_name: str, skip: Any = None) -> Template:
        fresh = self.cache_key(template_name, skip) not in self.get_template_cache
        template = super().get_template(template_name, skip)
        if fresh:
            write_in_translations(template.nodelist, template)
        return template
