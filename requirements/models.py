"""Requirements: the pool, its scoring model, history, notes, evidence and change requests."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from customers.models import Contact, Customer
from reqhub.core.models import TimeStampedModel
from reqhub.core.pii import validate_no_personal_data

from .workflow import Status

_free_text = [validate_no_personal_data]
_one_to_five = [MinValueValidator(1), MaxValueValidator(5)]


class Channel(models.TextChoices):
    INTERVIEW = "interview", _("Interview")
    QUESTIONNAIRE = "questionnaire", _("Questionnaire")
    SUPPORT_TICKET = "support_ticket", _("Support ticket")
    SALES_VISIT = "sales_visit", _("Sales visit")
    USAGE_DATA = "usage_data", _("Usage data")
    COMPETITOR_ANALYSIS = "competitor_analysis", _("Competitor analysis")
    COMPLAINT = "complaint", _("Complaint")
    API = "api", _("API")


class Category(models.TextChoices):
    BUSINESS = "business", _("Business")
    FUNCTIONAL = "functional", _("Functional")
    EXPERIENCE = "experience", _("Experience")
    SERVICE = "service", _("Service")
    PRICE = "price", _("Price")


class Nature(models.TextChoices):
    EXPLICIT = "explicit", _("Explicit")
    IMPLICIT = "implicit", _("Implicit")


class RequirementType(models.TextChoices):
    FUNCTION = "function", _("Function")
    SERVICE = "service", _("Service")
    SALES = "sales", _("Sales")
    CUSTOM = "custom", _("Custom")


class UrgencyClass(models.TextChoices):
    URGENT = "urgent", _("Urgent (reply within 24 hours)")
    NORMAL = "normal", _("Normal (reply within 72 hours)")
    DEFERRABLE = "deferrable", _("Deferrable (iteration planning)")


class Priority(models.TextChoices):
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


class Quadrant(models.TextChoices):
    QUICK_WIN = "quick_win", _("Quick win (do first)")
    STRATEGIC = "strategic", _("Strategic (long-term plan)")
    FILL_IN = "fill_in", _("Fill-in (handle quickly)")
    DEPRIORITIZE = "deprioritize", _("Deprioritize (postpone)")


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=40, unique=True, validators=_free_text)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ScoringModel(models.Model):
    """The one scoring model (row id 1): factor weights summing to 1 and the band thresholds."""

    w_importance = models.DecimalField(max_digits=4, decimal_places=3, default=Decimal("0.30"))
    w_urgency = models.DecimalField(max_digits=4, decimal_places=3, default=Decimal("0.25"))
    w_customer_value = models.DecimalField(max_digits=4, decimal_places=3, default=Decimal("0.25"))
    w_ease = models.DecimalField(max_digits=4, decimal_places=3, default=Decimal("0.20"))
    high_threshold = models.DecimalField(max_digits=3, decimal_places=2, default=Decimal("4.0"))
    medium_threshold = models.DecimalField(max_digits=3, decimal_places=2, default=Decimal("3.0"))
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("scoring model")
        verbose_name_plural = _("scoring model")

    def __str__(self) -> str:
        return str(_("scoring model"))


class RescoreState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    SUPERSEDED = "superseded", _("Replaced by a later save")


# States a worker is (or should be) working on; the scoring page polls while the job is in one.
RESCORE_ACTIVE = frozenset({RescoreState.QUEUED, RescoreState.RUNNING})


class RescoreJob(models.Model):
    """One re-scoring of the pool after the scoring model was saved, run by a worker in batches.

    ``progress`` is the share of the pool gone through; ``changed`` counts the requirements
    whose score or priority moved. Saving the model again supersedes a job still under way.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    state = models.CharField(
        _("state"), max_length=16, choices=RescoreState.choices, default=RescoreState.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    changed = models.PositiveIntegerField(_("re-scored"), default=0)
    total = models.PositiveIntegerField(_("requirements"), default=0)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    # Written after every batch; a running job whose heartbeat stops has lost its worker.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("re-scoring")
        verbose_name_plural = _("re-scorings")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"rescore {self.id} {self.state}"

    @property
    def is_active(self) -> bool:
        return self.state in RESCORE_ACTIVE


class AssignmentRule(models.Model):
    """Who takes a requirement of a routing type when it is accepted into the plan."""

    type = models.CharField(_("type"), max_length=16, choices=RequirementType.choices, unique=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("e.g. the product manager for function requirements"),
    )
    collaborator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("collaborator"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        help_text=_("e.g. the R&D lead, who follows the requirement"),
    )

    class Meta:
        verbose_name = _("assignment rule")
        verbose_name_plural = _("assignment rules")
        ordering = ["type"]

    def __str__(self) -> str:
        return self.get_type_display()


class RequirementQuerySet(models.QuerySet["Requirement"]):
    def ranked(self) -> "RequirementQuerySet":
        """With score, priority and quadrant in the same query, joined INNER so that the
        rank's indexes can drive a sort by score (an outer join could not)."""
        return self.filter(rank__isnull=False).select_related("rank")


class Requirement(TimeStampedModel):
    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="requirements"
    )
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("contact"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="requirements",
    )
    channel = models.CharField(_("channel"), max_length=24, choices=Channel.choices)
    title = models.CharField(_("title"), max_length=200, validators=_free_text)
    description = models.TextField(
        _("description"),
        max_length=10_000,
        blank=True,
        validators=_free_text,
        help_text=_("Scenario, pain point and the effect the customer expects."),
    )
    background = models.TextField(
        _("background"),
        max_length=5_000,
        blank=True,
        validators=_free_text,
        help_text=_("What triggered it and how urgent it is for the customer."),
    )
    evidence = models.TextField(
        _("customer's own words"), max_length=5_000, blank=True, validators=_free_text
    )
    category = models.CharField(
        _("category"), max_length=16, choices=Category.choices, default=Category.FUNCTIONAL
    )
    nature = models.CharField(
        _("nature"), max_length=16, choices=Nature.choices, default=Nature.EXPLICIT
    )
    type = models.CharField(
        _("type"), max_length=16, choices=RequirementType.choices, default=RequirementType.FUNCTION
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="+")
    importance = models.PositiveSmallIntegerField(
        _("importance"), default=3, validators=_one_to_five
    )
    urgency = models.PositiveSmallIntegerField(_("urgency"), default=3, validators=_one_to_five)
    customer_value = models.PositiveSmallIntegerField(
        _("customer value"), default=3, validators=_one_to_five
    )
    difficulty = models.PositiveSmallIntegerField(
        _("difficulty"), default=3, validators=_one_to_five
    )
    urgency_class = models.CharField(
        _("urgency class"), max_length=16, choices=UrgencyClass.choices, default=UrgencyClass.NORMAL
    )
    response_due_at = models.DateTimeField(_("response due"), null=True, blank=True, editable=False)
    first_response_at = models.DateTimeField(_("first response"), null=True, editable=False)
    sla_paused_at = models.DateTimeField(null=True, editable=False)
    plan_due_at = models.DateTimeField(_("technical plan due"), null=True, editable=False)
    plan_submitted_at = models.DateTimeField(_("technical plan submitted"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=24, choices=Status.choices, default=Status.NEW, editable=False
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_requirements",
    )
    followers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("followers"), blank=True, related_name="+"
    )
    planned_completion = models.DateField(_("planned completion"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        on_delete=models.PROTECT,
        null=True,
        editable=False,
        related_name="merged_from",
    )
    access_code_hash = models.CharField(max_length=128, editable=False)
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction"), null=True, editable=False, validators=_one_to_five
    )
    satisfaction_comment = models.TextField(_("satisfaction comment"), blank=True, editable=False)
    feedback_at = models.DateTimeField(_("rated at"), null=True, editable=False)
    notify_contact = models.BooleanField(
        _("e-mail the contact on each visible change"),
        default=False,
        help_text=_("The contact's work e-mail gets every change the customer can see."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    # Character bigrams of the Chinese text and words of the rest (requirements.search), so
    # that two-character words such as 同步 are found, which a trigram index cannot serve.
    search = SearchVectorField(null=True, editable=False)

    class Meta:
        verbose_name = _("requirement")
        verbose_name_plural = _("requirements")
        ordering = ["-created_at", "-id"]
        indexes = [
            # the keyset orders of the pool besides score (newest first is the API's default)
            models.Index(fields=["-created_at", "-id"], name="req_created"),
            models.Index(fields=["-updated_at", "-id"], name="req_updated"),
            models.Index(fields=["customer", "-created_at"], name="req_customer_created"),
            models.Index(fields=["owner", "status"], name="req_owner_status"),
            models.Index(
                fields=["response_due_at"],
                name="req_response_due_open",
                condition=models.Q(first_response_at__isnull=True, response_due_at__isnull=False),
            ),
            GinIndex(fields=["search"], name="req_search"),
            GinIndex(fields=["title"], opclasses=["gin_trgm_ops"], name="req_title_trgm"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    importance__range=(1, 5),
                    urgency__range=(1, 5),
                    customer_value__range=(1, 5),
                    difficulty__range=(1, 5),
                ),
                name="req_scores_1_5",
            ),
            models.CheckConstraint(
                condition=~models.Q(merged_into=models.F("id")), name="req_not_merged_into_self"
            ),
        ]

    objects = RequirementQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    # Score, priority and quadrant live on the requirement's rank row (RequirementRank).
    @property
    def score(self) -> Decimal:
        return self.rank.score

    @property
    def priority(self) -> str:
        return self.rank.priority

    @property
    def quadrant(self) -> str:
        return self.rank.quadrant

    def get_priority_display(self) -> str:
        return str(Priority(self.priority).label)

    def get_quadrant_display(self) -> str:
        return str(Quadrant(self.quadrant).label)


class RequirementRank(models.Model):
    """A requirement's score, priority band and value-cost quadrant, and the indexes that sort
    the pool by them.

    Kept apart from the wide requirement row on purpose: re-scoring a million requirements
    rewrites these narrow rows and their four indexes, not the requirement rows with their
    text, search vector and a dozen indexes (158 s that way; see tests/perf/bench.py).
    """

    requirement = models.OneToOneField(
        Requirement, primary_key=True, on_delete=models.CASCADE, related_name="rank"
    )
    # The four inputs of the formula packed in one number (scoring.inputs_key), so that the pool
    # is re-scored from this table alone, and a re-score racing an edit of the inputs re-reads
    # the edited row instead of a stale requirement row.
    inputs_key = models.PositiveSmallIntegerField()
    score = models.DecimalField(_("score"), max_digits=4, decimal_places=2)
    priority = models.CharField(_("priority"), max_length=8, choices=Priority.choices)
    quadrant = models.CharField(_("quadrant"), max_length=16, choices=Quadrant.choices)
    # A copy of the requirement's status, so that "this status, best score first" — the pool's
    # main question — is one index walk. Written with the rank row and kept in step by a
    # database trigger on every change of requirements_requirement.status (migration 0007).
    status = models.CharField(_("status"), max_length=24, choices=Status.choices, editable=False)

    class Meta:
        verbose_name = _("rank")
        verbose_name_plural = _("ranks")
        indexes = [
            # the pool by score, alone or behind a filter on the requirement (status, owner…);
            # a priority band is a range of this index too (requirements.filters)
            models.Index(fields=["-score", "-requirement"], name="rank_score"),
            models.Index(fields=["status", "-score", "-requirement"], name="rank_status_score"),
            models.Index(fields=["quadrant", "-score", "-requirement"], name="rank_quadrant_score"),
        ]

    def __str__(self) -> str:
        return f"{self.requirement_id} {self.score}"


class HistoryKind(models.TextChoices):
    CREATED = "created", _("Created")
    FIELD = "field", _("Field changed")
    STATUS = "status", _("Status changed")
    MERGE = "merge", _("Merged")
    NOTE = "note", _("Note")
    ACCESS_CODE = "access_code", _("Access code renewed")
    CHANGE_REQUEST = "change_request", _("Change request")
    FEEDBACK = "feedback", _("Customer feedback")


class RequirementEvent(models.Model):
    """One line of a requirement's history: who, when, what (old -> new) and why."""

    requirement = models.ForeignKey(Requirement, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("at"), db_index=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    kind = models.CharField(max_length=16, choices=HistoryKind.choices)
    field = models.CharField(max_length=40, blank=True)
    old = models.TextField(blank=True)
    new = models.TextField(blank=True)
    reason = models.TextField(blank=True)
    customer_visible = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("history entry")
        verbose_name_plural = _("history")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["requirement", "at", "id"], name="req_event_timeline")]

    def __str__(self) -> str:
        return f"{self.requirement_id} {self.kind} {self.field}"


class RequirementNote(models.Model):
    requirement = models.ForeignKey(Requirement, on_delete=models.CASCADE, related_name="notes")
    text = models.TextField(_("text"), max_length=5_000, validators=_free_text)
    customer_visible = models.BooleanField(_("visible to the customer"), default=False)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:40]


def evidence_path(instance: "EvidenceFile", filename: str) -> str:
    return f"evidence/{instance.requirement.number}/{filename}"


class EvidenceFile(models.Model):
    requirement = models.ForeignKey(Requirement, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(_("file"), upload_to=evidence_path, max_length=300)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class Decision(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class ChangeRequest(models.Model):
    """A change to an accepted requirement: what, why, the assessed impact and the decision."""

    requirement = models.ForeignKey(
        Requirement, on_delete=models.CASCADE, related_name="change_requests"
    )
    what = models.TextField(_("what changes"), max_length=5_000, validators=_free_text)
    why = models.TextField(_("why"), max_length=5_000, validators=_free_text)
    impact_scope = models.TextField(
        _("impact on scope"), max_length=2_000, blank=True, validators=_free_text
    )
    impact_effort = models.TextField(
        _("impact on effort"), max_length=2_000, blank=True, validators=_free_text
    )
    impact_dates = models.TextField(
        _("impact on dates"), max_length=2_000, blank=True, validators=_free_text
    )
    decision = models.CharField(
        _("decision"), max_length=16, choices=Decision.choices, default=Decision.PENDING
    )
    decision_note = models.TextField(
        _("decision note"), max_length=2_000, blank=True, validators=_free_text
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.what[:40]
