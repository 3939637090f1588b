"""The fixed vocabularies' serializers and endpoints: levels, tool types, policy areas."""

from django.utils import translation
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import serializers

from coherence.api.views import ReadOnlyViewSet
from coherence.choices import AREA_CHOICES, AreaGroup, Level, ToolKind
from coherence.models import GovernanceLevel, PolicyArea, ToolType

LANGUAGES = ("en", "fr", "es")


class NamesSerializer(serializers.Serializer):
    en = serializers.CharField()
    fr = serializers.CharField()
    es = serializers.CharField()


def label_names(label) -> dict:
    names = {}
    for language in LANGUAGES:
        with translation.override(language):
            names[language] = str(label)
    return names


# A ranked vocabulary's entry — code, rank and names — of the choices in `vocabulary`. No
# docstring: the schema would show it on each subclass.
class RankedVocabularySerializer(serializers.Serializer):
    vocabulary: type

    def to_representation(self, instance):
        return {
            "code": instance.code,
            "rank": instance.rank,
            "name": label_names(self.vocabulary(instance.code).label),
        }


class LevelSerializer(RankedVocabularySerializer):
    vocabulary = Level
    code = serializers.ChoiceField(choices=Level.choices)
    rank = serializers.IntegerField(help_text="From the inside out: sub-national is 0.")
    name = NamesSerializer()


class ToolTypeSerializer(RankedVocabularySerializer):
    vocabulary = ToolKind
    code = serializers.ChoiceField(choices=ToolKind.choices)
    rank = serializers.IntegerField(help_text="The column of the Annex B grid.")
    name = NamesSerializer()


class AreaSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=AREA_CHOICES)
    group = serializers.ChoiceField(choices=AreaGroup.choices)
    rank = serializers.IntegerField()
    name = NamesSerializer()
    description = NamesSerializer()

    def to_representation(self, instance):
        return {
            "code": instance.code,
            "group": instance.group,
            "rank": instance.rank,
            "name": {lang: instance.translated("name", lang) for lang in LANGUAGES},
            "description": {lang: instance.translated("description", lang) for lang in LANGUAGES},
        }


@extend_schema(tags=["vocabularies"], summary="Governance levels, from the inside out")
class LevelViewSet(ReadOnlyViewSet):
    queryset = GovernanceLevel.objects.order_by("code")
    serializer_class = LevelSerializer


@extend_schema(tags=["vocabularies"], summary="Tool types: the columns of the Annex B grid")
class ToolTypeViewSet(ReadOnlyViewSet):
    queryset = ToolType.objects.order_by("code")
    serializer_class = ToolTypeSerializer


class AreaFilter(filters.FilterSet):
    group = filters.ChoiceFilter(choices=AreaGroup.choices)

    class Meta:
        model = PolicyArea
        fields = ["group"]


@extend_schema(tags=["vocabularies"], summary="Policy areas")
class AreaViewSet(ReadOnlyViewSet):
    queryset = PolicyArea.objects.order_by("code")
    serializer_class = AreaSerializer
    filterset_class = AreaFilter
