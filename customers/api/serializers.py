"""Customer API shapes: input serializers validate and shape, output serializers present."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from reqhub.accounts.models import User

from ..models import Contact, Customer, Interaction
from ..selectors import can_see_financials, customer_visible
from ..services import FINANCIAL_FIELDS

_CUSTOMER_FIELDS = [
    "code", "name", "industry", "size", "revenue_band", "region", "founded", "main_business",
    "owner", "first_cooperation_on", "products_bought", "purchase_amount_6m", "usage_per_month",
    "satisfaction", "channel_preference", "lifecycle", "value_tier", "notes", "version",
    "created_at", "updated_at",
]  # fmt: skip


class CustomerOutputSerializer(serializers.ModelSerializer):
    owner = serializers.CharField(source="owner.username", read_only=True)

    class Meta:
        model = Customer
        fields = _CUSTOMER_FIELDS
        read_only_fields = _CUSTOMER_FIELDS

    def to_representation(self, instance: Customer) -> dict[str, Any]:
        data: dict[str, Any] = super().to_representation(instance)
        if not can_see_financials(self.context["request"].user, instance):
            for name in FINANCIAL_FIELDS:
                data.pop(name, None)
        return data


class CustomerInputSerializer(serializers.ModelSerializer):
    owner = serializers.SlugRelatedField(
        slug_field="username", queryset=User.objects.filter(is_active=True), required=False
    )
    version = serializers.IntegerField(required=False, min_value=1)

    class Meta:
        model = Customer
        fields = [f for f in _CUSTOMER_FIELDS if f not in {"code", "created_at", "updated_at"}]


class ContactSerializer(serializers.ModelSerializer):
    class Meta:
        model = Contact
        fields = ["id", "name", "position", "work_phone", "work_email", "decision_role"]
        read_only_fields = ["id"]


class InteractionOutputSerializer(serializers.ModelSerializer):
    customer = serializers.CharField(source="customer.code", read_only=True)
    logged_by = serializers.CharField(source="logged_by.username", read_only=True)

    class Meta:
        model = Interaction
        fields = [
            "id", "customer", "occurred_at", "method", "participants", "summary", "mood",
            "key_demands", "next_follow_up_on", "next_follow_up_plan", "logged_by", "is_late",
            "created_at",
        ]  # fmt: skip
        read_only_fields = fields


class InteractionInputSerializer(serializers.ModelSerializer):
    customer = serializers.CharField(max_length=16)

    def validate_customer(self, value: str) -> Customer:
        customer = customer_visible(self.context["request"].user).filter(code=value).first()
        if customer is None:
            raise serializers.ValidationError(_("No customer with this code."))
        return customer

    class Meta:
        model = Interaction
        fields = [
            "customer", "occurred_at", "method", "participants", "summary", "mood",
            "key_demands", "next_follow_up_on", "next_follow_up_plan",
        ]  # fmt: skip
