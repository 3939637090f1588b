"""The small forms of the assessment pages: a new assessment, the queue's filters, a
reason, a return with flags, an upload."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments.choices import State
from assessments.models import MAX_CYCLE, MIN_CYCLE, Assessment
from coherence.choices import Perspective


class NewAssessmentForm(forms.Form):
    """Start the actor's assessment of its country for a cycle."""

    cycle = forms.IntegerField(
        label=gettext_lazy("Cycle (year)"),
        min_value=MIN_CYCLE,
        max_value=MAX_CYCLE,
        help_text=gettext_lazy("The year of the assessment round, e.g. 2026."),
    )
    perspective = forms.ChoiceField(
        label=gettext_lazy("Perspective"),
        choices=Perspective.choices,
        initial=Perspective.BOTH,
        widget=forms.RadioSelect,
        help_text=gettext_lazy(
            "Which questions are in scope: those for countries of origin, of destination, or both."
        ),
    )

    def __init__(self, *args, actor_id=None, country_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor_id, self.country_id = actor_id, country_id

    def clean_cycle(self) -> int:
        cycle = self.cleaned_data["cycle"]
        if Assessment.objects.filter(
            actor_id=self.actor_id, country_id=self.country_id, cycle=cycle
        ).exists():
            raise ValidationError(
                _("Your actor already has an assessment for %(cycle)s: open it from the list."),
                code="exists",
                params={"cycle": cycle},
            )
        return cycle


ALL = ""


class QueueFilterForm(forms.Form):
    """The reviewer's queue filters (a GET form): country, cycle, state."""

    country = forms.ChoiceField(label=gettext_lazy("Country"), required=False)
    cycle = forms.TypedChoiceField(
        label=gettext_lazy("Cycle"), required=False, coerce=int, empty_value=None
    )
    state = forms.ChoiceField(label=gettext_lazy("State"), required=False)

    def __init__(self, *args, countries=(), cycles=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [(ALL, _("All countries")), *countries]
        self.fields["cycle"].choices = [(ALL, _("All cycles")), *((c, c) for c in cycles)]
        self.fields["state"].choices = [(ALL, _("All states"))] + [
            (value, label) for value, label in State.choices if value != State.DRAFT
        ]


class ReasonForm(forms.Form):
    """A reason, required: reopening a validated assessment."""

    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": gettext_lazy("Give a reason: the focal point reads it.")},
    )

    def __init__(self, *args, prefix=None, **kwargs):
        super().__init__(*args, prefix=prefix, **kwargs)

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError(self.fields["reason"].error_messages["required"])
        return reason


class ReturnForm(ReasonForm):
    """Return an assessment for correction: whole (no indicator ticked), or the ticked
    indicators only, each with a comment (`flag` = codes, `comment-<code>` = comment)."""

    def __init__(self, *args, codes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.codes = set(codes)
        self.flagged: dict[str, str] = {}
        self.comment_errors: dict[str, str] = {}
        self.comments: dict[str, str] = {}

    def clean(self):
        cleaned = super().clean()
        data = self.data
        chosen = data.getlist("flag") if hasattr(data, "getlist") else data.get("flag", [])
        self.comments = {
            key[len("comment-") :]: value
            for key, value in data.items()
            if key.startswith("comment-")
        }
        for code in chosen:
            if code not in self.codes:
                raise ValidationError(
                    _("%(code)s is not an indicator of this assessment."), params={"code": code}
                )
            comment = (self.comments.get(code) or "").strip()
            if comment:
                self.flagged[code] = comment
            else:
                self.comment_errors[code] = _("Say what to correct in %(code)s.") % {"code": code}
        if self.comment_errors:
            raise ValidationError(_("Each indicator you return needs a comment."))
        return cleaned


MAX_UPLOAD_BYTES = 5 * 1024 * 1024


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Filled-in template (.xlsx or .csv)"),
        widget=forms.FileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(
                _("The file is larger than %(mb)s MB: upload the template, not a copy of it."),
                params={"mb": MAX_UPLOAD_BYTES // (1024 * 1024)},
            )
        return upload
