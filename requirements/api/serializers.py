"""Requirement API shapes: input serializers validate and shape, output serializers present."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from customers.models import Contact, Customer
from customers.selectors import customer_visible
from reqhub.accounts.models import User
from reqhub.core.pii import validate_no_personal_data

from ..models import (
    EvidenceFile,
    HistoryKind,
    Priority,
    Quadrant,
    Requirement,
    RequirementEvent,
    RequirementNote,
    RescoreJob,
)
from ..selectors import requirement_sla_state, requirement_visible
from ..workflow import Status

SLA_STATES = ["none", "ok", "near", "breached", "paused", "answered", "answered_late"]


def _reason(*, required: bool) -> serializers.CharField:
    """Reasons land in the history and may reach the customer: bounded, no personal data."""
    if required:
        return serializers.CharField(max_length=2_000, validators=[validate_no_personal_data])
    return serializers.CharField(
        default="", allow_blank=True, max_length=2_000, validators=[validate_no_personal_data]
    )


_OUTPUT_FIELDS = [
    "number", "customer", "contact", "title", "description", "background", "evidence",
    "channel", "category", "nature", "type", "tags", "importance", "urgency", "customer_value",
    "difficulty", "score", "priority", "quadrant", "urgency_class", "response_due_at",
    "first_response_at", "sla_state", "plan_due_at", "plan_submitted_at", "status", "owner",
    "planned_completion", "merged_into", "satisfaction", "notify_contact", "version",
    "created_at", "updated_at",
]  # fmt: skip
_INPUT_FIELDS = [
    "customer", "contact", "channel", "title", "description", "background", "evidence",
    "category", "nature", "type", "tags", "importance", "urgency", "customer_value",
    "difficulty", "urgency_class", "owner", "planned_completion", "notify_contact",
]  # fmt: skip


class RequirementOutputSerializer(serializers.ModelSerializer):
    """A requirement read through selectors.requirement_api_rows (its annotated columns)."""

    customer = serializers.CharField(source="customer_code", read_only=True)
    contact = serializers.IntegerField(source="contact_id", read_only=True, allow_null=True)
    tags = serializers.ListField(child=serializers.CharField(), source="tag_names", read_only=True)
    owner = serializers.CharField(source="owner_username", read_only=True, allow_null=True)
    score = serializers.DecimalField(source="rank.score", max_digits=4, decimal_places=2)
    priority = serializers.ChoiceField(source="rank.priority", choices=Priority.choices)
    quadrant = serializers.ChoiceField(source="rank.quadrant", choices=Quadrant.choices)
    merged_into = serializers.CharField(
        source="merged_into_number", read_only=True, allow_null=True
    )
    sla_state = serializers.SerializerMethodField()

    class Meta:
        model = Requirement
        fields = _OUTPUT_FIELDS
        read_only_fields = _OUTPUT_FIELDS

    @extend_schema_field(serializers.ChoiceField(choices=SLA_STATES))
    def get_sla_state(self, obj: Requirement) -> str:
        return requirement_sla_state(obj)


class RequirementCreatedSerializer(RequirementOutputSerializer):
    """The create response: the requirement plus its access code, which is never shown again."""

    access_code = serializers.SerializerMethodField()

    class Meta(RequirementOutputSerializer.Meta):
        fields = [*_OUTPUT_FIELDS, "access_code"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_access_code(self, obj: Requirement) -> str:
        return str(self.context["access_code"])


class RequirementInputSerializer(serializers.ModelSerializer):
    """Create: `customer` is a code the user can see, `contact` one of that customer's ids."""

    customer = serializers.CharField(max_length=16)
    contact = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    owner = serializers.SlugRelatedField(
        slug_field="username",
        queryset=User.objects.filter(is_active=True),
        required=False,
        allow_null=True,
    )
    tags = serializers.ListField(
        child=serializers.CharField(max_length=40, validators=[validate_no_personal_data]),
        required=False,
        max_length=20,
    )

    class Meta:
        model = Requirement
        fields = _INPUT_FIELDS

    def validate_customer(self, value: str) -> Customer:
        customer = customer_visible(self.context["request"].user).filter(code=value).first()
        if customer is None:
            raise serializers.ValidationError(_("No customer with this code."))
        return customer

    def _customer(self, attrs: dict[str, Any]) -> Customer:
        return attrs["customer"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        contact_id = attrs.get("contact")
        if contact_id is not None:
            contact = Contact.objects.filter(pk=contact_id, customer=self._customer(attrs)).first()
            if contact is None:
                raise serializers.ValidationError(
                    {"contact": [_("No contact with this id for this customer.")]}
                )
            attrs["contact"] = contact
        return attrs


class RequirementUpdateSerializer(RequirementInputSerializer):
    """PATCH: the customer stays; `version` guards against lost updates, `reason` is kept."""

    customer = None  # type: ignore[assignment]
    version = serializers.IntegerField(required=False, min_value=1)
    reason = _reason(required=False)

    class Meta(RequirementInputSerializer.Meta):
        fields = [*(f for f in _INPUT_FIELDS if f != "customer"), "version", "reason"]

    def _customer(self, attrs: dict[str, Any]) -> Customer:
        return self.context["requirement"].customer


class TransitionInputSerializer(serializers.Serializer):
    # `merged` is reached only through the merge endpoint, which names the survivor.
    to = serializers.ChoiceField(
        choices=[(value, label) for value, label in Status.choices if value != Status.MERGED]
    )
    reason = _reason(required=False)
    version = serializers.IntegerField(required=False, min_value=1)


class MergeInputSerializer(serializers.Serializer):
    into = serializers.CharField(max_length=20, help_text=_("The surviving requirement's number."))
    reason = _reason(required=True)

    def validate_into(self, value: str) -> Requirement:
        into = requirement_visible(self.context["request"].user).filter(number=value).first()
        if into is None:
            raise serializers.ValidationError(_("No requirement with this number."))
        return into


class NoteSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.username", read_only=True)

    class Meta:
        model = RequirementNote
        fields = ["id", "text", "customer_visible", "author", "created_at"]
        read_only_fields = ["id", "author", "created_at"]


class AccessCodeSerializer(serializers.Serializer):
    access_code = serializers.CharField(read_only=True)


class HistoryEntrySerializer(serializers.ModelSerializer):
    by = serializers.CharField(source="by.username", read_only=True, allow_null=True)
    number = serializers.CharField(source="requirement.number", read_only=True)
    kind = serializers.ChoiceField(choices=HistoryKind.choices, read_only=True)

    class Meta:
        model = RequirementEvent
        fields = ["at", "by", "kind", "field", "old", "new", "reason", "number"]
        read_only_fields = fields


class DuplicateQuerySerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    customer = serializers.CharField(required=False, max_length=16)
    description = serializers.CharField(required=False, allow_blank=True, max_length=10_000)
    exclude = serializers.CharField(
        required=False, max_length=20, help_text=_("A number to leave out (the one being edited).")
    )

    def validate_customer(self, value: str) -> Customer:
        customer = customer_visible(self.context["request"].user).filter(code=value).first()
        if customer is None:
            raise serializers.ValidationError(_("No customer with this code."))
        return customer


class DuplicateSerializer(serializers.Serializer):
    number = serializers.CharField()
    title = serializers.CharField()
    status = serializers.ChoiceField(choices=Status.choices)
    similarity = serializers.FloatField(min_value=0, max_value=1)


class DuplicateListSerializer(serializers.Serializer):
    results = DuplicateSerializer(many=True)


class EvidenceFileSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="original_name", read_only=True)
    uploaded_by = serializers.CharField(source="uploaded_by.username", read_only=True)

    class Meta:
        model = EvidenceFile
        fields = ["id", "name", "content_type", "size", "uploaded_by", "uploaded_at"]
        read_only_fields = fields


class EvidenceUploadSerializer(serializers.Serializer):
    file = serializers.FileField()


class WeightsSerializer(serializers.Serializer):
    importance = serializers.DecimalField(max_digits=4, decimal_places=3, min_value=0, max_value=1)
    urgency = serializers.DecimalField(max_digits=4, decimal_places=3, min_value=0, max_value=1)
    customer_value = serializers.DecimalField(
        max_digits=4, decimal_places=3, min_value=0, max_value=1
    )
    ease = serializers.DecimalField(max_digits=4, decimal_places=3, min_value=0, max_value=1)


class ScoringModelInputSerializer(serializers.Serializer):
    weights = WeightsSerializer()
    high_threshold = serializers.DecimalField(
        max_digits=3, decimal_places=2, min_value=1, max_value=5
    )
    medium_threshold = serializers.DecimalField(
        max_digits=3, decimal_places=2, min_value=1, max_value=5
    )


class WeightsOutputSerializer(serializers.Serializer):
    importance = serializers.FloatField()
    urgency = serializers.FloatField()
    customer_value = serializers.FloatField()
    ease = serializers.FloatField()


class ScoringModelOutputSerializer(serializers.Serializer):
    weights = WeightsOutputSerializer()
    high_threshold = serializers.FloatField()
    medium_threshold = serializers.FloatField()


class RescoreJobSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = RescoreJob
        fields = [
            "id", "state", "progress", "changed", "total", "error", "created_at", "finished_at",
            "url",
        ]  # fmt: skip
        read_only_fields = fields
        extra_kwargs = {
            "progress": {"help_text": _("Share of the pool gone through, 0-100.")},
            "changed": {"help_text": _("Requirements whose score or priority changed so far.")},
            "state": {"help_text": _("superseded: a later save of the model replaced this run.")},
        }

    def get_url(self, job: RescoreJob) -> str:
        url = reverse("scoring-rescore", args=[job.id])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class ScoringModelWithJobSerializer(ScoringModelOutputSerializer):
    rescore = RescoreJobSerializer(
        allow_null=True,
        help_text=_(
            "The latest re-scoring of the pool (a PUT starts one and answers with it); "
            "null if the model was never saved."
        ),
    )
