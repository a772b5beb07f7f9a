"""Pagination of every API list: pages of ``PAGE_SIZE`` (25) items, ``?page_size=`` up to ``MAX_PAGE_SIZE`` (100).

Every list answers ``{"count": n, "next": url|null, "previous": url|null, "results": [...]}``; a ``page_size``
above the maximum is capped at 100, one that is not a positive number gives the default 25 (docs in
/api/docs/). Short lists (a client's screenings, consents) take numbered pages: ``?page=N`` beyond the last
page, or not a number, answers 404 (never 500). A list over a large table (the clients: 100,000 in a big
partnership) takes keyset pages instead (``KeysetPagination``, apps/core/keyset.py): follow ``next`` and
``previous``, whose opaque ``?cursor=`` costs the same on the last page as on the first (no OFFSET); a
made-up or changed cursor answers 404.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from rest_framework import serializers
from rest_framework.pagination import BasePagination, PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from apps.core.keyset import KeysetPage, keyset_page, keyset_page_admitted

PAGE_SIZE = 25
MAX_PAGE_SIZE = 100
# ?page_size= in the OpenAPI schema of every list (/api/schema/): its documented maximum is MAX_PAGE_SIZE
PAGE_SIZE_SCHEMA: dict[str, Any] = {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE, "default": PAGE_SIZE}
PAGE_SIZE_DESCRIPTION = (
    f"Items per page: {PAGE_SIZE} unless given, at most {MAX_PAGE_SIZE} (a larger value is capped at {MAX_PAGE_SIZE})."
)


class PagePagination(PageNumberPagination):
    """Numbered pages: ``?page=2&page_size=50``."""

    page_size = PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        """DRF's parameters, ``page_size`` with its documented maximum (``PAGE_SIZE_SCHEMA``)."""
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter.update(schema=dict(PAGE_SIZE_SCHEMA), description=PAGE_SIZE_DESCRIPTION)
        return parameters


class KeysetPagination(BasePagination):
    """Keyset pages (``?cursor=``, ``?page_size=`` up to ``MAX_PAGE_SIZE``) sorted by ``ordering``, the cursor
    holding the boundary row's id only (``keyset_page(by_pk=True)``: no name in an address). The answer keeps the
    shape of the numbered lists, ``count`` included (one count, the same on every page)."""

    page_size = PAGE_SIZE
    max_page_size = MAX_PAGE_SIZE
    page_size_query_param = "page_size"
    cursor_query_param = "cursor"
    ordering: tuple[str, ...] = ("pk",)
    salt = "api"

    def get_page_size(self, request: Request) -> int:
        """``?page_size=`` when it is a positive whole number (capped at ``max_page_size``), else ``page_size``."""
        raw = request.query_params.get(self.page_size_query_param, "")
        if raw.isascii() and raw.isdigit() and int(raw[:6]) > 0:
            return min(int(raw[:6]), self.max_page_size)
        return self.page_size

    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> list[Any]:
        self.request = request
        self.count = queryset.count()
        self.page: KeysetPage = keyset_page(
            queryset,
            ordering=self.ordering,
            cursor=request.query_params.get(self.cursor_query_param) or None,
            size=self.get_page_size(request),
            salt=self.salt,
            by_pk=True,
        )
        return list(self.page.object_list)

    def _link(self, cursor: str) -> str | None:
        if not cursor:
            return None
        return replace_query_param(self.request.build_absolute_uri(), self.cursor_query_param, cursor)

    def get_paginated_response(self, data: Any) -> Response:
        return Response(
            {
                "count": self.count,
                "next": self._link(self.page.next_cursor),
                "previous": self._link(self.page.previous_cursor),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        link = {"type": "string", "nullable": True, "format": "uri"}
        return {
            "type": "object",
            "required": ["count", "results"],
            "properties": {"count": {"type": "integer"}, "next": link, "previous": link, "results": schema},
        }

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "The page: the opaque value from 'next' or 'previous' (absent: the first page).",
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": PAGE_SIZE_DESCRIPTION,
                "schema": dict(PAGE_SIZE_SCHEMA),
            },
        ]


class ClientKeysetPagination(KeysetPagination):
    """The clients list: by name (last, first), then id, as the client list page."""

    ordering = ("last_name", "first_name", "pk")
    salt = "api-clients"


def admitted_page(
    request: Request,
    queryset: Any,
    *,
    ordering: tuple[str, ...],
    salt: str,
    admit: Callable[[list[Any]], list[Any]],
    serialize: Callable[[list[Any]], Any],
) -> Response:
    """Keyset pages of the rows ``admit`` keeps (an access rule applied in Python, ``keyset_page_admitted``),
    ``?cursor=`` and ``?page_size=`` as ``KeysetPagination``: ``{"next", "previous", "results"}``, without a
    count (counting would apply the rule to every row, the cost paging avoids)."""
    pager = KeysetPagination()
    page = keyset_page_admitted(
        queryset,
        ordering=ordering,
        cursor=request.query_params.get(pager.cursor_query_param) or None,
        size=pager.get_page_size(request),
        salt=salt,
        admit=admit,
    )
    url = request.build_absolute_uri()

    def link(cursor: str) -> str | None:
        return replace_query_param(url, pager.cursor_query_param, cursor) if cursor else None

    return Response(
        {"next": link(page.next_cursor), "previous": link(page.previous_cursor), "results": serialize(page.object_list)}
    )


def cursor_page_of(item: type[serializers.Serializer], name: str) -> serializers.Serializer:
    """The OpenAPI shape of one keyset page of ``item`` without a count (``admitted_page``)."""
    fields = {
        "next": serializers.URLField(allow_null=True),
        "previous": serializers.URLField(allow_null=True),
        "results": item(many=True),
    }
    return type(name, (serializers.Serializer,), fields)()


def paginated(request: Request, view: Any, items: Sequence[Any], serialize: Callable[[list[Any]], Any]) -> Response:
    """One page of ``items`` (a list or a queryset), each page serialized by ``serialize(list) -> data``."""
    paginator = PagePagination()
    page: list[Any] = paginator.paginate_queryset(items, request, view=view) or []  # type: ignore[arg-type]
    return paginator.get_paginated_response(serialize(list(page)))


def page_of(item: type[serializers.Serializer], name: str) -> serializers.Serializer:
    """The OpenAPI shape of one page of ``item`` (for ``extend_schema(responses=...)`` of an APIView)."""
    fields = {
        "count": serializers.IntegerField(),
        "next": serializers.URLField(allow_null=True),
        "previous": serializers.URLField(allow_null=True),
        "results": item(many=True),
    }
    return type(name, (serializers.Serializer,), fields)()
