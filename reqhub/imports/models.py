"""Import jobs: one row per uploaded Excel file, from validation through preview to commit."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class State(models.TextChoices):
    UPLOADED = "uploaded", pgettext_lazy("import state", "Uploaded")
    VALIDATING = "validating", _("Validating")
    READY = "ready", _("Ready to import")
    COMMITTING = "committing", _("Importing")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


# States a worker is (or should be) working on; the page polls while the job is in one.
ACTIVE = frozenset({State.UPLOADED, State.VALIDATING, State.COMMITTING})


def _empty_counts() -> dict[str, int]:
    return {"created": 0, "updated": 0, "unchanged": 0, "conflicts": 0, "errors": 0}


class ImportJob(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=32)
    file = models.FileField(_("file"), upload_to="imports/", max_length=300)
    filename = models.CharField(_("file name"), max_length=255, blank=True)
    language = models.CharField(max_length=16, default="zh-hans")
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.UPLOADED
    )
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    total = models.PositiveIntegerField(_("rows"), default=0)
    counts = models.JSONField(_("counts"), default=_empty_counts)
    # Per-row errors and conflicts (bounded), ignored columns, and the commit's outcome.
    report = models.JSONField(_("report"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    # Written as the work advances; a validating/committing job whose heartbeat stops has lost
    # its worker and is sent again.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.id}"

    @property
    def is_active(self) -> bool:
        return self.state in ACTIVE

    @property
    def to_write(self) -> int:
        """Rows the commit will create or update."""
        return int(self.counts.get("created", 0)) + int(self.counts.get("updated", 0))
