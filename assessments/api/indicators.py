"""The current framework version's indicators, with every field of DESIGN §3."""

from django import forms
from django.core.exceptions import ValidationError
from django_filters import rest_framework as filters
from drf_spectacular.utils import (
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers

from assessments.models import (
    FrameworkVersion,
    Indicator,
)
from assessments.selectors import CROSSWALK_TAG, is_crosswalk_tag, tagged_ids
from coherence.api.views import ReadOnlyViewSet
from coherence.api.vocabularies import LANGUAGES, NamesSerializer
from coherence.choices import (
    AREA_CHOICES,
    AnswerType,
    CoherenceType,
    Dimension,
    Link,
    Perspective,
    Stage,
)


class IndicatorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="The indicator's code, e.g. H-LAB-03.")
    question = NamesSerializer(help_text="The question in English, French and Spanish.")
    guidance = NamesSerializer(help_text="Guidance in English, French and Spanish.")
    dimension = serializers.ChoiceField(
        choices=Dimension.choices, help_text="The dimension it measures."
    )
    coherence_type = serializers.ChoiceField(
        choices=CoherenceType.choices, help_text="Horizontal (across areas) or vertical."
    )
    area = serializers.ChoiceField(choices=AREA_CHOICES, help_text="Its policy area.")
    link = serializers.ChoiceField(
        choices=Link.choices, allow_null=True, help_text="Null for horizontal indicators."
    )
    perspective = serializers.ChoiceField(
        choices=Perspective.choices,
        help_text="The assessments it is asked in: origin, destination or both.",
    )
    stage = serializers.ChoiceField(choices=Stage.choices, help_text="What it looks at.")
    answer_type = serializers.ChoiceField(
        choices=AnswerType.choices, help_text="How it is answered (see an answer's value)."
    )
    weight = serializers.FloatField(min_value=0, help_text="Its weight in weighted means.")
    allow_na = serializers.BooleanField(help_text="Whether 'not applicable' is an answer.")
    crosswalk = serializers.ListField(
        child=serializers.CharField(),
        help_text="Tags of the frameworks it informs (e.g. GCM-5, SDG-10.7.2-D1).",
    )
    version = serializers.CharField(help_text="The framework version's code.")

    def to_representation(self, indicator):
        return {
            "code": indicator.code,
            "question": {lang: getattr(indicator, f"question_{lang}") for lang in LANGUAGES},
            "guidance": {lang: getattr(indicator, f"guidance_{lang}") for lang in LANGUAGES},
            "dimension": indicator.dimension,
            "coherence_type": indicator.coherence_type,
            "area": indicator.area_id,
            "link": indicator.link,
            "perspective": indicator.perspective,
            "stage": indicator.stage,
            "answer_type": indicator.answer_type,
            "weight": float(indicator.weight),
            "allow_na": indicator.allow_na,
            "crosswalk": list(indicator.crosswalk or []),
            "version": indicator.version.code,
        }


class CrosswalkTagField(forms.CharField):
    def clean(self, value):
        value = super().clean(value)
        if value and not is_crosswalk_tag(value):
            raise ValidationError("A crosswalk tag such as GCM-4, SDG-10.7.2-D1 or MGI-D6.")
        return value


@extend_schema_field({"type": "string", "pattern": CROSSWALK_TAG.pattern})
class CrosswalkTagFilter(filters.CharFilter):
    field_class = CrosswalkTagField


class IndicatorFilter(filters.FilterSet):
    dimension = filters.ChoiceFilter(choices=Dimension.choices, help_text="Of this dimension.")
    coherence_type = filters.ChoiceFilter(
        choices=CoherenceType.choices, help_text="Horizontal or vertical ones."
    )
    area = filters.ChoiceFilter(
        choices=AREA_CHOICES, field_name="area_id", help_text="Of this policy area."
    )
    link = filters.ChoiceFilter(choices=Link.choices, help_text="Vertical ones of this link.")
    perspective = filters.ChoiceFilter(
        choices=Perspective.choices, help_text="Those whose perspective is this one."
    )
    stage = filters.ChoiceFilter(choices=Stage.choices, help_text="Of this stage.")
    answer_type = filters.ChoiceFilter(choices=AnswerType.choices, help_text="Answered this way.")
    crosswalk = CrosswalkTagFilter(
        method="tagged",
        help_text="Only the indicators tagged with exactly this crosswalk tag (e.g. GCM-4, "
        "SDG-10.7.2-D1, MGI-D6); a well-formed tag no indicator has gives an empty list.",
    )

    class Meta:
        model = Indicator
        fields = [
            "dimension",
            "coherence_type",
            "area",
            "link",
            "perspective",
            "stage",
            "answer_type",
            "crosswalk",
        ]

    def tagged(self, queryset, name, value):
        return queryset.filter(pk__in=tagged_ids(queryset, value))


@extend_schema(tags=["framework"])
@extend_schema_view(
    list=extend_schema(summary="The current framework version's indicators, sorted by code"),
    retrieve=extend_schema(summary="One indicator of the current framework version"),
)
class IndicatorViewSet(mixins.RetrieveModelMixin, ReadOnlyViewSet):
    serializer_class = IndicatorSerializer
    filterset_class = IndicatorFilter
    lookup_field = "code"
    lookup_value_regex = "[A-Z][A-Z0-9-]{0,19}"
    queryset = Indicator.objects.none()

    def get_queryset(self):
        current = FrameworkVersion.current()
        if current is None:
            return Indicator.objects.none()
        return Indicator.objects.filter(version=current).select_related("version").order_by("code")
