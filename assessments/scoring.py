"""The scoring method of DESIGN §4, over whole sets of answers at once.

A pure module: pandas and numpy in, pandas out; the ORM and the Celery tasks live elsewhere.

- Each answer is normalised to s in [0, 1]; "n/a" and unanswered carry no value.
- An assessment scores only the indicators in its scope (indicator perspective ``both`` or
  equal to the assessment's; an assessment of perspective ``both`` has them all).
- A score is 100 × Σw·s / Σw over the indicators that carry a value, NaN (never 0) where none
  does: per area, dimension and link, and for horizontal and vertical; ``overall`` is the mean
  of the unrounded horizontal and vertical scores that exist.
- A country-and-cycle consolidation takes the validated assessments only: each indicator in
  scope for at least one of them gets the plain mean of the values they gave it, then the same
  weighted rules run over those consolidated values; ``divergence`` is the mean spread
  (100 × (max − min)) over the indicators valued by two or more of them.
- Crosswalk scores (consolidated only) take, for each scored tag, the indicators tagged with
  it in the consolidated scope: the same weighted mean and the coverage of areas; a 10.7.2
  entry gets its ``category`` from the published score.
- Everything is computed unrounded and published rounded half away from zero (scores and
  divergence to 2 decimals, coverage to 4); ``band`` is read from the published overall.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

SCORE_DECIMALS = 2
COVERAGE_DECIMALS = 4

BAND_THRESHOLDS = ((75.0, "advanced"), (50.0, "established"), (25.0, "developing"))
LOWEST_BAND = "initial"

# The scored crosswalk tags (framework, code) in published order, and the four categories
# of SDG 10.7.2 reporting read from a published crosswalk score: the vocabulary of
# coherence.choices (SCORED_CROSSWALK, Category) as plain strings, since this module imports
# no Django; tests/assessments/test_scoring_crosswalk.py keeps the two the same.
SCORED_CROSSWALK = (
    tuple(("GCM", f"GCM-{n}") for n in range(1, 24))
    + tuple(("SDG-10.7.2", f"SDG-10.7.2-D{n}") for n in range(1, 7))
    + tuple(("MGI", f"MGI-D{n}") for n in range(1, 7))
)
CATEGORY_THRESHOLDS = ((100.0, "fully_meets"), (80.0, "meets"), (40.0, "partially_meets"))
LOWEST_CATEGORY = "requires_further_progress"
CATEGORISED_FRAMEWORK = "SDG-10.7.2"

# Breakdown kinds and the indicator column each one groups by. Their codes sort
# alphabetically, which is also the order the breakdown is published in.
BREAKDOWN_KINDS = {"area": "area", "dimension": "dimension", "link": "link"}

BREAKDOWN_COLUMNS = ["kind", "code", "score", "coverage"]
INDICATOR_COLUMNS = ["value", "spread", "n"]

# Significant digits kept before the final half-away rounding. Float arithmetic over a
# hundred-odd indicators errs by ~1e-14 relative; snapping to 12 digits removes that noise
# (so a true 24.995 computed as 24.99499999999999 publishes as 25.0) while keeping every
# distinct figure the method can produce from decimal weights and answers apart.
_SNAP_SIGNIFICANT_DIGITS = 12


@dataclass(frozen=True)
class Scores:
    """Published scores of individual assessments.

    ``totals`` is indexed by ``assessment_id`` (every given assessment, in id order) with
    ``overall``, ``horizontal``, ``vertical`` (rounded, NaN where null) and ``band``.
    ``breakdown`` has one row per area, dimension and link in the assessment's scope:
    ``assessment_id, kind, code, score, coverage``.
    """

    totals: pd.DataFrame
    breakdown: pd.DataFrame


@dataclass(frozen=True)
class CountryScores:
    """Published consolidated scores, one per (country, cycle) with a validated assessment.

    ``totals`` is indexed by ``(country, cycle)`` and adds ``divergence`` and ``assessments``
    to the columns of :class:`Scores`; ``breakdown`` is keyed by ``country, cycle``;
    ``indicators`` holds each consolidated indicator's unrounded ``value``, its ``spread``
    (100 × (max − min), NaN under two values) and ``n``, the number of values behind it;
    ``crosswalk`` one row per (country, cycle) and scored tag with an indicator in scope:
    ``country, cycle, framework, code, score, coverage, category``, in the order published.
    """

    totals: pd.DataFrame
    breakdown: pd.DataFrame
    indicators: pd.DataFrame
    crosswalk: pd.DataFrame


# --------------------------------------------------------------------------- rounding, bands


def round_half_away(x: Any, decimals: int) -> Any:
    """Round half away from zero to ``decimals`` places, as published figures are.

    Accepts a Series (returns a Series on the same index), an array or a scalar. The value
    is first snapped to 12 significant digits so that binary representation error cannot
    move it across a half: 24.995 gives 25.0 and 0.12345 gives 0.1235. NaN stays NaN.
    """
    if isinstance(x, pd.Series):
        return pd.Series(
            round_half_away(x.to_numpy(dtype=float), decimals), index=x.index, name=x.name
        )
    values = np.asarray(x, dtype=float)
    scaled = np.abs(values) * 10.0**decimals
    with np.errstate(divide="ignore", invalid="ignore"):
        magnitude = np.floor(np.log10(scaled))
    # Zeros, NaN and infinities give a non-finite magnitude; any finite one is harmless there.
    magnitude = np.clip(np.where(np.isfinite(magnitude), magnitude, 0.0), -300.0, 300.0)
    unit = 10.0 ** (_SNAP_SIGNIFICANT_DIGITS - 1 - magnitude)
    snapped = np.round(scaled * unit) / unit
    # Half-integers are exact in binary, so after snapping this comparison is exact too.
    rounded = np.floor(snapped + 0.5) / 10.0**decimals
    rounded = np.where(np.isfinite(scaled), rounded, scaled)
    result = np.where(values < 0, -rounded, rounded)
    return float(result) if result.ndim == 0 else result


def category(published_score: np.ndarray) -> np.ndarray:
    """The 10.7.2 category of each published (already rounded) score; None where it is null."""
    score = np.asarray(published_score, dtype=float)
    labels = np.full(score.shape, None, dtype=object)
    known = ~np.isnan(score)
    labels[known] = LOWEST_CATEGORY
    for threshold, label in reversed(CATEGORY_THRESHOLDS):
        labels[known & (score >= threshold)] = label
    return labels


def band(published_overall: pd.Series) -> pd.Series:
    """The band of each published (already rounded) overall score; None where it is null."""
    overall = published_overall.to_numpy(dtype=float)
    labels = np.full(overall.shape, None, dtype=object)
    known = ~np.isnan(overall)
    labels[known] = LOWEST_BAND
    # Ascending thresholds, each overwriting the lower bands it exceeds.
    for threshold, label in reversed(BAND_THRESHOLDS):
        labels[known & (overall >= threshold)] = label
    return pd.Series(labels, index=published_overall.index, name="band", dtype=object)


# --------------------------------------------------------------------------- normalisation

_THREE_LEVELS = (0.0, 5.0, 10.0)
_YES_NO_WORDS = {"yes": 1.0, "no": 0.0}
# Each answer type: its divisor onto [0, 1], and the values it admits.
_ANSWER_TYPES = {
    "yes_no": (1.0, lambda x: (x == 0.0) | (x == 1.0)),
    "three_level": (10.0, lambda x: np.isin(x, _THREE_LEVELS)),
    "scale": (4.0, lambda x: (x >= 0.0) & (x <= 4.0) & (x == np.floor(x))),
    "percent": (100.0, lambda x: (x >= 0.0) & (x <= 100.0)),
}


def normalise(answer_type: pd.Series, raw: pd.Series) -> pd.Series:
    """Map stored raw answers to s in [0, 1], element-wise by each row's ``answer_type``.

    ``yes_no``: ``'yes'``/``'no'`` (any case) or the stored numbers 1/0 → 1/0;
    ``three_level``: 0/5/10 → 0/0.5/1; ``scale``: integer k in 0–4 → k/4;
    ``percent``: p in 0–100 → p/100. NaN/None (unanswered, or n/a) stays NaN.
    A value outside its type's domain, or an unknown answer type, raises ValueError: the
    importer and the forms validate answers, so one reaching here is a bug to surface.

    Works on whole arrays: the answer types as category codes (a categorical
    ``answer_type``, as the recompute passes, is used as it is), and a numeric ``raw``
    skips the words.
    """
    raw = pd.Series(raw)
    index = raw.index
    types = pd.Series(answer_type).reset_index(drop=True)
    if len(types) != len(raw):
        raise ValueError("answer_type and raw must have the same length")
    if not isinstance(types.dtype, pd.CategoricalDtype):
        types = types.astype("category")
    codes = types.cat.codes.to_numpy()
    categories = list(types.cat.categories)

    missing = raw.isna().to_numpy()
    is_word = np.zeros(len(raw), dtype=bool)
    if pd.api.types.is_numeric_dtype(raw.dtype):
        numbers = words = raw.to_numpy(dtype=float)
    else:
        values = raw.reset_index(drop=True)
        try:
            # .str yields NaN for the non-string cells of a mixed column, e.g. stored 1.0/0.0.
            text = values.str.strip().str.lower()
            is_word = text.isin(list(_YES_NO_WORDS)).to_numpy()
            words = text.map(_YES_NO_WORDS).to_numpy(dtype=float)
        except AttributeError:  # no string at all
            words = np.full(len(raw), np.nan)
        numbers = pd.to_numeric(values.where(~is_word), errors="coerce").to_numpy(dtype=float)
    invalid = ~missing & ~is_word & np.isnan(numbers)  # neither a word nor a number

    out = np.full(len(raw), np.nan)
    known = np.zeros(len(raw), dtype=bool)
    for name, (divisor, admits) in _ANSWER_TYPES.items():
        if name not in categories:
            continue
        rows = codes == categories.index(name)
        known |= rows
        if name == "yes_no":
            out[rows] = np.where(is_word, words, numbers)[rows]
            invalid |= rows & ~missing & ~is_word & ~admits(numbers)
        else:
            out[rows] = numbers[rows] / divisor
            invalid |= rows & (is_word | (~missing & ~admits(numbers)))
    if not known.all():
        position = int(np.flatnonzero(~known)[0])
        raise ValueError(f"unknown answer_type {types.iloc[position]!r}")
    if invalid.any():
        position = int(np.flatnonzero(invalid)[0])
        value, row = (
            v.item() if isinstance(v, np.generic) else v
            for v in (raw.iloc[position], index[position])
        )
        raise ValueError(
            f"value {value!r} is not a valid {types.iloc[position]} answer (row {row!r})"
        )
    return pd.Series(out, index=index, dtype=float)


# --------------------------------------------------------------------------- scoring


def score_all(
    indicators: pd.DataFrame, assessments: pd.DataFrame, answers: pd.DataFrame
) -> tuple[Scores, CountryScores]:
    """``score_assessments`` and ``score_countries`` of the same frames, in one pass.

    The answers are matched to the indicators in each assessment's scope once, and both
    levels are read from those facts: the figures are exactly those of the two functions.
    """
    facts = _facts(indicators, assessments, answers)
    return _assessment_scores(facts), _country_scores(facts)


def score_assessments(
    indicators: pd.DataFrame, assessments: pd.DataFrame, answers: pd.DataFrame
) -> Scores:
    """Score every given assessment, whatever its state (DESIGN §4, one assessment)."""
    return _assessment_scores(_facts(indicators, assessments, answers))


def score_countries(
    indicators: pd.DataFrame, assessments: pd.DataFrame, answers: pd.DataFrame
) -> CountryScores:
    """Consolidate the validated assessments of each (country, cycle) (DESIGN §4)."""
    assessed = _clean_assessments(assessments)
    return _country_scores(_facts(indicators, assessed[assessed["validated"]], answers))


def to_payload(
    totals_row: pd.Series | dict,
    breakdown_rows: pd.DataFrame,
    crosswalk_rows: pd.DataFrame | None = None,
) -> dict:
    """The JSON-ready score of DESIGN §6: native floats, None for null, lists sorted by code.

    ``totals_row`` is one row of a ``totals`` frame; ``breakdown_rows`` the breakdown rows of
    the same assessment or country-and-cycle. ``divergence`` and ``assessments`` are added
    when the row carries them (consolidated scores), ``crosswalk`` when its rows are given.
    """
    row = dict(totals_row)
    payload: dict[str, Any] = {
        "overall": _native_float(row.get("overall")),
        "horizontal": _native_float(row.get("horizontal")),
        "vertical": _native_float(row.get("vertical")),
        "band": None if _is_null(row.get("band")) else str(row["band"]),
    }
    rows = breakdown_rows.sort_values("code")
    for kind, key in (("area", "areas"), ("dimension", "dimensions"), ("link", "links")):
        of_kind = rows[rows["kind"] == kind]
        entries = []
        for code, score, coverage in zip(
            of_kind["code"], of_kind["score"], of_kind["coverage"], strict=True
        ):
            entry = {"code": str(code), "score": _native_float(score)}
            if kind == "area":
                entry["coverage"] = _native_float(coverage)
            entries.append(entry)
        payload[key] = entries
    if "divergence" in row:
        payload["divergence"] = _native_float(row["divergence"])
    if "assessments" in row:
        payload["assessments"] = int(row["assessments"])
    if crosswalk_rows is not None:
        payload["crosswalk"] = _crosswalk_entries(crosswalk_rows)
    return payload


def _crosswalk_entries(rows: pd.DataFrame) -> list[dict]:
    """Crosswalk rows (already in published order) as the entries of DESIGN §4."""
    return [
        {
            "framework": str(framework),
            "code": str(code),
            "score": score,
            "coverage": coverage,
            "category": None if _is_null(label) else str(label),
        }
        for framework, code, score, coverage, label in zip(
            rows["framework"].tolist(),
            rows["code"].tolist(),
            _native_floats(rows["score"].astype(float)),
            _native_floats(rows["coverage"].astype(float)),
            rows["category"].tolist(),
            strict=True,
        )
    ]


def payloads(scores: Scores | CountryScores, keys: list[str]) -> dict:
    """``to_payload`` for every row of ``scores`` at once: key → payload, where the key is
    the assessment id or the (country, cycle) pair. Columns are converted to native values
    whole, and each key's run of breakdown rows of one kind becomes its list in one step."""
    _KINDS = {"area": "areas", "dimension": "dimensions", "link": "links"}
    totals = scores.totals.reset_index()
    out: dict = {}
    key_columns = [totals[k].tolist() for k in keys]
    overall, horizontal, vertical = (
        _native_floats(totals[c]) for c in ("overall", "horizontal", "vertical")
    )
    bands = [None if _is_null(b) else str(b) for b in totals["band"].tolist()]
    divergence = _native_floats(totals["divergence"]) if "divergence" in totals else None
    assessments = totals["assessments"].tolist() if "assessments" in totals else None
    for i, key in enumerate(zip(*key_columns, strict=True)):
        payload: dict[str, Any] = {
            "overall": overall[i],
            "horizontal": horizontal[i],
            "vertical": vertical[i],
            "band": bands[i],
            "areas": [],
            "dimensions": [],
            "links": [],
        }
        if divergence is not None:
            payload["divergence"] = divergence[i]
        if assessments is not None:
            payload["assessments"] = int(assessments[i])
        out[key if len(keys) > 1 else key[0]] = payload

    breakdown = scores.breakdown.sort_values([*keys, "kind", "code"])
    kinds = breakdown["kind"].tolist()
    codes = breakdown["code"]
    if pd.api.types.infer_dtype(codes, skipna=False) != "string":
        codes = codes.map(str)
    codes = codes.tolist()
    scores_ = _native_floats(breakdown["score"])
    is_area = breakdown["kind"].eq("area").to_numpy()
    coverage = breakdown["coverage"]
    if coverage.dtype.kind == "f":
        coverages = _native_floats(coverage)
    else:  # read only where listed, as for areas
        coverages = [
            _native_float(v) if a else None for v, a in zip(coverage, is_area, strict=True)
        ]
    entries = [
        {"code": code, "score": score, "coverage": cover}
        if area
        else {"code": code, "score": score}
        for code, score, cover, area in zip(
            codes, scores_, coverages, is_area.tolist(), strict=True
        )
    ]
    # Rows come sorted by key and kind: each run of one key and kind is one list.
    columns = [breakdown[k].to_numpy() for k in keys] + [breakdown["kind"].to_numpy()]
    starts = np.zeros(len(breakdown), dtype=bool)
    starts[:1] = True
    for column in columns:
        starts[1:] |= column[1:] != column[:-1]
    first = np.flatnonzero(starts)
    run_keys = list(zip(*(breakdown[k].iloc[first].tolist() for k in keys), strict=True))
    bounds = [*first.tolist(), len(breakdown)]
    for key, start, stop in zip(run_keys, bounds[:-1], bounds[1:], strict=True):
        out[key if len(keys) > 1 else key[0]][_KINDS[kinds[start]]].extend(entries[start:stop])

    crosswalk = getattr(scores, "crosswalk", None)
    if crosswalk is not None:
        # Few rows a country (35 tags at most): grouped once, in published order.
        for payload in out.values():
            payload["crosswalk"] = []
        if len(crosswalk):
            entries = _crosswalk_entries(crosswalk)
            owners = zip(*(crosswalk[k].tolist() for k in keys), strict=True)
            for owner, entry in zip(owners, entries, strict=True):
                out[owner if len(keys) > 1 else owner[0]]["crosswalk"].append(entry)
    return out


# --------------------------------------------------------------------------- internals
#
# The arithmetic runs on integer positions rather than on merged frames of strings. Every
# weighted sum, mean and spread is still taken by pandas' grouped reductions over the same
# entries in the same order as a merge-and-groupby over the frames would take them, so the
# unrounded figures are the same to the last bit, not merely to the published digits.


def _clean_indicators(indicators: pd.DataFrame) -> pd.DataFrame:
    columns = ["code", "dimension", "coherence_type", "area", "link", "perspective", "weight"]
    clean = indicators[columns].copy()
    # Tags are optional: a frame without them scores no crosswalk.
    clean["crosswalk"] = indicators.get("crosswalk")
    clean["code"] = clean["code"].astype(str)
    clean["weight"] = clean["weight"].astype(float)
    # A link on a horizontal indicator would be a catalogue error; links read vertical only.
    clean["link"] = clean["link"].where(clean["coherence_type"].eq("vertical"))
    return clean


def _clean_assessments(assessments: pd.DataFrame) -> pd.DataFrame:
    clean = assessments[["assessment_id", "country", "cycle", "perspective", "validated"]].copy()
    clean["assessment_id"] = clean["assessment_id"].astype("int64")
    clean["perspective"] = clean["perspective"].fillna("both")  # the model's default
    clean["validated"] = clean["validated"].eq(True)
    return clean


@dataclass(frozen=True)
class _Framework:
    """The indicators as arrays, one entry per indicator row. Codes and the breakdown columns
    are ranks into their distinct values sorted as published (-1 where the row has none)."""

    perspective: pd.Series
    weight: np.ndarray
    codes: np.ndarray  # the distinct codes, sorted
    code_rank: np.ndarray
    type_rank: np.ndarray  # 0 horizontal, 1 vertical, -1 neither
    groupings: tuple[tuple[str, np.ndarray, np.ndarray], ...]  # (kind, rank, sorted labels)
    # Each (indicator row, scored tag) pair: the row and the tag's rank in SCORED_CROSSWALK.
    tag_row: np.ndarray
    tag_rank: np.ndarray


@dataclass(frozen=True)
class _Facts:
    """One entry per assessment row and indicator row in its scope, in that order (assessment
    rows as given, then indicator rows as given): ``row`` and ``col`` locate it, ``value``
    is NaN where it carries none and ``na`` marks an answer of not applicable. ``ids`` are the
    distinct assessment ids, sorted; ``id_rank`` locates each assessment row's id in them."""

    framework: _Framework
    assessed: pd.DataFrame
    ids: np.ndarray
    id_rank: np.ndarray
    row: np.ndarray
    col: np.ndarray
    value: np.ndarray
    na: np.ndarray


def _ranks(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Each value's rank among the distinct non-null values sorted as strings (-1 where it is
    null, as a groupby leaves it out), and those sorted labels as strings."""
    codes, distinct = pd.factorize(values)
    labels = np.asarray(distinct.astype(str), dtype=object)
    order = np.argsort(labels, kind="stable")
    rank = np.empty(len(labels), dtype=np.int64)
    rank[order] = np.arange(len(labels))
    ranked = np.full(len(codes), -1, dtype=np.int64)
    ranked[codes >= 0] = rank[codes[codes >= 0]]
    return ranked, labels[order]


def _framework(indicators: pd.DataFrame) -> _Framework:
    clean = _clean_indicators(indicators)
    code_rank, codes = _ranks(clean["code"])
    coherence_type = clean["coherence_type"]
    type_rank = np.select(
        [coherence_type.eq("horizontal").to_numpy(), coherence_type.eq("vertical").to_numpy()],
        [0, 1],
        -1,
    )
    return _Framework(
        perspective=clean["perspective"].reset_index(drop=True),
        weight=clean["weight"].to_numpy(dtype=float),
        codes=codes,
        code_rank=code_rank,
        type_rank=type_rank,
        groupings=tuple((kind, *_ranks(clean[column])) for kind, column in BREAKDOWN_KINDS.items()),
        **_tag_pairs(clean["crosswalk"]),
    )


_SCORED_TAGS = pd.Index([code for _, code in SCORED_CROSSWALK])


def _tag_pairs(crosswalk: pd.Series) -> dict:
    """Every (indicator row, scored tag) pair of the indicators' tag lists, each pair once,
    by row then tag order; other tags are left out."""
    tags = crosswalk.reset_index(drop=True).explode()
    rank = _SCORED_TAGS.get_indexer(tags.astype(object).where(tags.notna(), "").astype(str))
    pairs = pd.DataFrame({"row": tags.index.to_numpy(dtype=np.int64), "rank": rank})
    pairs = pairs[pairs["rank"] >= 0].drop_duplicates().sort_values(["row", "rank"])
    return {
        "tag_row": pairs["row"].to_numpy(dtype=np.int64),
        "tag_rank": pairs["rank"].to_numpy(dtype=np.int64),
    }


def _facts(indicators: pd.DataFrame, assessments: pd.DataFrame, answers: pd.DataFrame) -> _Facts:
    """The facts of the given assessments. Answers to codes or assessments not given, or out of
    scope, drop out; should one (assessment, indicator) pair appear twice, its last row wins."""
    framework = _framework(indicators)
    assessed = _clean_assessments(assessments).reset_index(drop=True)
    ids, id_rank = np.unique(assessed["assessment_id"].to_numpy(), return_inverse=True)
    id_rank = id_rank.reshape(-1)
    n_codes = len(framework.codes)

    # The row of the answer given to each (assessment id, code), -1 where there is none.
    given_id = pd.Index(ids).get_indexer(answers["assessment_id"].astype("int64").to_numpy())
    given_code = pd.Index(framework.codes).get_indexer(answers["indicator"].astype(str))
    given = np.flatnonzero((given_id >= 0) & (given_code >= 0))
    pair = given_id[given] * n_codes + given_code[given]
    answer_row = np.full(len(ids) * n_codes, -1, dtype=np.int64)
    answer_row[pair] = given
    if not np.array_equal(answer_row[pair], given):  # a pair given twice: the last row wins
        np.maximum.at(answer_row, pair, given)
    answer_row = answer_row.reshape(len(ids), n_codes)[np.ix_(id_rank, framework.code_rank)]

    # Scope: indicator perspective "both", assessment perspective "both", or the two equal.
    perspective = pd.factorize(
        pd.concat([framework.perspective, assessed["perspective"]], ignore_index=True)
    )[0]
    of_indicator = perspective[: len(framework.weight)]
    of_assessment = perspective[len(framework.weight) :]
    in_scope = (
        framework.perspective.eq("both").to_numpy()[None, :]
        | assessed["perspective"].eq("both").to_numpy()[:, None]
        | ((of_indicator[None, :] == of_assessment[:, None]) & (of_indicator >= 0)[None, :])
    )
    row, col = np.nonzero(in_scope)  # row-major: assessment rows, then indicator rows

    # Index -1 (no answer) reads the appended "no value, not n/a".
    answer = answer_row[row, col]
    value = pd.to_numeric(answers["value"], errors="coerce").astype(float).to_numpy()
    na = np.append(answers["na"].eq(True).to_numpy(), False)[answer]
    value = np.append(value, np.nan)[answer]
    # "Not applicable" carries no value even if a stale value was stored beside it.
    value[na] = np.nan
    return _Facts(framework, assessed, ids, id_rank, row, col, value, na)


def _assessment_scores(facts: _Facts) -> Scores:
    index = pd.Index(facts.ids, name="assessment_id")
    unit = facts.id_rank[facts.row]
    totals, breakdown = _score(facts.framework, index, unit, facts.col, facts.value, facts.na)
    return Scores(totals=totals, breakdown=breakdown)


def _country_scores(facts: _Facts) -> CountryScores:
    framework, assessed = facts.framework, facts.assessed
    keys = ["country", "cycle"]
    validated = assessed["validated"].to_numpy()
    index = pd.MultiIndex.from_frame(
        assessed.loc[validated, keys].drop_duplicates().astype({"cycle": "int64"}).sort_values(keys)
    )
    # Each validated assessment row's country-and-cycle; -1 for the others, and for a row
    # without a country or cycle (a groupby leaves those out).
    unit_of_row = np.full(len(assessed), -1, dtype=np.int64)
    keyed = validated & assessed[keys].notna().all(axis=1).to_numpy()
    unit_of_row[keyed] = index.get_indexer(
        pd.MultiIndex.from_frame(assessed.loc[keyed, keys].astype({"cycle": "int64"}))
    )

    # The facts of validated assessment rows, each under its row's country-and-cycle. Should
    # an assessment id be given on several validated rows, each row's facts count under every
    # one of those rows' countries-and-cycles, as a merge on the id would have them.
    take = np.flatnonzero(validated[facts.row])
    owners = facts.id_rank[validated]
    if len(np.unique(owners)) == len(owners):
        unit = unit_of_row[facts.row[take]]
    else:
        item, target = _pairs(facts.id_rank[facts.row[take]], owners, len(facts.ids))
        take = take[item]
        unit = unit_of_row[np.flatnonzero(validated)[target]]
    keep = unit >= 0
    take, unit = take[keep], unit[keep]
    col, value, na = facts.col[take], facts.value[take], facts.na[take]

    # Consolidate per country-and-cycle and code: the plain mean of the values given, their
    # count, range and whether any of the assessments answered n/a.
    n_codes = len(framework.codes)
    n_groups = len(index) * n_codes
    group = unit * n_codes + framework.code_rank[col]
    valued = ~np.isnan(value)
    grouped = pd.Series(value).groupby(_categories(group, n_groups), observed=False, sort=True)
    mean = grouped.mean().to_numpy()
    high = grouped.max().to_numpy()
    low = grouped.min().to_numpy()
    count = np.bincount(group[valued], minlength=n_groups)
    any_na = np.bincount(group[na], minlength=n_groups) > 0
    entry = np.flatnonzero(np.bincount(group, minlength=n_groups))  # by unit, then code
    entry_unit, entry_code = entry // max(n_codes, 1), entry % max(n_codes, 1)
    value, count, any_na = mean[entry], count[entry], any_na[entry]
    spread = np.where(count >= 2, 100.0 * (high[entry] - low[entry]), np.nan)
    # A consolidated value outranks an n/a given by another actor; n/a only counts where
    # nobody gave a value.
    na = any_na & (count == 0)
    # Each consolidated code scores as each indicator row of that code.
    if n_codes == len(framework.code_rank):
        col = np.argsort(framework.code_rank)[entry_code]
    else:
        item, col = _pairs(entry_code, framework.code_rank, n_codes)
        entry_unit, entry_code = entry_unit[item], entry_code[item]
        value, spread, count, na = value[item], spread[item], count[item], na[item]

    totals, breakdown = _score(framework, index, entry_unit, col, value, na)
    crosswalk = _crosswalk(framework, index, entry_unit, col, value, na)

    by_unit = _categories(entry_unit, len(index))
    divergence = pd.Series(spread).groupby(by_unit, observed=False, sort=True).mean()
    totals["divergence"] = round_half_away(divergence.to_numpy(), SCORE_DECIMALS)
    counted = np.unique(unit_of_row[keyed] * len(facts.ids) + facts.id_rank[keyed])
    totals["assessments"] = np.bincount(
        counted // max(len(facts.ids), 1), minlength=len(index)
    ).astype("int64")

    indicator_table = pd.DataFrame(
        {
            "country": index.get_level_values("country").to_numpy()[entry_unit],
            "cycle": index.get_level_values("cycle").to_numpy()[entry_unit].astype("int64"),
            "indicator": framework.codes[entry_code],
            "value": value,
            "spread": spread,
            "n": count.astype("int64"),
        }
    )
    return CountryScores(
        totals=totals, breakdown=breakdown, indicators=indicator_table, crosswalk=crosswalk
    )


def _crosswalk(
    framework: _Framework,
    index: pd.Index,
    unit: np.ndarray,
    col: np.ndarray,
    value: np.ndarray,
    na: np.ndarray,
) -> pd.DataFrame:
    """The crosswalk scores of the units (countries-and-cycles) over their consolidated facts:
    for each scored tag, the weighted mean of the values of the indicators tagged with it and
    the coverage of areas; a tag with no tagged indicator in scope is left out (DESIGN §4)."""
    n_units, n_tags = len(index), len(_SCORED_TAGS)
    # Each fact once per scored tag of its indicator row.
    item, pair = _pairs(col, framework.tag_row, len(framework.weight))
    group = unit[item] * n_tags + framework.tag_rank[pair]
    value, na = value[item], na[item]
    valued = ~np.isnan(value)
    weight = framework.weight[col[item]]
    sums = pd.DataFrame(
        {
            "weighted_value": np.where(valued, weight * np.nan_to_num(value), 0.0),
            "valued_weight": np.where(valued, weight, 0.0),
        }
    )
    size = n_units * n_tags
    total = sums.groupby(_categories(group, size), observed=False, sort=True).sum().to_numpy()
    in_scope = np.bincount(group, minlength=size)
    answered = np.bincount(group[valued], minlength=size)
    denominator = in_scope - np.bincount(group[na], minlength=size)
    with np.errstate(invalid="ignore", divide="ignore"):
        score = 100.0 * (total[:, 0] / np.where(total[:, 1] > 0, total[:, 1], np.nan))
        coverage = answered / np.where(denominator > 0, denominator, np.nan)
    cell = np.flatnonzero(in_scope)  # by unit, then tag order
    tag = cell % n_tags
    published = round_half_away(score[cell], SCORE_DECIMALS)
    frameworks = np.array([fw for fw, _ in SCORED_CROSSWALK], dtype=object)[tag]
    labels = category(published)
    labels[frameworks != CATEGORISED_FRAMEWORK] = None
    units = cell // n_tags
    return pd.DataFrame(
        {
            "country": index.get_level_values("country").to_numpy()[units],
            "cycle": index.get_level_values("cycle").to_numpy()[units].astype("int64"),
            "framework": frameworks,
            "code": _SCORED_TAGS.to_numpy()[tag],
            "score": np.asarray(published, dtype=float),
            "coverage": np.asarray(round_half_away(coverage[cell], COVERAGE_DECIMALS), dtype=float),
            "category": labels,
        }
    )


def _score(
    framework: _Framework,
    index: pd.Index,
    unit: np.ndarray,
    col: np.ndarray,
    value: np.ndarray,
    na: np.ndarray,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Totals (on ``index``) and breakdown of the units (assessments or countries-and-cycles,
    at positions ``unit`` of ``index``) over their facts: one entry per unit and indicator
    row in its scope, with ``value`` (NaN where none) and ``na``, in the order summed."""
    n_units = len(index)
    valued = ~np.isnan(value)
    weight = framework.weight[col]
    with np.errstate(invalid="ignore", over="ignore"):
        sums = pd.DataFrame(
            {
                "weighted_value": np.where(valued, weight * value, 0.0),
                "valued_weight": np.where(valued, weight, 0.0),
            }
        )

    def weighted_scores(rank: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
        """Scores per unit (rows) and value of the grouping (columns), and the entries' groups."""
        group = np.where(rank[col] >= 0, unit * size + rank[col], -1)
        grouped = sums.groupby(_categories(group, n_units * size), observed=False, sort=True)
        total = grouped.sum().to_numpy().reshape(n_units, size, 2)
        valued_weight = np.where(total[..., 1] > 0, total[..., 1], np.nan)
        with np.errstate(invalid="ignore", divide="ignore"):
            return 100.0 * (total[..., 0] / valued_weight), group

    by_type, _ = weighted_scores(framework.type_rank, 2)
    horizontal, vertical = by_type[:, 0], by_type[:, 1]
    # Overall comes from the unrounded type scores, or the one that exists.
    overall = np.where(
        np.isnan(horizontal),
        vertical,
        np.where(np.isnan(vertical), horizontal, (horizontal + vertical) / 2),
    )
    totals = pd.DataFrame(index=index)
    totals["overall"] = round_half_away(overall, SCORE_DECIMALS)
    totals["horizontal"] = round_half_away(horizontal, SCORE_DECIMALS)
    totals["vertical"] = round_half_away(vertical, SCORE_DECIMALS)
    totals["band"] = band(totals["overall"])

    # Every grouping side by side, one column per (kind, code) in published order, so that
    # the listed cells read row by row come sorted by unit, kind and code.
    kinds, codes, scores, coverages, listed = [], [], [], [], []
    for kind, rank, labels in framework.groupings:
        size = len(labels)
        score, group = weighted_scores(rank, size)
        grouped = group >= 0
        in_scope = np.bincount(group[grouped], minlength=n_units * size)
        if kind == "area":
            answered = np.bincount(group[grouped & valued], minlength=n_units * size)
            denominator = in_scope - np.bincount(group[grouped & na], minlength=n_units * size)
            with np.errstate(invalid="ignore", divide="ignore"):
                coverage = answered / np.where(denominator > 0, denominator, np.nan)
            coverage = round_half_away(coverage, COVERAGE_DECIMALS).reshape(n_units, size)
        else:
            coverage = np.full((n_units, size), np.nan)
        kinds.append(np.full(size, kind, dtype=object))
        codes.append(labels)
        scores.append(score)
        coverages.append(coverage)
        listed.append(in_scope.reshape(n_units, size) > 0)
    cell = np.flatnonzero(np.hstack(listed))
    width = sum(len(labels) for labels in codes)
    unit_of, column = cell // max(width, 1), cell % max(width, 1)
    breakdown = pd.DataFrame(
        {
            **{
                key: index.get_level_values(key).to_numpy()[unit_of]
                for key in (index.names if isinstance(index, pd.MultiIndex) else [index.name])
            },
            "kind": np.concatenate(kinds)[column],
            "code": np.concatenate(codes)[column],
            "score": round_half_away(np.hstack(scores).reshape(-1)[cell], SCORE_DECIMALS),
            "coverage": np.hstack(coverages).reshape(-1)[cell].astype(float),
        }
    )
    return totals, breakdown


def _categories(codes: np.ndarray, size: int) -> pd.Categorical:
    """Group codes 0..size-1 (-1 for none) as a grouping key that pandas reads as is: a
    categorical groupby with ``observed=False`` yields every group, in code order."""
    return pd.Categorical.from_codes(codes, categories=pd.RangeIndex(size))


def _pairs(owner: np.ndarray, target_owner: np.ndarray, n_owners: int):
    """Every (item, target) of the same owner — items in order, then each item's targets in
    order — as a left merge of the items onto the targets on their owner pairs them."""
    order = np.argsort(target_owner, kind="stable")
    count = np.bincount(target_owner, minlength=n_owners)
    start = np.cumsum(count) - count
    repeat = count[owner]
    item = np.repeat(np.arange(len(owner)), repeat)
    within = np.arange(len(item)) - np.repeat(np.cumsum(repeat) - repeat, repeat)
    return item, order[start[owner[item]] + within]


def _is_null(value: Any) -> bool:
    return value is None or bool(pd.isna(value))


def _native_float(value: Any) -> float | None:
    return None if _is_null(value) else float(value)


def _native_floats(column: pd.Series) -> list:
    """``_native_float`` of every value of ``column``, at once for a float column."""
    if column.dtype.kind != "f":
        return [_native_float(value) for value in column.tolist()]
    values = column.to_numpy()
    native = values.astype(object)  # Python floats
    native[np.isnan(values)] = None
    return native.tolist()
