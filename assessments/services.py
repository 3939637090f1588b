"""Every write to assessments: creating one, saving answers, and the workflow
transitions (DESIGN §7). Pages, the API, commands, tasks and the admin all call these.

Each runs in one transaction, locks the assessment row, checks the one table of
allowed transitions, writes the append-only log and queues follow-up work on commit.

Each also has a batch form, for imports: create_assessments, save_answers_many and
transition_many take many assessments in a fixed number of queries. The one-assessment
functions are one-item calls of these, so every rule is written once.
"""

import enum
import logging
import threading
import weakref
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from actors.models import Actor, Membership
from actors.roles import Principal, principal_of
from assessments import rules
from assessments.choices import Action, State
from assessments.errors import (
    ActorWithoutCountry,
    AnswersForbidden,
    AnswersInvalid,
    AnswersLocked,
    AnswersRefused,
    AssessmentExists,
    AssessmentGone,
    Conflict,
    NoFramework,
    NotReturnable,
    ReasonRequired,
    TransitionForbidden,
    TransitionRaced,
    TransitionRefused,
    TransitionWrongState,
    UnknownPerspective,
    WorkflowError,
)
from assessments.generation import scores_changed
from assessments.models import (
    Answer,
    Assessment,
    AssessmentScore,
    ConsolidatedScore,
    FrameworkVersion,
    Indicator,
    TransitionLog,
)
from assessments.pg import answers as pg_answers
from assessments.stocktake.flags import clear_stock_flags, flag_stock_entries, stock_flagged
from assessments.values import check_value
from coherence.choices import Perspective, Role
from coherence.models import Country

log = logging.getLogger(__name__)


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


def check_transition(user, assessment: Assessment, action: str, *, reason: str = "") -> None:
    """Refuse, as the transition itself would, an action this user may not take now; a
    page asks it before showing a confirmation step, so it never confirms a refusal."""
    _check_transition(principal_of(user), action, assessment, reason)


def _check_transition(principal, action, assessment, reason) -> Rule:
    rule = TRANSITIONS[action]
    if assessment.state not in rule.sources:
        raise TransitionWrongState(
            _("Cannot %(action)s an assessment that is %(state)s: only from %(sources)s.")
            % {"action": action, "state": assessment.state, "sources": " or ".join(rule.sources)},
            {"state": assessment.state, "allowed_from": list(rule.sources)},
        )
    refusal = _role_refusal(principal, action, assessment)
    if refusal:
        raise TransitionForbidden(refusal, {"role": principal.role})
    if rule.reason_required and not (reason or "").strip():
        raise ReasonRequired(
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
    stocktake: Mapping[str, str] | None = None,
) -> Assessment:
    (moved,) = transition_many(
        [assessment], action, by=by, reason=reason, indicators=indicators, stocktake=stocktake
    )
    return moved


def transition_many(
    assessments: Sequence[Assessment],
    action: str,
    *,
    by,
    reason: str = "",
    indicators: Mapping[str, str] | None = None,
    stocktake: Mapping[str, str] | None = None,
) -> list[Assessment]:
    """Take one action on several assessments at once (an import submitting a thousand),
    by the same rules as one: each is locked and checked against TRANSITIONS, moved by one
    conditional UPDATE, and logged; `indicators` and `stocktake` entries (a return only)
    are flagged on each. One refusal refuses them all; its `index` says which. Returns the
    assessments as they now are, in the order given."""
    principal = principal_of(by)
    ids = _distinct_ids(assessments)
    if not ids:
        return []
    rule = TRANSITIONS[action]
    with transaction.atomic():
        locked = _locked(ids)
        moving = [locked[pk] for pk in ids]
        for index, current in enumerate(moving):
            with _item(index):
                _check_transition(principal, action, current, reason)
        flagged = {}
        if indicators:
            for index, current in enumerate(moving):
                with _item(index):
                    flagged[current.pk] = _flag_for_correction(current, indicators, by)
        if stocktake:
            for index, current in enumerate(moving):
                with _item(index):
                    flag_stock_entries(current, stocktake, by=by)
        if action == Action.SUBMIT:
            Answer.objects.filter(assessment_id__in=ids, flagged=True).update(
                flagged=False, flag_comment=""
            )
            clear_stock_flags(ids)
        now = timezone.now()
        return_reason = reason.strip() if rule.target == State.RETURNED else ""
        moved = Assessment.objects.filter(pk__in=ids, state__in=rule.sources).update(
            state=rule.target, version=F("version") + 1, return_reason=return_reason, updated_at=now
        )
        if moved != len(ids):  # the rows are locked: only a broken lock gets here
            raise TransitionRaced(_("The assessment changed meanwhile; try again."))
        sources = {}
        for current in moving:
            sources[current.pk] = current.state
            current.state, current.version = rule.target, current.version + 1
            current.return_reason, current.updated_at = return_reason, now
        TransitionLog.objects.bulk_create(
            TransitionLog(
                assessment=current,
                action=action,
                from_state=sources[current.pk],
                to_state=rule.target,
                by=by,
                reason=(reason or "").strip(),
                indicators=flagged.get(current.pk, {}),
            )
            for current in moving
        )
        consolidations = list(
            dict.fromkeys(
                (current.country_id, current.cycle)
                for current in moving
                if State.VALIDATED in (sources[current.pk], rule.target)
            )
        )
        if consolidations:
            mark_consolidations_stale(consolidations)
            _batch().consolidations.update(consolidations)
        # robust: a notification that fails is logged, and the commit's other hooks run.
        transaction.on_commit(lambda: _notify(moving, action, by), robust=True)
    return moving


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
        raise NotReturnable(_("Some indicators cannot be returned."), errors)
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
    assessment: Assessment,
    *,
    by,
    reason: str,
    indicators: Mapping[str, str] | None = None,
    stocktake: Mapping[str, str] | None = None,
) -> Assessment:
    """Return the whole assessment, or only the named indicators (code → comment) and
    stock-taking entries (an instrument's code, or `SOURCE>TARGET` → comment)."""
    return _transition(
        assessment,
        Action.RETURN,
        by=by,
        reason=reason,
        indicators=indicators,
        stocktake=stocktake,
    )


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


def _frameworks_for(pairs: Iterable[tuple[str, int]]) -> dict[tuple[str, int], FrameworkVersion]:
    """framework_for of many (country, cycle) pairs in at most three queries. A pair is
    left out only when it has no assessment yet and no version is published."""
    pairs = set(pairs)
    existing = (
        Assessment.objects.filter(
            country_id__in={c for c, _y in pairs}, cycle__in={y for _c, y in pairs}
        )
        .order_by("id")
        .values_list("country_id", "cycle", "framework_id")
    )
    read = {}

    def current() -> int | None:
        version = FrameworkVersion.current()
        read.update({version.pk: version} if version else {})
        return version.pk if version else None

    chosen = rules.frameworks_of(pairs, existing, current)
    read.update(FrameworkVersion.objects.in_bulk(set(chosen.values()) - set(read)))
    return {pair: read[pk] for pair, pk in chosen.items()}


def framework_for(country_id: str, cycle: int) -> FrameworkVersion:
    """All assessments of one (country, cycle) use the version of the first of them;
    a new (country, cycle) uses the current published version."""
    framework = _frameworks_for([(country_id, cycle)]).get((country_id, cycle))
    if framework is None:
        raise NoFramework(_("No framework version is published yet."))
    return framework


@dataclass(frozen=True)
class NewAssessment:
    """One assessment for create_assessments to start."""

    actor: Actor
    cycle: int
    perspective: str = Perspective.BOTH
    country: Country | None = None


def create_assessment(
    *, actor: Actor, cycle: int, by, perspective: str = Perspective.BOTH, country: Country = None
) -> Assessment:
    """Start an actor's assessment of its country for a cycle."""
    (assessment,) = create_assessments([NewAssessment(actor, cycle, perspective, country)], by=by)
    return assessment


# Foreign keys full_clean would look up one query each: they hold instances just read
# (the caller's actor, the framework found above, the acting user), the actor's country
# is checked against the country below, and the database's foreign keys hold them anyway.
_LOOKED_UP = ["country", "actor", "framework", "created_by"]


def create_assessments(specs: Sequence[NewAssessment], *, by) -> list[Assessment]:
    """Start several assessments at once (an import's new ones) by the rules of
    create_assessment, in the order given, so that each (country, cycle) keeps the
    framework version of its first assessment. One refusal refuses them all; its `index`
    says which spec."""
    principal = principal_of(by)
    specs = list(specs)
    if not specs:
        return []
    keys = [
        (spec.country.pk if spec.country is not None else spec.actor.country_id, spec.cycle, spec)
        for spec in specs
    ]
    for index, (country_id, _cycle, spec) in enumerate(keys):
        with _item(index):
            _check_new_assessment(principal, spec, country_id)
    taken = set(
        Assessment.objects.filter(
            actor_id__in={spec.actor.pk for spec in specs}, cycle__in={spec.cycle for spec in specs}
        ).values_list("country_id", "cycle", "actor_id")
    )
    for index, (country_id, cycle, spec) in enumerate(keys):
        if (country_id, cycle, spec.actor.pk) in taken:
            raise _at(
                index,
                AssessmentExists(
                    _("%(a)s already has an assessment of %(c)s for %(y)s.")
                    % {"a": spec.actor.code, "c": country_id, "y": cycle}
                ),
            )
        taken.add((country_id, cycle, spec.actor.pk))
    frameworks = _frameworks_for((country_id, cycle) for country_id, cycle, _spec in keys)
    with transaction.atomic():
        assessments = []
        for index, (country_id, cycle, spec) in enumerate(keys):
            framework = frameworks.get((country_id, cycle))
            if framework is None:
                raise _at(index, NoFramework(_("No framework version is published yet.")))
            assessment = Assessment(
                country_id=country_id,
                cycle=cycle,
                actor=spec.actor,
                perspective=spec.perspective,
                framework=framework,
                created_by=by,
            )
            # The table's constraints repeat the fields' own checks (cycle range, choices)
            # and the uniqueness checked above: no query per assessment for them.
            assessment.full_clean(
                exclude=_LOOKED_UP, validate_unique=False, validate_constraints=False
            )
            assessments.append(assessment)
        try:
            Assessment.objects.bulk_create(assessments)
        except IntegrityError:  # leaving this atomic block with an error rolls it back
            # Someone created the same assessment between the check above and this insert.
            raise AssessmentExists(
                _("This actor already has an assessment of its country for that cycle.")
            ) from None
        AssessmentScore.objects.bulk_create(
            AssessmentScore(assessment=a, framework=a.framework, stale=True) for a in assessments
        )
        _batch().assessments.update(a.pk for a in assessments)
    return assessments


def _check_new_assessment(principal: Principal, spec: NewAssessment, country_id: str) -> None:
    actor = spec.actor
    if principal.role == Role.FOCAL_POINT and principal.actor_id != actor.pk:
        raise TransitionForbidden(_("A focal point starts assessments of its own actor only."))
    if principal.role not in (Role.FOCAL_POINT, Role.IMPORTER, Role.ADMIN):
        raise TransitionForbidden(_("Only a focal point may start an assessment."))
    if actor.country_id is None or actor.country_id != country_id:
        raise ActorWithoutCountry(
            _("The actor %(a)s is not of country %(c)s.") % {"a": actor.code, "c": country_id}
        )
    if spec.perspective not in Perspective.values:
        raise UnknownPerspective(_("Unknown perspective %(p)s.") % {"p": spec.perspective})


class Keep(enum.Enum):
    KEEP = "keep"


KEEP = Keep.KEEP


@dataclass
class AnswerInput:
    """What a caller wants an answer to be. `evidence`/`instruments` None = keep;
    `value` KEEP = keep the stored value and n/a (`na` is then not read)."""

    value: float | None | Keep = None
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

    def flagged():
        rows = answers if answers is not None else assessment.answers.select_related("indicator")
        return (a.indicator.code for a in rows if a.flagged)

    return rules.editable_only(assessment.state, flagged, lambda: stock_flagged(assessment.pk))


def save_answers(
    assessment: Assessment, *, by, version: int, answers: Mapping[str, AnswerInput]
) -> SaveResult:
    """Save some answers of an editable assessment.

    `version` is the assessment version the caller read: if someone saved since, the
    save is refused with a Conflict carrying what they changed, and nothing is written.
    Only answers that really change are written (and get a history row); saving the
    same answers again changes nothing and keeps the version.
    """
    (result,) = save_answers_many([(assessment, version, answers)], by=by)
    return result


# (assessment, the version the caller read, code → what the answer should be)
SaveItem = tuple[Assessment, int, Mapping[str, AnswerInput]]

# Every column of an answer: what a history row copies.
ANSWER_FIELDS = (
    "id",
    "assessment_id",
    "indicator_id",
    "value",
    "na",
    "evidence",
    "instruments",
    "flagged",
    "flag_comment",
    "revision",
    "updated_by_id",
    "updated_at",
)
_CHANGING = ("value", "na", "evidence", "instruments", "revision", "updated_by_id", "updated_at")


def save_answers_many(items: Sequence[SaveItem], *, by) -> list[SaveResult]:
    """save_answers for several assessments at once (an import's), by the same rules, in
    a fixed number of queries: one lock, one read of their answers, one write of the new
    answers, one of the changed ones and one of their history rows, one version bump.
    One refusal refuses them all; its `index` says which item. Results in item order."""
    principal = principal_of(by)
    items = list(items)
    ids = _distinct_ids([assessment for assessment, _version, _answers in items])
    if not ids:
        return []
    with transaction.atomic():
        locked = _locked(ids, "framework")
        indicators: dict[int, dict[str, Indicator]] = defaultdict(dict)
        for indicator in Indicator.objects.filter(
            version_id__in={a.framework_id for a in locked.values()}
        ):
            indicators[indicator.version_id][indicator.code] = indicator
        stored: dict[int, dict[int, dict]] = defaultdict(dict)
        for row in Answer.objects.filter(assessment_id__in=ids).values(*ANSWER_FIELDS):
            stored[row["assessment_id"]][row["indicator_id"]] = row
        known = _known_instruments(answers for _a, _v, answers in items)
        checks: dict = {}  # check_value per distinct (indicator, value, n/a): a file has few
        for index, (assessment, version, answers) in enumerate(items):
            current = locked[assessment.pk]
            with _item(index):
                _check_save(principal, current, version)
                _check_answers(
                    current,
                    answers,
                    indicators[current.framework_id],
                    stored[current.pk],
                    known,
                    checks,
                )

        now = timezone.now()
        created, changed_rows, results, bumped = [], [], [], []
        for assessment, _version, answers in items:
            current = locked[assessment.pk]
            framework, existing = indicators[current.framework_id], stored[current.pk]
            new_version = current.version + 1
            changed = []
            for code, given in answers.items():
                indicator = framework[code]
                answer = existing.get(indicator.pk)
                evidence = (
                    given.evidence
                    if given.evidence is not None
                    else (answer["evidence"] if answer else "")
                )
                instruments = (
                    sorted(set(given.instruments))
                    if given.instruments is not None
                    else (answer["instruments"] if answer else [])
                )
                if given.value is KEEP:
                    value, na = _kept(answer)
                else:
                    value, na = (None if given.na else given.value), given.na
                if answer is None:
                    if value is None and not na and not evidence and not instruments:
                        continue
                    answer = {
                        "id": None,
                        "assessment_id": current.pk,
                        "indicator_id": indicator.pk,
                        "flagged": False,
                        "flag_comment": "",
                    }
                    created.append(answer)
                elif (answer["value"], answer["na"], answer["evidence"], answer["instruments"]) == (
                    value,
                    na,
                    evidence,
                    instruments,
                ):
                    continue
                else:
                    changed_rows.append(answer)
                answer.update(
                    value=value,
                    na=na,
                    evidence=evidence,
                    instruments=instruments,
                    revision=new_version,
                    updated_by_id=by.pk,
                    updated_at=now,
                )
                changed.append(code)
            if changed:
                bumped.append(current)
            results.append(
                SaveResult(version=new_version if changed else current.version, changed=changed)
            )
        if not bumped:
            return results
        _write_answers(created, changed_rows, by=by, at=now)
        Assessment.objects.filter(pk__in=[a.pk for a in bumped]).update(
            version=F("version") + 1, updated_at=now
        )
        for current in bumped:
            current.version, current.updated_at = current.version + 1, now
        mark_assessments_stale(bumped)
        _batch().assessments.update(a.pk for a in bumped)
    return results


def _kept(stored: dict | None) -> tuple[float | None, bool]:
    """The value and n/a a KEEP leaves: the stored answer's, or none."""
    return (stored["value"], stored["na"]) if stored else (None, False)


def _check_save(principal: Principal, assessment: Assessment, version: int) -> None:
    if principal.role not in (Role.FOCAL_POINT, Role.IMPORTER) or (
        principal.role == Role.FOCAL_POINT and principal.actor_id != assessment.actor_id
    ):
        raise AnswersForbidden(_("Only the assessment's own focal point may change answers."))
    if rules.answers_locked(assessment.state):
        raise AnswersLocked(
            _("The assessment is %(state)s: answers are locked until it is returned.")
            % {"state": assessment.state},
            {"state": assessment.state},
        )
    if version != assessment.version:
        raise Conflict(
            _(
                "Someone else saved this assessment since you opened it (version %(mine)s, "
                "now %(now)s). Your input was not saved; review their changes and save again."
            )
            % {"mine": version, "now": assessment.version},
            {"version": assessment.version, "changed": answers_snapshot(assessment, version)},
        )


def _check_answers(
    assessment: Assessment,
    answers: Mapping[str, AnswerInput],
    indicators: dict[str, Indicator],
    existing: dict[int, dict],
    known_instruments: set[str],
    checks: dict,
) -> None:
    flagged_only = rules.editable_only(
        assessment.state,
        lambda: (i for i, answer in existing.items() if answer["flagged"]),
        lambda: stock_flagged(assessment.pk),
    )
    errors = {}
    for code, given in answers.items():
        indicator = indicators.get(code)
        if indicator is None:
            errors[code] = _("No indicator %(code)s in framework %(v)s.") % {
                "code": code,
                "v": assessment.framework.code,
            }
            continue
        # A kept value is checked again: the framework may have changed since it was saved.
        value, na = (
            _kept(existing.get(indicator.pk)) if given.value is KEEP else (given.value, given.na)
        )
        if not indicator.in_scope(assessment.perspective) and (
            value is not None or na or given.evidence or given.instruments
        ):
            errors[code] = _("%(code)s is outside this assessment's perspective.") % {"code": code}
            continue
        if flagged_only is not None and indicator.pk not in flagged_only:
            errors[code] = _("Only the indicators returned for correction may change.")
            continue
        key = (indicator.pk, value, na)
        if key not in checks:
            checks[key] = check_value(indicator, value, na)
        if checks[key]:
            errors[code] = checks[key]
    for code, given in answers.items():
        missing = sorted(set(given.instruments or []) - known_instruments)
        if missing:
            errors.setdefault(code, _("Unknown instruments: %(c)s") % {"c": ", ".join(missing)})
    if errors:
        raise AnswersInvalid(_("Some answers cannot be saved."), errors)


def _known_instruments(answer_sets: Iterable[Mapping[str, AnswerInput]]) -> set[str]:
    from instruments.models import Instrument

    wanted = {c for answers in answer_sets for a in answers.values() for c in (a.instruments or [])}
    if not wanted:
        return set()
    return set(Instrument.objects.filter(code__in=wanted).values_list("code", flat=True))


def _write_answers(created: list[dict], changed: list[dict], *, by, at) -> None:
    """Write new and changed answers (dicts of ANSWER_FIELDS) and a history row for each,
    as simple_history's own bulk writes do: the row as stored, "+" for new, "~" for
    changed, by `by` at `at`, no change reason."""
    if connection.vendor == "postgresql":
        pg_answers.write_answers(
            created, changed, by=by, at=at, columns=ANSWER_FIELDS, changing=_CHANGING
        )
        return
    # SQLite (3.35+) returns the new ids, as PostgreSQL would.
    objs = Answer.objects.bulk_create(Answer(**a) for a in created)
    for answer, obj in zip(created, objs, strict=True):
        answer["id"], answer["updated_at"] = obj.pk, obj.updated_at  # auto_now set it
    Answer.objects.bulk_update([Answer(**a) for a in changed], _CHANGING, batch_size=500)
    history = Answer.history.model
    history.objects.bulk_create(
        (
            history(
                **{f: a[f] for f in ANSWER_FIELDS},
                history_date=at,
                history_change_reason=None,
                history_type=kind,
                history_user_id=by.pk,
            )
            for kind, answers in (("+", created), ("~", changed))
            for a in answers
        ),
        batch_size=500,
    )


# --- Batches: locks and refusals --------------------------------------------------------


def _distinct_ids(assessments: Iterable[Assessment]) -> list[int]:
    ids = [a.pk for a in assessments]
    if len(set(ids)) != len(ids):
        raise ValueError("a batch names each assessment once")
    return ids


def _locked(ids: list[int], *related: str) -> dict[int, Assessment]:
    """The assessments, read afresh and locked until the transaction ends — in id order,
    so that two batches never wait on each other crosswise."""
    rows = (
        Assessment.objects.select_for_update(of=("self",))
        .select_related(*related)
        .filter(pk__in=ids)
        .order_by("pk")
    )
    locked = {a.pk: a for a in rows}
    if len(locked) != len(ids):
        gone = ", ".join(str(pk) for pk in ids if pk not in locked)
        raise AssessmentGone(_("No assessment %(ids)s.") % {"ids": gone})
    return locked


def _at(index: int, error: WorkflowError) -> WorkflowError:
    error.index = index
    return error


@contextmanager
def _item(index: int):
    """Mark a refusal raised inside with the batch position of the item it refuses."""
    try:
        yield
    except WorkflowError as error:
        error.index = index
        raise


# --- Scores: stale marks and follow-up tasks --------------------------------------------


def mark_assessment_stale(assessment: Assessment) -> None:
    mark_assessments_stale([assessment])


def mark_assessments_stale(assessments: Sequence[Assessment]) -> None:
    """Mark these assessments' scores stale, creating those missing; and the
    consolidations of the validated ones."""
    by_id = {a.pk: a for a in assessments}
    if not by_id:
        return
    scores = AssessmentScore.objects.filter(assessment_id__in=by_id)
    if scores.update(stale=True) < len(by_id):
        scored = set(scores.values_list("assessment_id", flat=True))
        AssessmentScore.objects.bulk_create(
            AssessmentScore(assessment_id=pk, framework_id=a.framework_id, stale=True)
            for pk, a in by_id.items()
            if pk not in scored
        )
    validated = [(a.country_id, a.cycle) for a in by_id.values() if a.state == State.VALIDATED]
    if validated:
        mark_consolidations_stale(validated)


def mark_consolidation_stale(country_id: str, cycle: int) -> None:
    """Mark a country-cycle's consolidation stale; on a first validation create it, stale
    and empty, so that readers see "being computed" rather than nothing."""
    mark_consolidations_stale([(country_id, cycle)])


@transaction.atomic(savepoint=False)  # in the callers' transaction where there is one
def mark_consolidations_stale(pairs: Iterable[tuple[str, int]]) -> None:
    """mark_consolidation_stale of many (country, cycle) pairs, in at most four queries."""
    pairs = list(dict.fromkeys(pairs))
    if not pairs:
        return
    # The bulk writes below send no signals. In a transaction, so that the generation is
    # replaced once more after they commit.
    scores_changed()
    countries_by_cycle: dict[int, set[str]] = defaultdict(set)
    for country_id, cycle in pairs:
        countries_by_cycle[cycle].add(country_id)
    # One term per cycle, not per pair: SQLite limits how deep an expression may nest.
    where = Q()
    for cycle, countries in countries_by_cycle.items():
        where |= Q(cycle=cycle, country_id__in=countries)
    scores = ConsolidatedScore.objects.filter(where)
    if scores.update(stale=True) == len(pairs):
        return
    missing = set(pairs) - set(scores.values_list("country_id", "cycle"))
    validated: dict[tuple[str, int], list[int]] = defaultdict(list)
    for country_id, cycle, framework_id in (
        Assessment.objects.filter(where, state=State.VALIDATED)
        .order_by("id")
        .values_list("country_id", "cycle", "framework_id")
    ):
        if (country_id, cycle) in missing:
            validated[(country_id, cycle)].append(framework_id)
    ConsolidatedScore.objects.bulk_create(
        ConsolidatedScore(
            country_id=country_id,
            cycle=cycle,
            framework_id=framework_ids[0],
            assessments=len(framework_ids),
            stale=True,
        )
        for (country_id, cycle), framework_ids in validated.items()
    )


def delay_safely(task, *args) -> bool:
    """Queue a task; if the broker is down the write still stands and its scores stay
    marked stale until the next recompute catches up. Whether it was queued."""
    try:
        task.delay(*args)
    except Exception:  # the broker's errors vary by transport; none may undo a save
        log.warning("Could not queue %s%r: scores stay stale", task.name, args, exc_info=True)
        return False
    return True


RECOMPUTE_CHUNK = 500


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
        # One task per chunk: the pandas scoring handles many assessments in one pass.
        queue = []
        for start in range(0, len(assessments), RECOMPUTE_CHUNK):
            chunk = assessments[start : start + RECOMPUTE_CHUNK]
            if len(chunk) == 1:
                queue.append((tasks.recompute_assessment, chunk[0]))
            else:
                queue.append((tasks.recompute_assessments, chunk))
        queue += [(tasks.recompute_consolidation, *pair) for pair in consolidations]
        for done, (task, *args) in enumerate(queue):
            if not delay_safely(task, *args):
                # The broker is down: the rest would wait on it in turn, for nothing.
                if done + 1 < len(queue):
                    log.warning(
                        "Left %d more recomputes unqueued: scores stay stale", len(queue) - done - 1
                    )
                break

    def __call__(self) -> None:
        if _pending.batch() is self:
            _pending.batch = _gone
        self.flush()


def _gone() -> None:
    return None


# This thread's batch, weakly held: the only strong references are the transaction's own
# on-commit callbacks, so a rolled-back transaction, which drops them, drops the batch too
# and the next transaction starts a fresh one; a committed one clears it as it runs.
_pending = threading.local()


def _batch() -> _RecomputeBatch:
    """This transaction's batch. Each request for it registers an on-commit callback that
    flushes the whole batch (the first to run does the work, the others find it empty);
    a rolled-back transaction drops the callbacks, and with them the batch."""
    batch = getattr(_pending, "batch", _gone)()
    if batch is None:
        batch = _RecomputeBatch()
        _pending.batch = weakref.ref(batch)
    transaction.on_commit(batch)
    return batch


# --- Notifications ----------------------------------------------------------------------


def _notify(assessments: Sequence[Assessment], action: str, by) -> None:
    """Mail reviewers on submission, and the actor's focal points on a return,
    validation or reopening: one mail per assessment and recipient."""
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    if action == Action.SUBMIT:
        reviewers = list(
            users.filter(membership__role=Role.REVIEWER).values_list("email", flat=True)
        )
        emails = {a.pk: reviewers for a in assessments}
    else:
        by_actor = defaultdict(list)
        for actor_id, email in users.filter(
            membership__role=Role.FOCAL_POINT,
            membership__actor_id__in={a.actor_id for a in assessments},
        ).values_list("membership__actor_id", "email"):
            by_actor[actor_id].append(email)
        emails = {a.pk: by_actor[a.actor_id] for a in assessments}
    if not any(emails.values()):
        return
    actors = dict(
        Actor.objects.filter(pk__in={a.actor_id for a in assessments}).values_list("pk", "code")
    )
    messages = []
    for assessment in assessments:
        subject = _("Assessment %(c)s %(y)s by %(a)s: %(s)s") % {
            "c": assessment.country_id,
            "y": assessment.cycle,
            "a": actors[assessment.actor_id],
            "s": assessment.get_state_display(),
        }
        body = _("%(who)s moved the assessment to %(s)s.") % {
            "who": by.get_username(),
            "s": assessment.get_state_display(),
        }
        if assessment.return_reason:
            body += "\n\n" + _("Reason: %(r)s") % {"r": assessment.return_reason}
        messages += [(subject, body, None, [email]) for email in emails[assessment.pk]]
    try:
        send_mass_mail(messages)
    except OSError:
        log.warning(
            "Could not send the notifications for assessments %s",
            ", ".join(str(a.pk) for a in assessments),
            exc_info=True,
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
    "KEEP",
    "AnswersRefused",
    "Conflict",
    "NewAssessment",
    "TransitionRefused",
    "WorkflowError",
    "allowed_transitions",
    "create_assessment",
    "create_assessments",
    "importer_user",
    "reopen",
    "return_for_correction",
    "save_answers",
    "save_answers_many",
    "submit",
    "transition_many",
    "validate",
]
