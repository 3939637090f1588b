"""Stored scores with known numbers, built directly (the dashboards only read them)."""

import pytest

from assessments.models import ConsolidatedScore, IndicatorConsolidation

PHL_2026 = {
    "overall": 63.42,
    "horizontal": 58.1,
    "vertical": 68.74,
    "band": "established",
    "divergence": 12.5,
    "assessments": 3,
    "areas": [
        {"code": "labour_migration", "score": 71.2, "coverage": 0.9},
        {"code": "institutional", "score": 50.0, "coverage": 1.0},
        {"code": "integration", "score": None, "coverage": None},
    ],
    "dimensions": [
        {"code": "rights", "score": 80.0},
        {"code": "institutional", "score": 66.0},
        {"code": "costs", "score": 40.5},
    ],
    "links": [
        {"code": "national-international", "score": 82.48},
        {"code": "national-subnational", "score": 55.0},
    ],
}
PHL_2025 = {
    "overall": 50.0,
    "horizontal": 45.0,
    "vertical": 55.0,
    "band": "established",
    "divergence": 20.0,
    "assessments": 2,
    "areas": [{"code": "labour_migration", "score": 60.0, "coverage": 0.5}],
    "dimensions": [{"code": "institutional", "score": 50.0}],
    "links": [{"code": "national-subnational", "score": 55.0}],
}
MDA_2026 = {
    "overall": 40.0,
    "horizontal": 30.0,
    "vertical": 50.0,
    "band": "developing",
    "divergence": None,
    "assessments": 1,
    "areas": [{"code": "labour_migration", "score": 30.0, "coverage": 0.25}],
    "dimensions": [{"code": "institutional", "score": 20.0}, {"code": "costs", "score": 60.0}],
    "links": [{"code": "national-regional", "score": 50.0}],
}
GBR_2026 = {
    "overall": 75.0,
    "horizontal": 75.0,
    "vertical": None,
    "band": "advanced",
    "divergence": 5.0,
    "assessments": 2,
    "areas": [],
    "dimensions": [{"code": "development", "score": 75.0}],
    "links": [],
}
# indicator code -> (consolidated value 0–1, spread, n)
PHL_2026_SPREADS = {
    "H-INS-01": (0.5, 100.0, 2),
    "H-LAB-01": (0.75, 50.0, 2),
    "V-SUB-01": (1.0, 0.0, 2),
    "H-DIA-01": (0.3, None, 1),
}


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """The factories create six users a test: hash their passwords cheaply."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def make_score(catalogue):
    def make(country: str, cycle: int, figures: dict, **extra) -> ConsolidatedScore:
        return ConsolidatedScore.objects.create(
            country_id=country, cycle=cycle, framework=catalogue["framework"], **figures, **extra
        )

    return make


@pytest.fixture
def make_spreads(catalogue):
    def make(country: str, cycle: int, spreads: dict) -> None:
        IndicatorConsolidation.objects.bulk_create(
            IndicatorConsolidation(
                country_id=country,
                cycle=cycle,
                indicator=catalogue["indicators"][code],
                value=value,
                spread=spread,
                n=n,
            )
            for code, (value, spread, n) in spreads.items()
        )

    return make


@pytest.fixture
def known_scores(make_score, make_spreads):
    """PHL in 2025 and 2026 (with per-indicator spreads), MDA and GBR in 2026."""
    make_score("PHL", 2026, PHL_2026)
    make_score("PHL", 2025, PHL_2025)
    make_score("MDA", 2026, MDA_2026)
    make_score("GBR", 2026, GBR_2026)
    make_spreads("PHL", 2026, PHL_2026_SPREADS)


def figure(response, name: str) -> dict:
    return response.context["charts"][name]


def table_rows(response, name: str) -> list[list]:
    return response.context["tables"][name]["rows"]
