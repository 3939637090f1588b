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
    en = serializers.CharField(help_text="In English.")
    fr = serializers.CharField(help_text="In French.")
    es = serializers.CharField(help_text="In Spanish.")


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
    code = serializers.ChoiceField(choices=Level.choices, help_text="The level's code.")
    rank = serializers.IntegerField(help_text="From the inside out: sub-national is 0.")
    name = NamesSerializer(help_text="The level's name in English, French and Spanish.")


class ToolTypeSerializer(RankedVocabularySerializer):
    vocabulary = ToolKind
    code = serializers.ChoiceField(choices=ToolKind.choices, help_text="The tool type's code.")
    rank = serializers.IntegerField(help_text="The column of the Annex B grid.")
    name = NamesSerializer(help_text="The tool type's name in English, French and Spanish.")


class AreaSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=AREA_CHOICES, help_text="The area's code.")
    group = serializers.ChoiceField(
        choices=AreaGroup.choices, help_text="Migration, sectoral or institutional areas."
    )
    rank = serializers.IntegerField(help_text="Its place in the list of areas.")
    name = NamesSerializer(help_text="The area's name in English, French and Spanish.")
    description = NamesSerializer(help_text="What the area covers, in the three languages.")

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
    group = filters.ChoiceFilter(choices=AreaGroup.choices, help_text="Areas of this group.")

    class Meta:
        model = PolicyArea
        fields = ["group"]


@extend_schema(tags=["vocabularies"], summary="Policy areas")
class AreaViewSet(ReadOnlyViewSet):
    queryset = PolicyArea.objects.order_by("code")
    serializer_class = AreaSerializer
    filterset_class = AreaFilter
