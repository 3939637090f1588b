"""The indicator framework, assessments and their answers, the transition log and
the stored scores."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from actors.models import Actor
from assessments import rules
from assessments.choices import Audience, PublicationAction, State
from coherence.choices import (
    AnswerType,
    Band,
    CoherenceType,
    Dimension,
    Link,
    Perspective,
    Stage,
)
from coherence.models import Country, PolicyArea, TranslatedText

MIN_CYCLE, MAX_CYCLE = 2000, 2100


class FrameworkVersion(models.Model):
    """A version of the indicator framework. Once published it is frozen, except for
    indicators' weight, guidance and crosswalk; the newest published one is current."""

    code = models.CharField(max_length=20, unique=True, validators=[RegexValidator(r"^\S+$")])
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-published_at", "-code"]

    def __str__(self) -> str:
        return self.code

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @classmethod
    def current(cls) -> "FrameworkVersion | None":
        return cls.objects.filter(published_at__isnull=False).order_by("-published_at").first()


# Fields a catalogue administrator may still change once a version is published.
MUTABLE_AFTER_PUBLICATION = {"weight", "guidance_en", "guidance_fr", "guidance_es", "crosswalk"}


class Indicator(TranslatedText):
    """A PICMD-style question of one framework version (DESIGN §3)."""

    version = models.ForeignKey(
        FrameworkVersion, on_delete=models.PROTECT, related_name="indicators"
    )
    code = models.CharField(
        max_length=20, validators=[RegexValidator(r"^[A-Z][A-Z0-9-]*$", _("e.g. H-LAB-03"))]
    )
    rank = models.PositiveSmallIntegerField(default=0)
    dimension = models.CharField(max_length=20, choices=Dimension.choices)
    coherence_type = models.CharField(max_length=20, choices=CoherenceType.choices)
    area = models.ForeignKey(PolicyArea, on_delete=models.PROTECT, related_name="indicators")
    link = models.CharField(max_length=30, choices=Link.choices, null=True, blank=True)
    perspective = models.CharField(max_length=20, choices=Perspective.choices)
    stage = models.CharField(max_length=10, choices=Stage.choices)
    answer_type = models.CharField(max_length=20, choices=AnswerType.choices)
    weight = models.FloatField(default=1.0, validators=[MinValueValidator(0.0001)])
    allow_na = models.BooleanField(default=False)
    crosswalk = models.JSONField(default=list, blank=True)
    question_en = models.TextField()
    question_fr = models.TextField(blank=True)
    question_es = models.TextField(blank=True)
    guidance_en = models.TextField(blank=True)
    guidance_fr = models.TextField(blank=True)
    guidance_es = models.TextField(blank=True)

    class Meta:
        ordering = ["version", "rank", "code"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="indicator_code_per_version"),
            models.CheckConstraint(condition=models.Q(weight__gt=0), name="weight_positive"),
            models.CheckConstraint(
                condition=(models.Q(coherence_type="horizontal") & models.Q(link__isnull=True))
                | (
                    models.Q(coherence_type="vertical")
                    & models.Q(link__isnull=False)
                    & models.Q(link__in=Link.values)
                ),
                name="vertical_has_link_horizontal_none",
            ),
            models.CheckConstraint(
                condition=models.Q(dimension__in=Dimension.values), name="indicator_dimension"
            ),
            models.CheckConstraint(
                condition=models.Q(answer_type__in=AnswerType.values), name="indicator_answer_type"
            ),
            models.CheckConstraint(
                condition=models.Q(perspective__in=Perspective.values),
                name="indicator_perspective",
            ),
            models.CheckConstraint(
                condition=models.Q(stage__in=Stage.values), name="indicator_stage"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.version_id and self.version.code})"

    def clean(self) -> None:
        errors = {}
        if self.coherence_type == CoherenceType.VERTICAL and not self.link:
            errors["link"] = _("A vertical indicator connects two levels: choose its link.")
        if self.coherence_type == CoherenceType.HORIZONTAL and self.link:
            errors["link"] = _("A horizontal indicator has no link.")
        if not isinstance(self.crosswalk, list) or not all(
            isinstance(tag, str) and tag for tag in self.crosswalk
        ):
            errors["crosswalk"] = _("The crosswalk is a list of tags such as GCM-6 or SDG-10.7.")
        if self.pk and self.version_id and self.version.is_published:
            frozen = self.frozen_changes()
            if frozen:
                errors["__all__"] = _(
                    "Version %(v)s is published: only weight, guidance and crosswalk may "
                    "change (changed: %(f)s)."
                ) % {"v": self.version.code, "f": ", ".join(sorted(frozen))}
        if errors:
            raise ValidationError(errors)

    def frozen_changes(self) -> set[str]:
        stored = type(self).objects.filter(pk=self.pk).values().first()
        if stored is None:
            return set()
        changed = set()
        for field in self._meta.concrete_fields:
            if field.attname in MUTABLE_AFTER_PUBLICATION or field.primary_key:
                continue
            if stored[field.attname] != getattr(self, field.attname):
                changed.add(field.name)
        return changed

    def in_scope(self, perspective: str) -> bool:
        return rules.in_scope(self.perspective, perspective)


class Assessment(models.Model):
    """One actor's view of one country's coherence in one cycle."""

    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="assessments")
    cycle = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(MIN_CYCLE), MaxValueValidator(MAX_CYCLE)]
    )
    actor = models.ForeignKey(Actor, on_delete=models.PROTECT, related_name="assessments")
    perspective = models.CharField(
        max_length=20, choices=Perspective.choices, default=Perspective.BOTH
    )
    framework = models.ForeignKey(
        FrameworkVersion, on_delete=models.PROTECT, related_name="assessments"
    )
    state = models.CharField(max_length=20, choices=State.choices, default=State.DRAFT)
    version = models.PositiveIntegerField(
        default=1, help_text=_("Increases with every save: a stale version is a conflict.")
    )
    # The stock-taking's own counter: each of its entries carries the value it had at the
    # entry's last change, so that an answer save never conflicts with a stock-taking edit
    # and an edit conflicts only with another of the same entry.
    stock_revision = models.PositiveIntegerField(
        default=0, help_text=_("Increases with every stock-taking change.")
    )
    return_reason = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["country", "cycle", "actor"], name="one_assessment_per_actor_cycle"
            ),
            models.CheckConstraint(
                condition=models.Q(cycle__gte=MIN_CYCLE, cycle__lte=MAX_CYCLE), name="cycle_range"
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=State.values), name="assessment_state"
            ),
            models.CheckConstraint(
                condition=models.Q(perspective__in=Perspective.values),
                name="assessment_perspective",
            ),
        ]
        indexes = [models.Index(fields=["country", "cycle", "state"])]

    def __str__(self) -> str:
        return f"{self.country_id} {self.cycle} · {self.actor.code} ({self.state})"

    def clean(self) -> None:
        if self.actor_id and self.country_id and self.actor.country_id != self.country_id:
            raise ValidationError({"actor": _("The actor belongs to another country.")})


class Answer(models.Model):
    """One answer of an assessment: a value (or not applicable), its evidence and the
    instruments it rests on. Every change is kept in its history."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="answers")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="answers")
    # yes_no is stored 1/0, three_level 0/5/10, scale 0–4, percent 0–100; null = no value.
    value = models.FloatField(
        null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    na = models.BooleanField(default=False, help_text=_("Answered 'not applicable'."))
    evidence = models.TextField(blank=True)
    # Codes of the instruments the answer rests on. Codes are stable (DESIGN §2); a list
    # keeps every change of them in the answer's history and imports in bulk.
    instruments = models.JSONField(default=list, blank=True)
    flagged = models.BooleanField(
        default=False, help_text=_("Returned for correction: editable while the rest is locked.")
    )
    flag_comment = models.TextField(blank=True)
    revision = models.PositiveIntegerField(
        default=0, help_text=_("The assessment's version in which this answer last changed.")
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["assessment", "indicator__rank", "indicator__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "indicator"], name="one_answer_per_indicator"
            ),
            models.CheckConstraint(
                condition=models.Q(value__isnull=True) | models.Q(value__gte=0, value__lte=100),
                name="answer_value_range",
            ),
            models.CheckConstraint(
                condition=models.Q(na=False) | models.Q(value__isnull=True),
                name="na_has_no_value",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} = {self.display_value}"

    @property
    def display_value(self) -> str:
        from assessments.values import format_value

        return format_value(self.indicator.answer_type, self.value, self.na)

    def clean(self) -> None:
        from assessments.values import check_value

        if self.indicator_id:
            problem = check_value(self.indicator, self.value, self.na)
            if problem:
                raise ValidationError({"value": problem})


class TransitionLog(models.Model):
    """Append-only: who moved an assessment from which state to which, when, and why."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="transitions")
    action = models.CharField(max_length=20)
    from_state = models.CharField(max_length=20, choices=State.choices)
    to_state = models.CharField(max_length=20, choices=State.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(blank=True)
    indicators = models.JSONField(
        default=dict, blank=True, help_text=_("Indicators returned for correction: code → comment.")
    )

    class Meta:
        ordering = ["assessment", "at", "id"]

    def __str__(self) -> str:
        return f"{self.assessment_id}: {self.from_state} → {self.to_state}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValidationError(_("The transition log is append-only."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("The transition log is append-only."))


# --- Stored scores (computed by assessments.tasks, read by pages and the API) ----------

score_range = [MinValueValidator(0), MaxValueValidator(100)]


def _score_checks(prefix: str) -> list[models.CheckConstraint]:
    return [
        models.CheckConstraint(
            condition=models.Q(**{f"{field}__isnull": True})
            | models.Q(**{f"{field}__gte": 0, f"{field}__lte": 100}),
            name=f"{prefix}_{field}_range",
        )
        for field in ("overall", "horizontal", "vertical")
    ]


class ScoreFigures(models.Model):
    """The published figures of DESIGN §4 (rounded), shared by both score tables."""

    framework = models.ForeignKey(FrameworkVersion, on_delete=models.PROTECT, related_name="+")
    overall = models.FloatField(null=True, validators=score_range)
    horizontal = models.FloatField(null=True, validators=score_range)
    vertical = models.FloatField(null=True, validators=score_range)
    band = models.CharField(max_length=20, choices=Band.choices, null=True)
    areas = models.JSONField(default=list)
    dimensions = models.JSONField(default=list)
    links = models.JSONField(default=list)
    stale = models.BooleanField(default=False)
    computed_at = models.DateTimeField(null=True)

    class Meta:
        abstract = True


# The published figures both score tables hold, as scoring.payloads gives them: what the
# recompute writes and the API shows of either.
SCORE_FIGURES = ("overall", "horizontal", "vertical", "band", "areas", "dimensions", "links")

# A consolidated score's fields, in the order DESIGN §6 reads them: what the API shows
# and the country dashboard reads.
CONSOLIDATED_FIELDS = (
    "country",
    "cycle",
    "framework",
    *SCORE_FIGURES[:4],  # overall, horizontal, vertical, band
    "divergence",
    "assessments",
    *SCORE_FIGURES[4:],  # areas, dimensions, links
    "stale",
    "computed_at",
    "crosswalk",  # DESIGN §4, §6: every consolidated score also carries its crosswalk
)


class AssessmentScore(ScoreFigures):
    """The scores of one assessment."""

    assessment = models.OneToOneField(Assessment, on_delete=models.CASCADE, related_name="score")

    class Meta:
        constraints = _score_checks("assessment_score")

    def __str__(self) -> str:
        return f"{self.assessment_id}: {self.overall}"


class ConsolidatedScore(ScoreFigures):
    """A country's scores in a cycle, over its validated assessments."""

    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="scores")
    cycle = models.PositiveSmallIntegerField()
    divergence = models.FloatField(null=True, validators=score_range)
    assessments = models.PositiveIntegerField(default=0)
    # The crosswalk entries of DESIGN §4, in published order: an indicative crosswalk from a
    # self-assessment, not an official SDG 10.7.2 return.
    crosswalk = models.JSONField(default=list)

    class Meta:
        ordering = ["country", "cycle"]
        constraints = [
            models.UniqueConstraint(
                fields=["country", "cycle"], name="one_score_per_country_cycle"
            ),
            *_score_checks("consolidated_score"),
        ]

    def __str__(self) -> str:
        return f"{self.country_id} {self.cycle}: {self.overall}"


class IndicatorConsolidation(models.Model):
    """An indicator's consolidated value in a country and cycle, and how far the
    validated assessments' values spread (100 × (max − min))."""

    # A derived table rewritten whole by every recompute: no database-level foreign keys,
    # whose per-row checks would double the cost of writing it.
    country = models.ForeignKey(
        Country,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    cycle = models.PositiveSmallIntegerField()
    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    value = models.FloatField(null=True)
    spread = models.FloatField(null=True)
    n = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["country", "cycle", "-spread"]
        constraints = [
            models.UniqueConstraint(
                fields=["country", "cycle", "indicator"], name="one_consolidation_per_indicator"
            )
        ]

    def __str__(self) -> str:
        return f"{self.country_id} {self.cycle} {self.indicator_id}: {self.value}"


class EvidenceDocument(models.Model):
    """A file attached to an answer as evidence (DESIGN §7). Its type is read from its
    content; its bytes live in the "evidence" storage under a name of our making. Removing
    it marks it removed and keeps the bytes: the answer's history still links to it."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="documents")
    name = models.CharField(max_length=255, help_text=_("The file's name as given, sanitised."))
    size = models.PositiveBigIntegerField(help_text=_("Bytes."))
    content_type = models.CharField(max_length=100, help_text=_("Read from the content."))
    storage_name = models.CharField(max_length=255, unique=True, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    removed_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["answer", "uploaded_at", "id"]
        indexes = [models.Index(fields=["answer", "removed_at"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(size__gt=0), name="evidence_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name


# --- Publication of a country's profile (DESIGN §7) -----------------------------


class Publication(models.Model):
    """A validated cycle's country profile, published by the country's lead actor to its
    peers or to the public. No row: not published (the default)."""

    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="publications")
    cycle = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(MIN_CYCLE), MaxValueValidator(MAX_CYCLE)]
    )
    audience = models.CharField(max_length=10, choices=Audience.choices)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField()

    class Meta:
        ordering = ["country", "cycle"]
        constraints = [
            models.UniqueConstraint(fields=["country", "cycle"], name="one_publication_per_cycle"),
            models.CheckConstraint(
                condition=models.Q(audience__in=Audience.values), name="publication_audience"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.country_id} {self.cycle}: {self.audience}"


class PublicationLog(models.Model):
    """Append-only: who published or withdrew which country's profile, to whom, when."""

    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+")
    cycle = models.PositiveSmallIntegerField()
    action = models.CharField(max_length=10, choices=PublicationAction.choices)
    audience = models.CharField(max_length=10, choices=Audience.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["country", "cycle", "at", "id"]

    def __str__(self) -> str:
        return f"{self.country_id} {self.cycle}: {self.action} ({self.audience})"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValidationError(_("The publication log is append-only."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("The publication log is append-only."))


# --- Discussion (DESIGN §7): a thread on each answer of a non-draft assessment --------------


class Comment(models.Model):
    """A comment in the thread of one answer (assessment × indicator), by its focal point
    or a reviewer. Never deleted; its author may edit it for a quarter of an hour after
    which it is fixed; every edit is kept in its history."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="comments")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Whose side wrote it: the other side is mailed and counts it unread.
    by_reviewer = models.BooleanField()
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    # When the mail sweep dealt with it: the other side's members who had not read it by
    # then were mailed it (assessments.discussion.send_due_mails). Null: not yet.
    mailed_at = models.DateTimeField(null=True, blank=True, editable=False)
    history = HistoricalRecords(excluded_fields=["mailed_at"])

    class Meta:
        ordering = ["assessment", "indicator", "id"]
        indexes = [
            models.Index(fields=["assessment", "indicator", "id"]),
            # The sweep's every-minute question: which comments still wait for their mail.
            models.Index(
                fields=["created_at"],
                condition=models.Q(mailed_at__isnull=True),
                name="comment_mail_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id}/{self.indicator_id} #{self.pk}"

    def delete(self, *args, **kwargs):
        raise ValidationError(_("Comments are never deleted."))


class CommentRead(models.Model):
    """How far one user has read one answer's thread: the last comment id seen."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="+")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    last_read = models.PositiveBigIntegerField(default=0)
    # The language the user last read in: the one its discussion mails are written in.
    language = models.CharField(max_length=10, blank=True)
    at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "assessment", "indicator"], name="one_read_marker_per_thread"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.assessment_id}/{self.indicator_id} ≤ {self.last_read}"


class DiscussionMail(models.Model):
    """A mail sent to one user about new comments on one assessment: the batching's
    record (at most one per assessment and recipient in each batch window)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    comments = models.PositiveIntegerField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["sent_at", "id"]

    def __str__(self) -> str:
        return f"{self.assessment_id} → {self.recipient_id} ({self.comments})"


# Stock-taking (DESIGN §2): its models live in their own module, registered here.
from assessments.stocktake.models import StockInstrument, StockInteraction  # noqa: E402, F401
