"""The API of actors: stakeholders with their interests; and what a token's cached user
carries — its role, actor and countries — dropped from the cache when its membership
changes."""

from django.db.models import Prefetch
from django.db.models.signals import post_delete, post_save
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers

from actors.models import Actor, Interest, Membership
from actors.roles import principal_of
from coherence.api.authentication import forget_tokens_of, load_with_user
from coherence.api.filters import CodeFilter, CountryFilter
from coherence.api.views import ReadOnlyViewSet
from coherence.choices import AREA_CODES, ActorType, Level

# A token's cached user carries its role, actor and countries, so the permission checks of
# a warm request cost no query either.
load_with_user(principal_of)


def _membership_changed(sender, instance, **kwargs):
    forget_tokens_of(instance.user_id)


post_save.connect(_membership_changed, sender=Membership, dispatch_uid="api_membership_saved")
post_delete.connect(_membership_changed, sender=Membership, dispatch_uid="api_membership_deleted")


class InterestSerializer(serializers.Serializer):
    area = serializers.ChoiceField(
        choices=[(c, c) for c in AREA_CODES],
        source="area_id",
        help_text="The policy area the actor has an interest in.",
    )
    priority = serializers.IntegerField(
        min_value=1, max_value=5, help_text="How much the area matters to the actor: 1 most."
    )


class ActorSerializer(serializers.ModelSerializer):
    type = serializers.ChoiceField(choices=ActorType.choices, help_text="What kind of actor.")
    level = serializers.ChoiceField(
        choices=Level.choices, help_text="The governance level the actor works at."
    )
    country = serializers.CharField(
        source="country_id", allow_null=True, help_text="ISO 3166-1 alpha-3, or null."
    )
    parent = serializers.SlugRelatedField(
        slug_field="code",
        read_only=True,
        allow_null=True,
        help_text="The code of the actor this one belongs to, or null.",
    )
    interests = InterestSerializer(
        many=True, read_only=True, help_text="The policy areas the actor cares for, by area."
    )

    class Meta:
        model = Actor
        fields = ["code", "name", "type", "level", "country", "parent", "interests"]
        extra_kwargs = {
            "code": {"help_text": "The actor's code, unique in the catalogue."},
            "name": {"help_text": "The actor's name."},
        }


class ActorFilter(filters.FilterSet):
    type = filters.ChoiceFilter(choices=ActorType.choices, help_text="Actors of this kind.")
    level = filters.ChoiceFilter(choices=Level.choices, help_text="Actors at this level.")
    country = CountryFilter(
        field_name="country", help_text="Actors of this country (ISO3); others have none."
    )
    parent = CodeFilter(field_name="parent__code", help_text="Actors under this actor's code.")

    class Meta:
        model = Actor
        fields = ["type", "level", "country", "parent"]


@extend_schema(tags=["catalogue"])
@extend_schema_view(
    list=extend_schema(summary="Actors, sorted by code"),
    retrieve=extend_schema(summary="One actor, by code"),
)
class ActorViewSet(mixins.RetrieveModelMixin, ReadOnlyViewSet):
    queryset = (
        Actor.objects.select_related("parent")
        .prefetch_related(Prefetch("interests", queryset=Interest.objects.order_by("area_id")))
        .order_by("code")
    )
    serializer_class = ActorSerializer
    filterset_class = ActorFilter
    lookup_field = "code"
    lookup_value_regex = "[A-Z0-9][A-Z0-9-]{0,39}"
