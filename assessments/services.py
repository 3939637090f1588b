"""Every write to assessments: creating one, saving answers, and the workflow
transitions (DESIGN §7). Pages, the API, commands, tasks and the admin all call these.

Each runs in one transaction, locks the assessment row, checks the one table of
allowed transitions, writes the append-only log and queues follow-up work on commit.
"""

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from actors.models import Actor, Membership
from actors.roles import Principal, principal_of
from assessments.choices import EDITABLE_STATES, Action, State
from assessments.models import (
    Answer,
    Assessment,
    AssessmentScore,
    ConsolidatedScore,
    FrameworkVersion,
    TransitionLog,
)
from assessments.values import check_value
from coherence.choices import Perspective, Role
from coherence.models import Country

log = logging.getLogger(__name__)


class WorkflowError(Exception):
    """A refused write; `message` says why and what would allow it."""

    code = "refused"

    def __init__(self, message: str, details: dict | None = None):
        super().__init__(message)
        self.message = message
        self.details = details or {}


class TransitionRefused(WorkflowError):
    code = "transition_refused"


class AnswersRefused(WorkflowError):
    """Answers that cannot be saved; `details` maps indicator codes to reasons."""

    code = "invalid_answers"


class Conflict(WorkflowError):
    """Someone saved the assessment since the caller read it. `details` holds the current
    version and the answers changed since the caller's version, so nothing is lost."""

    code = "conflict"


# --- The one table of allowed transitions --------------------------------------------


@dataclass(frozen=True)
class Rule:
    sources: tuple[str, ...]
    target: str
    roles: tuple[str, ...]
    reason_required: bool = False


TRANSITIONS: dict[str, Rule] = {
    Action.SUBMIT: Rule(
        (State.DRAFT, State.RETURNED), State.SUBMITTED, (Role.FOCAL_POINT, Role.IMPORTER)
    ),
    Action.RETURN: Rule((State.SUBMITTED,), State.RETURNED, (Role.REVIEWER,), reason_required=True),
    Action.VALIDATE: Rule((State.SUBMITTED,), State.VALIDATED, (Role.REVIEWER, Role.IMPORTER)),
    Action.REOPEN: Rule((State.VALIDATED,), State.RETURNED, (Role.REVIEWER,), reason_required=True),
}

_ROLE_NAMES = {
    Role.FOCAL_POINT: "the assessment's own focal point",
    Role.REVIEWER: "a reviewer",
    Role.IMPORTER: "the importer",
}


def _role_refusal(principal: Principal, action: str, assessment: Assessment) -> str | None:
    """Why this principal may not take this action on this assessment, or None."""
    rule = TRANSITIONS[action]
    if principal.role not in rule.roles:
        return _("Only %(roles)s may %(action)s an assessment.") % {
            "roles": " or ".join(_ROLE_NAMES[r] for r in rule.roles),
            "action": action,
        }
    if principal.role == Role.FOCAL_POINT and principal.actor_id != assessment.actor_id:
        return _("Only the assessment's own focal point may %(action)s it.") % {"action": action}
    if (
        action == Action.VALIDATE
        and principal.role == Role.REVIEWER
        and principal.government == assessment.country_id
    ):
        return _(
            "A reviewer may not validate an assessment of its own government (%(c)s); "
            "another reviewer must."
        ) % {"c": assessment.country_id}
    return None


def allowed_transitions(user, assessment: Assessment) -> list[str]:
    """The transitions this user may make on this assessment now."""
    principal = principal_of(user)
    return [
        action
        for action, rule in TRANSITIONS.items()
        if assessment.state in rule.sources and _role_refusal(principal, action, assessment) is None
    ]


def _check_transition(principal, action, assessment, reason) -> Rule:
    rule = TRANSITIONS[action]
    if assessment.state not in rule.sources:
        raise TransitionRefused(
            _("Cannot %(action)s an assessment that is %(state)s: only from %(sources)s.")
            % {"action": action, "state": assessment.state, "sources": " or ".join(rule.sources)},
            {"state": assessment.state, "allowed_from": list(rule.sources)},
        )
    refusal = _role_refusal(principal, action, assessment)
    if refusal:
        raise TransitionRefused(refusal, {"role": principal.role})
    if rule.reason_required and not (reason or "").strip():
        raise TransitionRefused(
            _("A reason is required to %(action)s an assessment.") % {"action": action},
            {"reason": _("This field is required.")},
        )
    return rule


def _transition(
    assessment: Assessment,
    action: str,
    *,
    by,
    reason: str = "",
    indicators: Mapping[str, str] | None = None,
) -> Assessment:
    principal = principal_of(by)
    with transaction.atomic():
        locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
        rule = _check_transition(principal, action, locked, reason)
        flagged = _flag_for_correction(locked, indicators, by) if indicators else {}
        if action == Action.SUBMIT:
            Answer.objects.filter(assessment=locked, flagged=True).update(
                flagged=False, flag_comment=""
            )
        source = locked.state
        locked.state = rule.target
        locked.version += 1
        locked.return_reason = reason.strip() if rule.target == State.RETURNED else ""
        locked.save(update_fields=["state", "version", "return_reason", "updated_at"])
        TransitionLog.objects.create(
            assessment=locked,
            action=action,
            from_state=source,
            to_state=rule.target,
            by=by,
            reason=(reason or "").strip(),
            indicators=flagged,
        )
        if State.VALIDATED in (source, rule.target):
            mark_consolidation_stale(locked.country_id, locked.cycle)
            _queue_consolidation(locked.country_id, locked.cycle)
        transaction.on_commit(lambda: _notify(locked, action, by))
    return locked


def _flag_for_correction(assessment, indicators: Mapping[str, str], by) -> dict[str, str]:
    """Flag named indicators (code → comment); only these become editable."""
    framework = {i.code: i for i in assessment.framework.indicators.all()}
    errors = {}
    for code, comment in indicators.items():
        indicator = framework.get(code)
        if indicator is None:
            errors[code] = _("No indicator %(code)s in framework %(v)s.") % {
                "code": code,
                "v": assessment.framework.code,
            }
        elif not indicator.in_scope(assessment.perspective):
            errors[code] = _("%(code)s is outside this assessment's perspective.") % {"code": code}
        elif not (comment or "").strip():
            errors[code] = _("Each returned indicator needs a comment.")
    if errors:
        raise TransitionRefused(_("Some indicators cannot be returned."), errors)
    existing = {a.indicator.code: a for a in assessment.answers.select_related("indicator")}
    to_update, to_create = [], []
    for code, comment in indicators.items():
        answer = existing.get(code) or Answer(
            assessment=assessment, indicator=framework[code], revision=assessment.version
        )
        answer.flagged, answer.flag_comment, answer.updated_by = True, comment.strip(), by
        (to_update if answer.pk else to_create).append(answer)
    if to_update:
        bulk_update_with_history(
            to_update, Answer, ["flagged", "flag_comment", "updated_by"], default_user=by
        )
    if to_create:
        bulk_create_with_history(to_create, Answer, default_user=by)
    return {code: comment.strip() for code, comment in indicators.items()}


def submit(assessment: Assessment, *, by) -> Assessment:
    return _transition(assessment, Action.SUBMIT, by=by)


def return_for_correction(
    assessment: Assessment, *, by, reason: str, indicators: Mapping[str, str] | None = None
) -> Assessment:
    """Return the whole assessment, or only the named indicators (code → comment)."""
    return _transition(assessment, Action.RETURN, by=by, reason=reason, indicators=indicators)


def validate(assessment: Assessment, *, by) -> Assessment:
    return _transition(assessment, Action.VALIDATE, by=by)


def reopen(assessment: Assessment, *, by, reason: str) -> Assessment:
    return _transition(assessment, Action.REOPEN, by=by, reason=reason)


TRANSITION_FUNCTIONS = {
    Action.SUBMIT: lambda a, by, reason="", indicators=None: submit(a, by=by),
    Action.RETURN: lambda a, by, reason="", indicators=None: return_for_correction(
        a, by=by, reason=reason, indicators=indicators
    ),
    Action.VALIDATE: lambda a, by, reason="", indicators=None: validate(a, by=by),
    Action.REOPEN: lambda a, by, reason="", indicators=None: reopen(a, by=by, reason=reason),
}


# --- Creating assessments and saving answers -------------------------------------------


def framework_for(country_id: str, cycle: int) -> FrameworkVersion:
    """All assessments of one (country, cycle) use the version of the first of them;
    a new (country, cycle) uses the current published version."""
    first = (
        Assessment.objects.filter(country_id=country_id, cycle=cycle)
        .order_by("id")
        .select_related("framework")
        .first()
    )
    if first is not None:
        return first.framework
    current = FrameworkVersion.current()
    if current is None:
        raise WorkflowError(_("No framework version is published yet."))
    return current


def create_assessment(
    *, actor: Actor, cycle: int, by, perspective: str = Perspective.BOTH, country: Country = None
) -> Assessment:
    """Start an actor's assessment of its country for a cycle."""
    principal = principal_of(by)
    country_id = country.pk if country is not None else actor.country_id
    if principal.role == Role.FOCAL_POINT and principal.actor_id != actor.pk:
        raise TransitionRefused(_("A focal point starts assessments of its own actor only."))
    if principal.role not in (Role.FOCAL_POINT, Role.IMPORTER, Role.ADMIN):
        raise TransitionRefused(_("Only a focal point may start an assessment."))
    if actor.country_id is None or actor.country_id != country_id:
        raise WorkflowError(
            _("The actor %(a)s is not of country %(c)s.") % {"a": actor.code, "c": country_id}
        )
    if perspective not in Perspective.values:
        raise WorkflowError(_("Unknown perspective %(p)s.") % {"p": perspective})
    if Assessment.objects.filter(country_id=country_id, cycle=cycle, actor=actor).exists():
        raise WorkflowError(
            _("%(a)s already has an assessment of %(c)s for %(y)s.")
            % {"a": actor.code, "c": country_id, "y": cycle}
        )
    with transaction.atomic():
        assessment = Assessment(
            country_id=country_id,
            cycle=cycle,
            actor=actor,
            perspective=perspective,
            framework=framework_for(country_id, cycle),
            created_by=by,
        )
        assessment.full_clean(validate_unique=False)
        assessment.save()
        AssessmentScore.objects.create(
            assessment=assessment, framework=assessment.framework, stale=True
        )
        _queue_assessment(assessment.pk)
    return assessment


@dataclass
class AnswerInput:
    """What a caller wants an answer to be. `evidence`/`instruments` None = keep."""

    value: float | None = None
    na: bool = False
    evidence: str | None = None
    instruments: list[str] | None = None


@dataclass
class SaveResult:
    version: int
    changed: list[str] = field(default_factory=list)


def answers_snapshot(assessment: Assessment, since_version: int | None = None) -> dict:
    """The current answers (code → value, n/a, evidence, instruments, who), optionally
    only those changed after `since_version` — what a conflict shows the second person."""
    answers = assessment.answers.select_related("indicator", "updated_by")
    if since_version is not None:
        answers = answers.filter(revision__gt=since_version)
    return {
        a.indicator.code: {
            "value": a.display_value,
            "evidence": a.evidence,
            "instruments": a.instruments,
            "changed_by": a.updated_by.username if a.updated_by else None,
            "changed_at": a.updated_at.isoformat(),
        }
        for a in answers
    }


def editable_indicators(assessment: Assessment, answers=None) -> set[str] | None:
    """None when every indicator is editable; else the codes flagged for correction."""
    if assessment.state == State.RETURNED:
        rows = answers if answers is not None else assessment.answers.select_related("indicator")
        flagged = {a.indicator.code for a in rows if a.flagged}
        return flagged or None
    return None


def save_answers(
    assessment: Assessment, *, by, version: int, answers: Mapping[str, AnswerInput]
) -> SaveResult:
    """Save some answers of an editable assessment.

    `version` is the assessment version the caller read: if someone saved since, the
    save is refused with a Conflict carrying what they changed, and nothing is written.
    Only answers that really change are written (and get a history row); saving the
    same answers again changes nothing and keeps the version.
    """
    principal = principal_of(by)
    with transaction.atomic():
        locked = (
            Assessment.objects.select_for_update().select_related("framework").get(pk=assessment.pk)
        )
        if principal.role not in (Role.FOCAL_POINT, Role.IMPORTER) or (
            principal.role == Role.FOCAL_POINT and principal.actor_id != locked.actor_id
        ):
            raise AnswersRefused(_("Only the assessment's own focal point may change answers."))
        if locked.state not in EDITABLE_STATES:
            raise AnswersRefused(
                _("The assessment is %(state)s: answers are locked until it is returned.")
                % {"state": locked.state},
                {"state": locked.state},
            )
        if version != locked.version:
            raise Conflict(
                _(
                    "Someone else saved this assessment since you opened it (version %(mine)s, "
                    "now %(now)s). Your input was not saved; review their changes and save again."
                )
                % {"mine": version, "now": locked.version},
                {"version": locked.version, "changed": answers_snapshot(locked, version)},
            )
        indicators = {i.code: i for i in locked.framework.indicators.all()}
        existing = {a.indicator_id: a for a in locked.answers.all()}
        flagged_only = None
        if locked.state == State.RETURNED:
            flagged_only = {a.indicator_id for a in existing.values() if a.flagged} or None
        errors = {}
        for code, given in answers.items():
            indicator = indicators.get(code)
            if indicator is None:
                errors[code] = _("No indicator %(code)s in framework %(v)s.") % {
                    "code": code,
                    "v": locked.framework.code,
                }
                continue
            if not indicator.in_scope(locked.perspective) and (
                given.value is not None or given.na or given.evidence or given.instruments
            ):
                errors[code] = _("%(code)s is outside this assessment's perspective.") % {
                    "code": code
                }
                continue
            if flagged_only is not None and indicator.pk not in flagged_only:
                errors[code] = _("Only the indicators returned for correction may change.")
                continue
            problem = check_value(indicator, given.value, given.na)
            if problem:
                errors[code] = problem
        unknown = _unknown_instruments(answers)
        for code, missing in unknown.items():
            errors.setdefault(code, _("Unknown instruments: %(c)s") % {"c": ", ".join(missing)})
        if errors:
            raise AnswersRefused(_("Some answers cannot be saved."), errors)

        new_version = locked.version + 1
        to_create, to_update, changed = [], [], []
        for code, given in answers.items():
            indicator = indicators[code]
            answer = existing.get(indicator.pk)
            evidence = (
                given.evidence
                if given.evidence is not None
                else (answer.evidence if answer else "")
            )
            instruments = (
                sorted(set(given.instruments))
                if given.instruments is not None
                else (answer.instruments if answer else [])
            )
            value = None if given.na else given.value
            if answer is None:
                if value is None and not given.na and not evidence and not instruments:
                    continue
                answer = Answer(assessment=locked, indicator=indicator)
                to_create.append(answer)
            elif (answer.value, answer.na, answer.evidence, answer.instruments) == (
                value,
                given.na,
                evidence,
                instruments,
            ):
                continue
            else:
                to_update.append(answer)
            answer.value, answer.na, answer.evidence = value, given.na, evidence
            answer.instruments, answer.revision, answer.updated_by = instruments, new_version, by
            answer.updated_at = timezone.now()
            changed.append(code)
        if not changed:
            return SaveResult(version=locked.version)
        if to_create:
            bulk_create_with_history(to_create, Answer, default_user=by)
        if to_update:
            bulk_update_with_history(
                to_update,
                Answer,
                ["value", "na", "evidence", "instruments", "revision", "updated_by", "updated_at"],
                default_user=by,
            )
        locked.version = new_version
        locked.save(update_fields=["version", "updated_at"])
        mark_assessment_stale(locked)
        _queue_assessment(locked.pk)
    return SaveResult(version=new_version, changed=changed)


def _unknown_instruments(answers: Mapping[str, AnswerInput]) -> dict[str, list[str]]:
    from instruments.models import Instrument

    wanted = {c for a in answers.values() for c in (a.instruments or [])}
    if not wanted:
        return {}
    known = set(Instrument.objects.filter(code__in=wanted).values_list("code", flat=True))
    return {
        code: sorted(set(a.instruments) - known)
        for code, a in answers.items()
        if a.instruments and set(a.instruments) - known
    }


# --- Scores: stale marks and follow-up tasks --------------------------------------------


def mark_assessment_stale(assessment: Assessment) -> None:
    AssessmentScore.objects.update_or_create(
        assessment=assessment,
        defaults={"stale": True},
        create_defaults={"stale": True, "framework_id": assessment.framework_id},
    )
    if assessment.state == State.VALIDATED:
        mark_consolidation_stale(assessment.country_id, assessment.cycle)


def mark_consolidation_stale(country_id: str, cycle: int) -> None:
    """Mark a country-cycle's consolidation stale; on a first validation create it, stale
    and empty, so that readers see "being computed" rather than nothing."""
    updated = ConsolidatedScore.objects.filter(country_id=country_id, cycle=cycle).update(
        stale=True
    )
    if updated:
        return
    validated = Assessment.objects.filter(
        country_id=country_id, cycle=cycle, state=State.VALIDATED
    ).values_list("framework_id", flat=True)
    framework_ids = list(validated)
    if framework_ids:
        ConsolidatedScore.objects.create(
            country_id=country_id,
            cycle=cycle,
            framework_id=framework_ids[0],
            assessments=len(framework_ids),
            stale=True,
        )


def delay_safely(task, *args) -> None:
    """Queue a task; if the broker is down the write still stands and its scores stay
    marked stale until the next recompute catches up."""
    try:
        task.delay(*args)
    except Exception:  # the broker's errors vary by transport; none may undo a save
        log.warning("Could not queue %s%r: scores stay stale", task.name, args, exc_info=True)


class _RecomputeBatch:
    """The recomputes one transaction asks for, queued once each when it commits: an
    import that validates a thousand assessments of twenty countries queues twenty
    consolidations, not a thousand."""

    def __init__(self):
        self.assessments: set[int] = set()
        self.consolidations: set[tuple[str, int]] = set()

    def flush(self) -> None:
        from assessments import tasks

        assessments, self.assessments = sorted(self.assessments), set()
        consolidations, self.consolidations = sorted(self.consolidations), set()
        for assessment_id in assessments:
            delay_safely(tasks.recompute_assessment, assessment_id)
        for country_id, cycle in consolidations:
            delay_safely(tasks.recompute_consolidation, country_id, cycle)

    def __call__(self) -> None:
        self.flush()


def _batch() -> _RecomputeBatch:
    """This transaction's batch. Each request for it registers an on-commit callback that
    flushes the whole batch (the first to run does the work, the others find it empty);
    a rolled-back transaction drops the callbacks, and with them the batch."""
    connection = transaction.get_connection()
    batch = next(
        (cb for _sids, cb, _robust in connection.run_on_commit if isinstance(cb, _RecomputeBatch)),
        None,
    )
    batch = batch or _RecomputeBatch()
    transaction.on_commit(batch)
    return batch


def _queue_assessment(assessment_id: int) -> None:
    _batch().assessments.add(assessment_id)


def _queue_consolidation(country_id: str, cycle: int) -> None:
    _batch().consolidations.add((country_id, cycle))


# --- Notifications ----------------------------------------------------------------------


def _notify(assessment: Assessment, action: str, by) -> None:
    """Mail reviewers on submission, and the actor's focal points on a return,
    validation or reopening."""
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    if action == Action.SUBMIT:
        recipients = users.filter(membership__role=Role.REVIEWER)
    else:
        recipients = users.filter(
            membership__role=Role.FOCAL_POINT, membership__actor_id=assessment.actor_id
        )
    emails = list(recipients.values_list("email", flat=True))
    if not emails:
        return
    subject = _("Assessment %(c)s %(y)s by %(a)s: %(s)s") % {
        "c": assessment.country_id,
        "y": assessment.cycle,
        "a": assessment.actor.code,
        "s": assessment.get_state_display(),
    }
    body = _("%(who)s moved the assessment to %(s)s.") % {
        "who": by.get_username(),
        "s": assessment.get_state_display(),
    }
    if assessment.return_reason:
        body += "\n\n" + _("Reason: %(r)s") % {"r": assessment.return_reason}
    try:
        send_mass_mail([(subject, body, None, [email]) for email in emails])
    except OSError:
        log.warning(
            "Could not send the notification for assessment %s", assessment.pk, exc_info=True
        )


def importer_user():
    """The built-in user as whom `import_responses` acts."""
    user, created = get_user_model().objects.get_or_create(
        username="importer", defaults={"is_active": False}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    Membership.objects.get_or_create(user=user, defaults={"role": Role.IMPORTER})
    return user


__all__ = [
    "AnswerInput",
    "AnswersRefused",
    "Conflict",
    "TransitionRefused",
    "WorkflowError",
    "allowed_transitions",
    "create_assessment",
    "importer_user",
    "reopen",
    "return_for_correction",
    "save_answers",
    "submit",
    "validate",
]
