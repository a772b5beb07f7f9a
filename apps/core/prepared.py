"""Querysets compiled once per process, run with each call's values: for the few queries every request runs.

Building a queryset (``filter``, ``select_related``, ``annotate``: cloning and resolving) and compiling it to SQL
costs the ORM about 1 ms of CPU for the user's memberships or a client with its organisation, region and
municipality, five to ten times what running the SQL and making the instances cost (issue 15, CPU per request;
``bench/pages_cpu.py``). ``Prepared`` builds its queryset once per process and shape, with stand-in values for
the arguments, keeps the SQL and the place of each argument in its parameters, and afterwards runs that SQL and
turns the rows into model instances as Django's ``ModelIterable`` does (``select_related`` objects, annotations
and the database's converters), with the same compiler's column map.

Rules for a builder (checked on first use, ``ImproperlyConfigured`` otherwise):

- it takes keyword arguments only: ints (ids), strings (a text column compared as it is: ``object_id``),
  dates, aware datetimes, or lists of these (one SQL is kept per length of each list; a list that leaves the query
  nothing to match, empty in an ``__in``, gives no rows and no query, and in one part of a ``union`` drops that
  part);
- the SQL it gives has the same shape whatever those values are (no ``if`` on them) and each value reaches the
  parameters as itself (not ``value + 1``, not a string inside ``%...%`` of ``contains``), a date possibly
  moved by a fixed number of whole days (``today - window``: up to ``DAY_OFFSETS`` days; not to the end of its
  week or month, which moves by a number that depends on the day: pass such a date as an argument of its own);
- no date or time from the clock inside it (``timezone.now()``, ``in_force()`` without a day): it would be
  frozen into the SQL; a date among the parameters that no argument gave is refused;
- it returns model instances, ``values()`` dicts or ``values_list()`` tuples (``flat`` too); no
  ``prefetch_related``.

``apps/core/tests/test_prepared.py`` compares prepared runs with plain ORM runs (ids, lists, dates, datetimes,
annotations, nullable ``select_related``, SQLite's and PostgreSQL's converters).
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from django.core.exceptions import EmptyResultSet, ImproperlyConfigured
from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.query import (  # type: ignore[attr-defined]
    FlatValuesListIterable,
    ModelIterable,
    ValuesIterable,
    ValuesListIterable,
    get_related_populators,
)

M = TypeVar("M")  # what a row becomes: an instance, a dict, a tuple or a value

_STAND_IN_INT = -7_365_402_000_000  # far below any id or constant a query of this project holds
_STAND_IN_DAY = dt.date(1111, 1, 1)  # stand-in days: one every DAY_SPACING days from here, one per date argument
DAY_SPACING = 20_000
DAY_OFFSETS = 3_660  # a date argument may reach the SQL moved by up to this many days (a window: today - 28)
_STAND_IN_TIME = dt.datetime(1111, 1, 1, tzinfo=dt.UTC)
_STAND_IN_TEXT = "\x1fprepared-stand-in-{}\x1f"  # no text of the code or of a user holds these control characters


_DAY = re.compile(r"\d{4}-\d\d-\d\d")


def _looks_like_a_day(value: Any) -> bool:
    """A date or datetime, or SQLite's string of one: in a prepared query's SQL only as an argument, since a
    date the builder takes from the clock would be frozen into the SQL at its first run."""
    return isinstance(value, dt.date) or (isinstance(value, str) and _DAY.match(value) is not None)


def _moved(value: Any, days: int) -> Any:
    return value + dt.timedelta(days=days) if days else value


def _adapt(connection: Any, value: Any) -> Any:
    """A value as the database driver gets it (SQLite: dates and datetimes as strings)."""
    if isinstance(value, dt.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, dt.date):
        return connection.ops.adapt_datefield_value(value)
    return value


class _Shape:
    """One compiled form of a Prepared query: the SQL, its parameter slots (``(name, index, days)``: an argument,
    index None for a scalar, moved by ``days``; or ``("", constant, 0)``) and what turns its rows into results."""

    def __init__(self, queryset: QuerySet[Any], stand_ins: dict[Any, tuple[str, int | None, int]]) -> None:
        kinds = {ModelIterable: "model", ValuesIterable: "dicts", ValuesListIterable: "tuples"}
        kinds[FlatValuesListIterable] = "flat"
        self.kind = kinds.get(queryset._iterable_class)
        prefetched = queryset._prefetch_related_lookups or queryset._known_related_objects  # type: ignore[attr-defined]
        if self.kind is None or prefetched:
            raise ImproperlyConfigured("Prepared: the builder must return instances, values or values_list")
        self.db = queryset.db
        compiler = queryset.query.get_compiler(using=self.db)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            self.sql, self.slots = None, []
            return
        slots: list[tuple[str, Any, int]] = []
        for value in params:
            key = value if isinstance(value, int | str | dt.date) and not isinstance(value, bool) else None
            slots.append(stand_ins[key] if key is not None and key in stand_ins else ("", value, 0))
        for slot in slots:
            if not slot[0] and _looks_like_a_day(slot[1]):
                raise ImproperlyConfigured(
                    f"Prepared: a date in the SQL of {queryset.model.__name__} comes from no argument (today?)"
                )
        arguments = {slot[:2] for slot in stand_ins.values() if slot[2] == 0}
        if {slot[:2] for slot in slots if slot[0]} != arguments:
            raise ImproperlyConfigured(f"Prepared: an argument of {queryset.model.__name__} does not reach the SQL")
        self.sql, self.slots = sql, slots
        select, klass_info = compiler.select, compiler.klass_info
        self.converters = list(compiler.get_converters([s[0] for s in select]).items())
        self.columns = compiler.col_count
        query = queryset.query
        self.names = list(query.selected) if query.selected else [
            *query.extra_select, *query.values_select, *query.annotation_select
        ]  # fmt: skip
        if self.kind == "model":
            assert klass_info is not None
            self.model: type[Model] = klass_info["model"]
            fields = klass_info["select_fields"]
            self.start, self.end = fields[0], fields[-1] + 1
            self.init_list = [f[0].target.attname for f in select[self.start : self.end]]
            self.annotations = list(compiler.annotation_col_map.items())
            self.populators = get_related_populators(klass_info, select, self.db)

    def run(self, values: dict[str, Any]) -> list[Any]:
        if self.sql is None:
            return []
        connection = connections[self.db]
        params = [
            value
            if not name
            else _adapt(connection, _moved(values[name] if value is None else values[name][value], offset))
            for name, value, offset in self.slots
        ]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        if self.converters:
            rows = [self._converted(list(row), connection) for row in rows]
        if self.kind == "dicts":
            names = self.names
            return [dict(zip(names, row, strict=False)) for row in rows]
        if self.kind == "tuples":
            return [tuple(row[: self.columns]) for row in rows]
        if self.kind == "flat":
            return [row[0] for row in rows]
        objects = []
        for row in rows:
            obj = self.model.from_db(self.db, self.init_list, row[self.start : self.end])
            for populator in self.populators:
                populator.populate(row, obj)
            for name, position in self.annotations:
                setattr(obj, name, row[position])
            objects.append(obj)
        return objects

    def _converted(self, row: list[Any], connection: Any) -> list[Any]:
        for position, (converters, expression) in self.converters:
            value = row[position]
            for converter in converters:
                value = converter(value, expression, connection)
            row[position] = value
        return row


class Prepared(Generic[M]):
    """``Prepared(build)(**arguments)`` gives what ``list(build(**arguments))`` gives, without building or
    compiling the queryset again (module docstring for the rules a builder follows).

    ``build``: keyword arguments -> a QuerySet. Returns a list of what iterating it gives (instances, dicts,
    tuples or single values)."""

    def __init__(self, build: Callable[..., QuerySet[Any, M]]) -> None:
        self.build = build
        self.shapes: dict[tuple[Any, ...], _Shape] = {}

    def __call__(self, **values: Any) -> list[M]:
        connection = connections["default"]
        key = (
            connection.vendor,
            tuple(sorted((name, len(v) if isinstance(v, list | tuple) else None) for name, v in values.items())),
        )
        shape = self.shapes.get(key)
        if shape is None:
            shape = self.shapes[key] = self._compile(connection, values)
        return shape.run(values)

    def _compile(self, connection: Any, values: dict[str, Any]) -> _Shape:
        """Build the queryset with a distinct stand-in for each argument and compile it. With a date among the
        arguments, twice more with the stand-in days a weekday and a month later: a builder that moves a date by
        a number of days that depends on the date (to the end of its week or month) would otherwise keep the
        move of the stand-in's weekday for every date, and is refused."""
        shape = self._compiled(connection, values, shift=0)
        flat = [v for value in values.values() for v in (value if isinstance(value, list | tuple) else [value])]
        if any(isinstance(v, dt.date) and not isinstance(v, dt.datetime) for v in flat):
            for shift in (1, 40):
                other = self._compiled(connection, values, shift=shift)
                if (other.sql, other.slots) != (shape.sql, shape.slots):
                    raise ImproperlyConfigured(
                        "Prepared: a date argument reaches the SQL moved by a number of days that depends on the "
                        "date (a weekday, a month's end); compute the moved date outside and pass it as an argument"
                    )
        return shape

    def _compiled(self, connection: Any, values: dict[str, Any], *, shift: int) -> _Shape:
        counter, days = itertools.count(), itertools.count()
        stand_ins: dict[Any, tuple[str, int | None, int]] = {}
        arguments: dict[str, Any] = {}

        def stand_in(value: Any, slot: tuple[str, int | None]) -> Any:
            n = next(counter)
            if isinstance(value, dt.datetime):
                made: Any = _STAND_IN_TIME + dt.timedelta(minutes=n)
            elif isinstance(value, dt.date):
                made = _STAND_IN_DAY + dt.timedelta(days=DAY_SPACING * next(days) + DAY_OFFSETS + shift)
                for offset in range(-DAY_OFFSETS, DAY_OFFSETS + 1):  # the same day moved: a window's edge
                    stand_ins[_adapt(connection, made + dt.timedelta(days=offset))] = (*slot, offset)
            elif isinstance(value, int) and not isinstance(value, bool):
                made = _STAND_IN_INT - n
            elif isinstance(value, str):
                made = _STAND_IN_TEXT.format(n)
            else:
                raise ImproperlyConfigured(
                    f"Prepared: argument {slot[0]} is not an int, a string, a date or a datetime"
                )
            stand_ins[_adapt(connection, made)] = (*slot, 0)
            return made

        for name, value in values.items():
            if isinstance(value, list | tuple):
                arguments[name] = [stand_in(item, (name, index)) for index, item in enumerate(value)]
            else:
                arguments[name] = stand_in(value, (name, None))
        return _Shape(self.build(**arguments), stand_ins)
