"""The pathway API: read a pathway as its page shows it, and log an outreach contact, with the pages' permissions."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.api import serializers as s
from apps.api.pagination import admitted_page, cursor_page_of
from apps.api.responses import CURSOR_PARAMETERS, INVALID, NOT_FOUND, raise_service_error
from apps.pathways.permissions import (
    candidate_pathways,
    get_pathway_for_contributing,
    get_pathway_for_user,
    pathway_accesses,
)
from apps.pathways.selectors import pathway_page
from apps.pathways.services import contact_log_add
from apps.referrals.selectors import referrals_for_pathway

TAGS = ["pathways"]


class PathwayListView(APIView):
    @extend_schema(
        tags=TAGS,
        summary="Pathways you can open",
        description=(
            "Newest first, in keyset pages: follow 'next' and 'previous' (their cursor is opaque); no count, "
            "since it would mean checking your access to every pathway."
        ),
        operation_id="v1_pathways_list",
        parameters=CURSOR_PARAMETERS,
        responses={200: cursor_page_of(s.PathwayListItemSerializer, "PaginatedPathwayList")},
    )
    def get(self, request: Request) -> Response:
        user = request.user
        shown: list[Any] = []

        def admit(candidates: list[Any]) -> list[Any]:
            granted = pathway_accesses(user, candidates, record=False)
            return [p for p in candidates if p.pk in granted]

        def serialize(page: list[Any]) -> Any:
            shown.extend(page)
            return s.PathwayListItemSerializer(page, many=True).data

        response = admitted_page(
            request, candidate_pathways(user), ordering=("-pk",), salt="api-pathways", admit=admit, serialize=serialize
        )
        pathway_accesses(user, shown)  # records the clients of the page shown as one list read
        return response


class PathwayDetailView(APIView):
    @extend_schema(
        tags=TAGS,
        summary="A pathway: team, plan, actions, referrals, contacts",
        description="As the pathway page shows it to you; every read is recorded.",
        responses={200: s.PathwayDetailSerializer, 404: NOT_FOUND},
    )
    def get(self, request: Request, pk: int) -> Response:
        access = get_pathway_for_user(request.user, pk)
        page = {**pathway_page(access=access), "referrals": referrals_for_pathway(access.pathway)}
        return Response(s.PathwayDetailSerializer(page).data)


class PathwayContactView(APIView):
    @extend_schema(
        tags=TAGS,
        summary="Log an outreach contact (team members)",
        request=s.ContactSerializer,
        responses={201: s.ContactSerializer, 400: INVALID, 404: NOT_FOUND},
    )
    def post(self, request: Request, pk: int) -> Response:
        access = get_pathway_for_contributing(request.user, pk)
        serializer = s.ContactSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        organisation = access.member.organisation if access.member else access.pathway.organisation
        try:
            contact = contact_log_add(
                pathway=access.pathway, actor=request.user, organisation=organisation, **serializer.validated_data
            )
        except DjangoValidationError as exc:
            raise_service_error(exc)
        return Response(s.ContactSerializer(contact).data, status=status.HTTP_201_CREATED)
