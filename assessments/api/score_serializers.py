"""Stored scores as the API shows them: an assessment's and a consolidated one."""

from rest_framework import serializers

from assessments.models import (
    CONSOLIDATED_FIELDS,
    SCORE_FIGURES,
    ConsolidatedScore,
)
from assessments.stocktake.selectors import unmitigated_counts
from coherence.choices import (
    AREA_CHOICES,
    Band,
    Category,
    CrosswalkFramework,
    Dimension,
    Link,
)

# DESIGN §6: every consolidated score also carries `unmitigated`, counted when read (the
# catalogue's mitigations may change without a recompute).
CONSOLIDATED_API_FIELDS = (*CONSOLIDATED_FIELDS, "unmitigated")
SCORE_HELP = "0–100, or null where no indicator of it was answered."
INDICATIVE_CROSSWALK = (
    "An indicative crosswalk from a self-assessment, not an official SDG 10.7.2 return."
)


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


class CrosswalkEntrySerializer(serializers.Serializer):
    """One scored crosswalk tag of a consolidated score (DESIGN §4)."""

    framework = serializers.ChoiceField(
        choices=CrosswalkFramework.choices, help_text="The framework the tag belongs to."
    )
    # A string, not an enum: another enum of fields named "code" would collide in the schema.
    code = serializers.CharField(
        help_text="The tag: a GCM objective (GCM-1 … GCM-23), an SDG 10.7.2 domain "
        "(SDG-10.7.2-D1 … D6) or an MGI domain (MGI-D1 … D6)."
    )
    score = serializers.FloatField(
        allow_null=True,
        help_text="100 × the weighted mean of the consolidated values of the tagged "
        "indicators; null where none carries a value.",
    )
    coverage = serializers.FloatField(
        allow_null=True,
        min_value=0,
        max_value=1,
        help_text="Answered ÷ (tagged indicators in scope − those answered n/a); null where "
        "that denominator is 0.",
    )
    category = serializers.ChoiceField(
        choices=Category.choices,
        allow_null=True,
        help_text="The SDG 10.7.2 category read from the published score (SDG-10.7.2 only; "
        "null elsewhere and where the score is null).",
    )


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


class ConsolidatedScoreListSerializer(serializers.ListSerializer):
    """A page of consolidated scores, their `unmitigated` counted for the page at once."""

    def to_representation(self, data):
        scores = list(data.all() if hasattr(data, "all") else data)
        self.child.context["unmitigated"] = unmitigated_counts(
            (score.country_id, score.cycle) for score in scores
        )
        return [self.child.to_representation(score) for score in scores]


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
    crosswalk = CrosswalkEntrySerializer(
        many=True,
        help_text="The crosswalk scores (GCM objectives, SDG 10.7.2 domains, MGI domains), "
        "sorted by framework then by the number in the code; a tag with no indicator in "
        "scope is left out. " + INDICATIVE_CROSSWALK,
    )

    unmitigated = serializers.IntegerField(
        min_value=0,
        help_text="The number of unmitigated incoherences among the country's validated "
        "instruments of that cycle (stocktake/ lists them).",
    )

    class Meta:
        list_serializer_class = ConsolidatedScoreListSerializer

    def get_fields(self):
        fields = super().get_fields()
        return {name: fields[name] for name in CONSOLIDATED_API_FIELDS}

    def to_representation(self, score):
        counts = self.context.get("unmitigated") or {}
        return consolidated_json(score, counts.get((score.country_id, score.cycle)))


# A crosswalk entry's keys in the order DESIGN §4 reads them (jsonb keeps its own order).
CROSSWALK_KEYS = ("framework", "code", "score", "coverage", "category")


def crosswalk_json(entries: list[dict] | None) -> list[dict]:
    """Stored crosswalk entries, each with its keys in the documented order."""
    return [{key: entry.get(key) for key in CROSSWALK_KEYS} for entry in entries or []]


def consolidated_json(
    score: ConsolidatedScore, unmitigated: int | None = None, *, with_unmitigated: bool = True
) -> dict:
    """The score as DESIGN §6 reads it: every field of CONSOLIDATED_FIELDS, in order, then
    `unmitigated` (counted here unless given; left out for readers that do not show it)."""
    if not with_unmitigated:
        unmitigated = 0
    elif unmitigated is None:
        pair = (score.country_id, score.cycle)
        unmitigated = unmitigated_counts([pair])[pair]
    derived = {
        "country": score.country_id,
        "framework": score.framework.code,
        "computed_at": _timestamp(score.computed_at),
        "crosswalk": crosswalk_json(score.crosswalk),
        "unmitigated": unmitigated,
    }
    fields = CONSOLIDATED_API_FIELDS if with_unmitigated else CONSOLIDATED_FIELDS
    return {name: derived[name] if name in derived else getattr(score, name) for name in fields}


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
