"""The pathway API: read a pathway as its page shows it, and log an outreach contact, with the pages' permissions."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.api import serializers as s
from apps.api.pagination import page_of, paginated
from apps.api.responses import INVALID, NOT_FOUND, PAGE_PARAMETERS, raise_service_error
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
        operation_id="v1_pathways_list",
        parameters=PAGE_PARAMETERS,
        responses={200: page_of(s.PathwayListItemSerializer, "PaginatedPathwayList")},
    )
    def get(self, request: Request) -> Response:
        accesses = pathway_accesses(request.user, candidate_pathways(request.user))
        pathways = sorted((a.pathway for a in accesses.values()), key=lambda p: -p.pk)
        return paginated(request, self, pathways, lambda page: s.PathwayListItemSerializer(page, many=True).data)


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
