"""Form helpers every app's views share (domain-free)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError


def form_errors(form: Any, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form, by field where it names one.

    ``exc`` with an error dict (``{"field": [messages]}``) puts each message on its field, or on the form
    (non-field errors) when the form has no such field; a plain ValidationError goes to the non-field errors.
    """
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
