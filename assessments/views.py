"""Pages: a view parses the request, checks who asks, and hands over to a service.

Every page reads its assessment through `selectors.get_visible_assessment` (404 for what
the user may not see); every write goes through `services` (or the importer), whose
refusals are shown on the page they came from, with nothing written.
"""

from collections import defaultdict

import pandas as pd
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from actors.models import Actor
from actors.roles import principal_of
from assessments import discussion, discussion_views, review, rules, scoring
from assessments.answer_sheet import AnswerSheet, displayed_entry
from assessments.choices import Action, State
from assessments.errors import AnswersInvalid, Conflict, NotReturnable, WorkflowError
from assessments.evidence.selectors import (
    document_history,
    documents_by_indicator,
    with_documents,
)
from assessments.exchange import workbook
from assessments.exchange.importer import ImportRejected, import_responses
from assessments.fill_in import after_save, choose, page_url
from assessments.forms import NewAssessmentForm, QueueFilterForm, ReasonForm, ReturnForm, UploadForm
from assessments.models import Answer, Assessment, AssessmentScore, FrameworkVersion, Indicator
from assessments.selectors import (
    get_visible_assessment,
    is_crosswalk_tag,
    visible_assessments,
    visible_scores,
)
from assessments.services import (
    TRANSITION_FUNCTIONS,
    allowed_transitions,
    answers_snapshot,
    check_transition,
    create_assessment,
    editable_indicators,
    return_for_correction,
    save_answers,
)
from assessments.stocktake.views import returned_stock_entries
from assessments.values import format_value
from coherence.choices import CROSSWALK_NAMES, SCORED_CROSSWALK, Dimension, Link, Role
from coherence.errors import NotFound, Refusal
from coherence.models import Country
from coherence.spreadsheets import download
from coherence.tables import bad_request
from instruments.selectors import instruments_for

QUEUE_ROLES = (Role.REVIEWER, Role.ADMIN, Role.IMPORTER)

# A page shown again with what was refused (a conflict, a bad value, a refused transition,
# a file with bad rows) answers 200, as Django's form views do: the page says what went
# wrong beside the fields, and a browser would log a 4xx document as a console error.
# Writes answer 302; what the user may not see, 404.
REFUSED = 200


def _page_status(refusal: Refusal) -> int:
    """The status a page answers a service's refusal with, by its kind: what does not
    exist (or no longer does) is a 404, as everywhere; any other refusal is the page shown
    again with why (REFUSED)."""
    if isinstance(refusal, NotFound):
        raise Http404(refusal.message)
    return REFUSED


def _can_edit(principal, assessment: Assessment) -> bool:
    """Whether the page offers the fill-in form; the services decide what is saved."""
    return (
        principal.is_focal_point
        and principal.actor_id == assessment.actor_id
        and not rules.answers_locked(assessment.state)
    )


# --- Start page and queue ----------------------------------------------------------------


def _with_progress(assessments: list[Assessment]) -> list[Assessment]:
    """Set `in_scope` on each assessment: the number of indicators its perspective
    covers, from one count per framework version and indicator perspective."""
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    versions = {a.framework_id for a in assessments}
    if versions:
        rows = (
            Indicator.objects.filter(version_id__in=versions)
            .values_list("version_id", "perspective")
            .annotate(n=Count("id"))
            .order_by()
        )
        for version, perspective, n in rows:
            counts[version][perspective] = n
    for assessment in assessments:
        per = counts.get(assessment.framework_id, {})
        assessment.in_scope = sum(
            n
            for perspective, n in per.items()
            if rules.in_scope(perspective, assessment.perspective)
        )
    return assessments


def _listed(queryset):
    answered = Q(answers__value__isnull=False) | Q(answers__na=True)
    return _with_progress(
        list(
            queryset.select_related("country", "actor", "score").annotate(
                answered=Count("answers", filter=answered),
                flagged=Count("answers", filter=Q(answers__flagged=True)),
            )
        )
    )


def _score_ready(score) -> bool:
    return score is not None and not score.stale and score.computed_at is not None


@login_required
def start(request, new_form=None, status=200):
    """A focal point's assessments by cycle and state; a reviewer's queue."""
    principal = principal_of(request.user)
    if principal.role in QUEUE_ROLES:
        return queue(request)
    context = {"principal": principal, "assessments": [], "consolidated": []}
    if principal.is_focal_point:
        assessments = _listed(visible_assessments(request.user).order_by("-cycle", "id"))
        discussion.with_unread(assessments, request.user)
        for assessment in assessments:
            assessment.score_ready = _score_ready(getattr(assessment, "score", None))
        by_cycle: dict[int, list] = defaultdict(list)
        for assessment in assessments:
            by_cycle[assessment.cycle].append(assessment)
        consolidated = list(visible_scores(request.user).order_by("-cycle"))
        for score in consolidated:
            score.ready = _score_ready(score)
        context.update(
            assessments=assessments,
            cycles=sorted(by_cycle.items(), reverse=True),
            consolidated=consolidated,
            new_form=new_form
            or NewAssessmentForm(
                initial={"cycle": _next_cycle(assessments)},
                actor_id=principal.actor_id,
                country_id=principal.country,
            ),
        )
    return render(request, "start.html", context, status=status)


def _next_cycle(assessments) -> int:
    """This year, or the year after the latest cycle when this year is taken."""
    year = timezone.now().year
    taken = {a.cycle for a in assessments}
    return year if year not in taken else max(taken) + 1


@login_required
@require_POST
def new(request):
    """Start an assessment of the focal point's actor for a cycle and perspective."""
    principal = principal_of(request.user)
    if not principal.is_focal_point:
        raise Http404("Only a focal point starts assessments.")
    form = NewAssessmentForm(
        request.POST, actor_id=principal.actor_id, country_id=principal.country
    )
    if form.is_valid():
        actor = Actor.objects.get(pk=principal.actor_id)
        try:
            assessment = create_assessment(
                actor=actor,
                cycle=form.cleaned_data["cycle"],
                perspective=form.cleaned_data["perspective"],
                by=request.user,
            )
        except WorkflowError as refusal:
            status = _page_status(refusal)
            form.add_error(None, refusal.message)
            return start(request, new_form=form, status=status)
        else:
            messages.success(
                request,
                _("Assessment for %(cycle)s started: answer the questions and save at any time.")
                % {"cycle": assessment.cycle},
            )
            return redirect("assessments:detail", assessment.pk)
    return start(request, new_form=form, status=REFUSED)


@login_required
def queue(request):
    """Assessments beyond draft in one table — country, actor, cycle, state, submitted
    date, days waiting — filtered by country, cycle and state (submitted ones by default)
    and sorted by a column header (oldest submission first by default)."""
    principal = principal_of(request.user)
    if principal.role not in QUEUE_ROLES:
        raise Http404("No queue for this user.")
    visible = visible_assessments(request.user).exclude(state=State.DRAFT)
    countries = list(
        Country.objects.filter(assessments__in=visible)
        .distinct()
        .order_by("name")
        .values_list("iso3", "name")
    )
    cycles = sorted(set(visible.values_list("cycle", flat=True).distinct()), reverse=True)
    data = request.GET.copy()
    if "state" not in data:
        data["state"] = State.SUBMITTED
    form = QueueFilterForm(data, countries=countries, cycles=cycles)
    filtered = visible
    if form.is_valid():
        if form.cleaned_data["country"]:
            filtered = filtered.filter(country_id=form.cleaned_data["country"])
        if form.cleaned_data["cycle"] is not None:
            filtered = filtered.filter(cycle=form.cleaned_data["cycle"])
        if form.cleaned_data["state"]:
            filtered = filtered.filter(state=form.cleaned_data["state"])
    else:
        filtered = filtered.none()
    sort, order, ordering = review.queue_order(request.GET)
    assessments = _listed(filtered.annotate(submitted_at=review.submitted_at()).order_by(*ordering))
    discussion.with_unread(assessments, request.user)
    for assessment in assessments:
        assessment.score_ready = _score_ready(getattr(assessment, "score", None))
        assessment.days_waiting = review.days_waiting(assessment)
    return render(
        request,
        "assessments/queue.html",
        {
            "principal": principal,
            "form": form,
            "assessments": assessments,
            "count": len(assessments),
            "columns": _queue_headers(request, sort, order),
            "sort": sort,
            "order": order,
        },
    )


def _queue_headers(request, sort: str, order: str) -> list[dict]:
    """Each column's header: its link sorts by it (ascending first, then the other way
    round), keeping the filters; the sorted one carries aria-sort."""
    headers = []
    for column in review.queue_columns():
        chosen = column.key == sort
        params = request.GET.copy()
        params["sort"] = column.key
        params["order"] = "desc" if chosen and order == "asc" else "asc"
        headers.append(
            {
                "key": column.key,
                "label": column.label,
                "url": "?" + params.urlencode(),
                "aria_sort": ("ascending" if order == "asc" else "descending") if chosen else "",
                "numeric": column.numeric,
            }
        )
    return headers


# --- The framework ----------------------------------------------------------------------


@login_required
def framework(request):
    """The current framework version's indicators — code, question in the reader's language,
    dimension, area and crosswalk tags — filterable by one crosswalk tag (exact match)."""
    tag = (request.GET.get("crosswalk") or "").strip()
    if tag and not is_crosswalk_tag(tag):
        return bad_request(
            request, _("Unknown crosswalk tag: “%(t)s” (e.g. GCM-4, SDG-10.7.2-D1).") % {"t": tag}
        )
    version = FrameworkVersion.current()
    indicators = (
        list(
            Indicator.objects.filter(version=version)
            .select_related("area")
            .order_by("rank", "code")
        )
        if version
        else []
    )
    used = {t for indicator in indicators for t in indicator.crosswalk or []}
    scored = [code for _f, code in SCORED_CROSSWALK]
    tags = [c for c in scored if c in used] + sorted(used - set(scored))
    dimensions = dict(Dimension.choices)
    rows = [
        {
            "code": indicator.code,
            "question": indicator.translated("question"),
            "dimension": dimensions.get(indicator.dimension, indicator.dimension),
            "area": indicator.area.translated("name"),
            "tags": [
                {"code": t, "name": CROSSWALK_NAMES.get(t), "chosen": t == tag}
                for t in indicator.crosswalk or []
            ],
        }
        for indicator in indicators
        if not tag or tag in (indicator.crosswalk or [])
    ]
    return render(
        request,
        "assessments/framework.html",
        {
            "principal": principal_of(request.user),
            "version": version,
            "rows": rows,
            "tags": [(t, CROSSWALK_NAMES.get(t)) for t in tags],
            "tag": tag,
            "total": len(indicators),
        },
    )


# --- One assessment ----------------------------------------------------------------------


def _sheet(request, assessment: Assessment, *, with_instruments: bool = True) -> AnswerSheet:
    """The assessment's indicators and answers in a handful of queries, whatever their
    number: the framework's indicators, the answers, the instruments on offer."""
    indicators = list(
        Indicator.objects.filter(version_id=assessment.framework_id).select_related("area")
    )
    by_id = {i.pk: i for i in indicators}
    answers = list(Answer.objects.filter(assessment_id=assessment.pk))
    for answer in answers:
        answer.indicator = by_id.get(answer.indicator_id)
    principal = principal_of(request.user)
    return AnswerSheet(
        assessment,
        indicators=indicators,
        answers=answers,
        instruments=_instruments(assessment) if with_instruments else None,
        editable=editable_indicators(assessment, answers),
        can_edit=_can_edit(principal, assessment),
    )


def _instruments(assessment: Assessment) -> list[tuple[str, str]]:
    """The instruments a picker offers: the country's, and the regional and international
    ones that bind every state — one query for the whole page."""
    return list(
        instruments_for(country=assessment.country_id).order_by("code").values_list("code", "name")
    )


def _score_lists(score, sheet: AnswerSheet) -> dict:
    """The stored figures with labels in the user's language."""
    areas = {i.area_id: i.area.translated("name") for i in sheet.indicators.values()}
    dimensions = dict(Dimension.choices)
    links = dict(Link.choices)
    return {
        "dimensions": [
            {**d, "label": dimensions.get(d["code"], d["code"])} for d in score.dimensions or []
        ],
        "areas": [{**a, "label": areas.get(a["code"], a["code"])} for a in score.areas or []],
        "links": [{**lk, "label": links.get(lk["code"], lk["code"])} for lk in score.links or []],
    }


def _comparison(request, assessment: Assessment, sheet: AnswerSheet) -> list[dict] | None:
    """The other actors' answers for the same country and cycle (not drafts), with how far
    the answers spread (100 × (max − min) of the normalised values), widest first."""
    others = list(
        visible_assessments(request.user)
        .filter(country_id=assessment.country_id, cycle=assessment.cycle)
        .exclude(pk=assessment.pk)
        .exclude(state=State.DRAFT)
        .select_related("actor")
        .order_by("actor__name", "actor__code")
    )
    if not others:
        return None
    actors = {o.pk: o.actor.name for o in others}  # as a person reads them
    indicators = {b.indicator.pk: b.indicator for b in sheet.blocks.values()}
    records = [
        (assessment.pk, b.answer.indicator_id, b.answer.value, b.answer.na)
        for b in sheet.blocks.values()
        if b.answer is not None
    ]
    records += list(
        Answer.objects.filter(assessment_id__in=actors, indicator_id__in=indicators).values_list(
            "assessment_id", "indicator_id", "value", "na"
        )
    )
    frame = pd.DataFrame.from_records(records, columns=["assessment", "indicator", "raw", "na"])
    if frame.empty:
        return []
    frame["answer_type"] = frame["indicator"].map(lambda pk: indicators[pk].answer_type)
    frame["s"] = scoring.normalise(frame["answer_type"], frame["raw"].astype(float)).to_numpy()
    valued = frame.dropna(subset=["s"]).groupby("indicator")["s"]
    spreads = ((valued.max() - valued.min()) * 100).where(valued.count() >= 2)
    departures = review.departures(frame, assessment.pk)
    frame["shown"] = [
        displayed_entry(t, format_value(t, None if pd.isna(r) else r, bool(n)))
        for t, r, n in zip(frame["answer_type"], frame["raw"], frame["na"], strict=True)
    ]
    rows = []
    for pk, part in frame.groupby("indicator"):
        theirs = part[part["assessment"] != assessment.pk]
        if theirs.empty:
            continue
        mine = part[part["assessment"] == assessment.pk]["shown"]
        spread = spreads.get(pk)
        rows.append(
            {
                "indicator": indicators[pk],
                "question": indicators[pk].translated("question"),
                "this": mine.iloc[0] if len(mine) else "",
                "others": [
                    (actors[a], shown)
                    for a, shown in sorted(
                        zip(theirs["assessment"], theirs["shown"], strict=True),
                        key=lambda pair: (actors[pair[0]], pair[0]),
                    )
                ],
                "spread": None if spread is None or pd.isna(spread) else float(spread),
                "departure": departures.get(pk),
            }
        )
    rows.sort(key=lambda r: (r["spread"] is None, -(r["spread"] or 0), r["indicator"].code))
    return rows


def _render_detail(
    request,
    assessment: Assessment,
    *,
    sheet: AnswerSheet | None = None,
    status: int = 200,
    version: int | None = None,
    return_form: ReturnForm | None = None,
    reopen_form: ReasonForm | None = None,
    upload_form: UploadForm | None = None,
    stock_form: dict | None = None,
):
    principal = principal_of(request.user)
    sheet = sheet or _sheet(request, assessment)
    if sheet.instruments is None:
        sheet.offer_instruments(_instruments(assessment))
    allowed = allowed_transitions(request.user, assessment)
    score = AssessmentScore.objects.filter(assessment_id=assessment.pk).first()
    consolidated = (
        visible_scores(request.user)
        .filter(country_id=assessment.country_id, cycle=assessment.cycle)
        .first()
    )
    if return_form is not None:
        for code, block in sheet.blocks.items():
            block.return_checked = code in return_form.data.getlist("flag")
            block.return_comment = return_form.comments.get(code, "")
            block.return_error = return_form.comment_errors.get(code, "")
    with_documents(sheet)
    discussion_views.attach(request, assessment, sheet)
    page = None
    if sheet.can_edit:
        # One section of the form at a time (assessments.fill_in), asked for in the query
        # or, on a refused save, in the posted form.
        page = choose(sheet, sheet.grouped(), request.POST or request.GET)
        sheet.prepare_instruments((b for g in page.groups for b in g.all_blocks), full=page.pick)
        groups = page.groups
    else:
        groups = sheet.groups()
    comparison = _comparison(request, assessment, sheet) if principal.is_reviewer else None
    score_lists = _score_lists(score, sheet) if _score_ready(score) else None
    transitions = list(assessment.transitions.select_related("by"))
    context = {
        "page": page,
        "error_blocks": [b for b in sheet.ordered_blocks() if b.error],
        "principal": principal,
        "assessment": assessment,
        "sheet": sheet,
        "groups": groups,
        "version": assessment.version if version is None else version,
        "can_edit": sheet.can_edit,
        "allowed": allowed,
        "score": score,
        "score_ready": _score_ready(score),
        "score_lists": score_lists,
        "consolidated": consolidated,
        "consolidated_ready": _score_ready(consolidated),
        "transitions": transitions,
        "returned": [b for b in sheet.ordered_blocks() if b.flagged],
        "conflicts": [b for b in sheet.ordered_blocks() if b.conflict],
        "comparison": comparison,
        "return_form": return_form or (ReturnForm() if Action.RETURN in allowed else None),
        "reopen_form": reopen_form
        or (ReasonForm(prefix="reopen") if Action.REOPEN in allowed else None),
        "upload_form": upload_form or (UploadForm() if sheet.can_edit else None),
        # A refused stock-taking form: the input to show back (assessments.stocktake.views).
        "stock_form": stock_form,
        "review": None
        if sheet.can_edit or principal.role not in QUEUE_ROLES
        else review.review_context(
            request,
            assessment=assessment,
            sheet=sheet,
            groups=groups,
            score_lists=score_lists,
            comparison=comparison,
            allowed=allowed,
            transitions=transitions,
        ),
    }
    return render(request, "assessments/detail.html", context, status=status)


def _refused(request, refusal: WorkflowError, assessment: Assessment, *, sheet=None):
    """The assessment's page answering a service's refusal, by its kind (_page_status):
    the refusal's message on top; for a conflict, what someone saved meanwhile beside the
    user's input and the version they left; for invalid answers, each reason beside its
    block; for indicators that could not be returned, each with why."""
    status = _page_status(refusal)
    sheet = sheet or _sheet(request, assessment)
    messages.error(request, refusal.message)
    version = None
    if isinstance(refusal, Conflict):
        sheet.show_conflict(refusal.details.get("changed", {}))
        version = refusal.details.get("version")
    elif isinstance(refusal, AnswersInvalid):
        sheet.refuse(refusal.details)
    elif isinstance(refusal, NotReturnable):
        for code, why in refusal.details.items():
            messages.error(request, f"{code}: {why}")
    return _render_detail(request, assessment, sheet=sheet, status=status, version=version)


@login_required
def detail(request, pk: int):
    """The assessment: the fill-in form for its focal point while it is editable, the
    answers, scores, comparison and review actions for a reviewer."""
    assessment = get_visible_assessment(request.user, pk)
    return _render_detail(request, assessment)


@login_required
@require_POST
def save(request, pk: int):
    """Save the blocks the user changed. On a conflict or a refusal the page comes back
    with the user's input kept and the reasons beside the fields; nothing is written."""
    assessment = get_visible_assessment(request.user, pk)
    sheet = _sheet(request, assessment, with_instruments=False)
    sheet.bind(request.POST)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = None
    if version is None:
        messages.error(request, _("The form was incomplete: nothing was saved. Reload the page."))
        return _render_detail(request, assessment, sheet=sheet, status=REFUSED)
    if not sheet.is_valid:
        if version < assessment.version:
            sheet.show_conflict(answers_snapshot(assessment, version))
        messages.error(request, _("Nothing was saved: correct the answers marked below."))
        return _render_detail(request, assessment, sheet=sheet, status=REFUSED)
    try:
        result = save_answers(assessment, by=request.user, version=version, answers=sheet.inputs)
    except WorkflowError as refusal:
        if isinstance(refusal, Conflict) and not sheet.inputs:
            messages.info(
                request,
                _("You had changed nothing; the page now shows the answers someone else saved."),
            )
            return redirect(after_save(sheet, sheet.grouped(), request.POST))
        return _refused(request, refusal, assessment, sheet=sheet)
    if result.changed:
        messages.success(
            request,
            _("Saved: %(n)s answers changed (version %(v)s).")
            % {"n": len(result.changed), "v": result.version},
        )
    else:
        messages.info(request, _("Nothing had changed: there was nothing to save."))
    # Back to the same section, at the question the user was at (fill_in.after_save).
    return redirect(after_save(sheet, sheet.grouped(), request.POST))


@login_required
@require_POST
def transition(request, pk: int, action: str):
    """Submit, return, validate or reopen, through the service's one table of allowed
    transitions; a refusal is shown and changes nothing."""
    assessment = get_visible_assessment(request.user, pk)
    reason, indicators = "", None
    if action == Action.RETURN:
        codes = [
            i.code
            for i in Indicator.objects.filter(version_id=assessment.framework_id)
            if i.in_scope(assessment.perspective)
        ]
        form = ReturnForm(request.POST, codes=codes)
        if not form.is_valid():
            messages.error(request, _("Not returned: see the fields marked below."))
            return _render_detail(request, assessment, status=REFUSED, return_form=form)
        reason, indicators = form.cleaned_data["reason"], form.flagged or None
    elif action == Action.REOPEN:
        form = ReasonForm(request.POST, prefix="reopen")
        if not form.is_valid():
            messages.error(request, _("Not reopened: a reason is required."))
            return _render_detail(request, assessment, status=REFUSED, reopen_form=form)
        reason = form.cleaned_data["reason"]
    if action in review.CONFIRMED and request.POST.get("confirm") != "yes":
        return _confirm(request, assessment, action, reason)
    try:
        if action == Action.RETURN and (stock := returned_stock_entries(request.POST)):
            return_for_correction(
                assessment, by=request.user, reason=reason, indicators=indicators, stocktake=stock
            )
        else:
            TRANSITION_FUNCTIONS[action](
                assessment, request.user, reason=reason, indicators=indicators
            )
    except WorkflowError as refusal:
        return _refused(request, refusal, assessment)
    done = {
        Action.SUBMIT: _("Submitted: the answers are locked and the reviewers are told."),
        Action.RETURN: _("Returned for correction: the focal point is told."),
        Action.VALIDATE: _("Validated: the country's consolidated scores are being computed."),
        Action.REOPEN: _("Reopened: the assessment is returned to its focal point."),
    }
    messages.success(request, done[action])
    return redirect("assessments:detail", assessment.pk)


def _confirm(request, assessment: Assessment, action: str, reason: str):
    """Validating or reopening without the reviewer's confirmation changes nothing: the
    page says what the action will do and asks again (what a browser without JavaScript
    shows instead of the dialog). An action the user may not take now is refused as such."""
    try:
        check_transition(request.user, assessment, action, reason=reason)
    except WorkflowError as refusal:
        return _refused(request, refusal, assessment)
    (confirmation,) = review.confirmations(assessment, [action])
    return render(
        request,
        "assessments/confirm.html",
        {
            "principal": principal_of(request.user),
            "assessment": assessment,
            "c": confirmation,
            "reason": reason,
        },
    )


# --- Offline: the XLSX template and its upload ---------------------------------------------


@login_required
def template(request, pk: int):
    """The assessment as an XLSX template, prefilled with its current answers."""
    assessment = get_visible_assessment(request.user, pk)
    sheet = _sheet(request, assessment, with_instruments=False)
    blocks = sheet.ordered_blocks()
    answers = {b.indicator.pk: b.answer for b in blocks if b.answer is not None}
    names = {
        code: [d.name for d in docs] for code, docs in documents_by_indicator(assessment).items()
    }
    content = workbook.template_bytes(assessment, [b.indicator for b in blocks], answers, names)
    return download(content, workbook.filename(assessment))


@login_required
@require_POST
def upload(request, pk: int):
    """Import a filled-in template into this assessment only. Every error is listed by
    row and column; nothing is written until the whole file is clean."""
    assessment = get_visible_assessment(request.user, pk)
    principal = principal_of(request.user)
    form = UploadForm(request.POST, request.FILES)
    if not _can_edit(principal, assessment):
        messages.error(
            request,
            _(
                "Only the assessment's own focal point may upload answers, while it is a draft "
                "or returned for correction. Nothing was imported."
            ),
        )
        return _render_detail(request, assessment, status=REFUSED)
    if not form.is_valid():
        messages.error(request, _("Nothing was imported: choose a file."))
        return _render_detail(request, assessment, status=REFUSED, upload_form=form)
    upload_file = form.cleaned_data["file"]
    try:
        result = import_responses(
            upload_file, filename=upload_file.name, by=request.user, only_assessment=assessment
        )
    except ImportRejected as exc:
        return render(
            request,
            "assessments/upload.html",
            {
                "principal": principal,
                "assessment": assessment,
                "errors": exc.errors,
                "total": exc.total,
                "left_out": exc.left_out,
                "filename": upload_file.name,
                "upload_form": UploadForm(),
            },
            status=REFUSED,
        )
    except WorkflowError as refusal:
        return _refused(request, refusal, assessment)
    messages.success(
        request,
        _("Uploaded %(file)s: %(n)s answers changed.")
        % {"file": upload_file.name, "n": result.answers_changed},
    )
    return redirect("assessments:detail", assessment.pk)


# --- History of one answer -----------------------------------------------------------------


def _state_of(record, answer_type: str) -> dict:
    if record is None:
        return {"value": "", "evidence": "", "instruments": "", "flag": ""}
    return {
        "value": format_value(answer_type, record.value, record.na),
        "evidence": record.evidence,
        "instruments": ", ".join(record.instruments or []),
        "flag": record.flag_comment if record.flagged else "",
    }


@login_required
def history(request, pk: int, code: str):
    """Every change of one answer: who, when, before, after."""
    assessment = get_visible_assessment(request.user, pk)
    indicator = (
        Indicator.objects.filter(version_id=assessment.framework_id, code=code)
        .select_related("area")
        .first()
    )
    if indicator is None or not indicator.in_scope(assessment.perspective):
        raise Http404("No such indicator in this assessment.")
    records = list(
        Answer.history.filter(assessment_id=assessment.pk, indicator_id=indicator.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    labels = {
        "value": _("Answer"),
        "evidence": _("Evidence"),
        "instruments": _("Instruments"),
        "flag": _("Returned for correction"),
    }
    entries, before = [], None
    for record in records:
        old = _state_of(before, indicator.answer_type)
        new = _state_of(record, indicator.answer_type)
        changes = [
            {"field": labels[key], "before": old[key], "after": new[key]}
            for key in labels
            if old[key] != new[key]
        ]
        entries.append({"record": record, "changes": changes})
        before = record
    entries += document_history(assessment, indicator)
    entries.sort(key=lambda entry: entry["record"].history_date)
    entries.reverse()
    return render(
        request,
        "assessments/history.html",
        {
            "principal": principal_of(request.user),
            "assessment": assessment,
            "indicator": indicator,
            "question": indicator.translated("question"),
            "entries": entries,
            "back": page_url(assessment.pk, indicator.dimension, anchor=indicator.code),
        },
    )
