"""What every API view answers alike: the 404 and 400 descriptions, the page parameters, service errors as 400."""

from __future__ import annotations

from typing import NoReturn

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers
from rest_framework.settings import api_settings

from apps.api.pagination import PAGE_SIZE_DESCRIPTION, PAGE_SIZE_SCHEMA

NOT_FOUND = OpenApiResponse(description="No such client, or not visible to you (the two look the same).")


INVALID = OpenApiResponse(description="Invalid input: the errors by field.")


PAGE_SIZE_PARAMETER = OpenApiParameter("page_size", PAGE_SIZE_SCHEMA, description=PAGE_SIZE_DESCRIPTION)
PAGE_PARAMETERS = [
    OpenApiParameter("page", {"type": "integer", "minimum": 1}, description="Page number (from 1)."),
    PAGE_SIZE_PARAMETER,
]
CURSOR_PARAMETERS = [
    OpenApiParameter(
        "cursor", str, description="The page: the opaque value of 'next' or 'previous' (absent: the first)."
    ),
    PAGE_SIZE_PARAMETER,
]


def raise_service_error(exc: DjangoValidationError) -> NoReturn:
    """A service's ValidationError as a 400 with the errors by field."""
    if hasattr(exc, "error_dict"):
        detail = {
            (api_settings.NON_FIELD_ERRORS_KEY if key == NON_FIELD_ERRORS else key): messages
            for key, messages in exc.message_dict.items()
        }
        raise serializers.ValidationError(detail) from exc
    raise serializers.ValidationError({api_settings.NON_FIELD_ERRORS_KEY: exc.messages}) from exc
