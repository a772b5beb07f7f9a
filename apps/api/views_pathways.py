"""The pathway API: read a pathway as its page shows it, and log an outreach contact, with the pages' permissions."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.api.pagination import page_of, paginated
from apps.api.views import INVALID, NOT_FOUND, PAGE_PARAMETERS, raise_service_error
from apps.pathways.models import ContactLog
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


class PathwayListItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    client = serializers.IntegerField(source="client_id")
    status = serializers.CharField()
    started_on = serializers.DateField()
    organisation = serializers.CharField(source="organisation.name")


class TeamMemberSerializer(serializers.Serializer):
    user = serializers.CharField()
    organisation = serializers.CharField(source="organisation.name")
    role = serializers.CharField()
    task = serializers.CharField()


class GoalSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    life_domain = serializers.CharField(source="life_domain.code")
    description = serializers.CharField()
    achieved = serializers.BooleanField()
    obstacles = serializers.SerializerMethodField()

    def get_obstacles(self, goal: Any) -> list[str]:
        return [o.code for o in goal.obstacles.all()]


class ActionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    description = serializers.CharField()
    owner = serializers.CharField()
    organisation = serializers.CharField(source="owner_organisation.name")
    due_on = serializers.DateField(allow_null=True)
    status = serializers.CharField()


class ReferralItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    offer = serializers.CharField(source="offer.title")
    organisation = serializers.CharField(source="offer.organisation.name")
    status = serializers.CharField()


class ContactSerializer(serializers.ModelSerializer):
    author = serializers.CharField(read_only=True)
    organisation = serializers.CharField(source="author_organisation.name", read_only=True)

    class Meta:
        model = ContactLog
        fields = [
            "id",
            "happened_on",
            "place",
            "present",
            "summary",
            "next_step",
            "confidential",
            "author",
            "organisation",
        ]
        read_only_fields = ["id", "author", "organisation"]


class PathwayDetailSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pathway.pk")
    client = serializers.IntegerField(source="pathway.client_id")
    status = serializers.CharField(source="pathway.status")
    started_on = serializers.DateField(source="pathway.started_on")
    plan_version = serializers.IntegerField(source="pathway.plan_version")
    client_words = serializers.CharField(source="pathway.client_words")
    team = TeamMemberSerializer(many=True)
    goals = GoalSerializer(many=True)
    actions = ActionSerializer(many=True)
    referrals = ReferralItemSerializer(many=True)
    contacts = ContactSerializer(many=True)


class PathwayListView(APIView):
    @extend_schema(
        tags=TAGS,
        summary="Pathways you can open",
        operation_id="v1_pathways_list",
        parameters=PAGE_PARAMETERS,
        responses={200: page_of(PathwayListItemSerializer, "PaginatedPathwayList")},
    )
    def get(self, request: Request) -> Response:
        accesses = pathway_accesses(request.user, candidate_pathways(request.user))
        pathways = sorted((a.pathway for a in accesses.values()), key=lambda p: -p.pk)
        return paginated(request, self, pathways, lambda page: PathwayListItemSerializer(page, many=True).data)


class PathwayDetailView(APIView):
    @extend_schema(
        tags=TAGS,
        summary="A pathway: team, plan, actions, referrals, contacts",
        description="As the pathway page shows it to you; every read is recorded.",
        responses={200: PathwayDetailSerializer, 404: NOT_FOUND},
    )
    def get(self, request: Request, pk: int) -> Response:
        access = get_pathway_for_user(request.user, pk)
        page = {**pathway_page(access=access), "referrals": referrals_for_pathway(access.pathway)}
        return Response(PathwayDetailSerializer(page).data)


class PathwayContactView(APIView):
    @extend_schema(
        tags=TAGS,
        summary="Log an outreach contact (team members)",
        request=ContactSerializer,
        responses={201: ContactSerializer, 400: INVALID, 404: NOT_FOUND},
    )
    def post(self, request: Request, pk: int) -> Response:
        access = get_pathway_for_contributing(request.user, pk)
        serializer = ContactSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        organisation = access.member.organisation if access.member else access.pathway.organisation
        try:
            contact = contact_log_add(
                pathway=access.pathway, actor=request.user, organisation=organisation, **serializer.validated_data
            )
        except DjangoValidationError as exc:
            raise_service_error(exc)
        return Response(ContactSerializer(contact).data, status=status.HTTP_201_CREATED)
