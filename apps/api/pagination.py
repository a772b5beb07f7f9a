"""Pagination of every API list: pages of ``PAGE_SIZE`` (25) items, ``?page_size=`` up to ``MAX_PAGE_SIZE`` (100).

Every list answers ``{"count": n, "next": url|null, "previous": url|null, "results": [...]}``; ``?page=N``
beyond the last page, or not a number, answers 404 (never 500); a ``page_size`` above the maximum is
capped at 100, one that is not a positive number gives the default 25 (docs in /api/docs/).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response

PAGE_SIZE = 25
MAX_PAGE_SIZE = 100


class PagePagination(PageNumberPagination):
    """Numbered pages: ``?page=2&page_size=50``."""

    page_size = PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE


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
