"""Serializers of the REST API: representation only.

Who may see a client is decided before a serializer runs (``apps.clients.permissions``); what part
of the file a serializer shows depends on the ``access`` (a ``ClientAccess``) in its context.
Writes go through the services; these serializers only check the shape of the input.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.relations import MANY_RELATION_KWARGS

from apps.accounts.models import Organisation
from apps.assessment.services import ENTRY_FIELDS
from apps.clients import identifiers
from apps.clients.models import LANGUAGE_CHOICES, Client, DutchLevel, Gender
from apps.clients.permissions import ClientAccess
from apps.consent.models import Consent, DataCategory, Method, Purpose
from apps.pathways.models import ContactLog
from apps.regions.models import Deelgemeente, Municipality

# --- small nested representations ----------------------------------------------------------


class OrganisationRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class MunicipalityRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class DeelgemeenteRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    postal_code = serializers.CharField()


# --- clients -------------------------------------------------------------------------------


class ClientListSerializer(serializers.ModelSerializer):
    """One row of the client list: identity only (everyone listed may see it)."""

    organisation = OrganisationRefSerializer(read_only=True)
    municipality = MunicipalityRefSerializer(read_only=True)

    class Meta:
        model = Client
        fields = ["id", "first_name", "last_name", "birth_date", "municipality", "organisation"]
        read_only_fields = fields


@extend_schema_field(
    {
        "anyOf": [{"type": "string", "format": "email"}, {"type": "string", "maxLength": 0}],
        "description": "E-mail address, or empty when the client has none.",
    }
)
class EmailOrEmptyField(serializers.EmailField):
    """An e-mail address that may be empty (a client without e-mail): the schema says so, where ``format: email``
    alone would call the empty string invalid (found by schemathesis)."""


class ClientDetailSerializer(serializers.ModelSerializer):
    """A client's identity and contact, which every ``ClientAccess`` sees; the national number is
    formatted for the owning organisation and masked for everyone else."""

    organisation = OrganisationRefSerializer(read_only=True)
    municipality = MunicipalityRefSerializer(read_only=True)
    deelgemeente = DeelgemeenteRefSerializer(read_only=True, allow_null=True)
    national_number = serializers.SerializerMethodField()
    email = EmailOrEmptyField(read_only=True)
    owner = serializers.SerializerMethodField()
    categories = serializers.SerializerMethodField()

    class Meta:
        model = Client
        fields = [
            "id", "first_name", "last_name", "birth_date", "gender", "national_number", "phone", "email",
            "street", "municipality", "deelgemeente", "languages", "dutch_level", "interpreter_needed",
            "organisation", "owner", "categories",
        ]  # fmt: skip
        read_only_fields = fields

    def _access(self) -> ClientAccess:
        access: ClientAccess = self.context["access"]
        return access

    @extend_schema_field(OpenApiTypes.STR)
    def get_national_number(self, client: Client) -> str:
        access = self._access()
        if access.peer:  # a peer companion never sees the number (docs/decisions/0014-access-matrix.md)
            return ""
        return identifiers.display(client.national_number_encrypted, full=access.sees_identifier)

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_owner(self, client: Client) -> bool:
        return self._access().owner

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=DataCategory.choices)))
    def get_categories(self, client: Client) -> list[str]:
        return sorted(self._access().categories)


@extend_schema_field(
    {
        "type": "string",
        "minLength": 1,
        "maxLength": 60,
        "pattern": "^[-a-zA-Z0-9_]+$",
        "description": "Code of a municipality of your region (in the region file), e.g. oostende.",
    }
)
class MunicipalityCodeField(serializers.SlugRelatedField):
    """A municipality given by its region-file code (a slug); never empty (the schema says so: minLength 1, the
    slug pattern). A code that is no municipality of the user's region is a 400 naming the field."""


@extend_schema_field(
    {
        "type": "string",
        "maxLength": 20,
        "pattern": "^$|^(?:[ ./-]*[0-9]){11}[ ./-]*$",
        "writeOnly": True,
        "description": (
            "Eleven digits (dots, hyphens, slashes and spaces allowed), with valid check digits, an issued serial "
            "and the client's birth date; empty for none."
        ),
    }
)
class NationalNumberField(serializers.CharField):
    """The national register or BIS number as typed; the service checks it (``identifiers.validate_national_number``,
    Dutch errors by kind). The schema states its shape, eleven digits (found by schemathesis)."""


class ClientWriteSerializer(serializers.Serializer):
    """Input for registering (POST) and changing (PATCH) a client.

    The municipality and deelgemeente are given by their codes in the region file; the national
    number is write-only (only the digest and an encrypted copy are stored).
    """

    first_name = serializers.CharField(max_length=100)
    last_name = serializers.CharField(max_length=100)
    birth_date = serializers.DateField(help_text="Not in the future and at most 120 years back (refused with 400).")
    gender = serializers.ChoiceField(choices=Gender.choices)
    national_number = NationalNumberField(max_length=20, required=False, allow_blank=True, write_only=True)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    street = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    municipality = MunicipalityCodeField(slug_field="code", queryset=Municipality.objects.none())
    deelgemeente = serializers.SlugField(
        max_length=60,
        required=False,
        allow_blank=True,
        allow_null=True,
        help_text="Code of a deelgemeente of the municipality; empty or null for none.",
    )
    languages = serializers.ListField(
        child=serializers.ChoiceField(choices=LANGUAGE_CHOICES), required=False, default=list
    )
    dutch_level = serializers.ChoiceField(choices=DutchLevel.choices)
    interpreter_needed = serializers.BooleanField(required=False, default=False)
    confirm_new = serializers.BooleanField(
        required=False,
        default=False,
        write_only=True,
        help_text="Register even though a possible duplicate exists elsewhere in the partnership.",
    )

    def __init__(self, *args: Any, region: Any = None, client: Client | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._client = client
        if region is not None:
            field = self.fields["municipality"]
            assert isinstance(field, serializers.SlugRelatedField)
            field.queryset = Municipality.objects.filter(region=region)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        code = attrs.pop("deelgemeente", None)
        if code is None and "deelgemeente" not in self.initial_data:
            return attrs  # a PATCH that leaves the deelgemeente alone
        if not code:
            attrs["deelgemeente"] = None
            return attrs
        municipality = attrs.get("municipality") or (self._client.municipality if self._client else None)
        deelgemeente = (
            Deelgemeente.objects.filter(municipality=municipality, code=code).first() if municipality else None
        )
        if deelgemeente is None:
            raise serializers.ValidationError(
                {"deelgemeente": [_("This deelgemeente is not part of the municipality.")]}
            )
        attrs["deelgemeente"] = deelgemeente
        return attrs


class PossibleDuplicateSerializer(serializers.Serializer):
    organisation = serializers.CharField(source="organisation_name")
    reason = serializers.CharField()


# --- screenings ----------------------------------------------------------------------------


class DomainLevelSerializer(serializers.Serializer):
    life_domain = serializers.CharField(help_text="Code of the life domain in the region file.")
    level = serializers.IntegerField(min_value=1, max_value=5)
    note = serializers.CharField(allow_blank=True)


class EntryDataSerializer(serializers.Serializer):
    """ESF+ data at entry (the 'work_education' category)."""

    employment_status = serializers.CharField(allow_blank=True)
    unemployed_months = serializers.IntegerField(allow_null=True)
    in_education = serializers.BooleanField(allow_null=True)
    isced_level = serializers.IntegerField(allow_null=True)
    housing_situation = serializers.CharField(allow_blank=True)
    foreign_background = serializers.CharField(allow_blank=True)
    third_country_national = serializers.CharField(allow_blank=True)
    disability = serializers.CharField(allow_blank=True)
    household_adults = serializers.IntegerField(allow_null=True, help_text="Adults in the household, client included.")
    household_children = serializers.ListField(
        child=serializers.IntegerField(), help_text="Birth years of the children in the household."
    )
    single_parent = serializers.BooleanField(allow_null=True)


class ScreeningSerializer(serializers.Serializer):
    """A completed screening, limited to what the access sees.

    Context: ``access`` (ClientAccess) and ``life_domains`` (the region's LifeDomain rows by id).
    """

    id = serializers.IntegerField()
    screened_on = serializers.DateField()
    organisation = serializers.IntegerField(source="organisation_id", help_text="Id of the recording organisation.")
    ladder_current = serializers.IntegerField(allow_null=True)
    ladder_attainable = serializers.IntegerField(allow_null=True)
    domain_levels = serializers.SerializerMethodField()
    obstacles = serializers.SerializerMethodField()
    other_obstacles = serializers.SerializerMethodField()
    entry_data = serializers.SerializerMethodField()

    def _visible_domain(self, life_domain_id: int) -> Any | None:
        domain = self.context["life_domains"].get(life_domain_id)
        if domain is None or not self.context["access"].sees(domain.data_category):
            return None
        return domain

    @extend_schema_field(DomainLevelSerializer(many=True))
    def get_domain_levels(self, screening: Any) -> list[dict[str, Any]]:
        rows = []
        for score in screening.scores.all():
            domain = self._visible_domain(score.life_domain_id)
            if domain is not None:
                rows.append({"life_domain": domain.code, "level": score.level, "note": score.note})
        return rows

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_obstacles(self, screening: Any) -> list[str]:
        return sorted(o.code for o in screening.obstacles.all() if self._visible_domain(o.life_domain_id))

    @extend_schema_field(
        serializers.CharField(
            allow_null=True, help_text="Free text, which no data category covers: only for the owning organisation."
        )
    )
    def get_other_obstacles(self, screening: Any) -> str | None:
        return screening.other_obstacles if self.context["access"].owner else None

    @extend_schema_field(EntryDataSerializer(allow_null=True))
    def get_entry_data(self, screening: Any) -> dict[str, Any] | None:
        if not self.context["access"].sees(DataCategory.WORK_EDUCATION):
            return None
        return {name: getattr(screening, name) for name in ENTRY_FIELDS}


# --- classification ------------------------------------------------------------------------


class TargetGroupSerializer(serializers.Serializer):
    code = serializers.CharField()
    # A field named "label" shadows Field.label for type checkers only; DRF collects it as usual.
    label = serializers.CharField()  # type: ignore[assignment]


class ChallengeMatchSerializer(serializers.Serializer):
    code = serializers.CharField(source="challenge.code")
    persona = serializers.CharField(source="challenge.persona_name")
    title = serializers.CharField(source="challenge.title")
    rank = serializers.IntegerField(source="challenge.rank", help_text="Prevalence rank of the challenge (1 = most).")
    score = serializers.FloatField()
    explanation = serializers.CharField()


class ClassificationSerializer(serializers.Serializer):
    available = serializers.BooleanField()
    reason = serializers.CharField(allow_blank=True)
    screening = serializers.IntegerField(allow_null=True, help_text="The completed screening it is based on.")
    target_groups = TargetGroupSerializer(many=True)
    challenges = ChallengeMatchSerializer(many=True, help_text="Nearest first.")


# --- consents ------------------------------------------------------------------------------


class ConsentSerializer(serializers.ModelSerializer):
    organisations = OrganisationRefSerializer(many=True, read_only=True)
    categories = serializers.ListField(child=serializers.ChoiceField(choices=DataCategory.choices))
    purposes = serializers.ListField(child=serializers.ChoiceField(choices=Purpose.choices))
    active = serializers.BooleanField(source="is_active", read_only=True)

    class Meta:
        model = Consent
        fields = ["id", "organisations", "categories", "purposes", "method", "given_on", "withdrawn_on", "active"]
        read_only_fields = fields


@extend_schema_field({"type": "array", "items": {"type": "integer"}, "minItems": 1})
class NonEmptyIdList(serializers.ManyRelatedField):
    """A list of ids that may not be empty (``allow_empty=False``); the schema says so (minItems 1)."""


class OrganisationIdField(serializers.PrimaryKeyRelatedField):
    """An organisation by id; ``many=True`` gives a ``NonEmptyIdList``. An id outside the queryset (another
    partnership's organisation) is named in the error."""

    default_error_messages = {
        **serializers.PrimaryKeyRelatedField.default_error_messages,
        "does_not_exist": _("Organisation {pk_value} is not part of this client's partnership."),
    }

    @classmethod
    def many_init(cls, *args: Any, **kwargs: Any) -> NonEmptyIdList:
        child = cls(*args, **{k: v for k, v in kwargs.items() if k not in MANY_RELATION_KWARGS})
        return NonEmptyIdList(child_relation=child, **{k: v for k, v in kwargs.items() if k in MANY_RELATION_KWARGS})


class ConsentWriteSerializer(serializers.Serializer):
    """Input for recording a consent; the organisations must belong to the client's region, its own excepted (it holds
    the file already: refused by the service)."""

    # at least one of each (the service refuses a consent without them; the schema says so: minItems 1)
    organisations = OrganisationIdField(
        many=True,
        allow_empty=False,
        queryset=Organisation.objects.none(),
    )
    categories = serializers.ListField(
        child=serializers.ChoiceField(choices=DataCategory.choices), min_length=1, allow_empty=False
    )
    purposes = serializers.ListField(
        child=serializers.ChoiceField(choices=Purpose.choices), min_length=1, allow_empty=False
    )
    method = serializers.ChoiceField(choices=Method.choices)
    witness = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    given_on = serializers.DateField()

    def __init__(self, *args: Any, region: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if region is not None:
            field = self.fields["organisations"]
            assert isinstance(field, serializers.ManyRelatedField)
            field.child_relation.queryset = Organisation.objects.filter(region=region, is_active=True)


# The 409 of a registration: possible duplicates to confirm with ``confirm_new``
# (no docstring: it would become the schema's description).
class ClientDuplicateSerializer(serializers.Serializer):
    confirm_new = serializers.ListField(child=serializers.CharField())
    possible_duplicates = PossibleDuplicateSerializer(many=True)


# --- pathways ------------------------------------------------------------------------------


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
