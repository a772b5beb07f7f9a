"""Keyset ("cursor") paging of long lists: every page, the first or the ten-thousandth, costs the same.

A numbered page N of a list sorted by ``(name, pk)`` asks the database for ``OFFSET (N-1)*size``: it sorts and
skips every row before the page, so the last page of 100,000 clients costs a hundred times the first.
A keyset page asks instead for the rows *after the last row shown* (``WHERE (name, pk) > (%s, %s) ORDER BY
name, pk LIMIT size+1``), which an index on the sort key answers by reading ``size + 1`` rows wherever the
page lies (bench/keyset.py measures it).

The cursor is the sort key of the boundary row and the direction, signed (``django.core.signing.Signer``, so
a changed or made-up cursor is refused; no timestamp, so one page has one address) and URL-safe (base64url).
A cursor that does not verify, that belongs to another list (each list signs with its own ``salt``) or whose
values do not fit the sort fields raises ``Http404``: junk in the address bar is a 404, never a 500. A cursor
holds the boundary row's sort values: a list sorted by names carries it in a POSTed form, not in the address.

Rules for the ordering: the last field is the primary key (so the key is unique), every field is a
non-null column of the model itself (with ``by_pk=True`` also a non-null column reached through forward
relations, ``client__last_name``: the boundary's values are then read in subqueries, never carried), and all
fields sort the same way (all ascending or all descending: a row comparison has one direction). A page knows
whether there is a next and a previous page, not how many pages there are (counting is the linear cost this
module avoids); it knows its rows' positions (``start``/``end``, carried in the cursor: "26 to 50"), which rows
added or removed on earlier pages since the first page shift; a page that needs a total shows a count of its
own where that is cheap.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.core import signing
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import F, QuerySet, Subquery
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan, TupleLessThan
from django.http import Http404

FORWARD, BACKWARD = "n", "p"
MAX_CURSOR_LENGTH = 2000  # characters; a longer value is junk, refused before any decoding
MAX_POSITION = 10**9  # the largest row position a cursor may carry; more is junk


class _Encoder(DjangoJSONEncoder):
    """Django's JSON encoder, but times to the microsecond (Django's keeps milliseconds: a cursor must hold the
    boundary row's exact key, or rows sharing its millisecond would be skipped or shown twice)."""

    def default(self, o: Any) -> Any:
        if isinstance(o, dt.datetime | dt.time):
            return o.isoformat()
        return super().default(o)


class _Serializer:
    """JSON with dates, datetimes and decimals, for ``signing.dumps``."""

    def dumps(self, obj: Any) -> bytes:
        return _Encoder(separators=(",", ":")).encode(obj).encode("latin-1")

    def loads(self, data: bytes) -> Any:
        import json

        return json.loads(data.decode("latin-1"))


@dataclass
class KeysetPage:
    """One page of a keyset-paged list.

    ``object_list``: the rows, in the list's order (at most ``size``); ``next_cursor`` / ``previous_cursor``:
    the cursor of the following / preceding page, ``""`` when there is none; ``is_first``: the page is the start
    of the list (asked without a cursor, or reached going back); ``start``: the 1-based position of the first
    row (``end`` the last's; 0 on an empty page), counted from the first page along the cursors followed.
    """

    object_list: list[Any]
    next_cursor: str = ""
    previous_cursor: str = ""
    is_first: bool = True
    size: int = 0
    start: int = 1

    @property
    def end(self) -> int:
        return self.start + len(self.object_list) - 1 if self.object_list else 0

    @property
    def has_next(self) -> bool:
        return bool(self.next_cursor)

    @property
    def has_previous(self) -> bool:
        return bool(self.previous_cursor)

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous or not self.is_first

    def __iter__(self) -> Iterator[Any]:
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)


def _fields(queryset: QuerySet[Any], ordering: Sequence[str]) -> tuple[list[str], bool]:
    """The sort fields without their sign, and whether they sort descending; ``ValueError`` for an ordering
    this module cannot page (a programming error, not user input)."""
    if not ordering:
        raise ValueError("a keyset ordering needs at least the primary key")
    descending = {o.startswith("-") for o in ordering}
    if len(descending) != 1:
        raise ValueError(f"keyset ordering {list(ordering)!r} mixes ascending and descending fields")
    names = [o.lstrip("-") for o in ordering]
    if names[-1] not in {"pk", queryset.model._meta.pk.name}:
        raise ValueError(f"keyset ordering {list(ordering)!r} must end with the primary key")
    return names, descending.pop()


def _model_field(queryset: QuerySet[Any], name: str, *, related: bool = False) -> Any:
    """The model field ``name`` names; with ``related``, a path through forward relations
    (``client__last_name``). ``ValueError`` for anything else (a programming error)."""
    meta = queryset.model._meta
    parts = name.split("__")
    if len(parts) > 1 and not related:
        raise ValueError(f"keyset field {name!r} is not a column of {meta.label} (related fields need by_pk=True)")
    try:
        for part in parts[:-1]:
            relation = meta.get_field(part)
            if not (relation.many_to_one or relation.one_to_one) or not relation.concrete:
                raise ValueError(f"keyset field {name!r} crosses {part!r}, not a forward relation")
            meta = relation.related_model._meta
        last = parts[-1]
        return meta.pk if last == "pk" else meta.get_field(last)
    except FieldDoesNotExist as exc:
        raise ValueError(f"keyset field {name!r} is not a column of {meta.label}") from exc


def encode_cursor(direction: str, values: Sequence[Any], *, salt: str, position: int | None = None) -> str:
    """The signed, URL-safe cursor for ``direction`` (``"n"``: rows after ``values``; ``"p"``: rows before);
    ``position``: the 1-based position of the boundary row (for the page's caption), when known."""
    signer = signing.Signer(salt=f"keyset:{salt}")
    payload: list[Any] = [direction, list(values)]
    if position is not None:
        payload.append(position)
    return signer.sign_object(payload, serializer=_Serializer, compress=True)


def _decode(cursor: str, *, queryset: QuerySet[Any], names: Sequence[str], salt: str) -> tuple[str, list[Any], int]:
    """``(direction, values, position)`` of a cursor (position 0 when it holds none); ``Http404`` for junk."""
    if not isinstance(cursor, str) or len(cursor) > MAX_CURSOR_LENGTH:
        raise Http404
    try:
        payload = signing.Signer(salt=f"keyset:{salt}").unsign_object(cursor, serializer=_Serializer)
    except (signing.BadSignature, ValueError, TypeError) as exc:
        raise Http404 from exc
    if not isinstance(payload, list) or len(payload) not in (2, 3):
        raise Http404
    direction, raw, position = payload[0], payload[1], payload[2] if len(payload) == 3 else 0
    if type(position) is not int or not 0 <= position <= MAX_POSITION:
        raise Http404
    if direction not in (FORWARD, BACKWARD) or not isinstance(raw, list) or len(raw) != len(names):
        raise Http404
    values = []
    for name, value in zip(names, raw, strict=True):
        if value is None:
            raise Http404
        try:
            values.append(_model_field(queryset, name).to_python(value))
        except (ValidationError, TypeError, ValueError) as exc:
            raise Http404 from exc
    return direction, values, position


def decode_cursor(cursor: str, *, queryset: QuerySet[Any], names: Sequence[str], salt: str) -> tuple[str, list[Any]]:
    """``(direction, values)`` of a cursor made by ``encode_cursor`` for this list, each value converted to its
    field's Python type; ``Http404`` for anything else (unsigned, tampered, another list's, wrong shape)."""
    direction, values, _position = _decode(cursor, queryset=queryset, names=names, salt=salt)
    return direction, values


def _start(direction: str, position: int, rows: int, first: bool) -> int:
    """The position of a page's first row: after the boundary going forward, before it going back (1 when the
    page going back is the list's first; 1 too for a cursor without a position)."""
    if direction == FORWARD:
        return position + 1 if position else 1
    return 1 if first or not position else max(position - rows, 1)


def _key(row: Any, names: Sequence[str]) -> list[Any]:
    if isinstance(row, dict):
        return [row[name] for name in names]
    return [getattr(row, name) for name in names]


def keyset_page(
    queryset: QuerySet[Any],
    *,
    ordering: Sequence[str],
    cursor: str | None,
    size: int,
    salt: str,
    by_pk: bool = False,
    first_rows: Callable[[], list[Any]] | None = None,
) -> KeysetPage:
    """The page of ``queryset`` sorted by ``ordering`` that ``cursor`` points to (the first page when the
    cursor is empty or ``None``), at most ``size`` rows, in one query (``LIMIT size + 1``, no ``OFFSET``).

    ``first_rows``: what ``queryset.order_by(*ordering)[: size + 1]`` gives, from a prepared query
    (apps/core/prepared.py), read instead of it for the first page, the one nearly every visit shows.

    ``by_pk``: the cursor holds only the boundary row's primary key, and the query reads that row's sort values
    in subqueries (still one query): for a list sorted by personal data (names) whose cursor may travel in an
    address. A boundary row deleted meanwhile gives an empty page (with the link to the first).

    ``ordering``: field names of the model, all ascending or all descending (``-``), ending with ``pk``;
    ``salt``: the list's name, so one list's cursor is refused by another. Raises ``Http404`` for a junk
    cursor and ``ValueError`` for an ordering it cannot page. Model instances and ``values()`` dicts both work.
    """
    names, descending = _fields(queryset, ordering)
    for name in names:
        _model_field(queryset, name, related=by_pk)
    key_names = [names[-1]] if by_pk else names
    direction: str = FORWARD
    values: list[Any] = []
    position = 0
    if cursor:
        direction, values, position = _decode(cursor, queryset=queryset, names=key_names, salt=salt)
    bounds: tuple[Any, ...] = tuple(values)
    if by_pk and values:
        boundary = queryset.model._base_manager.filter(pk=values[0]).order_by()
        bounds = tuple(Subquery(boundary.values(name)[:1]) for name in names)
    forward = direction == FORWARD
    if first_rows is not None and not cursor:
        rows = first_rows()
    else:
        order = list(ordering) if forward else [n if descending else f"-{n}" for n in names]
        qs = queryset.order_by(*order)
        if values:
            after = forward != descending  # ascending and forward, or descending and backward: greater keys
            lookup = TupleGreaterThan if after else TupleLessThan
            qs = qs.filter(lookup(Tuple(*(F(n) for n in names)), bounds))
        rows = list(qs[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    if not forward:
        rows.reverse()
    has_next = more if forward else True
    has_previous = bool(values) if forward else more
    return _page(
        rows,
        key_names,
        salt,
        size,
        has_next,
        has_previous,
        not values,
        _start(direction, position, len(rows), not has_previous),
    )


def _page(
    rows: list[Any],
    names: Sequence[str],
    salt: str,
    size: int,
    has_next: bool,
    has_previous: bool,
    first: bool,
    start: int,
) -> KeysetPage:
    """The page of ``rows`` with its cursors (each carrying the boundary row's position)."""
    end = start + len(rows) - 1
    return KeysetPage(
        object_list=rows,
        next_cursor=encode_cursor(FORWARD, _key(rows[-1], names), salt=salt, position=end) if rows and has_next else "",
        previous_cursor=(
            encode_cursor(BACKWARD, _key(rows[0], names), salt=salt, position=start) if rows and has_previous else ""
        ),
        # the start of the list: asked without a cursor, or reached going back (not an empty page of a boundary
        # row deleted meanwhile, which keeps its link to the first page)
        is_first=first or (not has_previous and bool(rows)),
        size=size,
        start=start,
    )


def keyset_page_admitted(
    queryset: QuerySet[Any],
    *,
    ordering: Sequence[str],
    cursor: str | None,
    size: int,
    salt: str,
    admit: Callable[[list[Any]], list[Any]],
    chunk: int | None = None,
) -> KeysetPage:
    """A keyset page of the rows of ``queryset`` that ``admit`` keeps: for a list whose last filter is a rule
    applied in Python (access to a pathway). Reads ``queryset`` in keyset chunks (``chunk`` rows, default
    ``2 * size + 1``) in the page's direction and passes each chunk to ``admit(rows) -> the rows kept, in
    order`` until ``size + 1`` rows are kept or the rows run out: a page costs a few chunks however deep it
    lies (when most candidates are admitted, one). Cursors, errors and the ordering rules are
    ``keyset_page``'s (values in the cursor; use it for orderings without personal data, such as ``-pk``).
    """
    names, _descending = _fields(queryset, ordering)
    step = chunk or 2 * size + 1
    direction, position = FORWARD, 0
    if cursor:
        direction, _values, position = _decode(cursor, queryset=queryset, names=names, salt=salt)
    kept: list[Any] = []
    current: str | None = cursor or None
    more = False
    while True:
        part = keyset_page(queryset, ordering=ordering, cursor=current, size=step, salt=salt)
        admitted = admit(part.object_list)
        if direction == FORWARD:
            kept += admitted
            current, more = part.next_cursor, part.has_next
        else:
            kept = admitted + kept
            current, more = part.previous_cursor, part.has_previous
        if len(kept) > size or not more:
            break
    if direction == FORWARD:
        rows, has_next, has_previous = kept[:size], len(kept) > size, bool(cursor)
    else:
        rows, has_next, has_previous = kept[-size:] if kept else [], True, len(kept) > size
    start = _start(direction, position, len(rows), not has_previous)
    return _page(rows, names, salt, size, has_next, has_previous, not cursor, start)


def keep_params(query: Mapping[str, Any], param: str) -> str:
    """The query string of ``query`` (``request.GET``) without ``param``: what the links of the list paged by
    ``param`` keep (its filters, the page of another list on the same page), for ``core/_keyset_nav.html``."""
    kept = [(key, value) for key, value in _items(query) if key != param]
    return urlencode(kept)


def _items(query: Mapping[str, Any]) -> list[tuple[str, Any]]:
    lists = getattr(query, "lists", None)
    if lists is not None:
        return [(key, value) for key, values in lists() for value in values]
    return list(query.items())
