"""The scoring method of DESIGN §4, one hand-worked example per rule.

Every expected figure is worked out by hand in the comment beside it.
"""

import math

import numpy as np
import pandas as pd
import pytest

from assessments.scoring import (
    CountryScores,
    Scores,
    band,
    normalise,
    round_half_away,
    score_assessments,
    score_countries,
    to_payload,
)

NaN = float("nan")


def framework(*rows):
    """Rows of (code, coherence_type, area, dimension, perspective, weight[, link])."""
    records = []
    for code, coherence_type, area, dimension, perspective, weight, *link in rows:
        # Vertical indicators default to one link; horizontal ones have none.
        link = (link or ["national-regional"])[0] if coherence_type == "vertical" else None
        records.append(
            {
                "code": code,
                "dimension": dimension,
                "coherence_type": coherence_type,
                "area": area,
                "link": link,
                "perspective": perspective,
                "weight": float(weight),
            }
        )
    return pd.DataFrame.from_records(records)


def assessments(*rows):
    """Rows of (assessment_id, country, cycle, perspective, validated)."""
    columns = ["assessment_id", "country", "cycle", "perspective", "validated"]
    return pd.DataFrame.from_records(rows, columns=columns)


def answers(*rows):
    """Rows of (assessment_id, indicator, value); value "n/a" answers not applicable."""
    records = [
        {
            "assessment_id": assessment_id,
            "indicator": indicator,
            "value": NaN if value in ("n/a", None) else float(value),
            "na": value == "n/a",
        }
        for assessment_id, indicator, value in rows
    ]
    return pd.DataFrame.from_records(records, columns=["assessment_id", "indicator", "value", "na"])


def one(perspective="both"):
    """A single assessment (id 1) of PHL 2026."""
    return assessments((1, "PHL", 2026, perspective, True))


def entry(breakdown, kind, code, key=1):
    rows = breakdown[(breakdown["kind"] == kind) & (breakdown["code"] == code)]
    if "assessment_id" in breakdown:
        rows = rows[rows["assessment_id"] == key]
    else:
        rows = rows[(rows["country"] == key[0]) & (rows["cycle"] == key[1])]
    assert len(rows) == 1, f"{kind} {code} listed {len(rows)} times"
    return rows.iloc[0]


def codes(breakdown, kind):
    return sorted(breakdown.loc[breakdown["kind"] == kind, "code"])


def same(a, b):
    return (math.isnan(a) and math.isnan(b)) or a == b


# --------------------------------------------------------------------------- values


def test_na_and_unanswered_carry_no_value_and_only_na_leaves_the_coverage_denominator():
    indicators = framework(
        ("H1", "horizontal", "health", "rights", "both", 1),
        ("H2", "horizontal", "health", "rights", "both", 1),
        ("H3", "horizontal", "health", "rights", "both", 1),
        ("H4", "horizontal", "health", "rights", "both", 1),
    )
    # H1 = 0.5, H2 n/a, H3 stored but unanswered, H4 no row at all.
    scores = score_assessments(
        indicators, one(), answers((1, "H1", 0.5), (1, "H2", "n/a"), (1, "H3", None))
    )
    health = entry(scores.breakdown, "area", "health")
    # Only H1 carries a value: 100 × (1·0.5)/1 = 50 — never averaged with zeros (would be 12.5).
    assert health["score"] == 50.0
    # answered 1 ÷ (4 in scope − 1 n/a) = 1/3 = 0.33333… → 0.3333; H3 and H4 stay in.
    assert health["coverage"] == 0.3333
    assert scores.totals.loc[1, "horizontal"] == 50.0


def test_weights_pull_the_mean_towards_heavier_indicators():
    indicators = framework(
        ("H1", "horizontal", "health", "rights", "both", 3),
        ("H2", "horizontal", "health", "rights", "both", 1),
        ("H3", "horizontal", "health", "rights", "both", 5),
    )
    # H3 is unanswered, so its weight 5 is not in the denominator:
    # 100 × (3·1 + 1·0) / (3 + 1) = 75 (the plain mean would be 50).
    scores = score_assessments(indicators, one(), answers((1, "H1", 1), (1, "H2", 0)))
    assert entry(scores.breakdown, "area", "health")["score"] == 75.0
    assert entry(scores.breakdown, "dimension", "rights")["score"] == 75.0
    assert scores.totals.loc[1, "horizontal"] == 75.0


def test_indicators_outside_the_perspective_count_nowhere():
    indicators = framework(
        ("O", "horizontal", "labour_migration", "costs", "origin", 1),
        ("D", "horizontal", "integration", "integration", "destination", 1),
        ("B", "horizontal", "labour_migration", "costs", "both", 1),
    )
    given = answers((1, "O", 1), (1, "D", 1), (1, "B", 0), (2, "O", 1), (2, "D", 1), (2, "B", 0))
    pair = assessments((1, "PHL", 2026, "origin", False), (2, "PHL", 2026, "both", False))
    scores = score_assessments(indicators, pair, given)
    # Origin assessment: O and B in scope, D's answer ignored → 100 × (1 + 0)/2 = 50;
    # D's area and dimension are out of scope, so absent.
    assert scores.totals.loc[1, "horizontal"] == 50.0
    assert codes(scores.breakdown[scores.breakdown["assessment_id"] == 1], "area") == [
        "labour_migration"
    ]
    assert codes(scores.breakdown[scores.breakdown["assessment_id"] == 1], "dimension") == ["costs"]
    assert entry(scores.breakdown, "area", "labour_migration", 1)["coverage"] == 1.0
    # A "both" assessment has all three in scope → 100 × (1 + 1 + 0)/3 = 66.666… → 66.67.
    assert scores.totals.loc[2, "horizontal"] == 66.67
    assert codes(scores.breakdown[scores.breakdown["assessment_id"] == 2], "area") == [
        "integration",
        "labour_migration",
    ]


def test_destination_assessment_ignores_origin_only_indicators():
    indicators = framework(
        ("O", "horizontal", "health", "rights", "origin", 1),
        ("B", "horizontal", "health", "rights", "both", 1),
    )
    # O (answered 0) is out of scope: the area is B alone → 100 × 1 = 100, coverage 1/1.
    scores = score_assessments(
        indicators, one(perspective="destination"), answers((1, "O", 0), (1, "B", 1))
    )
    health = entry(scores.breakdown, "area", "health")
    assert (health["score"], health["coverage"]) == (100.0, 1.0)


def test_area_in_scope_without_value_is_listed_null_and_area_out_of_scope_is_absent():
    indicators = framework(
        ("H1", "horizontal", "health", "rights", "both", 1),
        ("H2", "horizontal", "housing_urban", "costs", "both", 1),
        ("H3", "horizontal", "asylum_protection", "rights", "destination", 1),
    )
    # origin assessment: health answered 1, housing_urban in scope but unanswered,
    # asylum_protection (destination only) out of scope even though it has an answer row.
    scores = score_assessments(
        indicators, one(perspective="origin"), answers((1, "H1", 1), (1, "H3", 1))
    )
    assert codes(scores.breakdown, "area") == ["health", "housing_urban"]
    housing = entry(scores.breakdown, "area", "housing_urban")
    # 0 answered ÷ (1 − 0) = 0: a real coverage of zero, and a null score (not 0).
    assert math.isnan(housing["score"])
    assert housing["coverage"] == 0.0
    assert codes(scores.breakdown, "dimension") == ["costs", "rights"]
    assert math.isnan(entry(scores.breakdown, "dimension", "costs")["score"])


def test_coverage_is_null_when_every_indicator_of_the_area_is_na():
    indicators = framework(
        ("H1", "horizontal", "health", "rights", "both", 1),
        ("H2", "horizontal", "health", "rights", "both", 1),
        ("H3", "horizontal", "employment", "rights", "both", 1),
    )
    scores = score_assessments(
        indicators, one(), answers((1, "H1", "n/a"), (1, "H2", "n/a"), (1, "H3", 0.25))
    )
    health = entry(scores.breakdown, "area", "health")
    # answered 0 ÷ (2 − 2 n/a) = 0/0 → null; no value → null score.
    assert math.isnan(health["coverage"])
    assert math.isnan(health["score"])
    # rights = H3 alone: 100 × 0.25 = 25.
    assert entry(scores.breakdown, "dimension", "rights")["score"] == 25.0
    # Dimensions and links carry no coverage.
    assert math.isnan(entry(scores.breakdown, "dimension", "rights")["coverage"])


def test_links_read_only_vertical_indicators_of_each_link():
    indicators = framework(
        ("V1", "vertical", "health", "rights", "both", 1, "national-subnational"),
        ("V2", "vertical", "health", "rights", "both", 3, "national-subnational"),
        ("V3", "vertical", "health", "rights", "both", 1, "national-bilateral"),
        ("H1", "horizontal", "health", "rights", "both", 1),
    )
    scores = score_assessments(
        indicators, one(), answers((1, "V1", 1), (1, "V2", 0.5), (1, "V3", 0), (1, "H1", 1))
    )
    # national-subnational: 100 × (1·1 + 3·0.5)/(1 + 3) = 100 × 2.5/4 = 62.5
    assert entry(scores.breakdown, "link", "national-subnational")["score"] == 62.5
    assert entry(scores.breakdown, "link", "national-bilateral")["score"] == 0.0
    assert codes(scores.breakdown, "link") == ["national-bilateral", "national-subnational"]
    # vertical: 100 × (1 + 1.5 + 0)/5 = 50; horizontal 100; overall (100 + 50)/2 = 75.
    assert scores.totals.loc[1, "vertical"] == 50.0
    assert scores.totals.loc[1, "overall"] == 75.0
    assert scores.totals.loc[1, "band"] == "advanced"


def test_overall_is_the_existing_type_alone_and_null_when_neither_exists():
    indicators = framework(
        ("H1", "horizontal", "health", "rights", "both", 1),
        ("V1", "vertical", "health", "rights", "both", 1),
    )
    pair = assessments((1, "PHL", 2026, "both", False), (2, "PHL", 2026, "both", False))
    # Assessment 1: only H1 answered (0.4) → horizontal 40, vertical null, overall 40.
    # Assessment 2: nothing answered → all null, band null.
    scores = score_assessments(indicators, pair, answers((1, "H1", 0.4), (1, "V1", "n/a")))
    first = scores.totals.loc[1]
    assert (first["overall"], first["horizontal"]) == (40.0, 40.0)
    assert math.isnan(first["vertical"])
    assert first["band"] == "developing"
    second = scores.totals.loc[2]
    assert all(math.isnan(second[column]) for column in ("overall", "horizontal", "vertical"))
    assert second["band"] is None


def test_overall_is_computed_from_unrounded_type_scores():
    indicators = framework(
        ("H1", "horizontal", "health", "rights", "both", 1),
        ("V1", "vertical", "health", "rights", "both", 1),
    )
    scores = score_assessments(indicators, one(), answers((1, "H1", 0.100044), (1, "V1", 0.100054)))
    totals = scores.totals.loc[1]
    # horizontal 10.0044 → 10.00; vertical 10.0054 → 10.01.
    assert (totals["horizontal"], totals["vertical"]) == (10.0, 10.01)
    # overall (10.0044 + 10.0054)/2 = 10.0049 → 10.00; averaging the published figures
    # would give 10.005 → 10.01.
    assert totals["overall"] == 10.0


# --------------------------------------------------------------------------- rounding, bands


@pytest.mark.parametrize(
    ("percent", "overall", "expected_band"),
    [
        (24.994, 24.99, "initial"),
        (24.995, 25.0, "developing"),  # 24.995 publishes as 25.00, so the band is developing
        (25, 25.0, "developing"),
        (49.995, 50.0, "established"),
        (50, 50.0, "established"),
        (74.994, 74.99, "established"),
        (75, 75.0, "advanced"),
        (0, 0.0, "initial"),
        (100, 100.0, "advanced"),
    ],
)
def test_band_is_read_from_the_published_overall(percent, overall, expected_band):
    indicators = framework(("P1", "horizontal", "health", "rights", "both", 1))
    value = normalise(pd.Series(["percent"]), pd.Series([percent])).iloc[0]
    # A single percent answer p gives horizontal = overall = 100 × p/100 = p, unrounded.
    scores = score_assessments(indicators, one(), answers((1, "P1", value)))
    assert scores.totals.loc[1, "overall"] == overall
    assert scores.totals.loc[1, "band"] == expected_band


def test_band_of_published_values():
    published = pd.Series([24.99, 25.0, 49.99, 50.0, 74.99, 75.0, NaN], index=list("abcdefg"))
    assert band(published).tolist() == [
        "initial",
        "developing",
        "developing",
        "established",
        "established",
        "advanced",
        None,
    ]
    assert band(published).index.tolist() == list("abcdefg")


def test_round_half_away_from_zero_despite_binary_floats():
    values = pd.Series([0.125, 2.675, 1.005, 24.995, -1.005, -0.125, 0.124999, NaN])
    # Python's round() gives 0.12 (half to even) and 2.67, 1.0, 24.99 (binary representation
    # just below the half); published figures go half away from zero.
    assert round_half_away(values, 2).tolist()[:-1] == [0.13, 2.68, 1.01, 25.0, -1.01, -0.13, 0.12]
    assert math.isnan(round_half_away(values, 2).iloc[-1])
    assert round_half_away(0.12345, 4) == 0.1235
    # Only representation noise is absorbed: a figure truly below the half stays below.
    assert round_half_away(24.99499999, 2) == 24.99
    assert round_half_away(0.123449999, 4) == 0.1234
    assert round_half_away(np.array([0.00005, 0.99995]), 4).tolist() == [0.0001, 1.0]


def test_published_scores_and_coverage_round_half_away_from_zero():
    indicators = framework(
        *[(f"H{i}", "horizontal", "health", "rights", "both", 1) for i in range(32)]
    )
    # 32 indicators in health, only H0 answered (0.125):
    # coverage 1/32 = 0.03125 → 0.0313 (half to even would give 0.0312);
    # score 100 × 0.125 = 12.5, exactly.
    scores = score_assessments(indicators, one(), answers((1, "H0", 0.125)))
    health = entry(scores.breakdown, "area", "health")
    assert health["coverage"] == 0.0313
    assert health["score"] == 12.5

    weighted = framework(
        ("A", "horizontal", "health", "rights", "both", 1),
        ("B", "horizontal", "health", "rights", "both", 31),
    )
    # 100 × (1·1 + 31·0)/32 = 3.125 → 3.13 (half to even would give 3.12).
    scores = score_assessments(weighted, one(), answers((1, "A", 1), (1, "B", 0)))
    assert scores.totals.loc[1, "horizontal"] == 3.13
    assert entry(scores.breakdown, "area", "health")["score"] == 3.13


# --------------------------------------------------------------------------- consolidation


def test_consolidation_across_mixed_perspectives_uses_plain_means_then_weights():
    indicators = framework(
        ("O", "horizontal", "labour_migration", "costs", "origin", 3),
        ("D", "horizontal", "integration", "integration", "destination", 1),
        ("B", "horizontal", "labour_migration", "costs", "both", 1),
    )
    pair = assessments((1, "PHL", 2026, "origin", True), (2, "PHL", 2026, "destination", True))
    given = answers(
        (1, "O", 1),
        (1, "B", 1),
        (1, "D", 1),  # out of assessment 1's scope: ignored
        (2, "D", 0),
        (2, "B", 0.5),
        (2, "O", 0),  # out of assessment 2's scope: ignored
    )
    result = score_countries(indicators, pair, given)
    table = result.indicators.set_index("indicator")
    # O: only assessment 1 has it in scope → 1 (n 1); D: only assessment 2 → 0 (n 1);
    # B: both → (1 + 0.5)/2 = 0.75 (n 2, spread 100 × 0.5 = 50).
    assert table.loc["O", "value"] == 1.0 and table.loc["O", "n"] == 1
    assert table.loc["D", "value"] == 0.0 and table.loc["D", "n"] == 1
    assert table.loc["B", "value"] == 0.75 and table.loc["B", "n"] == 2
    assert table.loc["B", "spread"] == 50.0
    assert math.isnan(table.loc["O", "spread"])
    # Weights apply to consolidated values: 100 × (3·1 + 1·0 + 1·0.75)/5 = 75.
    totals = result.totals.loc[("PHL", 2026)]
    assert totals["horizontal"] == 75.0
    assert totals["overall"] == 75.0
    # labour_migration: 100 × (3·1 + 1·0.75)/4 = 93.75; integration: 0.
    assert entry(result.breakdown, "area", "labour_migration", ("PHL", 2026))["score"] == 93.75
    assert entry(result.breakdown, "area", "integration", ("PHL", 2026))["score"] == 0.0
    # Divergence: only B has two values → 50.
    assert totals["divergence"] == 50.0
    assert totals["assessments"] == 2


def test_divergence_is_null_with_one_assessment_and_the_mean_spread_with_three():
    indicators = framework(
        ("H1", "horizontal", "health", "rights", "both", 1),
        ("H2", "horizontal", "health", "rights", "both", 1),
        ("H3", "horizontal", "health", "rights", "both", 1),
    )
    groups = assessments(
        (1, "MDA", 2025, "both", True),
        (2, "PHL", 2026, "both", True),
        (3, "PHL", 2026, "both", True),
        (4, "PHL", 2026, "both", True),
    )
    given = answers(
        (1, "H1", 1),
        (1, "H2", 0),
        # PHL: H1 gets 1, 0.5, 0 → spread 100 × (1 − 0) = 100;
        # H2 gets 0.75, 0.25 and one n/a → spread 50; H3 one value only → no spread.
        (2, "H1", 1),
        (3, "H1", 0.5),
        (4, "H1", 0),
        (2, "H2", 0.75),
        (3, "H2", 0.25),
        (4, "H2", "n/a"),
        (2, "H3", 0.2),
    )
    result = score_countries(indicators, groups, given)
    # MDA: one assessment, no indicator with two values → null.
    assert math.isnan(result.totals.loc[("MDA", 2025), "divergence"])
    assert result.totals.loc[("MDA", 2025), "assessments"] == 1
    # PHL: (100 + 50)/2 = 75.
    assert result.totals.loc[("PHL", 2026), "divergence"] == 75.0
    assert result.totals.loc[("PHL", 2026), "assessments"] == 3
    table = result.indicators.set_index(["country", "cycle", "indicator"])
    assert table.loc[("PHL", 2026, "H1"), "spread"] == 100.0
    assert table.loc[("PHL", 2026, "H1"), "value"] == 0.5
    assert table.loc[("PHL", 2026, "H2"), "n"] == 2
    assert math.isnan(table.loc[("PHL", 2026, "H3"), "spread"])
    # PHL horizontal: 100 × (0.5 + 0.5 + 0.2)/3 = 40.
    assert result.totals.loc[("PHL", 2026), "horizontal"] == 40.0


def test_consolidation_reads_validated_assessments_only():
    indicators = framework(("H1", "horizontal", "health", "rights", "both", 1))
    groups = assessments(
        (1, "PHL", 2026, "both", True),
        (2, "PHL", 2026, "both", False),
        (3, "LKA", 2026, "both", False),
    )
    given = answers((1, "H1", 1), (2, "H1", 0), (3, "H1", 0.5))
    result = score_countries(indicators, groups, given)
    # PHL: the draft's 0 is left out → 100, one assessment, no divergence.
    assert list(result.totals.index) == [("PHL", 2026)]
    assert result.totals.loc[("PHL", 2026), "overall"] == 100.0
    assert result.totals.loc[("PHL", 2026), "assessments"] == 1
    assert math.isnan(result.totals.loc[("PHL", 2026), "divergence"])
    # LKA has no validated assessment: absent everywhere.
    assert set(result.breakdown["country"]) == {"PHL"}
    assert set(result.indicators["country"]) == {"PHL"}
    # score_assessments scores all of them whatever their state.
    assert score_assessments(indicators, groups, given).totals["overall"].tolist() == [
        100.0,
        0.0,
        50.0,
    ]


def test_consolidated_coverage_counts_na_only_where_nobody_gave_a_value():
    indicators = framework(
        ("X", "horizontal", "health", "rights", "both", 1),
        ("Y", "horizontal", "health", "rights", "both", 1),
        ("Z", "horizontal", "health", "rights", "both", 1),
    )
    pair = assessments((1, "PHL", 2026, "both", True), (2, "PHL", 2026, "both", True))
    # X: n/a and 0.5 → answered (value 0.5); Y: n/a and unanswered → n/a; Z: unanswered twice.
    given = answers((1, "X", "n/a"), (2, "X", 0.5), (1, "Y", "n/a"), (2, "Y", None))
    result = score_countries(indicators, pair, given)
    health = entry(result.breakdown, "area", "health", ("PHL", 2026))
    # answered 1 ÷ (3 − 1 n/a) = 0.5; score 100 × 0.5 = 50.
    assert (health["coverage"], health["score"]) == (0.5, 50.0)
    table = result.indicators.set_index("indicator")
    assert table.loc["X", "n"] == 1 and table.loc["X", "value"] == 0.5
    assert table.loc["Y", "n"] == 0 and math.isnan(table.loc["Y", "value"])
    assert math.isnan(table.loc["Z", "value"])


def test_answers_to_unknown_codes_or_assessments_are_ignored():
    indicators = framework(("H1", "horizontal", "health", "rights", "both", 1))
    given = answers((1, "H1", 0.5), (1, "NOPE", 1), (99, "H1", 1))
    scores = score_assessments(indicators, one(), given)
    assert scores.totals.index.tolist() == [1]
    assert scores.totals.loc[1, "overall"] == 50.0
    assert set(scores.breakdown["code"]) == {"health", "rights"}


# --------------------------------------------------------------------------- shapes


def test_frames_have_the_published_shape():
    indicators = framework(
        ("H1", "horizontal", "health", "rights", "both", 1),
        ("V1", "vertical", "employment", "costs", "both", 1, "national-bilateral"),
    )
    pair = assessments((2, "PHL", 2026, "both", True), (1, "PHL", 2026, "both", True))
    given = answers((1, "H1", 1), (2, "V1", 0.5))
    scores = score_assessments(indicators, pair, given)
    assert isinstance(scores, Scores)
    assert scores.totals.index.name == "assessment_id"
    assert list(scores.totals.columns) == ["overall", "horizontal", "vertical", "band"]
    assert list(scores.breakdown.columns) == [
        "assessment_id",
        "kind",
        "code",
        "score",
        "coverage",
    ]
    listed = list(zip(scores.breakdown["assessment_id"], scores.breakdown["kind"], strict=True))
    assert listed == sorted(listed)
    assert scores.breakdown["code"].tolist()[:4] == ["employment", "health", "costs", "rights"]

    countries = score_countries(indicators, pair, given)
    assert isinstance(countries, CountryScores)
    assert countries.totals.index.names == ["country", "cycle"]
    assert list(countries.totals.columns) == [
        "overall",
        "horizontal",
        "vertical",
        "band",
        "divergence",
        "assessments",
    ]
    assert list(countries.breakdown.columns) == [
        "country",
        "cycle",
        "kind",
        "code",
        "score",
        "coverage",
    ]
    assert list(countries.indicators.columns) == [
        "country",
        "cycle",
        "indicator",
        "value",
        "spread",
        "n",
    ]
    assert countries.indicators["n"].dtype == np.int64
    assert countries.totals["assessments"].dtype == np.int64


def test_to_payload_is_json_ready_with_native_types_and_sorted_lists():
    indicators = framework(
        ("H1", "horizontal", "skills_education", "rights", "both", 1),
        ("H2", "horizontal", "health", "costs", "both", 1),
        ("H3", "horizontal", "employment", "costs", "both", 1),
        ("V1", "vertical", "health", "rights", "both", 1, "national-subnational"),
        ("V2", "vertical", "health", "rights", "both", 1, "national-bilateral"),
    )
    pair = assessments((1, "PHL", 2026, "both", True), (2, "PHL", 2026, "both", True))
    given = answers(
        (1, "H1", 1),
        (1, "H2", 0.5),
        (1, "H3", "n/a"),
        (1, "V1", 0.25),
        (2, "H1", 0),
    )
    scores = score_assessments(indicators, pair, given)
    payload = to_payload(
        scores.totals.loc[1], scores.breakdown[scores.breakdown["assessment_id"] == 1]
    )
    # horizontal 100 × (1 + 0.5)/2 = 75; vertical 100 × 0.25 = 25; overall 50.
    assert payload == {
        "overall": 50.0,
        "horizontal": 75.0,
        "vertical": 25.0,
        "band": "established",
        "areas": [
            {"code": "employment", "score": None, "coverage": None},
            {"code": "health", "score": 37.5, "coverage": 0.6667},
            {"code": "skills_education", "score": 100.0, "coverage": 1.0},
        ],
        "dimensions": [{"code": "costs", "score": 50.0}, {"code": "rights", "score": 62.5}],
        "links": [
            {"code": "national-bilateral", "score": None},
            {"code": "national-subnational", "score": 25.0},
        ],
    }
    assert type(payload["overall"]) is float
    assert all(type(area["coverage"]) in (float, type(None)) for area in payload["areas"])

    countries = score_countries(indicators, pair, given)
    key = ("PHL", 2026)
    rows = countries.breakdown[
        (countries.breakdown["country"] == key[0]) & (countries.breakdown["cycle"] == key[1])
    ]
    consolidated = to_payload(countries.totals.loc[key], rows)
    # H1 values 1 and 0 → 0.5, spread 100: the only divergent indicator.
    assert consolidated["divergence"] == 100.0
    assert consolidated["assessments"] == 2
    assert type(consolidated["assessments"]) is int
    assert type(consolidated["divergence"]) is float
    # horizontal 100 × (0.5 + 0.5)/2 = 50; vertical 25; overall 37.5 → developing.
    assert (consolidated["overall"], consolidated["band"]) == (37.5, "developing")


def test_to_payload_of_a_null_score():
    indicators = framework(("H1", "horizontal", "health", "rights", "both", 1))
    scores = score_assessments(indicators, one(), answers())
    payload = to_payload(scores.totals.loc[1], scores.breakdown)
    assert payload["overall"] is None and payload["band"] is None
    assert payload["areas"] == [{"code": "health", "score": None, "coverage": 0.0}]


# --------------------------------------------------------------------------- normalise


def test_normalise_maps_each_answer_type_to_the_unit_interval():
    answer_type = pd.Series(
        ["yes_no", "yes_no", "yes_no", "yes_no", "three_level", "three_level", "three_level"]
        + ["scale", "scale", "percent", "percent", "percent"],
        index=range(10, 22),
    )
    raw = pd.Series(
        [1.0, 0.0, "Yes", None, 0, 5, 10, 3, 4, 12.5, 100, NaN], index=range(10, 22), dtype=object
    )
    result = normalise(answer_type, raw)
    expected = [1.0, 0.0, 1.0, NaN, 0.0, 0.5, 1.0, 0.75, 1.0, 0.125, 1.0, NaN]
    assert all(same(a, b) for a, b in zip(result.tolist(), expected, strict=True))
    assert result.index.tolist() == list(range(10, 22))


@pytest.mark.parametrize(
    ("answer_type", "raw"),
    [("yes_no", "maybe"), ("yes_no", 2), ("three_level", 3), ("scale", 5), ("scale", 2.5)]
    + [("percent", 101), ("percent", "n/a"), ("ranking", 1)],
)
def test_normalise_rejects_values_outside_their_type(answer_type, raw):
    with pytest.raises(ValueError):
        normalise(pd.Series([answer_type]), pd.Series([raw], dtype=object))


def test_normalise_reads_numbers_and_categorical_types_as_the_recompute_passes_them():
    answer_type = pd.Series(
        ["yes_no", "yes_no", "three_level", "scale", "percent", "percent"], index=range(5, 11)
    ).astype("category")
    raw = pd.Series([1.0, NaN, 5.0, 3.0, 12.5, 0.0], index=range(5, 11))
    result = normalise(answer_type, raw)
    expected = [1.0, NaN, 0.5, 0.75, 0.125, 0.0]
    assert all(same(a, b) for a, b in zip(result.tolist(), expected, strict=True))
    assert result.index.tolist() == list(range(5, 11))


@pytest.mark.parametrize(
    ("answer_type", "raw"),
    [("yes_no", 2.0), ("yes_no", 0.5), ("three_level", 3.0), ("scale", 5.0), ("scale", 2.5)]
    + [("scale", -1.0), ("percent", 101.0), ("percent", -0.5), ("ranking", 1.0)],
)
def test_normalise_rejects_numbers_outside_their_type(answer_type, raw):
    # Two rows, the bad one second: the message names its row.
    types = pd.Series(["percent", answer_type], index=[7, 8]).astype("category")
    with pytest.raises(ValueError, match="row 8" if answer_type != "ranking" else "ranking"):
        normalise(types, pd.Series([50.0, raw], index=[7, 8]))
