"""Reads of export jobs: a user sees only their own."""

from typing import Any

from django.http import Http404

from .models import ExportJob


def export_get(user: Any, job_id: Any) -> ExportJob:
    try:
        return ExportJob.objects.get(pk=job_id, user=user)
    except (ExportJob.DoesNotExist, ValueError) as exc:  # ValueError: not a UUID
        raise Http404 from exc
