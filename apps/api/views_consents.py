"""The consent API: a client's consents, record one, withdraw one (the owning organisation)."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.api import idempotency
from apps.api import serializers as s
from apps.api.pagination import page_of, paginated
from apps.api.responses import INVALID, NOT_FOUND, PAGE_PARAMETERS, raise_service_error
from apps.api.selectors import consents_for
from apps.api.views_clients import TAGS, viewed
from apps.clients.permissions import get_client_for_editing
from apps.consent.models import Consent
from apps.consent.services import consent_record
from apps.core.concurrency import SubmissionKeyReused, submitted_before
from apps.pathways.services import consent_withdraw_with_team


@extend_schema(tags=TAGS)
class ClientConsentsView(APIView):
    @extend_schema(
        summary="A client's consents",
        description="The owning organisation sees withdrawn consents too; others only active ones.",
        responses={200: page_of(s.ConsentSerializer, "PaginatedConsentList"), 404: NOT_FOUND},
        parameters=PAGE_PARAMETERS,
    )
    def get(self, request: Request, pk: int) -> Response:
        access = viewed(request, pk)
        return paginated(
            request, self, consents_for(access=access), lambda page: s.ConsentSerializer(page, many=True).data
        )

    @extend_schema(
        summary="Record a consent (owning organisation only)",
        description=(
            "Send an `Idempotency-Key` header so a retried request records one consent: the retry answers with "
            "the consent the first request recorded."
        ),
        request=s.ConsentWriteSerializer,
        parameters=[idempotency.PARAMETER],
        responses={201: s.ConsentSerializer, 400: INVALID, 404: NOT_FOUND, 422: idempotency.KEY_REUSED},
    )
    def post(self, request: Request, pk: int) -> Response:
        client = get_client_for_editing(request.user, pk).client
        key = idempotency.submission_key(request, "consent.record")
        fingerprint = idempotency.fingerprint(request, client.pk) if key else ""
        try:
            earlier = submitted_before(key, "consent.record", fingerprint)
        except SubmissionKeyReused:
            return idempotency.key_reused()
        if earlier is not None:  # a retry of a request already handled: its consent, nothing new
            consent = get_object_or_404(Consent, pk=earlier, client=client)
            response = Response(s.ConsentSerializer(consent).data, status=status.HTTP_201_CREATED)
            response["Idempotent-Replayed"] = "true"
            return response
        serializer = s.ConsentWriteSerializer(data=request.data, region=client.organisation.region)
        serializer.is_valid(raise_exception=True)
        try:
            consent = consent_record(
                client=client,
                actor=request.user,
                actor_organisation=client.organisation,
                submission_key=key,
                submission_fingerprint=fingerprint,
                **serializer.validated_data,
            )
        except SubmissionKeyReused:
            return idempotency.key_reused()
        except DjangoValidationError as exc:
            raise_service_error(exc)
        return Response(s.ConsentSerializer(consent).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=TAGS)
class ConsentWithdrawView(APIView):
    @extend_schema(
        summary="Withdraw a consent (owning organisation only)",
        description="Takes effect on the very next request.",
        request=None,
        responses={200: s.ConsentSerializer, 400: INVALID, 404: NOT_FOUND},
    )
    def post(self, request: Request, pk: int, consent_pk: int) -> Response:
        client = get_client_for_editing(request.user, pk).client
        consent = get_object_or_404(Consent, pk=consent_pk, client=client)
        try:
            consent_withdraw_with_team(consent=consent, actor=request.user)
        except DjangoValidationError as exc:
            raise_service_error(exc)
        return Response(s.ConsentSerializer(consent).data)
