"""OpenAPI schema adjustments (drf-spectacular post-processing): the answers every operation can give.

Every API view refuses the same way as the pages (docs/decisions/0014-access-matrix.md): 403 when not logged in
or when the role may not act, 404 for an object that does not exist or that the user may not see (the same
answer, so ids reveal nothing), 400 for input the server refuses (field errors by field name). The generated
schema documents only the success answers; this hook adds the three refusals to every operation, so that a
client (and Schemathesis, apps/api/tests/test_schemathesis.py) knows them.
"""

from __future__ import annotations

from typing import Any

REFUSAL_SCHEMA = {
    "type": "object",
    "description": "``detail`` (a sentence) or, for 400, the errors by field name (lists of sentences).",
    "additionalProperties": True,
}
REFUSALS = {
    "400": "The input was refused; the body names each field with what is wrong.",
    "403": "Not logged in, or this role may not do this.",
    "404": "No such object, or one this user may not see (the same answer).",
}


def document_refusals(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """Add the 400, 403 and 404 answers to every operation that does not document them, and the JSON object body
    to every 4xx answer documented without one."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for status, description in REFUSALS.items():
                responses.setdefault(status, {"description": description})
            for status, response in responses.items():
                # a refusal documented by a view with a description only (``INVALID``, ``NOT_FOUND``) gets its body
                if status[0] == "4" and "content" not in response:
                    response["content"] = {"application/json": {"schema": REFUSAL_SCHEMA}}
    return result
