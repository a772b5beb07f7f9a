"""REST API (DRF, under /api/v1/esf/) for the ESF+ participant record and the report, with the pages' permissions.

- POST participations/ enters a pathway's client (the pathway must be changeable by the user: 404 otherwise);
- GET participations/<id>/ reads the record (whoever sees the client's ESF+ data; special-category answers null
  unless the sealed-category rule shows them), PATCH changes the entry data (the client's organisation only);
- POST participations/<id>/leaving/ and .../follow-up/ record the results;
- GET <region>/report/?start=&end= gives the indicator table (exact for coordinators, suppressed for others).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.esf import selectors, services
from apps.esf.forms import PeriodForm
from apps.esf.models import Participation
from apps.esf.permissions import (
    SENSITIVE_WITH_SOURCES,
    get_esf_access_for_user,
    get_participation_for_editing,
    get_participation_for_user,
)
from apps.pathways.permissions import get_pathway_for_editing

TAGS = ["esf"]
ENTRY = [
    "gender", "labour_status", "unemployed_months", "isced_level", "nationality", "housing", "disability",
    "disability_source", "foreign_background", "foreign_background_source", "minority", "minority_source",
]  # fmt: skip


class ParticipationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Participation
        fields = [
            "id", "client", "pathway", "organisation", "entry_date", "age_at_entry", *ENTRY, "leaving_date",
            "results_recorded_on", "job_searching", "in_education", "qualification", "employed_on_leaving",
            "in_sample", "follow_up_due", "followed_up_on", "employed_after", "better_situation_after",
        ]  # fmt: skip
        read_only_fields = [f for f in fields if f not in ENTRY and f != "entry_date"]


class EnterSerializer(ParticipationSerializer):
    pathway_id = serializers.IntegerField(write_only=True)

    class Meta(ParticipationSerializer.Meta):
        fields = [*ParticipationSerializer.Meta.fields, "pathway_id"]
        extra_kwargs = {"gender": {"required": False}}


class PathwayChoiceSerializer(serializers.Serializer):
    pathway_id = serializers.IntegerField()


class LeavingSerializer(serializers.Serializer):
    leaving_date = serializers.DateField()
    recorded_on = serializers.DateField()
    job_searching = serializers.BooleanField()
    in_education = serializers.BooleanField()
    qualification = serializers.BooleanField()
    employed = serializers.BooleanField()
    in_sample = serializers.BooleanField(default=True)


class FollowUpSerializer(serializers.Serializer):
    followed_up_on = serializers.DateField()
    employed = serializers.BooleanField()
    better_situation = serializers.BooleanField()


class IndicatorSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    kind = serializers.CharField()
    by_gender = serializers.DictField(child=serializers.CharField())
    total = serializers.CharField()
    incomplete = serializers.CharField()


def _service(call: Any, **kwargs: Any) -> Any:
    try:
        return call(**kwargs)
    except DjangoValidationError as exc:
        raise ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        ) from exc


def _entry(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k in ENTRY}


class ParticipationCreateView(APIView):
    @extend_schema(tags=TAGS, request=EnterSerializer, responses={201: ParticipationSerializer})
    def post(self, request: Request) -> Response:
        # the pathway first (404 when the user may not change it); a JSON list or scalar, or a body without
        # pathway_id, is a 400 with the errors by field, as the schema documents (schemathesis)
        chosen = PathwayChoiceSerializer(data=request.data if isinstance(request.data, dict) else {})
        chosen.is_valid(raise_exception=True)
        pathway = get_pathway_for_editing(request.user, chosen.validated_data["pathway_id"]).pathway
        s = EnterSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        p = _service(
            services.participation_enter,
            actor=request.user,
            pathway=pathway,
            entry_date=s.validated_data["entry_date"],
            **_entry(s.validated_data),
        )
        return Response(ParticipationSerializer(p).data, status=status.HTTP_201_CREATED)


class ParticipationDetailView(APIView):
    @extend_schema(tags=TAGS, responses={200: ParticipationSerializer})
    def get(self, request: Request, pk: int) -> Response:
        """The record for whoever sees the client's ESF+ data; the special-category answers and their sources
        are null unless the sealed-category rule shows them (``sees_esf_sensitive``)."""
        record = get_participation_for_user(request.user, pk)
        data = ParticipationSerializer(record.participation).data
        if not record.sees_sensitive:
            data.update(dict.fromkeys(SENSITIVE_WITH_SOURCES))
        return Response(data)

    @extend_schema(tags=TAGS, request=ParticipationSerializer, responses={200: ParticipationSerializer})
    def patch(self, request: Request, pk: int) -> Response:
        p = get_participation_for_editing(request.user, pk)
        s = ParticipationSerializer(p, data=request.data, partial=True)
        s.is_valid(raise_exception=True)
        data = {k: v for k, v in s.validated_data.items() if k in ENTRY or k == "entry_date"}
        p = _service(services.participation_save_entry, actor=request.user, participation=p, **data)
        return Response(ParticipationSerializer(p).data)


class LeavingView(APIView):
    @extend_schema(tags=TAGS, request=LeavingSerializer, responses={200: ParticipationSerializer})
    def post(self, request: Request, pk: int) -> Response:
        p = get_participation_for_editing(request.user, pk)
        s = LeavingSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        p = _service(services.participation_record_leaving, actor=request.user, participation=p, **s.validated_data)
        return Response(ParticipationSerializer(p).data)


class FollowUpView(APIView):
    @extend_schema(tags=TAGS, request=FollowUpSerializer, responses={200: ParticipationSerializer})
    def post(self, request: Request, pk: int) -> Response:
        p = get_participation_for_editing(request.user, pk)
        s = FollowUpSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        p = _service(services.participation_record_follow_up, actor=request.user, participation=p, **s.validated_data)
        return Response(ParticipationSerializer(p).data)


class ReportView(APIView):
    @extend_schema(
        tags=TAGS,
        parameters=[
            OpenApiParameter("start", str, description="YYYY-MM-DD"),
            OpenApiParameter("end", str, description="YYYY-MM-DD"),
            OpenApiParameter("challenge", int), OpenApiParameter("target_group", int),
            OpenApiParameter("municipality", int), OpenApiParameter("organisation", int),
        ],
        responses={200: IndicatorSerializer(many=True)},
    )  # fmt: skip
    def get(self, request: Request, code: str) -> Response:
        access = get_esf_access_for_user(request.user, code)
        form = PeriodForm(request.query_params, region=access.region)
        if not form.is_valid():
            raise ValidationError(form.errors.get_json_data())
        d = form.cleaned_data
        table = selectors.report_table(access=access, start=d["start"], end=d["end"], filters=form.filters())
        genders = table["report"].genders
        out = [
            {
                "code": item["row"].indicator.code,
                "label": str(item["row"].indicator.label),
                "kind": item["row"].indicator.kind,
                "by_gender": {g: c.shown for g, c in zip(genders, item["cells"], strict=False)},
                "total": item["cells"][-1].shown,
                "incomplete": item["incomplete"],
            }
            for item in table["rows"]
        ]
        return Response(out)
