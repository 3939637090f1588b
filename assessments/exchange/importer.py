"""Import responses from a CSV or XLSX file (DESIGN §5).

The whole file is read and checked first — against the catalogue, the framework version
each assessment uses and the assessments and answers it touches, all loaded in a handful
of queries and checked over whole columns with pandas. Only a clean file is written, in
one transaction, through the batch forms of the service functions the browser calls
(create_assessments, save_answers_many, transition_many): the same rules and effects, in
a number of queries that does not grow with the file.
"""

import heapq
from contextlib import contextmanager
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path

import numpy as np
import pandas as pd
from django.db import transaction
from django.utils.translation import gettext as _

from actors.models import Actor
from assessments import services
from assessments.choices import Action, State
from assessments.exchange import readers
from assessments.models import (
    MAX_CYCLE,
    MIN_CYCLE,
    Answer,
    Assessment,
    FrameworkVersion,
    Indicator,
)
from assessments.values import InvalidValue, parse_value
from coherence.choices import Perspective
from coherence.models import Country

COLUMNS = ("country", "cycle", "actor", "indicator", "value", "evidence", "perspective")
REQUIRED = COLUMNS[:5]
FILE_LEVEL = readers.FILE_LEVEL  # the column named by errors about the file as a whole
MAX_ERRORS = 100  # listed; past them a refusal says how many more
STATUSES = (State.DRAFT, State.SUBMITTED, State.VALIDATED)
LOCKED_STATES = (State.SUBMITTED, State.VALIDATED)
_COLUMN_RANK = {FILE_LEVEL: 0, **{name: rank for rank, name in enumerate(COLUMNS, 1)}}
_KEY = ["country", "cycle", "actor_id"]  # one assessment


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column}: {self.message}"

    def sort_key(self) -> tuple:
        return (self.row, _COLUMN_RANK.get(self.column, len(_COLUMN_RANK)), self.column)


class ImportRejected(Exception):
    """The file was refused and nothing was written. `errors`: its first MAX_ERRORS
    errors, sorted; `left_out`: how many more there are (None: more, not counted)."""

    def __init__(self, errors: list[RowError], *, more: bool = False):
        self.errors = heapq.nsmallest(MAX_ERRORS, errors, key=RowError.sort_key)
        left_out = len(errors) - len(self.errors)
        self.left_out = None if more else left_out
        lines = [str(error) for error in self.errors]
        if self.left_out is None:
            lines.append(_("… and more errors"))
        elif self.left_out:
            lines.append(_("… and %(n)s more errors") % {"n": self.left_out})
        super().__init__("\n".join(lines))

    @property
    def total(self) -> int | None:
        """How many errors the file has; None when reading stopped before counting all."""
        return None if self.left_out is None else len(self.errors) + self.left_out


@dataclass
class ImportResult:
    assessments_created: int = 0
    assessments_changed: int = 0
    answers_changed: int = 0
    transitions: int = 0
    untouched: int = 0

    def __str__(self) -> str:
        return _(
            "%(created)s assessments created, %(changed)s changed, %(answers)s answers "
            "changed, %(transitions)s transitions, %(untouched)s untouched"
        ) % {
            "created": self.assessments_created,
            "changed": self.assessments_changed,
            "answers": self.answers_changed,
            "transitions": self.transitions,
            "untouched": self.untouched,
        }


def _file_error(message: str, row: int = 1) -> ImportRejected:
    return ImportRejected([RowError(row, FILE_LEVEL, message)])


# --- Reading the table --------------------------------------------------------------------

# A page upload holds one assessment: a row per indicator of its framework and the header,
# and room for notes and repeated rows, which are then told as the row errors they are.
UPLOAD_ROW_MARGIN = 50
# The command takes many assessments at once (`make bench` imports 100,000 rows); past
# this, a file is split — its rows are held in memory while the whole file is checked.
MAX_FILE_ROWS = 250_000


def upload_limits(assessment: Assessment) -> readers.Limits:
    """How much of a file a page upload for `assessment` reads."""
    return limits_for_one(Indicator.objects.filter(version_id=assessment.framework_id).count())


def limits_for_one(indicators: int) -> readers.Limits:
    """How much of a file is read for one assessment of a framework of `indicators`."""
    return readers.Limits(
        rows=indicators + UPLOAD_ROW_MARGIN,
        last_row=1_000,
        unpacked_bytes=20 * 2**20,
        loaded_bytes=4 * 2**20,  # the template: 75 KB in all, 17 KB besides its sheet
        advice=_("this upload is for one assessment, whose framework has %(n)s indicators")
        % {"n": indicators},
    )


def file_limits() -> readers.Limits:
    """How much of a file the command (or any import of many assessments) reads."""
    return readers.Limits(
        rows=MAX_FILE_ROWS,
        last_row=4 * MAX_FILE_ROWS,
        unpacked_bytes=256 * 2**20,
        loaded_bytes=16 * 2**20,  # tiny strings cost some 6 bytes a byte of XML
        advice=_("split the file into files of at most %(n)s rows") % {"n": f"{MAX_FILE_ROWS:,}"},
    )


def read_table(file, filename: str, limits: readers.Limits | None = None) -> pd.DataFrame:
    """The file (a path, bytes or a binary file object) as an all-string DataFrame of its
    known columns, read a row at a time no further than `limits` (DESIGN §5): see
    readers.read_table. Raises ImportRejected."""
    try:
        return readers.read_table(file, filename, columns=COLUMNS, limits=limits or file_limits())
    except readers.Refused as exc:
        raise ImportRejected(
            [RowError(*problem) for problem in exc.problems], more=exc.more
        ) from None


# --- Checking every row -----------------------------------------------------------------


@dataclass
class _Plan:
    """What the file does to one assessment."""

    first_row: int
    cycle: int
    actor_id: int
    perspective: str
    assessment: Assessment | None
    answers: dict[str, services.AnswerInput] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)


def _report(errors: list, rows: pd.DataFrame, mask, column: str, message) -> None:
    """Add an error for every row in `mask`; `message` is a text or a function of one
    row (a namedtuple) returning its text."""
    mask = np.asarray(mask, dtype=bool)
    if not mask.any():
        return
    hit = rows[mask]
    if callable(message):
        errors.extend(RowError(int(r.row), column, message(r)) for r in hit.itertuples())
    else:
        errors.extend(RowError(int(row), column, message) for row in hit["row"])


def _per_distinct(series: pd.Series, compute) -> tuple[np.ndarray, list]:
    """compute(text) once per distinct text of `series`: (codes, results) such that the
    result of row i is results[codes[i]] — the file's few distinct codes, not its rows."""
    codes, distinct = pd.factorize(series, sort=False)
    return codes, [compute(text) for text in distinct]


def _year(text: str) -> tuple[int, str | None]:
    if text == "":
        return -1, _("the cycle is empty")
    whole, dot, decimals = text.partition(".")
    if not whole.isdigit() or not whole.isascii() or decimals.strip("0") or len(whole) > 9:
        return -1, _("%(v)r is not a year") % {"v": text}
    if not MIN_CYCLE <= int(whole) <= MAX_CYCLE:
        return -1, _("%(v)s is not a cycle from %(min)s to %(max)s") % {
            "v": text,
            "min": MIN_CYCLE,
            "max": MAX_CYCLE,
        }
    return int(whole), None


def _check(frame: pd.DataFrame, only_assessment: Assessment | None) -> list[_Plan]:
    """Every error of the file (raised together as ImportRejected), or what to write.

    Lookups run once per distinct code or per assessment, and are spread back over the
    rows with numpy indexing; only error messages are built row by row."""
    header_row = frame.attrs.get("header_row", 1)
    missing = [name for name in REQUIRED if name not in frame.columns]
    if missing:
        raise ImportRejected([RowError(header_row, name, _("missing column")) for name in missing])
    if frame.empty:
        raise _file_error(_("the file has a header but no rows"), row=header_row)

    errors: list[RowError] = []
    has_evidence = "evidence" in frame.columns
    rows = pd.DataFrame(
        {
            "row": frame.index.to_numpy(dtype="int64"),
            "country": frame["country"].str.upper().to_numpy(),
            "cycle_text": frame["cycle"].to_numpy(),
            "actor": frame["actor"].str.upper().to_numpy(),
            "indicator": frame["indicator"].str.upper().to_numpy(),
            "raw": frame["value"].to_numpy(),
            "evidence": frame["evidence"].to_numpy() if has_evidence else "",
            "perspective": (
                frame["perspective"].str.lower().to_numpy() if "perspective" in frame else ""
            ),
        }
    )

    # Country, cycle and actor: which assessment each row belongs to.
    countries = set(Country.objects.values_list("iso3", flat=True))
    codes, known = _per_distinct(rows["country"], countries.__contains__)
    country_ok = np.array(known, dtype=bool)[codes]
    _report(errors, rows, rows["country"] == "", "country", _("the country is empty"))
    _report(
        errors,
        rows,
        ~country_ok & (rows["country"] != ""),
        "country",
        lambda r: _("no country %(c)s: give its ISO 3166-1 alpha-3 code") % {"c": r.country},
    )

    codes, years = _per_distinct(rows["cycle_text"], _year)
    rows["cycle"] = np.array([year for year, _problem in years], dtype="int64")[codes]
    rows["cycle_problem"] = np.array([problem for _year, problem in years], dtype=object)[codes]
    cycle_ok = rows["cycle"].to_numpy() >= 0
    _report(errors, rows, ~cycle_ok, "cycle", lambda r: r.cycle_problem)

    actors = {
        code: (pk, country)
        for code, pk, country in Actor.objects.values_list("code", "id", "country_id")
    }
    codes, found = _per_distinct(rows["actor"], lambda code: actors.get(code, (-1, None)))
    rows["actor_id"] = np.array([pk for pk, _c in found], dtype="int64")[codes]
    rows["actor_country"] = np.array([c for _pk, c in found], dtype=object)[codes]
    actor_known = rows["actor_id"].to_numpy() >= 0
    actor_ok = actor_known & country_ok & (rows["actor_country"] == rows["country"]).to_numpy()
    _report(errors, rows, rows["actor"] == "", "actor", _("the actor is empty"))
    _report(
        errors,
        rows,
        ~actor_known & (rows["actor"] != ""),
        "actor",
        lambda r: _("no actor %(a)s in the catalogue") % {"a": r.actor},
    )
    _report(
        errors,
        rows,
        actor_known & country_ok & ~actor_ok,
        "actor",
        lambda r: (
            _("%(a)s is an actor of %(o)s, not of %(c)s")
            % {"a": r.actor, "o": r.actor_country, "c": r.country}
            if r.actor_country
            else _("%(a)s is an actor of no country, not of %(c)s") % {"a": r.actor, "c": r.country}
        ),
    )
    key_ok = country_ok & cycle_ok & actor_ok

    if only_assessment is not None:
        wanted = {
            "country": only_assessment.country_id,
            "cycle": only_assessment.cycle,
            "actor": only_assessment.actor.code,
        }
        message = _("this upload is for the assessment of %(country)s %(cycle)s by %(actor)s only")
        for column, expected in wanted.items():
            mismatch = key_ok & (rows[column] != expected).to_numpy()
            _report(errors, rows, mismatch, column, message % wanted)
            key_ok &= ~mismatch

    # One group per assessment, numbered in the order of its first row.
    group = rows.groupby(_KEY, sort=False).ngroup().to_numpy()
    firsts = rows.drop_duplicates(_KEY)
    group_key_ok = key_ok[firsts.index.to_numpy()]
    # (country, cycle) pairs whose framework matters, even where the actor is wrong
    placed = (country_ok & cycle_ok)[firsts.index.to_numpy()]
    wanted_countries = set(firsts["country"][placed])
    wanted_cycles = {int(c) for c in firsts["cycle"][placed]}
    existing = list(
        Assessment.objects.filter(country_id__in=wanted_countries, cycle__in=wanted_cycles)
        .select_related("actor")
        .order_by("id")
    )
    by_key = {(a.country_id, a.cycle, a.actor_id): a for a in existing}
    first_framework: dict[tuple, int] = {}
    for a in existing:
        first_framework.setdefault((a.country_id, a.cycle), a.framework_id)
    current = FrameworkVersion.current()
    assessments, frameworks = [], []
    for country, cycle, actor_id, ok in zip(
        firsts["country"], firsts["cycle"], firsts["actor_id"], group_key_ok, strict=True
    ):
        assessment = by_key.get((country, cycle, actor_id)) if ok else None
        assessments.append(assessment)
        framework = (
            assessment.framework_id
            if assessment
            else first_framework.get((country, cycle), current.pk if current else -1)
        )
        frameworks.append(framework if country in countries and cycle >= 0 else -1)
    rows["assessment_id"] = np.array([a.pk if a else -1 for a in assessments], dtype="int64")[group]
    rows["state"] = np.array([a.state if a else "" for a in assessments], dtype=object)[group]
    rows["framework_id"] = np.array(frameworks, dtype="int64")[group]
    has_assessment = rows["assessment_id"].to_numpy() >= 0
    framework_known = rows["framework_id"].to_numpy() >= 0
    _report(
        errors,
        rows,
        country_ok & cycle_ok & ~framework_known,
        "indicator",
        _("no framework version is published yet"),
    )

    # Indicators of those framework versions.
    versions = {int(v) for v in set(frameworks) if v >= 0}
    version_codes = dict(FrameworkVersion.objects.filter(pk__in=versions).values_list("pk", "code"))
    catalogue = list(
        Indicator.objects.filter(version_id__in=versions).values_list(
            "version_id", "code", "id", "answer_type", "allow_na", "perspective"
        )
    )
    position = {(version, code): i for i, (version, code, *_rest) in enumerate(catalogue)}
    pair = pd.Series(list(zip(rows["framework_id"], rows["indicator"], strict=True)))
    codes, found = _per_distinct(pair, lambda key: position.get(key, -1))
    indicator_at = np.array(found, dtype="int64")[codes]
    indicator_ok = indicator_at >= 0
    table = list(zip(*catalogue, strict=True)) if catalogue else [[]] * 6

    def column(i, fill):
        return np.array([*table[i], fill], dtype=object)[indicator_at]

    rows["indicator_id"] = np.array([*table[2], -1], dtype="int64")[indicator_at]
    rows["scope"] = column(5, "")
    _report(
        errors,
        rows,
        framework_known & (rows["indicator"] == ""),
        "indicator",
        _("the indicator is empty"),
    )
    _report(
        errors,
        rows,
        framework_known & ~indicator_ok & (rows["indicator"] != ""),
        "indicator",
        lambda r: (
            _("no indicator %(i)s in framework %(v)s")
            % {"i": r.indicator, "v": version_codes.get(r.framework_id, "?")}
        ),
    )

    # Values: parse_value once per distinct (answer type, n/a allowed, text).
    kind = pd.Series(list(zip(column(3, ""), column(4, False), rows["raw"], strict=True)))
    codes, parsed = _per_distinct(kind, _parse)
    rows["value"] = np.array([p[0] for p in parsed], dtype="float64")[codes]
    rows["na"] = np.array([p[1] for p in parsed], dtype=bool)[codes]
    rows["value_problem"] = np.array([p[2] for p in parsed], dtype=object)[codes]
    value_ok = rows["value_problem"].isna().to_numpy()
    _report(errors, rows, ~value_ok, "value", lambda r: r.value_problem)

    # Perspective: one per assessment; absent, an existing one keeps its own.
    given = rows["perspective"].to_numpy() != ""
    valid = rows["perspective"].isin(Perspective.values).to_numpy()
    _report(
        errors,
        rows,
        given & ~valid,
        "perspective",
        lambda r: (
            _("%(p)r is not a perspective: origin, destination or both") % {"p": r.perspective}
        ),
    )
    first_given = rows[key_ok & valid].drop_duplicates(_KEY)
    said = np.full(len(firsts), None, dtype=object)
    said_on = np.full(len(firsts), -1, dtype="int64")
    said[group[first_given.index]] = first_given["perspective"].to_numpy()
    said_on[group[first_given.index]] = first_given["row"].to_numpy()
    rows["said"], rows["said_on"] = said[group], said_on[group]
    _report(
        errors,
        rows,
        key_ok & valid & (rows["perspective"] != rows["said"]).to_numpy(),
        "perspective",
        lambda r: (
            _("perspective %(p)s differs from %(f)s given on row %(n)s for this assessment")
            % {"p": r.perspective, "f": r.said, "n": r.said_on}
        ),
    )
    own = np.array([a.perspective if a else None for a in assessments], dtype=object)
    rows["own_perspective"] = own[group]
    _report(
        errors,
        rows,
        has_assessment
        & (rows["row"] == rows["said_on"]).to_numpy()
        & (rows["said"] != rows["own_perspective"]).to_numpy(),
        "perspective",
        lambda r: (
            _("the assessment's perspective is %(o)s, not %(p)s")
            % {"o": r.own_perspective, "p": r.said}
        ),
    )
    perspective = np.where(
        pd.notna(said), said, np.where(pd.notna(own), own, Perspective.BOTH)
    ).astype(object)
    rows["assessment_perspective"] = perspective[group]
    scope = rows["scope"]
    in_scope = (
        (rows["assessment_perspective"] == Perspective.BOTH)
        | (scope == Perspective.BOTH)
        | (scope == rows["assessment_perspective"])
    ).to_numpy()
    out_of_scope = key_ok & indicator_ok & ~in_scope

    def outside(r) -> str:
        return _(
            "%(i)s is an indicator for countries of %(s)s, outside this assessment's "
            "perspective (%(p)s)"
        ) % {"i": r.indicator, "s": r.scope, "p": r.assessment_perspective}

    answered = rows["value"].notna().to_numpy() | rows["na"].to_numpy()
    _report(errors, rows, out_of_scope & answered, "value", outside)
    _report(errors, rows, out_of_scope & (rows["evidence"] != "").to_numpy(), "evidence", outside)

    # Duplicates: one row per (assessment, indicator).
    unique_key = key_ok & indicator_ok
    pairs = group * (len(catalogue) + 1) + indicator_at
    first_row = rows["row"].groupby(pairs).transform("first").to_numpy()
    rows["first_row"] = first_row
    _report(
        errors,
        rows,
        unique_key & (rows["row"].to_numpy() != first_row),
        "indicator",
        lambda r: (
            _("a second row for %(i)s of this assessment: see row %(n)s")
            % {"i": r.indicator, "n": r.first_row}
        ),
    )

    # Which rows change an answer, and whether their assessment lets them.
    stored = list(
        Answer.objects.filter(
            assessment__country_id__in=wanted_countries, assessment__cycle__in=wanted_cycles
        ).values_list("assessment_id", "indicator_id", "value", "na", "evidence", "flagged")
        if existing
        else []
    )
    where = {(a, i): n for n, (a, i, *_rest) in enumerate(stored)}
    at = np.fromiter(
        (
            where.get(key, -1)
            for key in zip(
                rows["assessment_id"].tolist(), rows["indicator_id"].tolist(), strict=True
            )
        ),
        dtype="int64",
        count=len(rows),
    )
    old = list(zip(*stored, strict=True)) if stored else [[]] * 6
    old_value = np.array([*old[2], None], dtype="float64")[at]
    old_na = np.array([*old[3], False], dtype=bool)[at]
    old_evidence = np.array([*old[4], ""], dtype=object)[at]
    flagged = np.array([*old[5], False], dtype=bool)[at]
    returned_with_flags = {a for a, _i, *_r, f in stored if f}
    value = rows["value"].to_numpy()
    value_changed = (rows["na"].to_numpy() != old_na) | ~(
        (value == old_value) | (np.isnan(value) & np.isnan(old_value))
    )
    evidence_changed = has_evidence & (rows["evidence"].to_numpy() != old_evidence)
    changed = key_ok & indicator_ok & value_ok & in_scope & (value_changed | evidence_changed)
    locked = changed & rows["state"].isin(LOCKED_STATES).to_numpy()
    _report(
        errors,
        rows,
        locked & value_changed,
        "value",
        lambda r: _("assessment is %(s)s: answers are locked") % {"s": r.state},
    )
    _report(
        errors,
        rows,
        locked & ~value_changed,
        "evidence",
        lambda r: _("assessment is %(s)s: answers are locked") % {"s": r.state},
    )
    _report(
        errors,
        rows,
        changed
        & (rows["state"] == State.RETURNED).to_numpy()
        & rows["assessment_id"].isin(returned_with_flags).to_numpy()
        & ~flagged,
        "value",
        _("assessment is returned: only the indicators returned for correction may change"),
    )

    if errors:
        raise ImportRejected(errors)

    plans = [
        _Plan(
            first_row=int(first),
            cycle=int(cycle),
            actor_id=int(actor_id),
            perspective=str(p),
            assessment=assessment,
        )
        for first, cycle, actor_id, p, assessment in zip(
            firsts["row"],
            firsts["cycle"],
            firsts["actor_id"],
            perspective,
            assessments,
            strict=True,
        )
    ]
    evidence = rows["evidence"].to_numpy() if has_evidence else np.full(len(rows), None)
    for g, code, row, v, na, text in zip(
        group[changed],
        rows["indicator"].to_numpy()[changed],
        rows["row"].to_numpy()[changed],
        value[changed],
        rows["na"].to_numpy()[changed],
        evidence[changed],
        strict=True,
    ):
        plans[g].answers[code] = services.AnswerInput(
            value=None if np.isnan(v) else float(v), na=bool(na), evidence=text
        )
        plans[g].rows[code] = int(row)
    return [plan for plan, ok in zip(plans, group_key_ok, strict=True) if ok]


def _parse(kind: tuple) -> tuple[float, bool, str | None]:
    answer_type, allow_na, raw = kind
    if not answer_type:
        return np.nan, False, None
    try:
        value, na = parse_value(answer_type, bool(allow_na), raw)
    except InvalidValue as exc:
        return np.nan, False, str(exc)
    return (np.nan if value is None else value), na, None


# --- Writing ------------------------------------------------------------------------------


def _actions(state: str, target: str) -> list[str]:
    """The transitions that bring an assessment forward to the target state; none when
    it is already there or beyond (an import never moves one backwards)."""
    editable = state in (State.DRAFT, State.RETURNED)
    if target == State.SUBMITTED and editable:
        return [Action.SUBMIT]
    if target == State.VALIDATED:
        if editable:
            return [Action.SUBMIT, Action.VALIDATE]
        if state == State.SUBMITTED:
            return [Action.VALIDATE]
    return []


def _refusal(exc: services.WorkflowError, plan: _Plan) -> ImportRejected:
    """A refusal met while writing, placed on the rows it concerns where it names them."""
    named = {code: reason for code, reason in exc.details.items() if code in plan.rows}
    if isinstance(exc, services.AnswersRefused) and named:
        return ImportRejected(
            [RowError(plan.rows[code], "value", str(reason)) for code, reason in named.items()]
        )
    return ImportRejected([RowError(plan.first_row, FILE_LEVEL, exc.message)])


@contextmanager
def _refused_as_rows(plans: list[_Plan]):
    """A batch service's refusal, told on the rows of the plan whose item it refused."""
    try:
        yield
    except services.WorkflowError as exc:
        raise _refusal(exc, plans[exc.index or 0]) from exc


def _write(plans: list[_Plan], target: str, by) -> ImportResult:
    """Write every plan in one transaction, a step at a time over all assessments: create
    the new ones, save the answers, then each transition — through the batch services,
    so that a thousand assessments cost the queries of one."""
    result = ImportResult()
    actions: dict[int, list[str]] = {}
    active = []
    for plan in plans:
        state = plan.assessment.state if plan.assessment else State.DRAFT
        actions[id(plan)] = _actions(state, target)
        if plan.assessment is not None and not plan.answers and not actions[id(plan)]:
            result.untouched += 1
        else:
            active.append(plan)
    new = [plan for plan in active if plan.assessment is None]
    actors = Actor.objects.in_bulk([plan.actor_id for plan in new]) if new else {}
    with transaction.atomic():
        with _refused_as_rows(new):
            created = services.create_assessments(
                [
                    services.NewAssessment(actors[plan.actor_id], plan.cycle, plan.perspective)
                    for plan in new
                ],
                by=by,
            )
        for plan, assessment in zip(new, created, strict=True):
            plan.assessment = assessment
        result.assessments_created = len(new)
        result.assessments_changed = len(active) - len(new)

        saving = [plan for plan in active if plan.answers]
        with _refused_as_rows(saving):
            saved = services.save_answers_many(
                [(plan.assessment, plan.assessment.version, plan.answers) for plan in saving],
                by=by,
            )
        result.answers_changed = sum(len(s.changed) for s in saved)

        # Every assessment's actions in their order: all submissions, then all validations.
        for action in (Action.SUBMIT, Action.VALIDATE):
            moving = [plan for plan in active if action in actions[id(plan)]]
            with _refused_as_rows(moving):
                services.transition_many([plan.assessment for plan in moving], action, by=by)
            result.transitions += len(moving)
    return result


def _name_of(file, filename: str | None) -> str:
    if filename:
        return filename
    if isinstance(file, str | PathLike):
        return Path(file).name
    return Path(getattr(file, "name", "") or "").name


def import_responses(
    file,
    *,
    status: str = State.DRAFT,
    filename: str | None = None,
    by=None,
    only_assessment: Assessment | None = None,
) -> ImportResult:
    """Check a whole responses file and, when every row is good, write it in one
    transaction and bring each of its assessments to `status` (DESIGN §5).

    `file` is a path, bytes or a binary file object, read a row at a time; `filename`
    (else the file's own name) tells CSV from XLSX by its extension. `only_assessment`
    restricts the file to that one assessment (an upload from its page) and reads no more
    rows than it can hold; otherwise at most MAX_FILE_ROWS. Raises ImportRejected with the
    file's first MAX_ERRORS errors and how many more; then nothing is written.
    """
    if status not in STATUSES:
        raise ValueError(f"status must be one of {', '.join(STATUSES)}, not {status!r}")
    limits = file_limits() if only_assessment is None else upload_limits(only_assessment)
    plans = _check(read_table(file, _name_of(file, filename), limits), only_assessment)
    return _write(plans, status, by if by is not None else services.importer_user())


__all__ = ["ImportRejected", "ImportResult", "RowError", "import_responses", "read_table"]
