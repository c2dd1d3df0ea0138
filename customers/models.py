"""Customer master data: customers, contacts, interactions and missing-data notes."""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from reqhub.core.models import TimeStampedModel
from reqhub.core.pii import validate_no_personal_data, validate_work_email, validate_work_phone

LATE_AFTER = timedelta(hours=24)


class Industry(models.TextChoices):
    INTERNET = "internet", _("Internet")
    MANUFACTURING = "manufacturing", _("Manufacturing")
    RETAIL = "retail", _("Retail")
    FINANCE = "finance", _("Finance")
    HEALTHCARE = "healthcare", _("Healthcare")
    EDUCATION = "education", _("Education")
    LOGISTICS = "logistics", _("Logistics")
    ENERGY = "energy", _("Energy")
    PUBLIC_SECTOR = "public_sector", _("Public sector")
    OTHER = "other", _("Other")


class SizeBand(models.TextChoices):
    XS = "1-49", _("1-49 employees")
    S = "50-99", _("50-99 employees")
    M = "100-499", _("100-499 employees")
    L = "500-999", _("500-999 employees")
    XL = "1000+", _("1000+ employees")


class RevenueBand(models.TextChoices):
    UNDER_10M = "<10m", _("Under 10 million yuan")
    R10_100M = "10m-100m", _("10-100 million yuan")
    R100M_1B = "100m-1b", _("100 million - 1 billion yuan")
    OVER_1B = ">1b", _("Over 1 billion yuan")


class Lifecycle(models.TextChoices):
    POTENTIAL = "potential", _("Potential")
    ACTIVE = "active", _("Active")
    CHURN_RISK = "churn_risk", _("Churn risk")
    LOST = "lost", _("Lost")


class ValueTier(models.TextChoices):
    HIGH = "high", _("High value")
    MEDIUM = "medium", _("Medium value")
    LOW = "low", _("Low value")


class ChannelPreference(models.TextChoices):
    ONLINE = "online", _("Online")
    OFFLINE = "offline", _("In person")
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("E-mail")
    CHAT = "chat", _("Chat")


_free_text = [validate_no_personal_data]


class Customer(TimeStampedModel):
    code = models.CharField(_("code"), max_length=16, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200, validators=_free_text)
    industry = models.CharField(_("industry"), max_length=32, choices=Industry.choices, blank=True)
    size = models.CharField(_("size"), max_length=16, choices=SizeBand.choices, blank=True)
    revenue_band = models.CharField(
        _("revenue band"), max_length=16, choices=RevenueBand.choices, blank=True
    )
    region = models.CharField(_("region"), max_length=100, blank=True, validators=_free_text)
    founded = models.PositiveSmallIntegerField(
        _("year founded"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1800), MaxValueValidator(2100)],
    )
    main_business = models.CharField(
        _("main business"), max_length=500, blank=True, validators=_free_text
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="customers",
    )
    first_cooperation_on = models.DateField(_("first cooperation"), null=True, blank=True)
    products_bought = models.CharField(
        _("products bought"), max_length=500, blank=True, validators=_free_text
    )
    purchase_amount_6m = models.DecimalField(
        _("purchases in the last 6 months (yuan)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    usage_per_month = models.PositiveIntegerField(
        _("uses per month"), null=True, blank=True, validators=[MaxValueValidator(1_000_000)]
    )
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction (1-5)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    channel_preference = models.CharField(
        _("channel preference"), max_length=16, choices=ChannelPreference.choices, blank=True
    )
    lifecycle = models.CharField(
        _("lifecycle"),
        max_length=16,
        choices=Lifecycle.choices,
        default=Lifecycle.POTENTIAL,
        db_index=True,
    )
    value_tier = models.CharField(
        _("value tier"), max_length=8, choices=ValueTier.choices, default=ValueTier.MEDIUM
    )
    notes = models.TextField(_("notes"), max_length=5000, blank=True, validators=_free_text)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["owner", "-created_at"], name="customer_owner_created"),
            models.Index(fields=["industry"], name="customer_industry"),
            models.Index(fields=["value_tier"], name="customer_value_tier"),
            # `icontains` search on names (Chinese included) stays fast at 100,000 customers.
            GinIndex(fields=["name"], opclasses=["gin_trgm_ops"], name="customer_name_trgm"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(satisfaction__isnull=True)
                | models.Q(satisfaction__gte=1, satisfaction__lte=5),
                name="customer_satisfaction_1_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class DecisionRole(models.TextChoices):
    DECISION_MAKER = "decision_maker", _("Decision maker")
    INFLUENCER = "influencer", _("Influencer")
    USER = "user", _("User")


class Contact(TimeStampedModel):
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(pgettext_lazy("person", "name"), max_length=100, validators=_free_text)
    position = models.CharField(_("position"), max_length=100, blank=True, validators=_free_text)
    work_phone = models.CharField(
        _("work phone"), max_length=40, blank=True, validators=[validate_work_phone]
    )
    work_email = models.EmailField(
        _("work e-mail"), max_length=254, blank=True, validators=[validate_work_email]
    )
    decision_role = models.CharField(
        _("decision role"), max_length=16, choices=DecisionRole.choices, default=DecisionRole.USER
    )

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["customer_id", "name", "id"]

    def __str__(self) -> str:
        return self.name


class InteractionMethod(models.TextChoices):
    PHONE = "phone", _("Phone")
    VISIT = "visit", _("Visit")
    ONLINE_MEETING = "online_meeting", _("Online meeting")
    EMAIL = "email", _("E-mail")
    CHAT = "chat", _("Chat")


class Mood(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    NEUTRAL = "neutral", _("Neutral")
    DISSATISFIED = "dissatisfied", _("Dissatisfied")


class Interaction(TimeStampedModel):
    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="interactions",
    )
    occurred_at = models.DateTimeField(_("when"))
    method = models.CharField(_("how"), max_length=16, choices=InteractionMethod.choices)
    participants = models.CharField(
        _("participants"), max_length=500, blank=True, validators=_free_text
    )
    summary = models.TextField(_("summary"), max_length=5000, validators=_free_text)
    mood = models.CharField(
        _("customer mood"), max_length=16, choices=Mood.choices, default=Mood.NEUTRAL
    )
    key_demands = models.TextField(
        _("key demands"), max_length=5000, blank=True, validators=_free_text
    )
    next_follow_up_on = models.DateField(_("next follow-up"), null=True, blank=True)
    next_follow_up_plan = models.CharField(
        _("follow-up plan"), max_length=500, blank=True, validators=_free_text
    )
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("logged by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_late = models.BooleanField(_("logged late"), default=False, editable=False)

    class Meta:
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["customer", "-occurred_at"], name="interaction_customer_when"),
            models.Index(fields=["next_follow_up_on"], name="interaction_follow_up"),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.occurred_at:%Y-%m-%d} {self.get_method_display()}"


MISSING_DATA_FIELDS = (
    "industry", "size", "revenue_band", "region", "founded", "main_business",
    "first_cooperation_on", "products_bought", "purchase_amount_6m", "usage_per_month",
    "satisfaction", "channel_preference",
)  # fmt: skip


class MissingDataNote(TimeStampedModel):
    """A customer field left empty on purpose: which one, why, and who will supply it."""

    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="missing_data",
    )
    field = models.CharField(
        _("field"),
        max_length=32,
        choices=[(f, Customer._meta.get_field(f).verbose_name) for f in MISSING_DATA_FIELDS],  # type: ignore[union-attr]
    )
    reason = models.CharField(_("reason"), max_length=500, validators=_free_text)
    supplier = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who will supply it"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    resolved = models.BooleanField(_("resolved"), default=False)

    class Meta:
        verbose_name = _("missing-data note")
        verbose_name_plural = _("missing-data notes")
        ordering = ["resolved", "field"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "field"],
                condition=models.Q(resolved=False),
                name="missing_data_one_open_per_field",
            )
        ]

    def __str__(self) -> str:
        return f"{self.customer_id}.{self.field}"
