"""Crosswalk scores (DESIGN §4), worked out by hand: the weighted mean of the consolidated
values of the tagged indicators in scope, coverage by the rule of areas, a tag with no
indicator in scope left out, a null score where none carries a value, and the 10.7.2
categories read from the published (rounded) score."""

import numpy as np
import pandas as pd
import pytest

from assessments import scoring
from assessments.scoring import category, payloads, score_all, score_countries
from coherence.choices import SCORED_CROSSWALK, Category, CrosswalkFramework

NaN = float("nan")


def framework(*rows):
    """Rows of (code, perspective, weight, tags); all horizontal, one area."""
    return pd.DataFrame.from_records(
        [
            {
                "code": code,
                "dimension": "rights",
                "coherence_type": "horizontal",
                "area": "health",
                "link": None,
                "perspective": perspective,
                "weight": float(weight),
                "crosswalk": tags,
            }
            for code, perspective, weight, tags in rows
        ]
    )


def assessments(*rows):
    columns = ["assessment_id", "country", "cycle", "perspective", "validated"]
    return pd.DataFrame.from_records(rows, columns=columns)


def answers(*rows):
    return pd.DataFrame.from_records(
        [
            {
                "assessment_id": a,
                "indicator": code,
                "value": NaN if value in ("n/a", None) else float(value),
                "na": value == "n/a",
            }
            for a, code, value in rows
        ],
        columns=["assessment_id", "indicator", "value", "na"],
    )


def crosswalk_of(result, country="PHL", cycle=2026):
    return payloads(result, ["country", "cycle"])[(country, cycle)]["crosswalk"]


INDICATORS = framework(
    ("A", "both", 1, ["GCM-15", "SDG-10.7.2-D1", "SDG-10.7"]),
    ("B", "both", 3, ["SDG-10.7.2-D1", "SDG-10.7.2-D1"]),  # a repeated tag counts once
    ("C", "origin", 1, ["MGI-D2"]),
    ("D", "both", 1, ["GCM-1"]),
    ("E", "both", 1, ["GCM-1", "MGI-D6"]),
    ("F", "destination", 1, ["GCM-4"]),
)


def test_hand_worked_crosswalk():
    # PHL 2026: two validated assessments (origin; both) and a draft that counts nowhere.
    #   A: 1 and .5 → .75     B: 0 (one value)     C: in scope (origin), unanswered
    #   D: n/a only           E: unanswered        F: destination, in the scope of the
    #   "both" assessment only, unanswered.
    result = score_countries(
        INDICATORS,
        assessments(
            (1, "PHL", 2026, "origin", True),
            (2, "PHL", 2026, "both", True),
            (3, "PHL", 2026, "both", False),
        ),
        answers(
            (1, "A", 1),
            (2, "A", 0.5),
            (1, "B", 0),
            (2, "D", "n/a"),
            (3, "E", 1),  # a draft's answer: not consolidated
        ),
    )
    assert crosswalk_of(result) == [
        # D n/a (no value, out of the denominator), E unanswered: null score, coverage 0 / 1
        {"framework": "GCM", "code": "GCM-1", "score": None, "coverage": 0.0, "category": None},
        {"framework": "GCM", "code": "GCM-4", "score": None, "coverage": 0.0, "category": None},
        {"framework": "GCM", "code": "GCM-15", "score": 75.0, "coverage": 1.0, "category": None},
        # (1 × .75 + 3 × 0) / 4 = 18.75
        {
            "framework": "SDG-10.7.2",
            "code": "SDG-10.7.2-D1",
            "score": 18.75,
            "coverage": 1.0,
            "category": "requires_further_progress",
        },
        {"framework": "MGI", "code": "MGI-D2", "score": None, "coverage": 0.0, "category": None},
        {"framework": "MGI", "code": "MGI-D6", "score": None, "coverage": 0.0, "category": None},
    ]


def test_a_tag_with_no_indicator_in_scope_is_left_out():
    # One destination assessment: C (origin) is out of scope, so MGI-D2 is left out; D is
    # answered n/a only: GCM-1 keeps E, unanswered → null score, coverage 0 / (2 − 1).
    result = score_countries(
        INDICATORS,
        assessments((1, "MDA", 2025, "destination", True)),
        answers((1, "A", 0.2), (1, "D", "n/a"), (1, "F", 1)),
    )
    entries = crosswalk_of(result, "MDA", 2025)
    assert [e["code"] for e in entries] == [
        "GCM-1",
        "GCM-4",
        "GCM-15",
        "SDG-10.7.2-D1",
        "MGI-D6",
    ]
    assert entries[0] == {
        "framework": "GCM",
        "code": "GCM-1",
        "score": None,
        "coverage": 0.0,
        "category": None,
    }
    assert entries[1]["score"] == 100.0 and entries[1]["coverage"] == 1.0
    # D1: A .2 (w1), B unanswered (w3): 20, coverage 1 / 2
    assert entries[3] == {
        "framework": "SDG-10.7.2",
        "code": "SDG-10.7.2-D1",
        "score": 20.0,
        "coverage": 0.5,
        "category": "requires_further_progress",
    }


def test_coverage_is_null_where_every_tagged_indicator_is_na():
    result = score_countries(
        framework(("A", "both", 1, ["GCM-8"]), ("B", "both", 1, ["GCM-8"])),
        assessments((1, "PHL", 2026, "both", True)),
        answers((1, "A", "n/a"), (1, "B", "n/a")),
    )
    assert crosswalk_of(result) == [
        {"framework": "GCM", "code": "GCM-8", "score": None, "coverage": None, "category": None}
    ]


def test_no_tags_no_crosswalk_and_untagged_frames_still_score():
    frame = framework(("A", "both", 1, []), ("B", "both", 1, ["SDG-10.7", "MIGOF-P1"]))
    result = score_countries(
        frame, assessments((1, "PHL", 2026, "both", True)), answers((1, "A", 1))
    )
    assert crosswalk_of(result) == []
    untagged = score_countries(
        frame.drop(columns="crosswalk"),
        assessments((1, "PHL", 2026, "both", True)),
        answers((1, "A", 1)),
    )
    assert crosswalk_of(untagged) == [] and untagged.totals["overall"].tolist() == [100.0]


@pytest.mark.parametrize(
    ("percent", "published", "expected"),
    [
        (39.994, 39.99, "requires_further_progress"),
        (39.995, 40.0, "partially_meets"),  # rounded half away from zero, then read
        (40, 40.0, "partially_meets"),
        (79.995, 80.0, "meets"),
        (80, 80.0, "meets"),
        (99.995, 100.0, "fully_meets"),
        (100, 100.0, "fully_meets"),
        (0, 0.0, "requires_further_progress"),
    ],
)
def test_each_10_7_2_category_boundary(percent, published, expected):
    # A percent answer p normalises to p / 100: the domain's score is p, unrounded.
    result = score_countries(
        framework(("A", "both", 1, ["SDG-10.7.2-D5", "GCM-2"])),
        assessments((1, "PHL", 2026, "both", True)),
        answers((1, "A", percent / 100)),
    )
    gcm, domain = crosswalk_of(result)
    assert domain["score"] == published and domain["category"] == expected
    assert gcm["score"] == published and gcm["category"] is None  # categories are 10.7.2's


def test_category_reads_the_published_score():
    assert category(np.array([NaN, 39.99, 40.0, 79.99, 80.0, 99.99, 100.0])).tolist() == [
        None,
        "requires_further_progress",
        "partially_meets",
        "partially_meets",
        "meets",
        "meets",
        "fully_meets",
    ]


def test_score_all_gives_the_same_crosswalk_and_assessments_have_none():
    given = (
        INDICATORS,
        assessments((1, "PHL", 2026, "origin", True), (2, "PHL", 2026, "both", True)),
        answers((1, "A", 1), (2, "A", 0.5), (1, "B", 0)),
    )
    per_assessment, per_country = score_all(*given)
    pd.testing.assert_frame_equal(per_country.crosswalk, score_countries(*given).crosswalk)
    assert "crosswalk" not in payloads(per_assessment, ["assessment_id"])[1]


def test_the_scoring_module_reads_the_shared_vocabulary():
    """scoring.py imports no Django: its copy of the tags and categories is the shared one."""
    assert list(scoring.SCORED_CROSSWALK) == list(SCORED_CROSSWALK)
    assert {label for _, label in scoring.CATEGORY_THRESHOLDS} | {scoring.LOWEST_CATEGORY} == set(
        Category.values
    )
    assert scoring.CATEGORISED_FRAMEWORK == CrosswalkFramework.SDG_10_7_2
