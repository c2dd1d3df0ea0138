"""Exports over the API: POST to start (202), GET to follow, download when done."""

from typing import Any

from django.http import FileResponse, Http404
from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from reqhub.core.idempotency import idempotent
from reqhub.core.types import AuthedRequest

from . import selectors, services
from .models import ExportJob, State
from .registry import KINDS


class ExportInputSerializer(serializers.Serializer):
    kind = serializers.CharField(max_length=32)
    filters = serializers.DictField(required=False, default=dict)


class ExportOutputSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = ExportJob
        fields = [
            "id", "kind", "filters", "state", "progress", "rows", "error", "download_url",
            "created_at", "finished_at", "expires_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_download_url(self, job: ExportJob) -> str | None:
        if job.state != State.DONE or not job.file:
            return None
        url = reverse("export-download", args=[job.id])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


def export_data(job: ExportJob, request: Request | Any) -> Any:
    return ExportOutputSerializer(job, context={"request": request}).data


class ExportListView(APIView):
    @extend_schema(
        request=ExportInputSerializer,
        responses={202: ExportOutputSerializer},
        description=f"kind: one of {', '.join(sorted(KINDS)) or 'the registered lists'}.",
    )
    def post(self, request: AuthedRequest) -> Response:
        return idempotent(request, lambda: self._create(request))

    def _create(self, request: AuthedRequest) -> Response:
        data = ExportInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        job = services.export_start(actor=request.user, **data.validated_data)
        return Response(export_data(job, request), status=status.HTTP_202_ACCEPTED)


class ExportDetailView(APIView):
    @extend_schema(responses=ExportOutputSerializer)
    def get(self, request: AuthedRequest, job_id: str) -> Response:
        return Response(export_data(selectors.export_get(request.user, job_id), request))


class ExportDownloadView(APIView):
    @extend_schema(responses={200: OpenApiResponse(description="The .xlsx file")})
    def get(self, request: AuthedRequest, job_id: str) -> FileResponse:
        job = selectors.export_get(request.user, job_id)
        if job.state != State.DONE or not job.file:
            raise Http404
        name = (
            f"{job.kind}-{job.finished_at:%Y%m%d-%H%M}.xlsx" if job.finished_at else "export.xlsx"
        )
        return FileResponse(job.file.open("rb"), as_attachment=True, filename=name)
