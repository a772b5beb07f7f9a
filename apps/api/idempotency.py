"""The ``Idempotency-Key`` header of the API's creating requests: a retried POST gets the first result.

The key the sender chose is stored (through ``apps.core.concurrency``, the same one-time keys the creating forms
use) as a digest of the purpose, the user and the key, so two users' keys never meet; with it a digest of the
request (the target record and the body), so the same key with another request is refused (422) instead of
answered with a record that was not asked for. Pattern: the IETF draft "The Idempotency-Key HTTP Header Field".
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

HEADER = "Idempotency-Key"

MAX_LENGTH = 255

PARAMETER = OpenApiParameter(
    HEADER,
    # the schema refuses what submission_key refuses (found by schemathesis): 1-255 visible ASCII characters
    {"type": "string", "minLength": 1, "maxLength": MAX_LENGTH, "pattern": "^[!-~]+$"},
    location=OpenApiParameter.HEADER,
    required=False,
    description=(
        "Optional, recommended: a key you choose for this one request (1-255 visible ASCII characters, e.g. a "
        "UUID). Sending the same request again with the same key (a retry after a time-out) records nothing "
        "new and answers with the record the first request created (header `Idempotent-Replayed: true`). The "
        "same key with another request (another body or client) is refused with 422."
    ),
)

KEY_REUSED = OpenApiResponse(description="The Idempotency-Key was used before with another request.")


def submission_key(request: Request, purpose: str) -> str:
    """The stored form of the request's ``Idempotency-Key`` for ``purpose`` ('' without the header).

    Shape: ``"api:"`` and 60 hex characters (fits ``SubmissionKey.key``). Raises DRF's ValidationError (400)
    when the header is empty, longer than ``MAX_LENGTH`` or holds other than visible ASCII characters.
    """
    raw = request.headers.get(HEADER)
    if raw is None:
        return ""
    if not 1 <= len(raw) <= MAX_LENGTH or not all("!" <= ch <= "~" for ch in raw):
        raise serializers.ValidationError(
            {HEADER: [_("Send 1 to 255 visible ASCII characters as the Idempotency-Key, for example a UUID.")]}
        )
    digest = hashlib.sha256(f"{purpose}\0{request.user.pk}\0{raw}".encode()).hexdigest()
    return f"api:{digest[:60]}"


def fingerprint(request: Request, target: Any) -> str:
    """A digest (64 hex characters) of what the request asks: ``target`` (e.g. the client's id) and its body."""
    data = request.data
    body = {k: data.getlist(k) for k in sorted(data)} if isinstance(data, QueryDict) else data
    text = json.dumps([str(target), body], sort_keys=True, default=str, ensure_ascii=True)
    return hashlib.sha256(text.encode()).hexdigest()


def key_reused() -> Response:
    """The 422 answer to a key that came back with another request."""
    return Response(
        {
            "detail": _(
                "This Idempotency-Key was already used for another request. Use a new key for a new request; "
                "nothing was recorded."
            )
        },
        status=status.HTTP_422_UNPROCESSABLE_ENTITY,
    )
