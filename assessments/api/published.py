"""`published/`: the country profiles countries have published (DESIGN §6, §7).
Readable without a token: anonymous callers see the profiles published to the public,
signed-in users and tokens those published to peers as well."""

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.permissions import AllowAny

from actors.roles import principal_of
from assessments.choices import Audience
from assessments.models import ConsolidatedScore, Publication
from assessments.publication import audiences_for
from coherence.api.filters import CountryFilter, CycleFilter
from coherence.api.views import ReadOnlyViewSet


class PublishedSerializer(serializers.ModelSerializer):
    """One published country profile."""

    country = serializers.CharField(source="country_id", help_text="ISO 3166-1 alpha-3.")
    cycle = serializers.IntegerField(help_text="The cycle (a year) of the profile.")
    audience = serializers.ChoiceField(
        choices=Audience.choices,
        help_text="`peers`: every signed-in focal point and reviewer; `public`: anyone.",
    )
    published_at = serializers.DateTimeField(help_text="When it was (last) published.")
    profile_url = serializers.SerializerMethodField(
        help_text="The profile's page: on /public/ where published to the public, else the "
        "signed-in profile page."
    )
    pdf_url = serializers.SerializerMethodField(help_text="The profile as a PDF.")

    class Meta:
        model = Publication
        fields = ["country", "cycle", "audience", "published_at", "profile_url", "pdf_url"]

    def _url(self, name: str, obj) -> str:
        public = obj.audience == Audience.PUBLIC
        route = {"html": ("public:profile", "dashboards:profile")}
        route["pdf"] = ("public:profile_pdf", "dashboards:profile_pdf")
        path = reverse(route[name][0 if public else 1], args=[obj.country_id, obj.cycle])
        return self.context["request"].build_absolute_uri(path)

    def get_profile_url(self, obj) -> str:
        return self._url("html", obj)

    def get_pdf_url(self, obj) -> str:
        return self._url("pdf", obj)


class PublishedFilter(filters.FilterSet):
    country = CountryFilter(field_name="country_id", help_text="ISO 3166-1 alpha-3.")
    cycle = CycleFilter(field_name="cycle", help_text="The cycle (a year).")
    audience = filters.ChoiceFilter(
        choices=Audience.choices, help_text="Only the profiles published to this audience."
    )

    class Meta:
        model = Publication
        fields = ["country", "cycle", "audience"]


@extend_schema(tags=["published"])
@extend_schema_view(
    list=extend_schema(
        summary="Published country profiles",
        description=(
            "The profiles countries have published, sorted by country then cycle. Without "
            "a token, those published to the public; with one (or signed in), also those "
            "published to peers."
        ),
    ),
)
class PublishedViewSet(ReadOnlyViewSet):
    """The published country profiles the caller may read."""

    serializer_class = PublishedSerializer
    filterset_class = PublishedFilter
    queryset = Publication.objects.none()
    permission_classes = [AllowAny]

    def get_queryset(self):
        validated = ConsolidatedScore.objects.filter(
            country_id=OuterRef("country_id"), cycle=OuterRef("cycle"), assessments__gt=0
        )
        return (
            Publication.objects.filter(audience__in=audiences_for(principal_of(self.request.user)))
            .filter(Exists(validated))
            .order_by("country_id", "cycle")
        )
