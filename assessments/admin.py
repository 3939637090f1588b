from django.contrib import admin, messages
from django.template.defaultfilters import filesizeformat, truncatechars
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from assessments.models import (
    Answer,
    Assessment,
    AssessmentScore,
    Comment,
    ConsolidatedScore,
    EvidenceDocument,
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


# --- The discussion's comments and the evidence documents: read here ---------------------
# Both are written only through their services (assessments.discussion, .evidence), by the
# assessment's focal point and the reviewers: comments are never deleted, and a document
# is removed by marking it (its bytes stay for the answer's history), under the answer's
# edit rules, which the administrator is not in. So neither is added, changed nor deleted
# here: the administrator finds and reads them.


class AssessmentColumns:
    """The assessment a row belongs to, by names: country, actor, cycle."""

    assessment_path = "assessment"

    def _assessment(self, obj):
        for part in self.assessment_path.split("__"):
            obj = getattr(obj, part)
        return obj

    @admin.display(description=_("Country"), ordering="assessment__country__name")
    def country(self, obj):
        return self._assessment(obj).country.name

    @admin.display(description=_("Actor"), ordering="assessment__actor__name")
    def actor(self, obj):
        return self._assessment(obj).actor.name

    @admin.display(description=_("Cycle"), ordering="assessment__cycle")
    def cycle(self, obj):
        return self._assessment(obj).cycle


class SideFilter(admin.SimpleListFilter):
    title = _("side")
    parameter_name = "side"

    def lookups(self, request, model_admin):
        return [("reviewer", _("reviewer")), ("focal_point", _("focal point"))]

    def queryset(self, request, queryset):
        if self.value() in ("reviewer", "focal_point"):
            return queryset.filter(by_reviewer=self.value() == "reviewer")
        return queryset


@admin.register(Comment)
class CommentAdmin(AssessmentColumns, SimpleHistoryAdmin, ReadOnlyAdmin):
    list_display = [
        "id",
        "country",
        "actor",
        "cycle",
        "answer",
        "author",
        "side",
        "created_at",
        "edited_at",
        "excerpt",
    ]
    list_display_links = ["id", "excerpt"]
    list_filter = [SideFilter, "assessment__cycle", "assessment__country", "created_at"]
    search_fields = [
        "body",
        "indicator__code",
        "author__username",
        "author__email",
        "assessment__actor__name",
        "assessment__country__name",
    ]
    list_select_related = ["assessment__country", "assessment__actor", "indicator", "author"]
    date_hierarchy = "created_at"
    fields = [
        "assessment",
        "indicator",
        "author",
        "by_reviewer",
        "body",
        "created_at",
        "edited_at",
        "mailed_at",
    ]
    readonly_fields = fields

    @admin.display(description=_("Answer"), ordering="indicator__code")
    def answer(self, obj):
        return obj.indicator.code

    @admin.display(description=_("Side"), ordering="by_reviewer")
    def side(self, obj):
        return _("reviewer") if obj.by_reviewer else _("focal point")

    @admin.display(description=_("Comment"))
    def excerpt(self, obj):
        return truncatechars(obj.body, 80)


class RemovedFilter(admin.SimpleListFilter):
    title = _("removed")
    parameter_name = "removed"

    def lookups(self, request, model_admin):
        return [("no", _("Attached")), ("yes", _("Removed"))]

    def queryset(self, request, queryset):
        if self.value() in ("no", "yes"):
            return queryset.filter(removed_at__isnull=self.value() == "no")
        return queryset


@admin.register(EvidenceDocument)
class EvidenceDocumentAdmin(AssessmentColumns, SimpleHistoryAdmin, ReadOnlyAdmin):
    assessment_path = "answer__assessment"
    list_display = [
        "name",
        "country",
        "actor",
        "cycle",
        "answer_code",
        "uploaded_by",
        "uploaded_at",
        "file_size",
        "content_type",
        "removed_at",
    ]
    list_filter = [
        RemovedFilter,
        "content_type",
        "answer__assessment__cycle",
        "answer__assessment__country",
        "uploaded_at",
    ]
    search_fields = [
        "name",
        "answer__indicator__code",
        "uploaded_by__username",
        "uploaded_by__email",
        "answer__assessment__actor__name",
        "answer__assessment__country__name",
    ]
    list_select_related = [
        "answer__assessment__country",
        "answer__assessment__actor",
        "answer__indicator",
        "uploaded_by",
    ]
    date_hierarchy = "uploaded_at"
    fields = [
        "name",
        "answer",
        "content_type",
        "size",
        "uploaded_by",
        "uploaded_at",
        "removed_by",
        "removed_at",
    ]
    readonly_fields = fields

    # The columns sort by the document's own path to the assessment.
    @admin.display(description=_("Country"), ordering="answer__assessment__country__name")
    def country(self, obj):
        return super().country(obj)

    @admin.display(description=_("Actor"), ordering="answer__assessment__actor__name")
    def actor(self, obj):
        return super().actor(obj)

    @admin.display(description=_("Cycle"), ordering="answer__assessment__cycle")
    def cycle(self, obj):
        return super().cycle(obj)

    @admin.display(description=_("Answer"), ordering="answer__indicator__code")
    def answer_code(self, obj):
        return obj.answer.indicator.code

    @admin.display(description=_("Size"), ordering="size")
    def file_size(self, obj):
        return filesizeformat(obj.size)
