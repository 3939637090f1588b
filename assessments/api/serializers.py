"""Assessments and their answers as the API reads and writes them."""

from django.core.validators import RegexValidator
from django_filters import rest_framework as filters
from drf_spectacular.utils import (
    extend_schema_field,
)
from rest_framework import serializers

from assessments.choices import Action, State
from assessments.discussion import unread_counts
from assessments.evidence.api import DocumentSerializer
from assessments.models import (
    MAX_CYCLE,
    MIN_CYCLE,
    Assessment,
)
from assessments.services import allowed_transitions
from coherence.api.fields import (
    JSONNumberField,
    StrictBooleanField,
    StrictCharField,
    StrictIntegerField,
)
from coherence.api.filters import CodeFilter, CountryFilter, CycleFilter
from coherence.api.serializers import StrictInputSerializer
from coherence.choices import (
    Perspective,
)

INDICATOR_CODE = RegexValidator(r"^[A-Z][A-Z0-9-]*$", "An indicator code, e.g. H-LAB-03.")
INSTRUMENT_CODE = RegexValidator(r"^[A-Z0-9][A-Z0-9-]*$", "An instrument code.")


TRANSITION_CHOICES = Action.choices


class AnswerSerializer(serializers.Serializer):
    indicator = serializers.CharField(source="indicator.code", help_text="The indicator's code.")
    value = JSONNumberField(
        allow_null=True,
        help_text="yes_no 1/0, three_level 0/5/10, scale 0–4, percent 0–100; null when "
        "unanswered or not applicable.",
    )
    na = serializers.BooleanField(help_text="Answered 'not applicable'.")
    evidence = serializers.CharField(
        allow_blank=True, help_text="What supports the answer, in the focal point's words."
    )
    instruments = serializers.ListField(
        child=serializers.CharField(), help_text="Codes of the instruments cited as evidence."
    )
    flagged = serializers.BooleanField(help_text="Returned for correction.")
    flag_comment = serializers.CharField(
        allow_blank=True, help_text="The reviewer's comment on a flagged answer, or empty."
    )
    documents = DocumentSerializer(
        many=True,
        read_only=True,
        source="document_list",
        help_text="The files attached to it as evidence (assessments/{id}/answers/"
        "{indicator}/documents/ lists, adds and removes them).",
    )


class AssessmentSerializer(serializers.ModelSerializer):
    country = serializers.CharField(source="country_id", help_text="ISO 3166-1 alpha-3.")
    actor = serializers.CharField(source="actor.code", help_text="The actor's code.")
    framework = serializers.CharField(source="framework.code", help_text="Framework version.")
    perspective = serializers.ChoiceField(
        choices=Perspective.choices, help_text="As a country of origin, destination or both."
    )
    state = serializers.ChoiceField(choices=State.choices, help_text="Where it is in review.")
    allowed_transitions = serializers.SerializerMethodField(
        help_text="The transitions the caller may make now."
    )
    unread_comments = serializers.SerializerMethodField(
        help_text="Comments on its answers by others that the caller has not read."
    )

    class Meta:
        model = Assessment
        fields = [
            "id",
            "country",
            "cycle",
            "actor",
            "framework",
            "perspective",
            "state",
            "version",
            "allowed_transitions",
            "unread_comments",
            "return_reason",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {
            "id": {"help_text": "The assessment's id."},
            "cycle": {"help_text": "The reporting cycle (a year)."},
            "version": {
                "help_text": "Raised by every save: send it back with the next save of answers."
            },
            "return_reason": {"help_text": "Why it was last returned for correction, or empty."},
            "created_at": {"help_text": "When it was started (UTC)."},
            "updated_at": {"help_text": "When it last changed (UTC)."},
        }

    @extend_schema_field(
        serializers.ListField(child=serializers.ChoiceField(choices=TRANSITION_CHOICES))
    )
    def get_allowed_transitions(self, assessment) -> list[str]:
        return allowed_transitions(self.context["request"].user, assessment)

    def get_unread_comments(self, assessment) -> int:
        # Counted once for the whole page of a list (or the one assessment): one query.
        counts = self.context.setdefault("unread_comments", {})
        if assessment.pk not in counts:
            listed = getattr(self.parent, "instance", None)
            ids = [a.pk for a in listed] if listed is not None else [assessment.pk]
            found = unread_counts(self.context["request"].user, ids)
            counts.update({pk: found.get(pk, 0) for pk in ids})
        return counts.get(assessment.pk, 0)


class AssessmentDetailSerializer(AssessmentSerializer):
    answers = AnswerSerializer(
        many=True,
        read_only=True,
        source="answer_list",
        help_text="Its answers, in the framework's order of indicators.",
    )

    class Meta(AssessmentSerializer.Meta):
        fields = [*AssessmentSerializer.Meta.fields, "answers"]


class AssessmentFilter(filters.FilterSet):
    country = CountryFilter(field_name="country", help_text="Assessments of this country (ISO3).")
    cycle = CycleFilter(field_name="cycle", help_text="Assessments of this cycle (a year).")
    state = filters.ChoiceFilter(choices=State.choices, help_text="Assessments in this state.")
    actor = CodeFilter(field_name="actor__code", help_text="Assessments by this actor's code.")
    perspective = filters.ChoiceFilter(
        choices=Perspective.choices, help_text="Assessments from this perspective."
    )

    class Meta:
        model = Assessment
        fields = ["country", "cycle", "state", "actor", "perspective"]


class AssessmentCreateSerializer(StrictInputSerializer):
    cycle = StrictIntegerField(
        min_value=MIN_CYCLE, max_value=MAX_CYCLE, help_text="The reporting cycle (a year)."
    )
    perspective = serializers.ChoiceField(
        choices=Perspective.choices,
        default=Perspective.BOTH,
        help_text="As a country of origin, destination or both (the default). The country "
        "is the caller's actor's: it is not sent.",
    )


class AnswerInputSerializer(StrictInputSerializer):
    indicator = StrictCharField(
        max_length=20, validators=[INDICATOR_CODE], help_text="The indicator's code."
    )
    value = JSONNumberField(
        required=False,
        allow_null=True,
        help_text="A JSON number or null (unanswered). Left out together with `na`: the "
        "stored value is kept.",
    )
    na = StrictBooleanField(required=False, help_text="true: not applicable.")
    evidence = StrictCharField(
        required=False, allow_blank=True, max_length=20000, help_text="Left out: kept."
    )
    instruments = serializers.ListField(
        child=StrictCharField(max_length=60, validators=[INSTRUMENT_CODE]),
        required=False,
        max_length=200,
        help_text="Instrument codes; left out: kept.",
    )


class AnswersInputSerializer(StrictInputSerializer):
    version = StrictIntegerField(
        min_value=1, help_text="The assessment version the answers were read at."
    )
    answers = AnswerInputSerializer(
        many=True, max_length=1000, help_text="The answers to change, each indicator once."
    )

    def validate_answers(self, answers):
        seen, twice = set(), set()
        for answer in answers:
            (twice if answer["indicator"] in seen else seen).add(answer["indicator"])
        if twice:
            raise serializers.ValidationError(
                f"Each indicator once; repeated: {', '.join(sorted(twice))}."
            )
        return answers


class AnswersSavedSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The assessment's id.")
    state = serializers.ChoiceField(choices=State.choices, help_text="The assessment's state.")
    version = serializers.IntegerField(help_text="The new version, to send with the next save.")
    changed = serializers.ListField(
        child=serializers.CharField(), help_text="Codes of the answers that changed."
    )


class TransitionResultSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The assessment's id.")
    state = serializers.ChoiceField(choices=State.choices, help_text="Its state after the move.")
    version = serializers.IntegerField(help_text="Its version after the move.")
    allowed_transitions = serializers.ListField(
        child=serializers.ChoiceField(choices=TRANSITION_CHOICES),
        help_text="The transitions the caller may make now.",
    )


class NoInputSerializer(StrictInputSerializer):
    pass


class ReasonSerializer(StrictInputSerializer):
    reason = StrictCharField(max_length=5000, help_text="Why; required.")


class ReturnSerializer(ReasonSerializer):
    indicators = serializers.DictField(
        child=StrictCharField(max_length=5000),
        required=False,
        help_text="Indicator code → comment: return only these for correction.",
    )
    stocktake = serializers.DictField(
        child=StrictCharField(max_length=5000),
        required=False,
        help_text="Stock-taking entry (an instrument's code, or SOURCE>TARGET for an "
        "interaction) → comment: return these for correction.",
    )
