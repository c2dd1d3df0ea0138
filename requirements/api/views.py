"""Requirement API: thin views over the requirement selectors and services."""

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from reqhub.accounts.permissions import action_permission
from reqhub.core.idempotency import idempotent
from reqhub.core.pagination import KeysetPagination
from reqhub.core.types import AuthedRequest

from .. import scoring, selectors, services
from ..filters import RequirementFilterSet
from ..models import Requirement
from .serializers import (
    AccessCodeSerializer,
    DuplicateListSerializer,
    DuplicateQuerySerializer,
    EvidenceFileSerializer,
    EvidenceUploadSerializer,
    HistoryEntrySerializer,
    MergeInputSerializer,
    NoteSerializer,
    RequirementCreatedSerializer,
    RequirementInputSerializer,
    RequirementOutputSerializer,
    RequirementUpdateSerializer,
    RescoreJobSerializer,
    ScoringModelInputSerializer,
    ScoringModelWithJobSerializer,
    TransitionInputSerializer,
)

# Actions under a requirement are plain lists or single objects: no pool filters, no cursor.
_PLAIN: dict[str, Any] = {"filter_backends": [], "pagination_class": None}


class RequirementViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The requirement pool, addressed by number (REQ-2026-000001); keyset-paginated."""

    lookup_field = "number"
    lookup_value_regex = "[^/]+"
    permission_classes = [action_permission("requirement.view")]
    filterset_class = RequirementFilterSet
    ordering_fields = ["score", "created_at", "updated_at"]
    ordering_aliases = {"score": "rank__score"}
    ordering = ["-created_at"]
    pagination_class = KeysetPagination
    serializer_class = RequirementOutputSerializer

    def get_queryset(self) -> QuerySet[Requirement]:
        # One query for the page and one for its tags, whatever the page size.
        return selectors.requirement_api_rows(self.request.user)

    def get_object(self) -> Requirement:
        return selectors.requirement_get(self.request.user, self.kwargs["number"])

    @extend_schema(responses=RequirementOutputSerializer)
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(self._out(self.get_object()))

    def _out(
        self, req: Requirement, serializer: type[Any] = RequirementOutputSerializer, **context: Any
    ) -> Any:
        """``req`` as the API presents it (read again: after a write it has changed)."""
        fresh = selectors.requirement_api_get(self.request.user, req.number)
        return serializer(fresh, context={**self.get_serializer_context(), **context}).data

    @extend_schema(
        request=RequirementInputSerializer, responses={201: RequirementCreatedSerializer}
    )
    def create(self, request: AuthedRequest) -> Response:
        return idempotent(request, lambda: self._create(request))

    def _create(self, request: AuthedRequest) -> Response:
        data = RequirementInputSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        req, code = services.requirement_create(actor=request.user, **data.validated_data)
        body = self._out(req, RequirementCreatedSerializer, access_code=code)
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(request=RequirementUpdateSerializer, responses=RequirementOutputSerializer)
    def partial_update(self, request: AuthedRequest, number: str) -> Response:
        req = self.get_object()
        data = RequirementUpdateSerializer(
            data=request.data, partial=True, context={"request": request, "requirement": req}
        )
        data.is_valid(raise_exception=True)
        req = services.requirement_update(
            actor=request.user, requirement=req, **data.validated_data
        )
        return Response(self._out(req))

    @extend_schema(
        request=TransitionInputSerializer,
        responses={200: RequirementOutputSerializer, 409: OpenApiResponse(description="Refused")},
    )
    @action(detail=True, methods=["post"], **_PLAIN)
    def transition(self, request: AuthedRequest, number: str) -> Response:
        req = self.get_object()
        return idempotent(request, lambda: self._transition(request, req))

    def _transition(self, request: AuthedRequest, req: Requirement) -> Response:
        data = TransitionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        req = services.requirement_transition(
            actor=request.user, requirement=req, **data.validated_data
        )
        return Response(self._out(req))

    @extend_schema(
        request=MergeInputSerializer,
        responses={200: RequirementOutputSerializer, 409: OpenApiResponse(description="Refused")},
    )
    @action(detail=True, methods=["post"], **_PLAIN)
    def merge(self, request: AuthedRequest, number: str) -> Response:
        req = self.get_object()
        return idempotent(request, lambda: self._merge(request, req))

    def _merge(self, request: AuthedRequest, req: Requirement) -> Response:
        data = MergeInputSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        merged = services.requirement_merge(
            actor=request.user, requirement=req, **data.validated_data
        )
        return Response(self._out(merged))

    @extend_schema(methods=["GET"], responses=NoteSerializer(many=True), operation_id="notes")
    @extend_schema(
        methods=["POST"],
        request=NoteSerializer,
        responses={201: NoteSerializer},
        operation_id="notes_create",
    )
    @action(detail=True, methods=["get", "post"], serializer_class=NoteSerializer, **_PLAIN)
    def notes(self, request: AuthedRequest, number: str) -> Response:
        req = self.get_object()
        if request.method == "POST":
            return idempotent(request, lambda: self._note_add(request, req))
        notes = req.notes.select_related("author")
        return Response(NoteSerializer(notes, many=True).data)

    def _note_add(self, request: AuthedRequest, req: Requirement) -> Response:
        data = NoteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        note = services.requirement_note_add(
            actor=request.user, requirement=req, **data.validated_data
        )
        return Response(NoteSerializer(note).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=AccessCodeSerializer)
    @action(detail=True, methods=["post"], url_path="access-code", **_PLAIN)
    def access_code(self, request: AuthedRequest, number: str) -> Response:
        req = self.get_object()
        return idempotent(request, lambda: self._access_code_renew(request, req))

    def _access_code_renew(self, request: AuthedRequest, req: Requirement) -> Response:
        code = services.requirement_access_code_renew(actor=request.user, requirement=req)
        return Response(AccessCodeSerializer({"access_code": code}).data)

    @extend_schema(responses=HistoryEntrySerializer(many=True))
    @action(detail=True, methods=["get"], **_PLAIN)
    def history(self, request: AuthedRequest, number: str) -> Response:
        events = selectors.requirement_history(self.get_object())
        return Response(HistoryEntrySerializer(events, many=True).data)

    @extend_schema(
        methods=["GET"], responses=EvidenceFileSerializer(many=True), operation_id="files"
    )
    @extend_schema(
        methods=["POST"],
        request={"multipart/form-data": EvidenceUploadSerializer},
        responses={201: EvidenceFileSerializer},
        operation_id="files_create",
    )
    @action(
        detail=True,
        methods=["get", "post"],
        parser_classes=[MultiPartParser, FormParser],
        serializer_class=EvidenceFileSerializer,
        **_PLAIN,
    )
    def files(self, request: AuthedRequest, number: str) -> Response:
        req = self.get_object()
        if request.method == "POST":
            return idempotent(request, lambda: self._file_add(request, req))
        files = req.files.select_related("uploaded_by")
        return Response(EvidenceFileSerializer(files, many=True).data)

    def _file_add(self, request: AuthedRequest, req: Requirement) -> Response:
        data = EvidenceUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        evidence = services.requirement_evidence_add(
            actor=request.user, requirement=req, upload=data.validated_data["file"]
        )
        return Response(EvidenceFileSerializer(evidence).data, status=status.HTTP_201_CREATED)

    @extend_schema(parameters=[DuplicateQuerySerializer], responses=DuplicateListSerializer)
    @action(detail=False, methods=["get"], **_PLAIN)
    def duplicates(self, request: AuthedRequest) -> Response:
        query = DuplicateQuerySerializer(data=request.query_params, context={"request": request})
        query.is_valid(raise_exception=True)
        found = selectors.requirement_duplicates(request.user, **query.validated_data)
        return Response(DuplicateListSerializer({"results": found}).data)


def _scoring_model(w: scoring.Weights) -> dict[str, Any]:
    return {
        "weights": {
            "importance": w.importance,
            "urgency": w.urgency,
            "customer_value": w.customer_value,
            "ease": w.ease,
        },
        "high_threshold": w.high_threshold,
        "medium_threshold": w.medium_threshold,
    }


class ScoringModelView(APIView):
    """The one scoring model: anyone who sees requirements reads it; a PUT saves it and starts
    re-scoring the pool in the background (follow ``rescore.url``)."""

    def get_permissions(self) -> list[BasePermission]:
        needed = "scoring.manage" if self.request.method == "PUT" else "requirement.view"
        return [action_permission(needed)()]

    def _body(self, request: AuthedRequest) -> dict[str, Any]:
        body = {**_scoring_model(scoring.weights_current()), "rescore": selectors.rescore_latest()}
        return ScoringModelWithJobSerializer(body, context={"request": request}).data

    @extend_schema(responses=ScoringModelWithJobSerializer)
    def get(self, request: AuthedRequest) -> Response:
        return Response(self._body(request))

    @extend_schema(
        request=ScoringModelInputSerializer, responses={202: ScoringModelWithJobSerializer}
    )
    def put(self, request: AuthedRequest) -> Response:
        data = ScoringModelInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        weights = scoring.Weights(
            importance=v["weights"]["importance"],
            urgency=v["weights"]["urgency"],
            customer_value=v["weights"]["customer_value"],
            ease=v["weights"]["ease"],
            high_threshold=v["high_threshold"],
            medium_threshold=v["medium_threshold"],
        )
        services.scoring_model_update(actor=request.user, weights=weights)
        return Response(self._body(request), status=status.HTTP_202_ACCEPTED)


class RescoreJobView(APIView):
    """One re-scoring of the pool: state and progress."""

    permission_classes = [action_permission("requirement.view")]

    @extend_schema(responses=RescoreJobSerializer)
    def get(self, request: AuthedRequest, job_id: str) -> Response:
        job = selectors.rescore_get(job_id)
        return Response(RescoreJobSerializer(job, context={"request": request}).data)
