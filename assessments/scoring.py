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
    (100 × (max − min), NaN under two values) and ``n``, the number of values behind it.
    """

    totals: pd.DataFrame
    breakdown: pd.DataFrame
    indicators: pd.DataFrame


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


def normalise(answer_type: pd.Series, raw: pd.Series) -> pd.Series:
    """Map stored raw answers to s in [0, 1], element-wise by each row's ``answer_type``.

    ``yes_no``: ``'yes'``/``'no'`` (any case) or the stored numbers 1/0 → 1/0;
    ``three_level``: 0/5/10 → 0/0.5/1; ``scale``: integer k in 0–4 → k/4;
    ``percent``: p in 0–100 → p/100. NaN/None (unanswered, or n/a) stays NaN.
    A value outside its type's domain, or an unknown answer type, raises ValueError: the
    importer and the forms validate answers, so one reaching here is a bug to surface.
    """
    answer_type = pd.Series(answer_type).reset_index(drop=True)
    raw = pd.Series(raw)
    index = raw.index
    raw = raw.reset_index(drop=True)
    if len(answer_type) != len(raw):
        raise ValueError("answer_type and raw must have the same length")

    try:
        # .str yields NaN for the non-string cells of a mixed column, e.g. stored 1.0/0.0.
        text = raw.str.strip().str.lower()
    except AttributeError:  # no string at all: a numeric column
        text = pd.Series(np.nan, index=raw.index, dtype=object)
    is_word = text.isin(list(_YES_NO_WORDS))
    words = text.map(_YES_NO_WORDS).astype(float)
    numbers = pd.to_numeric(raw.where(~is_word), errors="coerce").astype(float)
    missing = raw.isna()
    unparsed = ~missing & ~is_word & numbers.isna()

    yes_no = answer_type.eq("yes_no")
    three_level = answer_type.eq("three_level")
    scale = answer_type.eq("scale")
    percent = answer_type.eq("percent")
    unknown = ~(yes_no | three_level | scale | percent)
    if unknown.any():
        raise ValueError(f"unknown answer_type {answer_type[unknown].iloc[0]!r}")

    out = pd.Series(np.nan, index=raw.index, dtype=float)
    out[yes_no] = words.where(is_word, numbers)[yes_no]
    out[three_level] = numbers[three_level] / 10.0
    out[scale] = numbers[scale] / 4.0
    out[percent] = numbers[percent] / 100.0

    invalid = unparsed | (~yes_no & is_word)
    invalid |= yes_no & ~missing & ~is_word & ~numbers.isin([0.0, 1.0])
    invalid |= three_level & ~missing & ~numbers.isin(_THREE_LEVELS)
    invalid |= scale & ~missing & ~numbers.isin([0.0, 1.0, 2.0, 3.0, 4.0])
    invalid |= percent & ~missing & ~numbers.between(0.0, 100.0)
    if invalid.any():
        position = int(np.flatnonzero(invalid.to_numpy())[0])
        raise ValueError(
            f"value {raw.iloc[position]!r} is not a valid {answer_type.iloc[position]} answer "
            f"(row {index[position]!r})"
        )
    out.index = index
    return out


# --------------------------------------------------------------------------- scoring


def score_assessments(
    indicators: pd.DataFrame, assessments: pd.DataFrame, answers: pd.DataFrame
) -> Scores:
    """Score every given assessment, whatever its state (DESIGN §4, one assessment)."""
    facts = _assessment_facts(indicators, assessments, answers)
    keys = ["assessment_id"]
    index = pd.Index(
        np.sort(assessments["assessment_id"].astype("int64").unique()), name="assessment_id"
    )
    totals, breakdown = _score(facts, keys, index)
    return Scores(totals=totals, breakdown=breakdown)


def score_countries(
    indicators: pd.DataFrame, assessments: pd.DataFrame, answers: pd.DataFrame
) -> CountryScores:
    """Consolidate the validated assessments of each (country, cycle) (DESIGN §4)."""
    keys = ["country", "cycle"]
    validated = _clean_assessments(assessments)
    validated = validated[validated["validated"]]
    facts = _assessment_facts(indicators, validated, answers)
    facts = facts.merge(validated[["assessment_id", *keys]], on="assessment_id", how="left")

    per_indicator = facts.groupby([*keys, "indicator"], sort=True)
    consolidated = per_indicator.agg(
        value=("value", "mean"),
        n=("value", "count"),
        high=("value", "max"),
        low=("value", "min"),
        any_na=("na", "any"),
    ).reset_index()
    consolidated["n"] = consolidated["n"].astype("int64")
    consolidated["spread"] = np.where(
        consolidated["n"] >= 2, 100.0 * (consolidated["high"] - consolidated["low"]), np.nan
    )
    # A consolidated value outranks an n/a given by another actor; n/a only counts where
    # nobody gave a value.
    consolidated["na"] = consolidated["any_na"] & (consolidated["n"] == 0)
    consolidated = consolidated.merge(
        _clean_indicators(indicators), left_on="indicator", right_on="code", how="left"
    )

    index = pd.MultiIndex.from_frame(
        validated[keys].drop_duplicates().astype({"cycle": "int64"}).sort_values(keys)
    )
    totals, breakdown = _score(consolidated, keys, index)

    divergence = consolidated.groupby(keys)["spread"].mean()
    totals["divergence"] = round_half_away(divergence.reindex(index), SCORE_DECIMALS)
    counts = validated.groupby(keys)["assessment_id"].nunique()
    totals["assessments"] = counts.reindex(index).fillna(0).astype("int64")

    indicator_table = consolidated[[*keys, "indicator", *INDICATOR_COLUMNS]].reset_index(drop=True)
    indicator_table["cycle"] = indicator_table["cycle"].astype("int64")
    return CountryScores(totals=totals, breakdown=breakdown, indicators=indicator_table)


def to_payload(totals_row: pd.Series | dict, breakdown_rows: pd.DataFrame) -> dict:
    """The JSON-ready score of DESIGN §6: native floats, None for null, lists sorted by code.

    ``totals_row`` is one row of a ``totals`` frame; ``breakdown_rows`` the breakdown rows of
    the same assessment or country-and-cycle. ``divergence`` and ``assessments`` are added
    when the row carries them (consolidated scores).
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
    return payload


def payloads(scores: Scores | CountryScores, keys: list[str]) -> dict:
    """``to_payload`` for every row of ``scores`` at once: key → payload, where the key is
    the assessment id or the (country, cycle) pair. One pass over the breakdown rows
    (figures, not answers) instead of a frame slice per assessment."""
    _KINDS = {"area": "areas", "dimension": "dimensions", "link": "links"}
    totals = scores.totals.reset_index()
    out: dict = {}
    key_columns = [totals[k].tolist() for k in keys]
    extra = [c for c in ("divergence", "assessments") if c in totals.columns]
    columns = {c: totals[c].tolist() for c in ("overall", "horizontal", "vertical", "band", *extra)}
    for i, key in enumerate(zip(*key_columns, strict=True)):
        payload: dict[str, Any] = {
            "overall": _native_float(columns["overall"][i]),
            "horizontal": _native_float(columns["horizontal"][i]),
            "vertical": _native_float(columns["vertical"][i]),
            "band": None if _is_null(columns["band"][i]) else str(columns["band"][i]),
            "areas": [],
            "dimensions": [],
            "links": [],
        }
        if "divergence" in columns:
            payload["divergence"] = _native_float(columns["divergence"][i])
        if "assessments" in columns:
            payload["assessments"] = int(columns["assessments"][i])
        out[key if len(keys) > 1 else key[0]] = payload
    breakdown = scores.breakdown.sort_values([*keys, "kind", "code"])
    rows = zip(
        *(breakdown[k].tolist() for k in keys),
        breakdown["kind"].tolist(),
        breakdown["code"].tolist(),
        breakdown["score"].tolist(),
        breakdown["coverage"].tolist(),
        strict=True,
    )
    width = len(keys)
    for row in rows:
        key = row[:width] if width > 1 else row[0]
        kind, code, score, coverage = row[width:]
        entry = {"code": str(code), "score": _native_float(score)}
        if kind == "area":
            entry["coverage"] = _native_float(coverage)
        out[key][_KINDS[kind]].append(entry)
    return out


# --------------------------------------------------------------------------- internals


def _clean_indicators(indicators: pd.DataFrame) -> pd.DataFrame:
    columns = ["code", "dimension", "coherence_type", "area", "link", "perspective", "weight"]
    clean = indicators[columns].copy()
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


def _assessment_facts(
    indicators: pd.DataFrame, assessments: pd.DataFrame, answers: pd.DataFrame
) -> pd.DataFrame:
    """One row per (assessment, indicator in its scope) with the indicator's attributes,
    ``value`` (NaN where it carries none) and ``na`` (answered not applicable).

    Answers to codes or assessments not given, or out of scope, drop out; should one
    (assessment, indicator) pair appear twice, its last row wins."""
    framework = _clean_indicators(indicators)
    assessed = _clean_assessments(assessments)[["assessment_id", "perspective"]]

    pairs = assessed.merge(framework, how="cross", suffixes=("_assessment", ""))
    in_scope = (
        pairs["perspective"].eq("both")
        | pairs["perspective_assessment"].eq("both")
        | pairs["perspective"].eq(pairs["perspective_assessment"])
    )
    scope = pairs.loc[in_scope].drop(columns=["perspective", "perspective_assessment"])
    scope = scope.rename(columns={"code": "indicator"})

    given = answers[["assessment_id", "indicator", "value", "na"]].copy()
    given["assessment_id"] = given["assessment_id"].astype("int64")
    given["indicator"] = given["indicator"].astype(str)
    given["value"] = pd.to_numeric(given["value"], errors="coerce").astype(float)
    given["na"] = given["na"].eq(True)
    given = given.drop_duplicates(["assessment_id", "indicator"], keep="last")

    # A left merge onto the scope drops answers out of scope or to unknown codes.
    facts = scope.merge(given, on=["assessment_id", "indicator"], how="left")
    facts["na"] = facts["na"].eq(True)  # absent answers come back NaN from the merge
    # "Not applicable" carries no value even if a stale value was stored beside it.
    facts["value"] = facts["value"].where(~facts["na"])
    return facts.reset_index(drop=True)


def _score(
    facts: pd.DataFrame, keys: list[str], index: pd.Index
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Totals (on ``index``) and breakdown over ``facts`` — one row per unit (assessment or
    country-and-cycle, named by ``keys``) and indicator in its scope, with ``value``/``na``."""
    facts = facts.copy()  # the caller's frame stays as given
    valued = facts["value"].notna()
    facts["weighted_value"] = (facts["weight"] * facts["value"]).where(valued, 0.0)
    facts["valued_weight"] = facts["weight"].where(valued, 0.0)
    facts["answered"] = valued.astype("int64")
    facts["not_applicable"] = facts["na"].astype("int64")
    facts["in_scope"] = 1

    by_type = _weighted_scores(facts, [*keys, "coherence_type"])["score"].unstack("coherence_type")
    by_type = by_type.reindex(columns=["horizontal", "vertical"]).reindex(index)
    totals = pd.DataFrame(index=index)
    # Overall comes from the unrounded type scores; mean() skips the one that is null.
    totals["overall"] = round_half_away(by_type.mean(axis=1), SCORE_DECIMALS)
    totals["horizontal"] = round_half_away(by_type["horizontal"], SCORE_DECIMALS)
    totals["vertical"] = round_half_away(by_type["vertical"], SCORE_DECIMALS)
    totals["band"] = band(totals["overall"])

    parts = []
    for kind, column in BREAKDOWN_KINDS.items():
        scored = _weighted_scores(facts, [*keys, column]).reset_index()
        scored = scored.rename(columns={column: "code"})
        scored.insert(len(keys), "kind", kind)
        if kind == "area":
            denominator = scored["in_scope"] - scored["not_applicable"]
            coverage = scored["answered"] / denominator.where(denominator > 0)
            scored["coverage"] = round_half_away(coverage, COVERAGE_DECIMALS)
        else:
            scored["coverage"] = np.nan
        parts.append(scored[[*keys, *BREAKDOWN_COLUMNS]])
    breakdown = pd.concat(parts, ignore_index=True)
    breakdown["score"] = round_half_away(breakdown["score"].astype(float), SCORE_DECIMALS)
    breakdown["coverage"] = breakdown["coverage"].astype(float)
    breakdown["code"] = breakdown["code"].astype(str)
    for key in keys:
        breakdown[key] = breakdown[key].astype(index.get_level_values(key).dtype)
    breakdown = breakdown.sort_values([*keys, "kind", "code"], ignore_index=True)
    return totals, breakdown


def _weighted_scores(facts: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    # dropna leaves out the NaN link of horizontal indicators: they belong to no link.
    sums = facts.groupby(by, sort=False, dropna=True)[
        ["weighted_value", "valued_weight", "answered", "not_applicable", "in_scope"]
    ].sum()
    valued_weight = sums["valued_weight"].where(sums["valued_weight"] > 0)
    sums["score"] = 100.0 * (sums["weighted_value"] / valued_weight)
    return sums


def _is_null(value: Any) -> bool:
    return value is None or bool(pd.isna(value))


def _native_float(value: Any) -> float | None:
    return None if _is_null(value) else float(value)
