"""The form renderer (``FORM_RENDERER``): Django's template renderer, except that the standard widgets
(inputs, select, textarea) are written out in Python, giving the very HTML their Django templates give.

Why: a ``<select>`` rendered by Django's templates costs one template render per option plus one per
attribute list, about 0.3-0.5 ms of CPU per field on the caseload page (issue 15, CPU per request); written
out here it costs a few hundredths of that. Every other template (forms, fields, formsets, multi-widgets,
radio and checkbox lists) still goes through Django's templates, and a project template overriding a
widget template would make that widget go through them too (``tests/test_form_renderer.py`` compares both
outputs widget by widget).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, SafeString, mark_safe

_INPUT = "django/forms/widgets/input.html"
# widget templates that only include input.html
_INPUTS = {
    f"django/forms/widgets/{name}.html"
    for name in (
        "input",
        "text",
        "number",
        "email",
        "url",
        "password",
        "hidden",
        "date",
        "datetime",
        "time",
        "search",
        "tel",
        "color",
        "checkbox",
    )
}
_SELECT = "django/forms/widgets/select.html"
_OPTION = "django/forms/widgets/select_option.html"
_TEXTAREA = "django/forms/widgets/textarea.html"
_ATTRS = "django/forms/widgets/attrs.html"


def _text(value: Any) -> str:
    """``{{ value|stringformat:'s' }}`` under autoescape: ``str(value)``, escaped unless it was safe."""
    text = "%s" % (value,)  # noqa: UP031 - the stringformat filter's own formatting
    return text if isinstance(value, SafeData) else str(conditional_escape(text))


def _attrs(attrs: dict[str, Any]) -> str:
    """django/forms/widgets/attrs.html: ``name="value"`` for each attribute, ``name`` alone for True, none
    for False."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        shown = conditional_escape(name)
        parts.append(f" {shown}" if value is True else f' {shown}="{_text(value)}"')
    return "".join(parts)


def _input(widget: dict[str, Any]) -> str:
    value = widget["value"]
    shown = f' value="{_text(value)}"' if value is not None else ""
    kind, name = conditional_escape(widget["type"]), conditional_escape(widget["name"])
    return f'<input type="{kind}" name="{name}"{shown}{_attrs(widget["attrs"])}>'


def _select(widget: dict[str, Any]) -> str | None:
    html = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            html.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in group_choices:
            if option["template_name"] != _OPTION:
                return None
            html.append(
                f'\n  <option value="{_text(option["value"])}"{_attrs(option["attrs"])}>'
                f"{conditional_escape(option['label'])}</option>\n"  # the option template's own last line end
            )
        if group_name:
            html.append("\n  </optgroup>")
    html.append("\n</select>")
    return "".join(html)


def _textarea(widget: dict[str, Any]) -> str:
    value = widget["value"]
    return (
        f'<textarea name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>\n'
        f"{conditional_escape(value) if value else ''}</textarea>"
    )


_WRITERS: dict[str, Callable[[dict[str, Any]], str | None]] = {_SELECT: _select, _TEXTAREA: _textarea}


class FormRenderer(DjangoTemplates):
    """``DjangoTemplates`` with the standard input, select and textarea widgets written out in Python.

    ``render(template_name, context)`` returns the same string Django's template would (stripped, as
    ``BaseRenderer.render``); a template name it does not know, or one a template directory overrides, is
    rendered by Django."""

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> SafeString | str:
        write = _input if template_name in _INPUTS else _WRITERS.get(template_name)
        widget = context.get("widget") if isinstance(context, dict) else None
        if write is not None and isinstance(widget, dict) and not self._overridden(template_name):
            html = write(widget)
            if html is not None:  # None: an option with a template of its own
                return mark_safe(html.strip())  # noqa: S308 - every value above went through conditional_escape
        return super().render(template_name, context, request=request)

    def _overridden(self, template_name: str) -> bool:
        """Whether a template Django would use for this widget is not Django's own (a project or an app
        overrides the widget's template, or one it includes)."""
        cache = self.__dict__.setdefault("_overrides", {})
        if template_name not in cache:
            used = {template_name, _ATTRS}
            used |= {_INPUT} if template_name in _INPUTS else {_OPTION} if template_name == _SELECT else set()
            cache[template_name] = any(
                not self.get_template(name).origin.name.replace("\\", "/").endswith(f"django/forms/templates/{name}")
                for name in used
            )
        return cache[template_name]
