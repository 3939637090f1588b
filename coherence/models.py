"""What every app shares: countries, policy areas and the two vocabularies that
instruments refer to by many-to-many (governance levels and tool types)."""

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from coherence.choices import AREA_CODES, AreaGroup, Level, ToolKind

iso3 = RegexValidator(r"^[A-Z]{3}$", _("An ISO 3166-1 alpha-3 code: three capital letters."))


class Country(models.Model):
    """A country by ISO 3166-1 alpha-3 (Kosovo, a Swiss migration partner, is XKX)."""

    iso3 = models.CharField(primary_key=True, max_length=3, validators=[iso3])
    name = models.CharField(max_length=120)

    class Meta:
        ordering = ["iso3"]
        verbose_name_plural = "countries"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(iso3__regex=r"^[A-Z]{3}$"), name="country_iso3_format"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.iso3})"


class GovernanceLevel(models.Model):
    """One of the five governance levels; `rank` orders them from the inside out."""

    code = models.CharField(primary_key=True, max_length=20, choices=Level.choices)
    rank = models.PositiveSmallIntegerField(unique=True)

    class Meta:
        ordering = ["rank"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__in=Level.values), name="level_code_fixed"
            )
        ]

    def __str__(self) -> str:
        return str(Level(self.code).label)


class ToolType(models.Model):
    """One of the seven tool types, the columns of the Annex B grid."""

    code = models.CharField(primary_key=True, max_length=20, choices=ToolKind.choices)
    rank = models.PositiveSmallIntegerField(unique=True)

    class Meta:
        ordering = ["rank"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__in=ToolKind.values), name="tool_type_code_fixed"
            )
        ]

    def __str__(self) -> str:
        return str(ToolKind(self.code).label)


class TranslatedText(models.Model):
    """Mixin for texts stored per language; the page shows the user's language,
    English where a translation is missing."""

    class Meta:
        abstract = True

    def translated(self, field: str, language: str | None = None) -> str:
        language = (language or get_language() or "en")[:2]
        return getattr(self, f"{field}_{language}", "") or getattr(self, f"{field}_en")


class PolicyArea(TranslatedText):
    """A policy area (¶1, ¶22, ¶23, ¶18–20): migration-specific, sectoral or institutional."""

    code = models.CharField(primary_key=True, max_length=40)
    group = models.CharField(max_length=20, choices=AreaGroup.choices)
    rank = models.PositiveSmallIntegerField(default=0)
    name_en = models.CharField(max_length=120)
    name_fr = models.CharField(max_length=120, blank=True)
    name_es = models.CharField(max_length=120, blank=True)
    description_en = models.TextField(blank=True)
    description_fr = models.TextField(blank=True)
    description_es = models.TextField(blank=True)

    class Meta:
        ordering = ["rank", "code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__in=AREA_CODES), name="policy_area_code_fixed"
            )
        ]

    def __str__(self) -> str:
        return self.translated("name")
