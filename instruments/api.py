"""The API of the catalogue's tools: instruments, their interactions and the Annex B grid."""

from django.db.models import Prefetch, Q
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers

from actors.models import Actor
from coherence.api.filters import (
    BooleanFilter,
    CodeFilter,
    CountryFilter,
    CycleFilter,
    read_by_the_view,
    validated_filters,
)
from coherence.api.views import ReadOnlyViewSet
from coherence.choices import AREA_CHOICES, Level, ToolKind
from coherence.models import Country, PolicyArea
from instruments.models import Instrument, Interaction, Mitigation
from instruments.selectors import grid, instruments_for


class CodeListField(serializers.ListField):
    """A many-to-many as the list of its codes (prefetched)."""

    def __init__(self, *, code: str = "pk", **kwargs):
        self.code = code
        kwargs.setdefault("child", serializers.CharField())
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, manager):
        return [getattr(item, self.code) for item in manager.all()]


class InstrumentSerializer(serializers.ModelSerializer):
    tool_type = serializers.ChoiceField(
        choices=ToolKind.choices, source="tool_type_id", help_text="The kind of tool."
    )
    levels = CodeListField(
        child=serializers.ChoiceField(choices=Level.choices),
        help_text="The governance levels it works at.",
    )
    owners = CodeListField(code="code", help_text="The codes of the actors that own it.")
    countries = CodeListField(
        help_text="ISO 3166-1 alpha-3 codes of the countries it names; empty for regional "
        "and international instruments that name none."
    )
    areas = CodeListField(
        child=serializers.ChoiceField(choices=AREA_CHOICES),
        help_text="The policy areas it touches.",
    )

    class Meta:
        model = Instrument
        fields = [
            "code",
            "name",
            "description",
            "tool_type",
            "levels",
            "owners",
            "countries",
            "areas",
            "paragraph",
            "link",
            "safeguard",
        ]
        extra_kwargs = {
            "code": {"help_text": "The instrument's code, unique in the catalogue."},
            "name": {"help_text": "The instrument's name."},
            "description": {"help_text": "What it is and does; may be empty."},
            "paragraph": {"help_text": "The paragraph of the GFMD paper it illustrates, or null."},
            "link": {"help_text": "A web address of its text, or empty."},
            "safeguard": {
                "help_text": "Whether it protects migrants' rights or limits the harm another "
                "policy does: only a safeguard may mitigate an incoherence."
            },
        }


class InstrumentFilter(filters.FilterSet):
    level = filters.ChoiceFilter(
        choices=Level.choices, method="by_catalogue", help_text="Instruments at this level."
    )
    tool_type = filters.ChoiceFilter(
        choices=ToolKind.choices, field_name="tool_type_id", help_text="Tools of this type."
    )
    area = filters.ChoiceFilter(
        choices=AREA_CHOICES, method="by_catalogue", help_text="Instruments touching this area."
    )
    country = CountryFilter(
        method="by_catalogue",
        help_text="The country's instruments (ISO3): those naming it, and also the regional "
        "and international ones that name no country at all.",
    )
    safeguard = BooleanFilter(
        field_name="safeguard", help_text="true: only safeguards; false: only the others."
    )

    class Meta:
        model = Instrument
        fields = ["level", "tool_type", "area", "country", "safeguard"]

    def by_catalogue(self, queryset, name, value):
        return queryset  # applied together, as the grid applies them, in filter_queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        wanted = {key: data.get(key) or None for key in ("country", "area", "level")}
        if any(wanted.values()):
            queryset = queryset.filter(pk__in=instruments_for(**wanted).values("pk"))
        return queryset


@extend_schema(tags=["catalogue"])
@extend_schema_view(
    list=extend_schema(summary="Instruments, sorted by code"),
    retrieve=extend_schema(summary="One instrument, by code"),
)
class InstrumentViewSet(mixins.RetrieveModelMixin, ReadOnlyViewSet):
    queryset = Instrument.objects.prefetch_related(
        "levels",
        Prefetch("owners", queryset=Actor.objects.only("id", "code").order_by("code")),
        Prefetch("countries", queryset=Country.objects.only("iso3").order_by("iso3")),
        Prefetch("areas", queryset=PolicyArea.objects.only("code", "rank").order_by("code")),
    ).order_by("code")
    serializer_class = InstrumentSerializer
    filterset_class = InstrumentFilter
    lookup_field = "code"
    lookup_value_regex = "[A-Z0-9][A-Z0-9-]{0,59}"


class MitigationSerializer(serializers.Serializer):
    safeguard = serializers.CharField(help_text="The code of the safeguard instrument.")
    how = serializers.CharField(help_text="How the safeguard limits the incoherence's harm.")


class InteractionSerializer(serializers.ModelSerializer):
    source = serializers.SlugRelatedField(
        slug_field="code", read_only=True, help_text="The code of the instrument that acts."
    )
    target = serializers.SlugRelatedField(
        slug_field="code", read_only=True, help_text="The code of the instrument acted upon."
    )
    score = serializers.ChoiceField(
        choices=Interaction.Score.choices,
        help_text="+3 indivisible … −3 cancelling (Nilsson, Griggs and Visbeck 2016).",
    )
    incoherence = serializers.BooleanField(
        source="is_incoherence", read_only=True, help_text="A score of −2 or −3 (¶42)."
    )
    mitigations = serializers.SerializerMethodField(
        help_text="The safeguards that limit an incoherence's harm, each with how; empty "
        "for an interaction that is no incoherence."
    )
    unmitigated = serializers.BooleanField(
        read_only=True, help_text="An incoherence that no safeguard mitigates."
    )

    class Meta:
        model = Interaction
        fields = [
            "source",
            "target",
            "score",
            "rationale",
            "incoherence",
            "mitigations",
            "unmitigated",
        ]

        extra_kwargs = {"rationale": {"help_text": "Why the interaction has this score."}}

    @extend_schema_field(MitigationSerializer(many=True))
    def get_mitigations(self, interaction) -> list[dict]:
        return [
            {"safeguard": m.safeguard.code, "how": m.how} for m in interaction.mitigations.all()
        ]


class InteractionFilter(filters.FilterSet):
    source = CodeFilter(field_name="source__code", help_text="Interactions of this instrument.")
    target = CodeFilter(field_name="target__code", help_text="Interactions on this instrument.")
    score = filters.TypedChoiceFilter(
        choices=Interaction.Score.choices, coerce=int, help_text="Interactions of this score."
    )
    incoherence = BooleanFilter(
        method="by_incoherence",
        help_text="true: only incoherences (a score of −2 or −3); false: only the others.",
    )
    unmitigated = BooleanFilter(
        method="by_unmitigated",
        help_text="true: only the incoherences no safeguard mitigates; false: only the others.",
    )

    class Meta:
        model = Interaction
        fields = ["source", "target", "score", "incoherence", "unmitigated"]

    def by_incoherence(self, queryset, name, value):
        return queryset.filter(score__lte=-2) if value else queryset.filter(score__gt=-2)

    def by_unmitigated(self, queryset, name, value):
        unmitigated = Q(score__lte=-2) & Q(mitigated=False)
        queryset = queryset.with_mitigated()
        return queryset.filter(unmitigated) if value else queryset.exclude(unmitigated)


@extend_schema(tags=["catalogue"], summary="Instrument interactions, sorted by source and target")
class InteractionViewSet(ReadOnlyViewSet):
    queryset = (
        Interaction.objects.select_related("source", "target")
        .only("id", "score", "rationale", "source__code", "target__code")
        .prefetch_related(
            Prefetch(
                "mitigations",
                queryset=Mitigation.objects.select_related("safeguard")
                .only("how", "interaction_id", "safeguard__code")
                .order_by("safeguard__code"),
            )
        )
    )
    serializer_class = InteractionSerializer
    filterset_class = InteractionFilter


class GridCellSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=Level.choices, help_text="The row: a level.")
    tool_type = serializers.ChoiceField(
        choices=ToolKind.choices, help_text="The column: a tool type."
    )
    count = serializers.IntegerField(min_value=0, help_text="The number of instruments.")
    instruments = serializers.ListField(
        child=serializers.CharField(), help_text="The instruments' codes."
    )


class GridFilter(filters.FilterSet):
    country = CountryFilter(
        method=read_by_the_view,
        help_text="The country's instruments (ISO3): those naming it, and also the regional "
        "and international ones that name no country at all.",
    )
    area = filters.ChoiceFilter(
        choices=AREA_CHOICES, method=read_by_the_view, help_text="Instruments touching this area."
    )
    level = filters.ChoiceFilter(
        choices=Level.choices,
        method=read_by_the_view,
        help_text="Only this level's row: the other cells count 0.",
    )
    cycle = CycleFilter(
        method=read_by_the_view,
        help_text="With `country`: also the instruments the country's validated assessments "
        "of this cycle list (its stock-taking).",
    )

    class Meta:
        model = Instrument
        fields = ["country", "area", "level", "cycle"]


@extend_schema(
    tags=["catalogue"],
    summary="The Annex B grid",
    description="All 35 cells (5 levels × 7 tool types, levels from the inside out), each "
    "with the count and codes of its instruments. An instrument on two levels is in both "
    "rows. `country` takes the instruments naming it and the regional and international "
    "ones naming no country.",
)
class GridViewSet(ReadOnlyViewSet):
    queryset = Instrument.objects.none()
    serializer_class = GridCellSerializer
    filterset_class = GridFilter

    def list(self, request, *args, **kwargs):
        data = validated_filters(
            GridFilter(request.query_params, queryset=self.queryset, request=request)
        )
        keys = ("country", "area", "level", "cycle")
        cells = grid(**{key: data.get(key) or None for key in keys})
        page = self.paginate_queryset(cells)
        return self.get_paginated_response(page)
