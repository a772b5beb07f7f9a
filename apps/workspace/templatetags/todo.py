"""The rows of the home page's to-do lists written out in Python.

Up to eight lists of up to 20 rows (``apps/workspace/selectors_todo.py``); as template code each row is a link, a
name, a translation and a date or two: about a third of the home page's CPU (issue 15, CPU per request). The HTML
is the one the template loops gave (``apps/workspace/tests/test_todo_items.py`` renders both on the same rows, in
both languages, with hostile text); every value typed by a user is escaped (``html.escape``, what Django's
``escape`` does for text not marked safe).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from html import escape
from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from apps.core.html_rows import day_formatter, text, time_tag, url

register = template.Library()

_ITEM = '\n    <li class="list-group-item{}">{}</li>\n  '


def _name(client: Any) -> str:
    return f"{text(client.first_name)} {text(client.last_name)}"


def _items(rows: Iterable[str], classes: Iterable[str] | None = None) -> SafeString:
    """The ``<li>`` of each row (HTML whose values are escaped), with ``classes`` added one by one when given."""
    if classes is None:
        return mark_safe("".join(_ITEM.format("", row) for row in rows))  # noqa: S308 - rows are escaped
    return mark_safe("".join(_ITEM.format(c, row) for c, row in zip(classes, rows, strict=True)))  # noqa: S308


@register.simple_tag
def todo_referrals(items: Iterable[tuple[Any, str]]) -> SafeString:
    """Referrals to answer: ``(referral, the client's label for the receiver)`` pairs."""
    day, label, sent = day_formatter(), gettext("%(client)s for %(offer)s"), gettext("sent by %(org)s on %(day)s")
    return _items(
        f'<a href="{url("referrals:detail", r.pk)}">{label % {"client": text(name), "offer": text(r.offer.title)}}'
        f'</a> · <span class="small">{sent % {"org": text(r.pathway.organisation.name), "day": day(r.created_at)}}'
        "</span>"
        for r, name in items
    )


@register.simple_tag
def todo_actions(items: Iterable[Any], today: dt.date) -> SafeString:
    """The user's open actions due this week or before: late ones (due before ``today``) marked."""
    items = list(items)
    late_text = escape(gettext("overdue"))
    day, overdue = day_formatter(), f" <strong>({late_text})</strong>"
    late = [bool(a.due_on and a.due_on < today) for a in items]
    rows = (
        f'<a href="{url("pathways:detail", a.pathway_id)}">{_name(a.pathway.client)}</a>: {text(a.description)}\n'
        "      " + (f"· {time_tag(day, a.due_on)}{overdue if is_late else ''}" if a.due_on else "")
        for a, is_late in zip(items, late, strict=True)
    )
    return _items(rows, [" list-group-item-danger" if is_late else "" for is_late in late])


@register.simple_tag
def todo_proposals(items: Iterable[Any]) -> SafeString:
    """Place proposals of the allocation to confirm."""
    confirm = escape(gettext("Confirm or decline"))
    link = f'<a href="{url("matching:proposals")}">{confirm}</a>'
    return _items(
        f"{_name(p.entry.client)} · {text(p.offer.title)} ({text(p.offer.organisation.name)}) · {link}" for p in items
    )


@register.simple_tag
def todo_follow_ups(items: Iterable[Any]) -> SafeString:
    """Closures whose six-month follow-up is due."""
    day, due = day_formatter(), escape(gettext("due"))
    return _items(
        f'<a href="{url("pathways:follow_up", c.pathway_id)}">{_name(c.pathway.client)}</a> · {due} '
        f"{time_tag(day, c.follow_up_due)}"
        for c in items
    )


@register.simple_tag
def todo_esf(items: Iterable[Any]) -> SafeString:
    """ESF+ participations to complete, each saying what is missing (``esf_kind``: 1 entry data, 2 results on
    leaving, 3 the six-month follow-up)."""
    day, entry = day_formatter(), escape(gettext("entry data missing"))
    results, follow_up = (
        gettext("results on leaving missing (left on %(day)s)"),
        gettext("six-month follow-up due since %(day)s"),
    )

    def missing(p: Any) -> str:
        if p.esf_kind == 1:
            return entry
        if p.esf_kind == 2:
            return results % {"day": day(p.leaving_date)}
        return follow_up % {"day": day(p.follow_up_due)}

    return _items(f'<a href="{url("esf:record", p.pk)}">{_name(p.client)}</a> · {missing(p)}' for p in items)


@register.simple_tag
def todo_consents(items: Iterable[Any], today: dt.date) -> SafeString:
    """Consents ending soon (valid until) or ended before ``today`` (ended on)."""
    day, ended, valid = day_formatter(), escape(gettext("ended on")), escape(gettext("valid until"))
    return _items(
        f'<a href="{url("clients:detail", c.client_id)}">{_name(c.client)}</a> · '
        f"{ended if c.valid_until < today else valid} {time_tag(day, c.valid_until)}"
        for c in items
    )


@register.simple_tag
def todo_conferences(items: Iterable[Any]) -> SafeString:
    """Case conferences held that wait for their decisions."""
    day, title = day_formatter(), gettext("Case conference of %(day)s")
    return _items(
        f'<a href="{url("conferences:detail", c.pk)}">{title % {"day": day(c.scheduled_at)}}</a>' for c in items
    )


@register.simple_tag
def todo_escalations(items: Iterable[Any]) -> SafeString:
    """Referrals escalated for want of an answer."""
    day, sent = day_formatter(), escape(gettext("sent"))
    return _items(
        f'<a href="{url("referrals:detail", r.pk)}">{text(r.offer.title)}</a> · {text(r.offer.organisation.name)}'
        f" · {sent} {day(r.created_at)}"
        for r in items
    )


@register.simple_tag
def partnership_rows(organisations: Iterable[Any]) -> SafeString:
    """The coordinator's table of the partnership: one ``<tr>`` per organisation (name, kind, ``n_members``,
    ``n_clients``: the annotations of ``partnership_overview``), the kind's label looked up once per kind."""
    kinds: dict[str, str] = {}
    rows = []
    for org in organisations:
        kind = kinds.get(org.kind)
        if kind is None:
            kind = kinds[org.kind] = text(org.get_kind_display())
        rows.append(
            f'<tr><td>{text(org.name)}</td><td>{kind}</td><td class="text-end">{text(org.n_members)}</td>'
            f'<td class="text-end">{text(org.n_clients)}</td></tr>'
        )
    return mark_safe("\n".join(rows))  # noqa: S308 - every value is escaped by text()
