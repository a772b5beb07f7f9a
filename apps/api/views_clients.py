"""The client API: list and register clients, read and change a file, its screenings and classification.

The pages' permissions decide (``apps.clients.permissions``); every read of a file is recorded.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import Throttled
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.api import idempotency
from apps.api import serializers as s
from apps.api.pagination import ClientKeysetPagination, page_of, paginated
from apps.api.responses import INVALID, NOT_FOUND, PAGE_PARAMETERS, raise_service_error
from apps.api.selectors import classification_of, screenings_for
from apps.clients import identifiers
from apps.clients.models import ClientQuerySet
from apps.clients.permissions import (
    ClientAccess,
    get_client_for_editing,
    get_client_for_user,
    organisations_for_registration,
)
from apps.clients.selectors import clients_for_user
from apps.clients.services import client_register, client_update, possible_duplicates
from apps.core import ratelimit
from apps.core.concurrency import EditConflict, SubmissionKeyReused, submitted_before

TAGS = ["clients"]


def viewed(request: Request, pk: int) -> ClientAccess:
    """The client file the user may see (or 404); ``get_client_for_user`` records the read."""
    return get_client_for_user(request.user, pk)


def detail_response(access: ClientAccess, status_code: int = status.HTTP_200_OK) -> Response:
    """The client as the user may see it, with its version as the ``ETag`` (for ``If-Match`` on a change)."""
    response = Response(s.ClientDetailSerializer(access.client, context={"access": access}).data, status=status_code)
    response["ETag"] = f'"{access.client.version}"'
    return response


IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    location=OpenApiParameter.HEADER,
    required=False,
    description=(
        'Optional, recommended: the ETag of the client as you read it (GET answers it, e.g. `"4"`). When '
        "someone changed the client since, nothing is saved and the answer is 412: read it again and resend."
    ),
)


def if_match_version(request: Request) -> int | None:
    """The client version in the request's ``If-Match`` header (``"4"``, ``W/"4"`` or ``4``), or ``None``
    without the header. Raises DRF's ValidationError (400) for anything else (``*`` included)."""
    raw = request.headers.get("If-Match")
    if raw is None:
        return None
    value = raw.strip().removeprefix("W/").strip('"')
    if not value.isascii() or not value.isdigit() or len(value) > 9:
        raise serializers.ValidationError({"If-Match": [_("Send the ETag of the client as you read it.")]})
    return int(value)


@extend_schema(tags=TAGS)
class ClientListView(generics.ListAPIView):
    """Clients of the user's organisations, plus those whose identity a consent shares with them."""

    serializer_class = s.ClientListSerializer
    pagination_class = ClientKeysetPagination  # keyset pages: the last of 100,000 clients costs the first's

    def get_queryset(self) -> ClientQuerySet:
        return clients_for_user(user=self.request.user, query=self.request.query_params.get("q", "")[:100])

    @extend_schema(
        summary="List the clients you may see",
        parameters=[
            OpenApiParameter(
                "q",
                str,
                description=(
                    "Search: name words (case, accents, apostrophes, hyphens and particles ignored: "
                    "'van den broeck' and 'vandenbroeck' find Van den Broeck), or a client number, phone "
                    "or national number."
                ),
            )
        ],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        clients = self.get_queryset()
        # the paginator reads one row ahead: record as read only the clients the page shows
        page = self.paginate_queryset(clients.unrecorded())
        clients.record_shown(page)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        summary="Register a client in your organisation",
        request=s.ClientWriteSerializer,
        responses={
            201: s.ClientDetailSerializer,
            400: INVALID,
            409: OpenApiResponse(
                response=s.ClientDuplicateSerializer,
                description=(
                    "The person may already be known in the partnership: nothing was saved; check, then send the "
                    "same request with confirm_new=true to register anyway."
                ),
            ),
            404: OpenApiResponse(description="You may not register clients."),
            422: idempotency.KEY_REUSED,
            429: OpenApiResponse(description="Too many duplicate checks in a short time: nothing was saved."),
        },
        parameters=[idempotency.PARAMETER],
    )
    def post(self, request: Request) -> Response:
        organisations = organisations_for_registration(request.user)
        if not organisations:
            raise Http404
        organisation = organisations[0]
        key = idempotency.submission_key(request, "clients.register")
        fingerprint = idempotency.fingerprint(request, organisation.pk) if key else ""
        try:
            earlier = submitted_before(key, "clients.register", fingerprint)
        except SubmissionKeyReused:
            return idempotency.key_reused()
        if earlier is not None:  # a retry of a registration already handled: that client, nothing new
            response = detail_response(get_client_for_user(request.user, earlier), status.HTTP_201_CREATED)
            response["Idempotent-Replayed"] = "true"
            return response
        serializer = s.ClientWriteSerializer(data=request.data, region=organisation.region)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        national_number = data.pop("national_number", "")
        confirmed = data.pop("confirm_new", False)
        digits = identifiers.normalise(national_number)
        # The check tells where a person is a client: limited per account (docs/decisions/0011-login-security.md).
        if not ratelimit.hit("duplicate_check", f"user:{request.user.pk}"):
            raise Throttled(detail=_("Too many duplicate checks in a short time. Nothing was saved. Try again later."))
        duplicates = possible_duplicates(
            region_id=organisation.region_id, first_name=data["first_name"], last_name=data["last_name"],
            birth_date=data["birth_date"], national_number=digits if len(digits) == 11 else "", actor=request.user,
        )  # fmt: skip
        if duplicates and not confirmed:
            return Response(
                {
                    "confirm_new": [
                        _(
                            "This person may already be known in the partnership. Check, then send "
                            "confirm_new=true to register anyway."
                        )
                    ],
                    "possible_duplicates": s.PossibleDuplicateSerializer(duplicates, many=True).data,
                },
                status=status.HTTP_409_CONFLICT,  # well formed, but the partnership may know this person
            )
        try:
            client = client_register(
                organisation=organisation,
                actor=request.user,
                national_number=national_number,
                submission_key=key,
                submission_fingerprint=fingerprint,
                **data,
            )
        except SubmissionKeyReused:
            return idempotency.key_reused()
        except DjangoValidationError as exc:
            raise_service_error(exc)
        return detail_response(get_client_for_user(request.user, client.pk), status.HTTP_201_CREATED)


@extend_schema(tags=TAGS)
class ClientDetailView(APIView):
    @extend_schema(
        summary="A client's identity and contact",
        description="Every read is recorded. The national number is masked unless your organisation owns the file.",
        responses={200: s.ClientDetailSerializer, 404: NOT_FOUND},
    )
    def get(self, request: Request, pk: int) -> Response:
        return detail_response(viewed(request, pk))

    @extend_schema(
        summary="Change a client (owning organisation only)",
        description=(
            "A blank or missing national_number leaves it as it is. Send the ETag you read in If-Match so a "
            "change someone else made meanwhile is not overwritten (412)."
        ),
        request=s.ClientWriteSerializer,
        parameters=[IF_MATCH],
        responses={
            200: s.ClientDetailSerializer,
            400: INVALID,
            404: NOT_FOUND,
            412: OpenApiResponse(description="Someone else changed the client since you read it; nothing saved."),
        },
    )
    def patch(self, request: Request, pk: int) -> Response:
        access = get_client_for_editing(request.user, pk)
        client = access.client
        expected_version = if_match_version(request)
        serializer = s.ClientWriteSerializer(
            data=request.data, partial=True, region=client.organisation.region, client=client
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("confirm_new", None)
        national_number = data.pop("national_number", "") or None
        try:
            client_update(
                client=client,
                actor=request.user,
                national_number=national_number,
                expected_version=expected_version,
                **data,
            )
        except EditConflict:
            return Response(
                {
                    "detail": _(
                        "Someone else changed this client since you read it. Nothing was saved: read the client "
                        "again and send your change with its new ETag."
                    )
                },
                status=status.HTTP_412_PRECONDITION_FAILED,
            )
        except DjangoValidationError as exc:
            raise_service_error(exc)
        return detail_response(access)


@extend_schema(tags=TAGS)
class ClientScreeningsView(APIView):
    @extend_schema(
        summary="A client's completed screenings",
        description=(
            "Oldest first. Empty unless you may see life domains; levels and obstacles of life domains in a data "
            "category you may not see are left out, and entry_data is null without 'work_education'."
        ),
        responses={200: page_of(s.ScreeningSerializer, "PaginatedScreeningList"), 404: NOT_FOUND},
        parameters=PAGE_PARAMETERS,
    )
    def get(self, request: Request, pk: int) -> Response:
        access = viewed(request, pk)
        screenings, domains = screenings_for(access=access)
        context = {"access": access, "life_domains": domains}
        return paginated(
            request, self, screenings, lambda page: s.ScreeningSerializer(page, many=True, context=context).data
        )


@extend_schema(tags=TAGS)
class ClientClassificationView(APIView):
    @extend_schema(
        summary="Target groups and nearest regional challenges",
        description=(
            "Based on the latest completed screening. Only when you may see life domains, health, addiction and "
            "justice; otherwise available is false and reason says why."
        ),
        responses={200: s.ClassificationSerializer, 404: NOT_FOUND},
    )
    def get(self, request: Request, pk: int) -> Response:
        access = viewed(request, pk)
        return Response(s.ClassificationSerializer(classification_of(access=access)).data)
