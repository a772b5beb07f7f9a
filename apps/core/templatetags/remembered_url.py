"""``{% url %}`` as Django's, with each reversed URL remembered in the process (a template builtin: settings).

Reversing a URL walks the URL patterns and rebuilds the path: some 25 microseconds of CPU, 25 to 45 times on
every page (the menu alone holds some twenty links), 0.6-1.1 ms per page (issue 15, CPU per request). The same
view name, arguments, current app, URL configuration and script prefix always give the same path (the paths
carry no language), so the answer is kept in a bounded table (``SIZE`` entries, oldest dropped first). Arguments
that are not strings, integers or None are reversed every time, as are failures (``NoReverseMatch`` raised or,
with ``as``, an empty string, exactly as Django's tag). ``apps/core/tests/test_remembered_url.py`` compares
the two tags.
"""

from __future__ import annotations

from collections import OrderedDict
from threading import Lock
from typing import Any

from django import template
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as django_url
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape

register = template.Library()

SIZE = 20_000
_PLAIN = (str, int, type(None))
_urls: OrderedDict[tuple[Any, ...], str] = OrderedDict()
_lock = Lock()


def remembered_reverse(view_name: str, args: list[Any], kwargs: dict[str, Any], current_app: str | None) -> str:
    """``reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)``, remembered per URL
    configuration and script prefix when every argument is a str, an int or None. Raises NoReverseMatch."""
    if not all(type(a) in _PLAIN for a in args) or not all(type(v) in _PLAIN for v in kwargs.values()):
        return reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)
    key = (view_name, tuple(args), tuple(sorted(kwargs.items())), current_app, get_urlconf(), get_script_prefix())
    found = _urls.get(key)
    if found is None:
        found = reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)
        with _lock:
            _urls[key] = found
            if len(_urls) > SIZE:
                _urls.popitem(last=False)
    return found


class RememberedURLNode(URLNode):
    def render(self, context: Any) -> str:
        args = [arg.resolve(context) for arg in self.args]
        kwargs = {k: v.resolve(context) for k, v in self.kwargs.items()}
        view_name = self.view_name.resolve(context)
        try:
            current_app = context.request.current_app
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace
            except AttributeError:
                current_app = None
        url = ""
        try:
            url = remembered_reverse(view_name, args, kwargs, current_app)
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = url
            return ""
        return str(conditional_escape(url)) if context.autoescape else url


@register.tag
def url(parser: Any, token: Any) -> RememberedURLNode:
    """Django's ``{% url %}`` (same syntax, same output), remembering what it reversed."""
    node = django_url(parser, token)
    return RememberedURLNode(node.view_name, node.args, node.kwargs, node.asvar)
