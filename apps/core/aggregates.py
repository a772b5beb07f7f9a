"""Aggregates Django lacks on both databases."""

from __future__ import annotations

import json
import re
from typing import Any

from django.db.models import Aggregate, CharField, F, TextField


class IdList(Aggregate):
    """The ids of a to-many relation per row, as one string ``"3,7,12"`` (order not defined; None when there are
    none): ``GROUP_CONCAT`` on SQLite, ``STRING_AGG`` on PostgreSQL. Read it with :func:`ids_of`. Lets a page
    read a small many-to-many (a goal's obstacles) with its rows instead of in a query of its own."""

    function = "GROUP_CONCAT"
    template = "%(function)s(%(expressions)s)"
    output_field = CharField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        return self.as_sql(
            compiler, connection, function="STRING_AGG", template="%(function)s(CAST(%(expressions)s AS text), ',')"
        )


def ids_of(value: str | None) -> list[int]:
    """The ids in an :class:`IdList` value (``None`` or ``""``: none)."""
    return [int(part) for part in value.split(",")] if value else []


KEY = re.compile(r"[a-z_][a-z0-9_]*")


class JSONRows(Aggregate):
    """The rows of a group as one JSON text ``'[{"key": value, ...}, ...]'`` (order not defined):
    ``json_group_array(json_object(...))`` on SQLite, ``json_agg(json_build_object(...))`` (cast to text) on
    PostgreSQL. ``fields``: key -> column name or expression; keys are plain lower-case names. Read it with
    :func:`rows_of`. Used in a subquery (``.values(<link>).annotate(rows=JSONRows(...)).values("rows")``), it
    brings a small to-many relation with each row of the outer query instead of in a query of its own. Values
    come back as JSON gives them: dates as ISO strings, booleans as 0/1 on SQLite."""

    output_field = TextField()

    def __init__(self, **fields: Any) -> None:
        if not fields or not all(KEY.fullmatch(key) for key in fields):
            raise ValueError("JSONRows needs fields named with lower-case letters, digits and underscores")
        self.keys = list(fields)
        super().__init__(*(F(value) if isinstance(value, str) else value for value in fields.values()))

    def as_sql(self, compiler: Any, connection: Any, *args: Any, **extra_context: Any) -> Any:
        parts, params = [], []
        for key, expression in zip(self.keys, self.get_source_expressions()[: len(self.keys)], strict=True):
            sql, expression_params = compiler.compile(expression)
            parts.append(f"'{key}', {sql}")
            params.extend(expression_params)
        pairs = ", ".join(parts)
        if connection.vendor == "postgresql":
            return f"CAST(JSON_AGG(JSON_BUILD_OBJECT({pairs})) AS text)", params
        return f"JSON_GROUP_ARRAY(JSON_OBJECT({pairs}))", params


def rows_of(value: str | None) -> list[dict[str, Any]]:
    """The rows in a :class:`JSONRows` value (``None``: none)."""
    return json.loads(value) if value else []
