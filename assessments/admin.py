from django.contrib import admin, messages
from simple_history.admin import SimpleHistoryAdmin

from assessments.models import (
    Answer,
    Assessment,
    AssessmentScore,
    ConsolidatedScore,
    FrameworkVersion,
    Indicator,
    IndicatorConsolidation,
    Publication,
    PublicationLog,
    TransitionLog,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written only by services: the admin shows them, never edits them."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(FrameworkVersion)
class FrameworkVersionAdmin(admin.ModelAdmin):
    list_display = ["code", "published_at"]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "version",
        "dimension",
        "coherence_type",
        "area",
        "link",
        "answer_type",
        "weight",
    ]
    list_filter = ["version", "dimension", "coherence_type", "link", "perspective", "answer_type"]
    search_fields = ["code", "question_en"]
    list_select_related = ["version", "area"]

    def save_model(self, request, obj, form, change):
        # Weights move every score, tags the crosswalk scores (DESIGN §3, §4).
        weight_changed = change and bool({"weight", "crosswalk"} & set(form.changed_data))
        super().save_model(request, obj, form, change)
        if weight_changed:
            # A weight change recomputes every score of that version (DESIGN §3); they are
            # stale from this save's commit on, until their chunk of the recompute has run.
            from assessments import tasks

            tasks.request_full_recompute(obj.version_id)
            messages.info(request, "Scores of this version are being recomputed.")


class AnswerInline(admin.TabularInline):
    model = Answer
    extra = 0
    fields = ["indicator", "value", "na", "evidence", "instruments", "flagged", "flag_comment"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class TransitionInline(admin.TabularInline):
    model = TransitionLog
    extra = 0
    fields = ["at", "by", "from_state", "to_state", "reason", "indicators"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    """Assessments change only through the workflow services: the admin reads them."""

    list_display = ["id", "country", "cycle", "actor", "perspective", "state", "version"]
    list_filter = ["state", "cycle", "country", "perspective"]
    list_select_related = ["country", "actor"]
    readonly_fields = [
        "country",
        "cycle",
        "actor",
        "perspective",
        "framework",
        "state",
        "version",
        "return_reason",
        "created_by",
    ]
    inlines = [AnswerInline, TransitionInline]

    def has_add_permission(self, request):
        return False


@admin.register(Answer)
class AnswerAdmin(SimpleHistoryAdmin, ReadOnlyAdmin):
    list_display = ["assessment", "indicator", "value", "na", "flagged", "updated_by"]
    list_select_related = ["assessment__actor", "indicator__version", "updated_by"]


@admin.register(TransitionLog)
class TransitionLogAdmin(ReadOnlyAdmin):
    list_display = ["assessment", "action", "from_state", "to_state", "by", "at"]
    list_select_related = ["assessment__actor", "by"]


@admin.register(AssessmentScore)
class AssessmentScoreAdmin(ReadOnlyAdmin):
    list_display = ["assessment", "overall", "band", "stale", "computed_at"]
    list_select_related = ["assessment__actor"]


@admin.register(ConsolidatedScore)
class ConsolidatedScoreAdmin(ReadOnlyAdmin):
    list_display = ["country", "cycle", "overall", "band", "divergence", "assessments", "stale"]
    list_select_related = ["country"]


@admin.register(IndicatorConsolidation)
class IndicatorConsolidationAdmin(ReadOnlyAdmin):
    list_display = ["country", "cycle", "indicator", "value", "spread", "n"]
    list_select_related = ["country", "indicator"]


# Publication: read here; the lead actor's focal points publish on the profile
# page, through assessments.publication (the lead actor is set on the actor).
@admin.register(Publication)
class PublicationAdmin(ReadOnlyAdmin):
    list_display = ["country", "cycle", "audience", "published_by", "published_at"]
    list_filter = ["audience"]
    list_select_related = ["country", "published_by"]


@admin.register(PublicationLog)
class PublicationLogAdmin(ReadOnlyAdmin):
    list_display = ["country", "cycle", "action", "audience", "by", "at"]
    list_filter = ["action", "audience"]
    list_select_related = ["country", "by"]
