"""Reads of import jobs: a user sees only their own."""

from typing import Any

from django.http import Http404

from .models import ImportJob
from .registry import KINDS


def import_get(user: Any, job_id: Any) -> ImportJob:
    try:
        return ImportJob.objects.get(pk=job_id, user=user)
    except (ImportJob.DoesNotExist, ValueError) as exc:  # ValueError: not a UUID
        raise Http404 from exc


def import_kinds(user: Any) -> list[tuple[str, str]]:
    """(name, label) of the kinds ``user`` may import."""
    return [(k.name, str(k.label)) for k in KINDS.values() if k.allowed(user)]
