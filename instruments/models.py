"""The tools of the Annex B grid (¶7, ¶9) and how they affect one another."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from actors.models import Actor
from coherence.choices import ToolKind
from coherence.models import Country, GovernanceLevel, PolicyArea, ToolType

instrument_code = RegexValidator(r"^[A-Z0-9][A-Z0-9-]*$", _("Capital letters, digits and '-'."))


class Instrument(models.Model):
    """A strategy, policy, instrument, framework, research, evidence or data source, on
    one or more governance levels, owned by actors, binding countries, in policy areas."""

    code = models.CharField(max_length=60, unique=True, validators=[instrument_code])
    name = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    tool_type = models.ForeignKey(ToolType, on_delete=models.PROTECT, related_name="instruments")
    levels = models.ManyToManyField(GovernanceLevel, related_name="instruments")
    owners = models.ManyToManyField(Actor, blank=True, related_name="instruments")
    countries = models.ManyToManyField(Country, blank=True, related_name="instruments")
    areas = models.ManyToManyField(PolicyArea, blank=True, related_name="instruments")
    paragraph = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text=_("The paragraph of the GFMD 2017 RT 1.1 paper.")
    )
    link = models.URLField(max_length=500, blank=True)
    safeguard = models.BooleanField(
        default=False,
        help_text=_(
            "Protects migrants' rights or limits the harm another policy does (a convention, "
            "non-refoulement, a complaint mechanism, social-security portability, an ethical "
            "recruitment code, an independent evaluation): it may mitigate an incoherence."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(tool_type__in=ToolKind.values), name="instrument_tool_type"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


INCOHERENCE = -2  # a score at or below this is an incoherence (¶42)


def is_incoherence(score: int | None) -> bool:
    return score is not None and score <= INCOHERENCE


def safeguard_refusal(instrument: "Instrument | None") -> str | None:
    """Why this instrument cannot mitigate an incoherence, or None."""
    if instrument is None:
        return str(_("Name the safeguard instrument that mitigates the incoherence."))
    if not instrument.safeguard:
        return str(
            _("%(code)s is not a safeguard: only a safeguard instrument mitigates.")
            % {"code": instrument.code}
        )
    return None


class InteractionQuerySet(models.QuerySet):
    def with_mitigated(self) -> "InteractionQuerySet":
        """Each with `mitigated`: whether a safeguard mitigates it (one EXISTS, no join)."""
        return self.annotate(
            mitigated=models.Exists(Mitigation.objects.filter(interaction_id=models.OuterRef("pk")))
        )


class Interaction(models.Model):
    """How `source` affects `target`, on the seven-point scale of SDG interactions
    (Nilsson, Griggs and Visbeck 2016). (a, b) and (b, a) are two interactions.
    A score of −2 or −3 is an incoherence (¶42)."""

    class Score(models.IntegerChoices):
        INDIVISIBLE = 3, _("+3 indivisible")
        REINFORCING = 2, _("+2 reinforcing")
        ENABLING = 1, _("+1 enabling")
        CONSISTENT = 0, _("0 consistent")
        CONSTRAINING = -1, _("−1 constraining")
        COUNTERACTING = -2, _("−2 counteracting")
        CANCELLING = -3, _("−3 cancelling")

    source = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="effects")
    target = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="affected_by")
    score = models.SmallIntegerField(
        choices=Score.choices, validators=[MinValueValidator(-3), MaxValueValidator(3)]
    )
    rationale = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)

    objects = InteractionQuerySet.as_manager()

    class Meta:
        ordering = ["source__code", "target__code"]
        constraints = [
            models.UniqueConstraint(fields=["source", "target"], name="one_interaction_per_pair"),
            models.CheckConstraint(
                condition=models.Q(score__gte=-3, score__lte=3), name="interaction_score_range"
            ),
            models.CheckConstraint(
                condition=~models.Q(source=models.F("target")), name="no_self_interaction"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source.code} → {self.target.code}: {self.score:+d}"

    @property
    def is_incoherence(self) -> bool:
        return is_incoherence(self.score)

    @property
    def unmitigated(self) -> bool:
        """An incoherence that no safeguard mitigates (reads prefetched mitigations)."""
        return self.is_incoherence and not self.mitigations.all()

    def clean(self) -> None:
        if self.source_id and self.source_id == self.target_id:
            raise ValidationError(
                {"target": _("An instrument cannot interact with itself; choose another.")}
            )


class Mitigation(models.Model):
    """A safeguard instrument that limits the harm of an incoherence (−2, −3), and how.
    An incoherence with none is unmitigated."""

    interaction = models.ForeignKey(
        Interaction, on_delete=models.CASCADE, related_name="mitigations"
    )
    safeguard = models.ForeignKey(
        Instrument,
        on_delete=models.PROTECT,
        related_name="mitigates",
        limit_choices_to={"safeguard": True},
    )
    how = models.CharField(max_length=500, help_text=_("How the safeguard limits the harm."))

    class Meta:
        ordering = ["interaction", "safeguard__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["interaction", "safeguard"], name="one_mitigation_per_safeguard"
            )
        ]

    def __str__(self) -> str:
        return f"{self.interaction} ← {self.safeguard.code}"

    def clean(self) -> None:
        errors = {}
        if self.safeguard_id:
            refusal = safeguard_refusal(self.safeguard)
            if refusal:
                errors["safeguard"] = refusal
        if self.interaction_id and not self.interaction.is_incoherence:
            errors["interaction"] = _(
                "Only an incoherence (a score of −2 or −3) carries mitigations."
            )
        if not (self.how or "").strip():
            errors["how"] = _("Say in a few words how the safeguard limits the harm.")
        if errors:
            raise ValidationError(errors)
