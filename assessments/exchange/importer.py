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
from assessments import rules, services
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
from assessments.stocktake import sheet as stock_sheet
from assessments.values import InvalidValue, parse_value
from coherence.choices import Perspective
from coherence.models import Country

COLUMNS = ("country", "cycle", "actor", "indicator", "value", "evidence", "perspective")
REQUIRED = COLUMNS[:5]
FILE_LEVEL = readers.FILE_LEVEL  # the column named by errors about the file as a whole
MAX_ERRORS = 100  # listed; past them a refusal says how many more
STATUSES = (State.DRAFT, State.SUBMITTED, State.VALIDATED)
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

    def __init__(self, errors: list[RowError], *, more: bool = False, omitted: int = 0):
        self.errors = heapq.nsmallest(MAX_ERRORS, errors, key=RowError.sort_key)
        left_out = len(errors) - len(self.errors) + omitted
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
    stock_changed: int = 0  # stock-taking entries written from the `stocktake` sheet

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
#
# Each check_* is one rule of DESIGN §5 over the whole file at once: it reads named columns
# of Rows.rows, adds the columns it finds out, and reports every row that breaks its rule.
# Lookups run once per distinct code or per assessment and are spread back over the rows
# with numpy indexing; only error messages are built row by row. `_check` runs the checks
# in order; each runs alone on a frame holding the columns it reads.


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


@dataclass
class Rows:
    """The file as the checks see it. `rows`: one row per row of the file (`row`, its
    number), its cells and what the checks added; `groups`: one row per assessment the
    file names, in the order of its first row (`rows.group` is its position); `errors`:
    the bad rows found so far, at most MAX_ERRORS a check (only the first can be listed);
    `omitted`: how many more were found and only counted."""

    rows: pd.DataFrame
    only_assessment: Assessment | None = None
    has_evidence: bool = True
    groups: pd.DataFrame | None = None
    existing: list[Assessment] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    omitted: int = 0

    def __getitem__(self, column: str) -> np.ndarray:
        return self.rows[column].to_numpy()

    def report(self, mask, column: str, message) -> None:
        self.omitted += _report(self.errors, self.rows, mask, column, message)

    def per_group(self, values) -> np.ndarray:
        """A value per assessment, spread over its rows."""
        return np.asarray(values)[self["group"]]


def _report(errors: list, rows: pd.DataFrame, mask, column: str, message) -> int:
    """Add an error for each of the first MAX_ERRORS rows in `mask` (the only ones a
    refusal can list: a file of a million bad rows costs no million errors); `message` is
    a text or a function of one row (a namedtuple) returning its text. Returns how many
    more rows the mask holds."""
    mask = np.asarray(mask, dtype=bool)
    hits = int(mask.sum())
    if not hits:
        return 0
    hit = rows[mask]
    if hits > MAX_ERRORS:
        hit = hit.nsmallest(MAX_ERRORS, "row")
    if callable(message):
        errors.extend(RowError(int(r.row), column, message(r)) for r in hit.itertuples())
    else:
        errors.extend(RowError(int(row), column, message) for row in hit["row"])
    return hits - len(hit)


def _per_distinct(series: pd.Series, compute) -> tuple[np.ndarray, list]:
    """compute(text) once per distinct text of `series`: (codes, results) such that the
    result of row i is results[codes[i]] — the file's few distinct codes, not its rows."""
    codes, distinct = pd.factorize(series, sort=False)
    return codes, [compute(text) for text in distinct]


def _spread(series: pd.Series, compute, dtypes: tuple) -> list[np.ndarray]:
    """_per_distinct of a compute returning a tuple: one array per element, over the rows."""
    codes, results = _per_distinct(series, compute)
    return [
        np.array([result[i] for result in results], dtype=dtype)[codes]
        for i, dtype in enumerate(dtypes)
    ]


def check_columns(frame: pd.DataFrame) -> None:
    """The required columns are there, and at least one row under them."""
    header_row = frame.attrs.get("header_row", 1)
    missing = [name for name in REQUIRED if name not in frame.columns]
    if missing:
        raise ImportRejected([RowError(header_row, name, _("missing column")) for name in missing])
    if frame.empty:
        raise _file_error(_("the file has a header but no rows"), row=header_row)


def rows_of(frame: pd.DataFrame, only_assessment: Assessment | None = None) -> Rows:
    """The cells the checks read, normalised: codes upper-case, perspectives lower-case."""
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
    return Rows(rows, only_assessment=only_assessment, has_evidence=has_evidence)


def check_countries(t: Rows) -> None:
    """A country is an ISO3 code of the catalogue. Adds `country_ok`."""
    countries = set(Country.objects.values_list("iso3", flat=True))
    codes, known = _per_distinct(t.rows["country"], countries.__contains__)
    t.rows["country_ok"] = np.array(known, dtype=bool)[codes]
    given = t["country"] != ""
    t.report(~given, "country", _("the country is empty"))
    t.report(
        ~t["country_ok"] & given,
        "country",
        lambda r: _("no country %(c)s: give its ISO 3166-1 alpha-3 code") % {"c": r.country},
    )


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


def check_cycles(t: Rows) -> None:
    """A cycle is a year of the allowed range. Adds `cycle` (-1 where bad), `cycle_ok`."""
    t.rows["cycle"], t.rows["cycle_problem"] = _spread(
        t.rows["cycle_text"], _year, ("int64", object)
    )
    t.rows["cycle_ok"] = t["cycle"] >= 0
    t.report(~t["cycle_ok"], "cycle", lambda r: r.cycle_problem)


def _actor_elsewhere(r) -> str:
    if r.actor_country:
        return _("%(a)s is an actor of %(o)s, not of %(c)s") % {
            "a": r.actor,
            "o": r.actor_country,
            "c": r.country,
        }
    return _("%(a)s is an actor of no country, not of %(c)s") % {"a": r.actor, "c": r.country}


def check_actors(t: Rows) -> None:
    """An actor is a code of the catalogue, an actor of the row's country. Adds `actor_id`
    (-1 where unknown), `actor_country`, and `key_ok`: the row names its assessment."""
    actors = {
        code: (pk, country)
        for code, pk, country in Actor.objects.values_list("code", "id", "country_id")
    }
    t.rows["actor_id"], t.rows["actor_country"] = _spread(
        t.rows["actor"], lambda code: actors.get(code, (-1, None)), ("int64", object)
    )
    known, country_ok = t["actor_id"] >= 0, t["country_ok"]
    actor_ok = known & country_ok & (t["actor_country"] == t["country"])
    t.report(t["actor"] == "", "actor", _("the actor is empty"))
    t.report(
        ~known & (t["actor"] != ""),
        "actor",
        lambda r: _("no actor %(a)s in the catalogue") % {"a": r.actor},
    )
    t.report(known & country_ok & ~actor_ok, "actor", _actor_elsewhere)
    t.rows["key_ok"] = country_ok & t["cycle_ok"] & actor_ok


def check_upload(t: Rows) -> None:
    """An upload from an assessment's page names that assessment only."""
    if t.only_assessment is None:
        return
    wanted = {
        "country": t.only_assessment.country_id,
        "cycle": t.only_assessment.cycle,
        "actor": t.only_assessment.actor.code,
    }
    message = _("this upload is for the assessment of %(country)s %(cycle)s by %(actor)s only")
    key_ok = t["key_ok"].copy()
    for column, expected in wanted.items():
        mismatch = key_ok & (t[column] != expected)
        t.report(mismatch, column, message % wanted)
        key_ok &= ~mismatch
    t.rows["key_ok"] = key_ok


def find_assessments(t: Rows) -> None:
    """One group per assessment, numbered in the order of its first row, with the stored
    assessment where there is one. Reads the assessments of every (country, cycle) of the
    file into `existing`. Adds `group`, `assessment_id` (-1 for a new one) and `state`."""
    t.rows["group"] = t.rows.groupby(_KEY, sort=False).ngroup().to_numpy()
    firsts = t.rows.drop_duplicates(_KEY)
    groups = firsts[["row", "country", "cycle", "actor_id"]].reset_index(drop=True)
    groups["key_ok"] = firsts["key_ok"].to_numpy()
    # (country, cycle) pairs whose framework matters, even where the actor is wrong
    groups["placed"] = (firsts["country_ok"] & firsts["cycle_ok"]).to_numpy()
    placed = groups[groups["placed"]]
    t.existing = list(
        Assessment.objects.filter(
            country_id__in=set(placed["country"]), cycle__in={int(c) for c in placed["cycle"]}
        )
        .select_related("actor")
        .order_by("id")
    )
    by_key = {(a.country_id, a.cycle, a.actor_id): a for a in t.existing}
    groups["assessment"] = [
        by_key.get((country, cycle, actor_id)) if ok else None
        for country, cycle, actor_id, ok in zip(
            groups["country"], groups["cycle"], groups["actor_id"], groups["key_ok"], strict=True
        )
    ]
    t.groups = groups
    assessments = groups["assessment"]
    t.rows["assessment_id"] = t.per_group([a.pk if a else -1 for a in assessments])
    t.rows["state"] = t.per_group(np.array([a.state if a else "" for a in assessments], object))


def check_framework_version(t: Rows) -> None:
    """A stored assessment keeps its own version; a new one takes that of its (country,
    cycle) by rules.frameworks_of, as services.framework_for does. Adds `framework_id`
    (-1 where none)."""
    groups = t.groups
    placed = groups[groups["placed"]]
    pairs = set(zip(placed["country"], placed["cycle"], strict=True))
    frameworks = rules.frameworks_of(
        pairs,
        ((a.country_id, a.cycle, a.framework_id) for a in t.existing),
        lambda: getattr(FrameworkVersion.current(), "pk", None),
    )
    groups["framework_id"] = [
        -1 if not placed else a.framework_id if a else frameworks.get((country, cycle), -1)
        for country, cycle, placed, a in zip(
            groups["country"], groups["cycle"], groups["placed"], groups["assessment"], strict=True
        )
    ]
    t.rows["framework_id"] = t.per_group(groups["framework_id"].to_numpy(dtype="int64"))
    t.report(
        t["country_ok"] & t["cycle_ok"] & (t["framework_id"] < 0),
        "indicator",
        _("no framework version is published yet"),
    )


def check_indicators(t: Rows) -> None:
    """An indicator is a code of the version its assessment uses. Adds `indicator_id`
    (-1 where unknown), `indicator_at` (its place in the versions' indicators), `scope`
    (its perspective), `answer_type` and `allow_na`."""
    versions = {int(v) for v in t.groups["framework_id"] if v >= 0}
    version_codes = dict(FrameworkVersion.objects.filter(pk__in=versions).values_list("pk", "code"))
    fields = ("version_id", "code", "id", "answer_type", "allow_na", "perspective")
    catalogue = list(Indicator.objects.filter(version_id__in=versions).values_list(*fields))
    position = {(version, code): i for i, (version, code, *_rest) in enumerate(catalogue)}
    pair = pd.Series(list(zip(t.rows["framework_id"], t.rows["indicator"], strict=True)))
    codes, found = _per_distinct(pair, lambda key: position.get(key, -1))
    at = np.array(found, dtype="int64")[codes]
    table = dict(zip(fields, zip(*catalogue, strict=True), strict=True)) if catalogue else {}
    for name, column, fill, dtype in (
        ("indicator_id", "id", -1, "int64"),
        ("scope", "perspective", "", object),
        ("answer_type", "answer_type", "", object),
        ("allow_na", "allow_na", False, object),
    ):
        t.rows[name] = np.array([*table.get(column, ()), fill], dtype=dtype)[at]
    t.rows["indicator_at"] = at
    framework_known, given = t["framework_id"] >= 0, t["indicator"] != ""
    t.report(framework_known & ~given, "indicator", _("the indicator is empty"))
    t.report(
        framework_known & (at < 0) & given,
        "indicator",
        lambda r: (
            _("no indicator %(i)s in framework %(v)s")
            % {"i": r.indicator, "v": version_codes.get(r.framework_id, "?")}
        ),
    )


def _parse(kind: tuple) -> tuple[float, bool, str | None]:
    answer_type, allow_na, raw = kind
    if not answer_type:
        return np.nan, False, None
    try:
        value, na = parse_value(answer_type, bool(allow_na), raw)
    except InvalidValue as exc:
        return np.nan, False, str(exc)
    return (np.nan if value is None else value), na, None


def check_values(t: Rows) -> None:
    """A value fits its indicator's answer type, parsed once per distinct (answer type,
    n/a allowed, text). Adds `value` (NaN for none), `na` and `value_ok`."""
    kind = pd.Series(list(zip(t["answer_type"], t["allow_na"], t["raw"], strict=True)))
    t.rows["value"], t.rows["na"], t.rows["value_problem"] = _spread(
        kind, _parse, ("float64", bool, object)
    )
    t.rows["value_ok"] = t.rows["value_problem"].isna().to_numpy()
    t.report(~t["value_ok"], "value", lambda r: r.value_problem)


def check_perspective(t: Rows) -> None:
    """One perspective per assessment; absent, an existing one keeps its own and a new one
    takes `both`. Adds `assessment_perspective`."""
    given, valid = t["perspective"] != "", t.rows["perspective"].isin(Perspective.values)
    valid = valid.to_numpy()
    t.report(
        given & ~valid,
        "perspective",
        lambda r: (
            _("%(p)r is not a perspective: origin, destination or both") % {"p": r.perspective}
        ),
    )
    key_ok = t["key_ok"]
    first_given = t.rows[key_ok & valid].drop_duplicates(_KEY)
    said = np.full(len(t.groups), None, dtype=object)
    said_on = np.full(len(t.groups), -1, dtype="int64")
    at = t["group"][first_given.index]
    said[at], said_on[at] = first_given["perspective"].to_numpy(), first_given["row"].to_numpy()
    t.rows["said"], t.rows["said_on"] = t.per_group(said), t.per_group(said_on)
    t.report(
        key_ok & valid & (t["perspective"] != t["said"]),
        "perspective",
        lambda r: (
            _("perspective %(p)s differs from %(f)s given on row %(n)s for this assessment")
            % {"p": r.perspective, "f": r.said, "n": r.said_on}
        ),
    )
    own = np.array([a.perspective if a else None for a in t.groups["assessment"]], dtype=object)
    t.rows["own_perspective"] = t.per_group(own)
    t.report(
        (t["assessment_id"] >= 0)
        & (t["row"] == t["said_on"])
        & (t["said"] != t["own_perspective"]),
        "perspective",
        lambda r: (
            _("the assessment's perspective is %(o)s, not %(p)s")
            % {"o": r.own_perspective, "p": r.said}
        ),
    )
    perspective = np.where(pd.notna(said), said, np.where(pd.notna(own), own, Perspective.BOTH))
    t.groups["perspective"] = perspective.astype(object)
    t.rows["assessment_perspective"] = t.per_group(t.groups["perspective"].to_numpy())


def _outside(r) -> str:
    return _(
        "%(i)s is an indicator for countries of %(s)s, outside this assessment's "
        "perspective (%(p)s)"
    ) % {"i": r.indicator, "s": r.scope, "p": r.assessment_perspective}


def check_scope(t: Rows) -> None:
    """An indicator outside its assessment's perspective has no value nor evidence: the
    rule of rules.in_scope. Adds `in_scope`."""
    t.rows["in_scope"] = rules.in_scope(t["scope"], t["assessment_perspective"])
    out_of_scope = t["key_ok"] & (t["indicator_at"] >= 0) & ~t["in_scope"]
    answered = ~np.isnan(t["value"]) | t["na"]
    t.report(out_of_scope & answered, "value", _outside)
    t.report(out_of_scope & (t["evidence"] != ""), "evidence", _outside)


def check_duplicates(t: Rows) -> None:
    """One row per (assessment, indicator). Adds `first_row`, the row of the pair's first."""
    at = t["indicator_at"]
    pairs = t["group"] * (int(at.max(initial=0)) + 2) + at
    t.rows["first_row"] = t.rows["row"].groupby(pairs).transform("first").to_numpy()
    t.report(
        t["key_ok"] & (at >= 0) & (t["row"] != t["first_row"]),
        "indicator",
        lambda r: (
            _("a second row for %(i)s of this assessment: see row %(n)s")
            % {"i": r.indicator, "n": r.first_row}
        ),
    )


def find_changes(t: Rows) -> None:
    """Which rows change a stored answer (or write a new one). Adds `value_changed`,
    `changed` (a good row that changes its answer), `flagged` (its stored answer is
    flagged for correction); on groups, `flagged_only` (the rule of rules.editable_only)."""
    wanted = t.groups[t.groups["placed"]]
    stored = list(
        Answer.objects.filter(
            assessment__country_id__in=set(wanted["country"]),
            assessment__cycle__in={int(c) for c in wanted["cycle"]},
        ).values_list("assessment_id", "indicator_id", "value", "na", "evidence", "flagged")
        if t.existing
        else []
    )
    where = {(a, i): n for n, (a, i, *_rest) in enumerate(stored)}
    keys = zip(t.rows["assessment_id"].tolist(), t.rows["indicator_id"].tolist(), strict=True)
    at = np.fromiter((where.get(key, -1) for key in keys), dtype="int64", count=len(t.rows))
    old = list(zip(*stored, strict=True)) if stored else [[]] * 6
    old_value = np.array([*old[2], None], dtype="float64")[at]
    old_na = np.array([*old[3], False], dtype=bool)[at]
    old_evidence = np.array([*old[4], ""], dtype=object)[at]
    t.rows["flagged"] = np.array([*old[5], False], dtype=bool)[at]
    value = t["value"]
    value_changed = (t["na"] != old_na) | ~(
        (value == old_value) | (np.isnan(value) & np.isnan(old_value))
    )
    evidence_changed = t.has_evidence & (t["evidence"] != old_evidence)
    t.rows["value_changed"] = value_changed
    t.rows["changed"] = (
        t["key_ok"]
        & (t["indicator_at"] >= 0)
        & t["value_ok"]
        & t["in_scope"]
        & (value_changed | evidence_changed)
    )
    flagged: dict[int, list[int]] = {}
    for assessment_id, indicator_id, *_rest, is_flagged in stored:
        if is_flagged:
            flagged.setdefault(assessment_id, []).append(indicator_id)
    t.groups["flagged_only"] = [
        a is not None
        and rules.editable_only(a.state, lambda pk=a.pk: flagged.get(pk, ())) is not None
        for a in t.groups["assessment"]
    ]


def check_locked(t: Rows) -> None:
    """A submitted or validated assessment's answers do not change: rules.answers_locked."""
    locked = t["changed"] & rules.answers_locked(t["state"])
    message = lambda r: _("assessment is %(s)s: answers are locked") % {"s": r.state}  # noqa: E731
    t.report(locked & t["value_changed"], "value", message)
    t.report(locked & ~t["value_changed"], "evidence", message)


def check_flagged_only(t: Rows) -> None:
    """In an assessment returned with indicators flagged for correction, only those
    change: rules.editable_only."""
    t.report(
        t["changed"] & t.per_group(t.groups["flagged_only"].to_numpy(dtype=bool)) & ~t["flagged"],
        "value",
        _("assessment is returned: only the indicators returned for correction may change"),
    )


CHECKS = (
    check_countries,
    check_cycles,
    check_actors,
    check_upload,
    find_assessments,
    check_framework_version,
    check_indicators,
    check_values,
    check_perspective,
    check_scope,
    check_duplicates,
    find_changes,
    check_locked,
    check_flagged_only,
)


def _check(frame: pd.DataFrame, only_assessment: Assessment | None) -> list[_Plan]:
    """Every error of the file (raised together as ImportRejected), or what to write."""
    check_columns(frame)
    t = rows_of(frame, only_assessment)
    for check in CHECKS:
        check(t)
    if t.errors:
        raise ImportRejected(t.errors, omitted=t.omitted)
    return _plans(t)


def _plans(t: Rows) -> list[_Plan]:
    """What to write to each assessment the file names, from its changed rows."""
    groups = t.groups
    plans = [
        _Plan(
            first_row=int(first),
            cycle=int(cycle),
            actor_id=int(actor_id),
            perspective=str(p),
            assessment=assessment,
        )
        for first, cycle, actor_id, p, assessment in zip(
            groups["row"],
            groups["cycle"],
            groups["actor_id"],
            groups["perspective"],
            groups["assessment"],
            strict=True,
        )
    ]
    changed = t["changed"]
    evidence = t["evidence"] if t.has_evidence else np.full(len(t.rows), None)
    for g, code, row, v, na, text in zip(
        t["group"][changed],
        t["indicator"][changed],
        t["row"][changed],
        t["value"][changed],
        t["na"][changed],
        evidence[changed],
        strict=True,
    ):
        plans[g].answers[code] = services.AnswerInput(
            value=None if np.isnan(v) else float(v), na=bool(na), evidence=text
        )
        plans[g].rows[code] = int(row)
    return [plan for plan, ok in zip(plans, groups["key_ok"], strict=True) if ok]


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


def _write(plans: list[_Plan], target: str, by, stock=None) -> ImportResult:
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
        if stock is not None and stock.rows:
            codes = _actor_codes(active)
            by_key = {
                (p.assessment.country_id, p.assessment.cycle, codes[p.actor_id]): p.assessment
                for p in active
            }
            result.stock_changed = stock_sheet.write(stock, by_key, by)

        # Every assessment's actions in their order: all submissions, then all validations.
        for action in (Action.SUBMIT, Action.VALIDATE):
            moving = [plan for plan in active if action in actions[id(plan)]]
            with _refused_as_rows(moving):
                services.transition_many([plan.assessment for plan in moving], action, by=by)
            result.transitions += len(moving)
    return result


def _actor_codes(plans: list[_Plan]) -> dict[int, str]:
    return dict(Actor.objects.filter(pk__in={p.actor_id for p in plans}).values_list("pk", "code"))


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
    name = _name_of(file, filename)
    frame = read_table(file, name, limits)
    stock = _check_stock(file, name, limits, frame, only_assessment)
    try:
        plans = _check(frame, only_assessment)
    except ImportRejected as rejected:
        if stock.errors:  # both sheets' errors, together
            raise ImportRejected(rejected.errors + _stock_errors(stock)) from None
        raise
    if stock.errors:
        raise ImportRejected(_stock_errors(stock))
    return _write(plans, status, by if by is not None else services.importer_user(), stock)


def _check_stock(file, name, limits, frame, only_assessment) -> stock_sheet.StockPlan:
    """The workbook's `stocktake` sheet checked (an empty plan where it has none)."""
    try:
        stock_frame = stock_sheet.read(file, name, limits)
    except readers.Refused as exc:
        raise ImportRejected([RowError(*problem) for problem in exc.problems]) from None
    keys = set()
    if {"country", "cycle", "actor"} <= set(frame.columns):
        for country, cycle, actor in zip(
            frame["country"], frame["cycle"], frame["actor"], strict=True
        ):
            try:
                keys.add(
                    (str(country).strip().upper(), int(str(cycle).strip()), str(actor).strip())
                )
            except ValueError:
                continue
    return stock_sheet.check(stock_frame, keys, only_assessment)


def _stock_errors(stock: stock_sheet.StockPlan) -> list[RowError]:
    return [RowError(*problem) for problem in stock.errors]


__all__ = ["ImportRejected", "ImportResult", "RowError", "import_responses", "read_table"]
