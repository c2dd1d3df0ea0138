"""Customer API: thin views over the customer selectors and services."""

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from reqhub.accounts.permissions import action_permission
from reqhub.core.idempotency import idempotent
from reqhub.core.types import AuthedRequest

from .. import selectors, services
from ..filters import CustomerFilterSet, InteractionFilterSet
from ..models import Customer, Interaction
from .serializers import (
    ContactSerializer,
    CustomerInputSerializer,
    CustomerOutputSerializer,
    InteractionInputSerializer,
    InteractionOutputSerializer,
)


class CustomerViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Customers, addressed by their code (C2026001)."""

    lookup_field = "code"
    lookup_value_regex = "[^/]+"
    permission_classes = [action_permission("customer.view")]
    filterset_class = CustomerFilterSet
    ordering_fields = ["code", "name", "created_at", "updated_at", "satisfaction"]
    ordering = ["-created_at", "-id"]
    serializer_class = CustomerOutputSerializer

    def get_queryset(self) -> QuerySet[Customer]:
        return selectors.customer_visible(self.request.user)

    def get_object(self) -> Customer:
        return selectors.customer_get(self.request.user, self.kwargs["code"])

    @extend_schema(request=CustomerInputSerializer, responses={201: CustomerOutputSerializer})
    def create(self, request: AuthedRequest) -> Response:
        return idempotent(request, lambda: self._create(request))

    def _create(self, request: AuthedRequest) -> Response:
        data = CustomerInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        fields.pop("version", None)
        customer = services.customer_create(actor=request.user, **fields)
        return Response(self._out(customer), status=status.HTTP_201_CREATED)

    @extend_schema(request=CustomerInputSerializer, responses=CustomerOutputSerializer)
    def partial_update(self, request: AuthedRequest, code: str) -> Response:
        customer = self.get_object()
        data = CustomerInputSerializer(customer, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        customer = services.customer_update(
            actor=request.user, customer=customer, **data.validated_data
        )
        return Response(self._out(customer))

    def _out(self, customer: Customer) -> Any:
        return CustomerOutputSerializer(customer, context=self.get_serializer_context()).data

    @extend_schema(
        methods=["GET"], responses=ContactSerializer(many=True), operation_id="customer_contacts"
    )
    @extend_schema(
        methods=["POST"],
        request=ContactSerializer,
        responses={201: ContactSerializer},
        operation_id="customer_contacts_create",
    )
    @action(detail=True, methods=["get", "post"], serializer_class=ContactSerializer)
    def contacts(self, request: AuthedRequest, code: str) -> Response:
        customer = self.get_object()
        if request.method == "POST":
            return idempotent(request, lambda: self._contact_create(request, customer))
        page = self.paginate_queryset(customer.contacts.all())
        return self.get_paginated_response(ContactSerializer(page, many=True).data)

    def _contact_create(self, request: AuthedRequest, customer: Customer) -> Response:
        data = ContactSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        contact = services.contact_create(
            actor=request.user, customer=customer, **data.validated_data
        )
        return Response(ContactSerializer(contact).data, status=status.HTTP_201_CREATED)


class InteractionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Interactions with customers; `customer` is the customer's code."""

    permission_classes = [action_permission("customer.view")]
    filterset_class = InteractionFilterSet
    ordering_fields = ["occurred_at", "created_at", "next_follow_up_on"]
    ordering = ["-occurred_at", "-id"]
    serializer_class = InteractionOutputSerializer

    def get_queryset(self) -> QuerySet[Interaction]:
        return selectors.interaction_list(self.request.user)

    @extend_schema(request=InteractionInputSerializer, responses={201: InteractionOutputSerializer})
    def create(self, request: AuthedRequest) -> Response:
        return idempotent(request, lambda: self._create(request))

    def _create(self, request: AuthedRequest) -> Response:
        data = InteractionInputSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        interaction = services.interaction_create(actor=request.user, **data.validated_data)
        return Response(
            InteractionOutputSerializer(interaction).data, status=status.HTTP_201_CREATED
        )
