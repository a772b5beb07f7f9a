"""Writes the record of reads collected during a request (see apps/audit/reads.py)."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.http import HttpRequest, HttpResponse

from apps.audit import reads
from apps.audit.services import audit_log_refs


class ReadRecordMiddleware:
    """Opens a read buffer per request; afterwards writes it unless the answer was a 404 or a server error
    (a refused or failed request showed nothing). Must come after the authentication middleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = reads.start()
        try:
            response = self.get_response(request)
        finally:
            buffer = reads.stop(token)
        if (
            buffer is not None
            and buffer.actor is not None
            and response.status_code != 404
            and response.status_code < 500
        ):
            match = getattr(request, "resolver_match", None)
            page = match.view_name if match is not None else ""
            single = [
                ("clients.client", str(client_id), {"page": page, "organisations": sorted(orgs), "purpose": purpose})
                for client_id, (orgs, purpose) in sorted(buffer.single.items())
            ]
            lists = [
                ("", "", {"page": page, "organisations": sorted(orgs), "purpose": purpose, "clients": ids})
                for ids, orgs, purpose in buffer.lists
            ]
            with transaction.atomic(savepoint=False):  # no savepoint inside an outer transaction
                if single:
                    audit_log_refs(actor=buffer.actor, action="clients.client.viewed", refs=single)
                if lists:
                    audit_log_refs(actor=buffer.actor, action="clients.list.viewed", refs=lists)
        return response
