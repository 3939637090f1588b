"""Every published figure of the scoring engine agrees with a naive reading of DESIGN §4.

The naive implementation below follows the text of §4 line by line with plain loops, dicts
and exact fractions; random small frameworks and answers are scored by both.
"""

import math
from dataclasses import dataclass, field
from fractions import Fraction

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments.scoring import (
    payloads,
    score_all,
    score_assessments,
    score_countries,
    to_payload,
)

DIMENSIONS = ["institutional", "costs", "rights"]
AREAS = ["health", "employment", "integration"]
LINKS = ["national-subnational", "national-bilateral"]
PERSPECTIVES = ["origin", "destination", "both"]
WEIGHTS = ["0.1", "0.25", "0.5", "1", "1.5", "2", "3", "2.5"]


# Normalised answers as each answer type yields them (yes_no, three_level, scale k/4,
# percent p/100 including decimals that sit on a rounding half), as exact decimals; the
# frames get the nearest float, whose repr is that decimal again.
VALUES = st.one_of(
    st.sampled_from(
        [Fraction(0), Fraction(1), Fraction(1, 2)] + [Fraction(k, 4) for k in range(5)]
    ),
    st.integers(0, 100).map(lambda p: Fraction(p, 100)),
    # Percents on a rounding half (0.035, 1.005, 24.995, …): about one in nine of them is
    # stored as a float just below the half, which naive float rounding would publish low.
    st.integers(0, 9999).map(lambda c: Fraction(10 * c + 5, 1000) / 100),
)


# --------------------------------------------------------------------------- naive reference


def exact(x):
    """Floats are read as the decimals they print as, which is what a user typed."""
    return Fraction(repr(x))


def half_away(x, decimals):
    if x is None:
        return None
    scale = 10**decimals
    sign = -1 if x < 0 else 1
    units = math.floor(abs(x) * scale + Fraction(1, 2))
    return float(sign * Fraction(units, scale))


def naive_band(published):
    if published is None:
        return None
    if published < 25:
        return "initial"
    if published < 50:
        return "developing"
    if published < 75:
        return "established"
    return "advanced"


def weighted_mean(pairs):
    """pairs of (weight, value or None) → Σw·s/Σw over those with a value, else None."""
    num = Fraction(0)
    den = Fraction(0)
    for weight, value in pairs:
        if value is not None:
            num += weight * value
            den += weight
    return num / den if den else None


def times_100(x):
    return None if x is None else 100 * x


@dataclass
class Unit:
    """What the naive method needs of one unit (an assessment or a country-cycle):
    for each indicator in scope, its value (or None) and whether it counts as n/a."""

    values: dict = field(default_factory=dict)
    na: dict = field(default_factory=dict)


def naive_unit_scores(framework, unit):
    """(totals dict of unrounded figures, list of breakdown rows published) for one unit."""
    in_scope = [code for code in framework if code in unit.values]

    def mean_over(codes):
        return times_100(weighted_mean([(framework[c]["weight"], unit.values[c]) for c in codes]))

    horizontal = mean_over([c for c in in_scope if framework[c]["coherence_type"] == "horizontal"])
    vertical = mean_over([c for c in in_scope if framework[c]["coherence_type"] == "vertical"])
    if horizontal is not None and vertical is not None:
        overall = (horizontal + vertical) / 2
    elif horizontal is not None:
        overall = horizontal
    else:
        overall = vertical

    rows = []
    for kind, attribute in (("area", "area"), ("dimension", "dimension"), ("link", "link")):
        groups = {}
        for code in in_scope:
            if kind == "link" and framework[code]["coherence_type"] != "vertical":
                continue
            groups.setdefault(framework[code][attribute], []).append(code)
        for group in sorted(groups):
            members = groups[group]
            coverage = None
            if kind == "area":
                answered = sum(1 for c in members if unit.values[c] is not None)
                not_applicable = sum(1 for c in members if unit.na[c])
                denominator = len(members) - not_applicable
                coverage = Fraction(answered, denominator) if denominator else None
            rows.append(
                {
                    "kind": kind,
                    "code": group,
                    "score": half_away(mean_over(members), 2),
                    "coverage": half_away(coverage, 4),
                }
            )
    totals = {"overall": overall, "horizontal": horizontal, "vertical": vertical}
    return totals, rows


def in_scope(indicator_perspective, assessment_perspective):
    return (
        indicator_perspective == "both"
        or assessment_perspective == "both"
        or indicator_perspective == assessment_perspective
    )


def naive_answers(case):
    """(assessment_id, code) → (value or None, na); a later row for the same pair wins."""
    stored = {}
    for assessment_id, code, value, na in case.answers:
        value = None if na or value is None else exact(value)
        stored[(assessment_id, code)] = (value, na)
    return stored


def naive_assessment_unit(case, assessment, stored):
    unit = Unit()
    for code, indicator in case.framework.items():
        if in_scope(indicator["perspective"], assessment["perspective"]):
            value, na = stored.get((assessment["assessment_id"], code), (None, False))
            unit.values[code] = value
            unit.na[code] = na
    return unit


def naive_score_assessments(case):
    stored = naive_answers(case)
    result = {}
    for assessment in case.assessments:
        unit = naive_assessment_unit(case, assessment, stored)
        result[assessment["assessment_id"]] = naive_unit_scores(case.framework, unit)
    return result


def naive_score_countries(case):
    stored = naive_answers(case)
    groups = {}
    for assessment in case.assessments:
        if assessment["validated"]:
            key = (assessment["country"], assessment["cycle"])
            groups.setdefault(key, []).append(assessment)
    result = {}
    for key, members in groups.items():
        units = [naive_assessment_unit(case, a, stored) for a in members]
        consolidated = Unit()
        per_indicator = {}
        spreads = []
        for code in case.framework:
            having = [u for u in units if code in u.values]
            if not having:
                continue
            values = [u.values[code] for u in having if u.values[code] is not None]
            value = sum(values, Fraction(0)) / len(values) if values else None
            consolidated.values[code] = value
            consolidated.na[code] = value is None and any(u.na[code] for u in having)
            spread = 100 * (max(values) - min(values)) if len(values) >= 2 else None
            if spread is not None:
                spreads.append(spread)
            per_indicator[code] = (value, spread, len(values))
        totals, rows = naive_unit_scores(case.framework, consolidated)
        totals["divergence"] = sum(spreads, Fraction(0)) / len(spreads) if spreads else None
        totals["assessments"] = len(members)
        result[key] = (totals, rows, per_indicator)
    return result


# --------------------------------------------------------------------------- generated cases


@dataclass
class Case:
    framework: dict
    assessments: list
    answers: list

    def frames(self):
        indicators = pd.DataFrame.from_records(
            [
                {
                    "code": code,
                    "dimension": ind["dimension"],
                    "coherence_type": ind["coherence_type"],
                    "area": ind["area"],
                    "link": ind["link"],
                    "perspective": ind["perspective"],
                    "weight": float(ind["weight"]),
                }
                for code, ind in self.framework.items()
            ],
            columns=[
                "code",
                "dimension",
                "coherence_type",
                "area",
                "link",
                "perspective",
                "weight",
            ],
        )
        assessments = pd.DataFrame.from_records(
            self.assessments,
            columns=["assessment_id", "country", "cycle", "perspective", "validated"],
        )
        answers = pd.DataFrame.from_records(
            [
                {
                    "assessment_id": assessment_id,
                    "indicator": code,
                    "value": float("nan") if value is None else value,
                    "na": na,
                }
                for assessment_id, code, value, na in self.answers
            ],
            columns=["assessment_id", "indicator", "value", "na"],
        )
        answers["value"] = answers["value"].astype(float)
        answers["na"] = answers["na"].astype(bool)
        return indicators, assessments, answers


@st.composite
def cases(draw):
    framework = {}
    for number in range(draw(st.integers(0, 8))):
        coherence_type = draw(st.sampled_from(["horizontal", "vertical"]))
        framework[f"I{number}"] = {
            "dimension": draw(st.sampled_from(DIMENSIONS)),
            "coherence_type": coherence_type,
            "area": draw(st.sampled_from(AREAS)),
            "link": draw(st.sampled_from(LINKS)) if coherence_type == "vertical" else None,
            "perspective": draw(st.sampled_from(PERSPECTIVES)),
            "weight": Fraction(draw(st.sampled_from(WEIGHTS))),
        }
    # Few countries and cycles, so that consolidations often read three or more assessments.
    assessments = [
        {
            "assessment_id": assessment_id,
            "country": draw(st.sampled_from(["PHL", "PHL", "PHL", "MDA"])),
            "cycle": draw(st.sampled_from([2026, 2026, 2026, 2025])),
            "perspective": draw(st.sampled_from(PERSPECTIVES)),
            "validated": draw(st.sampled_from([True, True, False])),
        }
        for assessment_id in draw(st.sets(st.integers(1, 40), max_size=8))
    ]
    # A dense grid of answers, also to unknown assessments and codes and to indicators out of
    # the assessment's scope; a value stored beside n/a must be ignored.
    ids = [a["assessment_id"] for a in assessments] + [99]
    codes = list(framework) + ["UNKNOWN"]
    value = VALUES.map(float)
    states = {
        "unanswered": st.just((None, False)),
        "na": st.tuples(st.none() | value, st.just(True)),
        "value": st.tuples(value, st.just(False)),
    }
    kinds = st.sampled_from(["absent", "unanswered", "na", "value", "value", "value"])
    answers = []
    for assessment_id in ids:
        for code in codes:
            kind = draw(kinds)
            if kind != "absent":
                answers.append((assessment_id, code, *draw(states[kind])))
    answers = draw(st.permutations(answers))
    # A few repeated pairs: the later row wins.
    answers += draw(
        st.lists(
            st.tuples(
                st.sampled_from(ids), st.sampled_from(codes), st.none() | value, st.booleans()
            ),
            max_size=3,
        )
    )
    return Case(framework=framework, assessments=assessments, answers=answers)


# --------------------------------------------------------------------------- comparison


def same(actual, expected, tolerance=1e-12):
    if expected is None:
        return actual is None or (isinstance(actual, float) and math.isnan(actual))
    if actual is None or math.isnan(actual):
        return False
    return math.isclose(actual, expected, rel_tol=tolerance, abs_tol=tolerance)


def check_totals(row, totals):
    for column in ("overall", "horizontal", "vertical"):
        published = half_away(totals[column], 2)
        assert same(row[column], published), (column, row[column], published)
    assert row["band"] == naive_band(half_away(totals["overall"], 2))


def check_breakdown(actual, expected_rows):
    actual_rows = actual[["kind", "code", "score", "coverage"]].to_dict("records")
    expected_rows = sorted(expected_rows, key=lambda r: (r["kind"], r["code"]))
    assert [(r["kind"], r["code"]) for r in actual_rows] == [
        (r["kind"], r["code"]) for r in expected_rows
    ]
    for got, want in zip(actual_rows, expected_rows, strict=True):
        assert same(got["score"], want["score"]), (got, want)
        assert same(got["coverage"], want["coverage"]), (got, want)


SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None
)


@SETTINGS
@given(cases())
def test_assessment_scores_match_the_naive_method(case):
    scores = score_assessments(*case.frames())
    expected = naive_score_assessments(case)

    assert scores.totals.index.tolist() == sorted(expected)
    ordered = scores.breakdown[["assessment_id", "kind", "code"]].to_records(index=False).tolist()
    assert ordered == sorted(ordered)
    for assessment_id, (totals, rows) in expected.items():
        check_totals(scores.totals.loc[assessment_id], totals)
        check_breakdown(scores.breakdown[scores.breakdown["assessment_id"] == assessment_id], rows)


@SETTINGS
@given(cases())
def test_country_scores_match_the_naive_method(case):
    result = score_countries(*case.frames())
    expected = naive_score_countries(case)

    assert result.totals.index.tolist() == sorted(expected)
    ordered = result.breakdown[["country", "cycle", "kind", "code"]].to_records(index=False)
    assert ordered.tolist() == sorted(ordered.tolist())
    for key, (totals, rows, per_indicator) in expected.items():
        row = result.totals.loc[key]
        check_totals(row, totals)
        assert same(row["divergence"], half_away(totals["divergence"], 2))
        assert row["assessments"] == totals["assessments"]

        country, cycle = key
        in_key = (result.breakdown["country"] == country) & (result.breakdown["cycle"] == cycle)
        check_breakdown(result.breakdown[in_key], rows)

        table = result.indicators[
            (result.indicators["country"] == country) & (result.indicators["cycle"] == cycle)
        ]
        assert table["indicator"].tolist() == sorted(per_indicator)
        for code, value, spread, n in table[["indicator", "value", "spread", "n"]].itertuples(
            index=False
        ):
            want_value, want_spread, want_n = per_indicator[code]
            # Unrounded figures: equal up to float arithmetic.
            assert same(value, None if want_value is None else float(want_value), 1e-9)
            assert same(spread, None if want_spread is None else float(want_spread), 1e-9)
            assert n == want_n


def assert_same_frames(actual, expected):
    """Equal to the last bit: same columns, dtypes, index, order and values."""
    pd.testing.assert_frame_equal(actual, expected, check_exact=True)


@SETTINGS
@given(cases())
def test_score_all_gives_exactly_the_two_separate_functions(case):
    frames = case.frames()
    scores, countries = score_all(*frames)
    separate_scores = score_assessments(*frames)
    separate_countries = score_countries(*frames)

    assert_same_frames(scores.totals, separate_scores.totals)
    assert_same_frames(scores.breakdown, separate_scores.breakdown)
    assert_same_frames(countries.totals, separate_countries.totals)
    assert_same_frames(countries.breakdown, separate_countries.breakdown)
    assert_same_frames(countries.indicators, separate_countries.indicators)
    # The inputs are left as given.
    for given_frame, again in zip(frames, case.frames(), strict=True):
        assert_same_frames(given_frame, again)


@SETTINGS
@given(cases())
def test_payloads_are_to_payload_of_every_row(case):
    scores, countries = score_all(*case.frames())

    by_assessment = payloads(scores, ["assessment_id"])
    assert list(by_assessment) == scores.totals.index.tolist()
    for assessment_id, payload in by_assessment.items():
        rows = scores.breakdown[scores.breakdown["assessment_id"] == assessment_id]
        assert payload == to_payload(scores.totals.loc[assessment_id], rows)

    by_country = payloads(countries, ["country", "cycle"])
    assert list(by_country) == countries.totals.index.tolist()
    for (country, cycle), payload in by_country.items():
        breakdown = countries.breakdown
        rows = breakdown[(breakdown["country"] == country) & (breakdown["cycle"] == cycle)]
        crosswalk = countries.crosswalk
        tags = crosswalk[(crosswalk["country"] == country) & (crosswalk["cycle"] == cycle)]
        assert payload == to_payload(countries.totals.loc[(country, cycle)], rows, tags)
