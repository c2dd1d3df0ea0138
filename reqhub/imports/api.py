"""Imports over the API: POST a file (202), GET to follow the preview, POST commit."""

from typing import Any

from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from reqhub.core.types import AuthedRequest

from . import selectors, services
from .models import ImportJob


class ImportInputSerializer(serializers.Serializer):
    kind = serializers.CharField(max_length=32)
    file = serializers.FileField()


class ImportOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = ImportJob
        fields = [
            "id", "kind", "filename", "state", "progress", "total", "counts", "report", "error",
            "created_at", "finished_at",
        ]  # fmt: skip
        read_only_fields = fields


def _data(job: ImportJob) -> Any:
    return ImportOutputSerializer(job).data


class ImportListView(APIView):
    parser_classes = [MultiPartParser]

    @extend_schema(request=ImportInputSerializer, responses={202: ImportOutputSerializer})
    def post(self, request: AuthedRequest) -> Response:
        data = ImportInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        job = services.import_start(
            actor=request.user, kind=data.validated_data["kind"], upload=data.validated_data["file"]
        )
        return Response(_data(job), status=status.HTTP_202_ACCEPTED)


class ImportDetailView(APIView):
    @extend_schema(responses=ImportOutputSerializer)
    def get(self, request: AuthedRequest, job_id: str) -> Response:
        return Response(_data(selectors.import_get(request.user, job_id)))


class ImportCommitView(APIView):
    @extend_schema(request=None, responses={202: ImportOutputSerializer})
    def post(self, request: AuthedRequest, job_id: str) -> Response:
        job = selectors.import_get(request.user, job_id)
        try:
            job = services.import_commit_start(actor=request.user, job=job)
        except ValidationError as exc:
            return Response({"detail": " ".join(exc.messages)}, status=status.HTTP_409_CONFLICT)
        return Response(_data(job), status=status.HTTP_202_ACCEPTED)
