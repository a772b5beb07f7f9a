"""Aggregates Django lacks on both databases."""

from __future__ import annotations

from typing import Any

from django.db.models import Aggregate, CharField


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
