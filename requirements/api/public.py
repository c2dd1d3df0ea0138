"""The public status API: no account, a number and its access code, throttled per address."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import public
from ..models import Requirement
from ..services import portal
from ..throttles import StatusLookupThrottle

NOT_FOUND = {"detail": _("No request matches this number and access code.")}


class _TimelineSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    note = serializers.CharField()


class PublicStatusSerializer(serializers.Serializer):
    number = serializers.CharField()
    title = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    updated_at = serializers.DateTimeField()
    planned_completion = serializers.DateField(allow_null=True)
    can_accept = serializers.BooleanField()
    can_rate = serializers.BooleanField()
    satisfaction = serializers.IntegerField(allow_null=True)
    timeline = _TimelineSerializer(many=True)


class AcceptanceInput(serializers.Serializer):
    code = serializers.CharField(max_length=64)
    accept = serializers.BooleanField()
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class FeedbackInput(serializers.Serializer):
    code = serializers.CharField(max_length=64)
    satisfaction = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class _PublicView(APIView):
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    throttle_classes = [StatusLookupThrottle]

    def _found(self, number: str, code: str) -> Requirement:
        """The requirement, or the one 404 body for every kind of miss."""
        req = public.status_lookup(number, code)
        if req is None:
            raise NotFound(NOT_FOUND["detail"])
        return req

    def _answer(self, req: Requirement) -> Response:
        return Response(PublicStatusSerializer(public.public_status(req)).data)


class StatusView(_PublicView):
    @extend_schema(
        parameters=[OpenApiParameter("code", str, required=True)],
        responses={200: PublicStatusSerializer, 404: None, 429: None},
        operation_id="status_retrieve",
    )
    def get(self, request: Request, number: str) -> Response:
        req = self._found(number, request.query_params.get("code", ""))
        return self._answer(req)


class AcceptanceView(_PublicView):
    @extend_schema(request=AcceptanceInput, responses={200: PublicStatusSerializer, 404: None})
    def post(self, request: Request, number: str) -> Response:
        data = AcceptanceInput(data=request.data)
        data.is_valid(raise_exception=True)
        req = self._found(number, data.validated_data["code"])
        req = portal.portal_acceptance(
            requirement=req,
            accept=data.validated_data["accept"],
            comment=data.validated_data["comment"],
        )
        return self._answer(req)


class FeedbackView(_PublicView):
    @extend_schema(request=FeedbackInput, responses={200: PublicStatusSerializer, 404: None})
    def post(self, request: Request, number: str) -> Response:
        data = FeedbackInput(data=request.data)
        data.is_valid(raise_exception=True)
        req = self._found(number, data.validated_data["code"])
        req = portal.portal_feedback(
            requirement=req,
            satisfaction=data.validated_data["satisfaction"],
            comment=data.validated_data["comment"],
        )
        return self._answer(req)
