"""Stored scores as the API shows them: an assessment's and a consolidated one."""

from rest_framework import serializers

from assessments.models import (
    CONSOLIDATED_FIELDS,
    SCORE_FIGURES,
    ConsolidatedScore,
)
from coherence.choices import (
    AREA_CHOICES,
    Band,
    Dimension,
    Link,
)

SCORE_HELP = "0–100, or null where no indicator of it was answered."


class AreaScoreSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=AREA_CHOICES, help_text="The policy area.")
    score = serializers.FloatField(allow_null=True, help_text=SCORE_HELP)
    coverage = serializers.FloatField(
        allow_null=True,
        min_value=0,
        max_value=1,
        help_text="Answered ÷ (indicators of the area − those answered n/a), 0–1; null where "
        "that is 0.",
    )


class DimensionScoreSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=Dimension.choices, help_text="The dimension.")
    score = serializers.FloatField(allow_null=True, help_text=SCORE_HELP)


class LinkScoreSerializer(serializers.Serializer):
    code = serializers.ChoiceField(
        choices=Link.choices, help_text="The vertical link between two levels."
    )
    score = serializers.FloatField(allow_null=True, help_text=SCORE_HELP)


def _timestamp(value) -> str | None:
    if value is None:
        return None
    return value.replace(microsecond=0).isoformat().replace("+00:00", "Z")


class ScoreFiguresSerializer(serializers.Serializer):
    framework = serializers.CharField(help_text="The framework version's code.")
    overall = serializers.FloatField(
        allow_null=True,
        help_text="The mean of horizontal and vertical where both exist, else the one that "
        "does, else null.",
    )
    horizontal = serializers.FloatField(
        allow_null=True, help_text="100 × the weighted mean over horizontal indicators, or null."
    )
    vertical = serializers.FloatField(
        allow_null=True, help_text="100 × the weighted mean over vertical indicators, or null."
    )
    band = serializers.ChoiceField(
        choices=Band.choices,
        allow_null=True,
        help_text="From the published overall: initial below 25, developing from 25, "
        "established from 50, advanced from 75; null where overall is null.",
    )
    areas = AreaScoreSerializer(many=True, help_text="A score per policy area, by code.")
    dimensions = DimensionScoreSerializer(many=True, help_text="A score per dimension, by code.")
    links = LinkScoreSerializer(many=True, help_text="A score per vertical link, by code.")
    stale = serializers.BooleanField(help_text="Inputs changed; a recompute is pending.")
    computed_at = serializers.DateTimeField(
        allow_null=True, help_text="When the figures were computed (UTC), or null."
    )


class ConsolidatedScoreSerializer(ScoreFiguresSerializer):
    """A country's consolidated score in a cycle, exactly as DESIGN §6 reads."""

    country = serializers.CharField(help_text="ISO 3166-1 alpha-3.")
    cycle = serializers.IntegerField(help_text="The reporting cycle (a year).")
    divergence = serializers.FloatField(
        allow_null=True,
        help_text="Where the actors' views part: the mean, over indicators valued in two or "
        "more validated assessments, of 100 × (max − min); null where there are none.",
    )
    assessments = serializers.IntegerField(help_text="The number of validated assessments.")

    def get_fields(self):
        fields = super().get_fields()
        return {name: fields[name] for name in CONSOLIDATED_FIELDS}

    def to_representation(self, score):
        return consolidated_json(score)


def consolidated_json(score: ConsolidatedScore) -> dict:
    """The score as DESIGN §6 reads it: every field of CONSOLIDATED_FIELDS, in order."""
    derived = {
        "country": score.country_id,
        "framework": score.framework.code,
        "computed_at": _timestamp(score.computed_at),
    }
    return {
        name: derived[name] if name in derived else getattr(score, name)
        for name in CONSOLIDATED_FIELDS
    }


class AssessmentScoreSerializer(ScoreFiguresSerializer):
    """One assessment's scores: the consolidated shape without divergence and the count."""

    assessment = serializers.IntegerField(help_text="The assessment's id.")
    country = serializers.CharField(help_text="ISO 3166-1 alpha-3.")
    cycle = serializers.IntegerField(help_text="The reporting cycle (a year).")

    def get_fields(self):
        fields = super().get_fields()
        order = ["assessment", "country", "cycle", "framework", *SCORE_FIGURES]
        order += ["stale", "computed_at"]
        return {name: fields[name] for name in order}

    def to_representation(self, score):
        return {
            "assessment": score.assessment_id,
            "country": score.assessment.country_id,
            "cycle": score.assessment.cycle,
            "framework": score.framework.code,
            **{name: getattr(score, name) for name in SCORE_FIGURES},
            "stale": score.stale,
            "computed_at": _timestamp(score.computed_at),
        }
