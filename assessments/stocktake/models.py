"""What a focal point reports of its country's tools inside its assessment (DESIGN §2,
¶10, ¶42): the instruments it uses — picked from the catalogue or new — and the
interactions it sees between them, incoherences with their mitigations. They are part of
the assessment: locked, returned, validated and reopened with it, and every change is
kept in their history."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from actors.models import Actor
from coherence.models import ToolType
from instruments.models import Instrument, instrument_code, is_incoherence


class StockEntry(models.Model):
    """What both kinds of entry share: a reviewer's flag, who changed it last and its
    revision (a change sent with another revision than the stored one is a conflict)."""

    flagged = models.BooleanField(
        default=False, help_text=_("Returned for correction: editable while the rest is locked.")
    )
    flag_comment = models.TextField(blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    # The assessment's stock_revision at the entry's last change: unique among the
    # assessment's entries past and present, so a stale one is always told apart.
    revision = models.PositiveIntegerField(
        default=1, help_text=_("Read with the entry; sent back to change or remove it.")
    )

    class Meta:
        abstract = True


class StockInstrument(StockEntry):
    """One of the country's instruments, reported in an assessment: a catalogue one it
    uses (`instrument` set, the rest read from the catalogue) or a new one described here
    (code, name, tool type, levels, areas, link, owner actor)."""

    assessment = models.ForeignKey(
        "assessments.Assessment", on_delete=models.CASCADE, related_name="stock_instruments"
    )
    code = models.CharField(max_length=60, validators=[instrument_code])
    instrument = models.ForeignKey(
        Instrument, null=True, blank=True, on_delete=models.PROTECT, related_name="reported_in"
    )
    name = models.CharField(max_length=300, blank=True)
    tool_type = models.ForeignKey(
        ToolType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Level and area codes: a list keeps every change of them in the entry's history.
    levels = models.JSONField(default=list, blank=True)
    areas = models.JSONField(default=list, blank=True)
    link = models.URLField(max_length=500, blank=True)
    owner = models.ForeignKey(
        Actor, null=True, blank=True, on_delete=models.PROTECT, related_name="reported_instruments"
    )
    safeguard = models.BooleanField(
        default=False, help_text=_("A new instrument that protects migrants' rights.")
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["assessment", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "code"], name="one_stock_instrument_per_code"
            ),
            models.CheckConstraint(
                condition=models.Q(instrument__isnull=False) | ~models.Q(name=""),
                name="stock_instrument_picked_or_named",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id}: {self.code}"

    @property
    def is_safeguard(self) -> bool:
        return self.instrument.safeguard if self.instrument_id else self.safeguard

    @property
    def display_name(self) -> str:
        return self.instrument.name if self.instrument_id else self.name


class StockInteraction(StockEntry):
    """How one of the assessment's instruments affects another (−3 … +3, with why). An
    incoherence (−2, −3) names its mitigations — safeguards and how each limits the harm
    — or says explicitly that there is none."""

    assessment = models.ForeignKey(
        "assessments.Assessment", on_delete=models.CASCADE, related_name="stock_interactions"
    )
    source = models.ForeignKey(StockInstrument, on_delete=models.CASCADE, related_name="+")
    target = models.ForeignKey(StockInstrument, on_delete=models.CASCADE, related_name="+")
    score = models.SmallIntegerField(validators=[MinValueValidator(-3), MaxValueValidator(3)])
    rationale = models.TextField()
    # [{"safeguard": code, "how": text}]: a list keeps every change in the history.
    mitigations = models.JSONField(default=list, blank=True)
    no_mitigation = models.BooleanField(
        default=False, help_text=_("An incoherence that the focal point says nothing mitigates.")
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["assessment", "source__code", "target__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "source", "target"], name="one_stock_interaction_per_pair"
            ),
            models.CheckConstraint(
                condition=models.Q(score__gte=-3, score__lte=3), name="stock_interaction_score"
            ),
            models.CheckConstraint(
                condition=~models.Q(source=models.F("target")), name="no_stock_self_interaction"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id}: {self.source_id} → {self.target_id} {self.score:+d}"

    @property
    def is_incoherence(self) -> bool:
        return is_incoherence(self.score)

    @property
    def unmitigated(self) -> bool:
        return self.is_incoherence and not self.mitigations
