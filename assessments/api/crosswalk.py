"""`crosswalk/`: the crosswalk entries of consolidated scores (DESIGN §4, §6), one row per
country, cycle and scored tag — an indicative crosswalk from a self-assessment, not an
official SDG 10.7.2 return."""

from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers

from assessments.api.score_serializers import (
    INDICATIVE_CROSSWALK,
    CrosswalkEntrySerializer,
    crosswalk_json,
)
from assessments.api.scores import _validated_exists
from assessments.models import ConsolidatedScore
from assessments.selectors import visible_scores
from coherence.api.filters import CountryFilter, CycleFilter, read_by_the_view, validated_filters
from coherence.api.views import ReadOnlyViewSet
from coherence.choices import SCORED_CROSSWALK, CrosswalkFramework

# Each scored tag's place in the published order (DESIGN §4).
TAG_ORDER = {code: rank for rank, (_, code) in enumerate(SCORED_CROSSWALK)}


class CrosswalkRowSerializer(CrosswalkEntrySerializer):
    """One crosswalk entry of one country's consolidated score in one cycle."""

    country = serializers.CharField(help_text="ISO 3166-1 alpha-3.")
    cycle = serializers.IntegerField(help_text="The cycle (a year) of the consolidated score.")

    def get_fields(self):
        fields = super().get_fields()
        order = ["country", "cycle", "framework", "code", "score", "coverage", "category"]
        return {name: fields[name] for name in order}

    def to_representation(self, row):
        return row  # rows are built whole by the view, already in this shape


# A code string: not the score's `framework` foreign key (the version), whose integer type
# the schema would otherwise give it.
@extend_schema_field({"type": "string", "enum": list(CrosswalkFramework.values)})
class FrameworkFilter(filters.ChoiceFilter):
    pass


class CrosswalkFilter(filters.FilterSet):
    country = CountryFilter(field_name="country", help_text="ISO 3166-1 alpha-3.")
    cycle = CycleFilter(field_name="cycle", help_text="The cycle (a year).")
    # Read by the view over the entries; the scores themselves are not narrowed by it.
    framework = FrameworkFilter(
        choices=CrosswalkFramework.choices,
        method=read_by_the_view,
        help_text="Only the entries of this framework: GCM, SDG-10.7.2 or MGI.",
    )

    class Meta:
        model = ConsolidatedScore
        fields = ["country", "cycle", "framework"]


@extend_schema(tags=["scores"])
@extend_schema_view(
    list=extend_schema(
        summary="Crosswalk scores: GCM objectives, SDG 10.7.2 and MGI domains",
        description=(
            "One row per country, cycle and scored crosswalk tag of the validated "
            "consolidated scores the caller may read, sorted by country, cycle, then "
            "framework (GCM, SDG-10.7.2, MGI) and the number in the code. " + INDICATIVE_CROSSWALK
        ),
    ),
)
class CrosswalkViewSet(ReadOnlyViewSet):
    """The crosswalk entries of the consolidated scores, as rows."""

    serializer_class = CrosswalkRowSerializer
    filterset_class = CrosswalkFilter
    queryset = ConsolidatedScore.objects.none()

    def get_queryset(self):
        return (
            visible_scores(self.request.user)
            .filter(_validated_exists())
            .order_by("country_id", "cycle")
        )

    def list(self, request, *args, **kwargs):
        filterset = self.filterset_class(
            request.query_params, queryset=self.get_queryset(), request=request
        )
        framework = validated_filters(filterset).get("framework")
        # Keys in the documented order (jsonb keeps its own), tags in the published one.
        rows = [
            {"country": country, "cycle": cycle, **entry}
            for country, cycle, entries in filterset.qs.values_list(
                "country_id", "cycle", "crosswalk"
            )
            for entry in sorted(crosswalk_json(entries), key=lambda e: TAG_ORDER.get(e["code"], 99))
            if not framework or entry["framework"] == framework
        ]
        return self.get_paginated_response(self.paginate_queryset(rows))
