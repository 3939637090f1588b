"""Loading answers into DataFrames, scoring them (assessments.scoring, pure pandas) and
storing the results — the service behind the Celery tasks and `recompute_scores`.

Every recompute reads the stored answers and replaces the stored scores in one
transaction, so running it twice gives the same scores.
"""

import io
from collections.abc import Callable

import numpy as np
import pandas as pd
from django.db import connection, transaction
from django.utils import timezone

from assessments import scoring
from assessments.choices import State
from assessments.models import (
    Answer,
    Assessment,
    AssessmentScore,
    ConsolidatedScore,
    FrameworkVersion,
    Indicator,
    IndicatorConsolidation,
)

INDICATOR_COLUMNS = [
    "id",
    "code",
    "dimension",
    "coherence_type",
    "area",
    "link",
    "perspective",
    "weight",
    "answer_type",
]


def indicator_frame(framework_id: int) -> pd.DataFrame:
    rows = Indicator.objects.filter(version_id=framework_id).values_list(
        "id",
        "code",
        "dimension",
        "coherence_type",
        "area_id",
        "link",
        "perspective",
        "weight",
        "answer_type",
    )
    return pd.DataFrame.from_records(list(rows), columns=INDICATOR_COLUMNS)


def _query_frame(sql: str, params: list, columns: list[str]) -> pd.DataFrame:
    """Run a SELECT into a DataFrame; on PostgreSQL through COPY, several times faster
    than fetching rows one by one at half a million answers."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            buffer = io.BytesIO()
            with cursor.cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)", params) as copy:
                for chunk in copy:
                    buffer.write(chunk)
        buffer.seek(0)
        if buffer.getbuffer().nbytes == 0:
            return pd.DataFrame(columns=columns)
        return pd.read_csv(
            buffer,
            names=columns,
            header=None,
            keep_default_na=False,
            na_values={c: [""] for c in columns},
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return pd.DataFrame.from_records(cursor.fetchall(), columns=columns)


def _assessment_frames(where: str, params: list) -> tuple[pd.DataFrame, pd.DataFrame]:
    a, ans, ind = Assessment._meta.db_table, Answer._meta.db_table, Indicator._meta.db_table
    assessments = _query_frame(
        f"SELECT id, country_id, cycle, perspective, state FROM {a} WHERE {where}",  # noqa: S608
        params,
        ["assessment_id", "country", "cycle", "perspective", "state"],
    )
    assessments["validated"] = assessments["state"] == State.VALIDATED
    answers = _query_frame(
        f"SELECT ans.assessment_id, i.code, i.answer_type, ans.value, ans.na "  # noqa: S608
        f"FROM {ans} ans JOIN {a} ON {a}.id = ans.assessment_id "
        f"JOIN {ind} i ON i.id = ans.indicator_id WHERE {where}",
        params,
        ["assessment_id", "indicator", "answer_type", "raw", "na"],
    )
    answers["raw"] = pd.to_numeric(answers["raw"], errors="coerce")
    answers["na"] = answers["na"].astype(str).str.lower().isin(["t", "true", "1"])
    answers["value"] = scoring.normalise(answers["answer_type"], answers["raw"])
    return assessments, answers[["assessment_id", "indicator", "value", "na"]]


def _payloads(scores, keys: list[str]) -> dict:
    """key → the JSON-ready figures of DESIGN §6 (lists of areas, dimensions, links)."""
    totals = scores.totals.reset_index()
    breakdown = scores.breakdown
    by = keys if len(keys) > 1 else keys[0]  # a one-item list would give 1-tuples as keys
    grouped = dict(tuple(breakdown.groupby(by, sort=False))) if len(breakdown) else {}
    out = {}
    for row in totals.to_dict("records"):
        key = tuple(row[k] for k in keys) if len(keys) > 1 else row[keys[0]]
        part = grouped.get(key, breakdown.iloc[0:0])
        out[key] = scoring.to_payload(row, part)
    return out


def _now():
    return timezone.now()


# --- One assessment ------------------------------------------------------------------


def recompute_assessment(assessment_id: int) -> None:
    with transaction.atomic():
        assessment = Assessment.objects.select_for_update().filter(pk=assessment_id).first()
        if assessment is None:
            return
        indicators = indicator_frame(assessment.framework_id)
        assessments, answers = _assessment_frames(
            f"{Assessment._meta.db_table}.id = %s", [assessment_id]
        )
        scores = scoring.score_assessments(indicators, assessments, answers)
        payload = _payloads(scores, ["assessment_id"])[assessment_id]
        AssessmentScore.objects.update_or_create(
            assessment=assessment,
            defaults=_score_fields(payload, assessment.framework_id),
        )


def _score_fields(payload: dict, framework_id: int) -> dict:
    return {
        "framework_id": framework_id,
        "overall": payload["overall"],
        "horizontal": payload["horizontal"],
        "vertical": payload["vertical"],
        "band": payload["band"],
        "areas": payload["areas"],
        "dimensions": payload["dimensions"],
        "links": payload["links"],
        "stale": False,
        "computed_at": _now(),
    }


# --- One country and cycle -------------------------------------------------------------


def recompute_consolidation(country: str, cycle: int) -> None:
    with transaction.atomic():
        # Lock the country-cycle's assessments so no transition slips in between.
        validated = list(
            Assessment.objects.select_for_update()
            .filter(country_id=country, cycle=cycle)
            .values_list("id", "state", "framework_id")
        )
        framework_id = validated[0][2] if validated else None
        IndicatorConsolidation.objects.filter(country_id=country, cycle=cycle).delete()
        if not any(state == State.VALIDATED for _, state, _ in validated):
            ConsolidatedScore.objects.filter(country_id=country, cycle=cycle).delete()
            return
        indicators = indicator_frame(framework_id)
        a = Assessment._meta.db_table
        assessments, answers = _assessment_frames(
            f"{a}.country_id = %s AND {a}.cycle = %s", [country, cycle]
        )
        scores = scoring.score_countries(indicators, assessments, answers)
        payload = _payloads(scores, ["country", "cycle"])[(country, cycle)]
        ConsolidatedScore.objects.update_or_create(
            country_id=country,
            cycle=cycle,
            defaults={
                **_score_fields(payload, framework_id),
                "divergence": payload["divergence"],
                "assessments": payload["assessments"],
            },
        )
        _write_consolidations(scores.indicators, indicators)


def _write_consolidations(frame: pd.DataFrame, indicators: pd.DataFrame) -> None:
    if frame.empty:
        return
    ids = indicators.set_index("code")["id"]
    frame = frame.assign(indicator_id=frame["indicator"].map(ids))
    values = frame["value"].astype(float)
    spreads = frame["spread"].astype(float)
    rows = zip(
        frame["country"],
        frame["cycle"].astype(int),
        frame["indicator_id"].astype(int),
        np.where(values.isna(), None, values),
        np.where(spreads.isna(), None, spreads),
        frame["n"].astype(int),
        strict=True,
    )
    _insert(
        IndicatorConsolidation,
        ["country_id", "cycle", "indicator_id", "value", "spread", "n"],
        rows,
    )


def _insert(model, columns: list[str], rows) -> None:
    """Bulk insert; on PostgreSQL with COPY."""
    if connection.vendor == "postgresql":
        table = model._meta.db_table
        statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)
        return
    model.objects.bulk_create(
        [model(**dict(zip(columns, row, strict=True))) for row in rows], batch_size=2000
    )


# --- Everything --------------------------------------------------------------------------


def recompute_all(progress: Callable[[int, int], None] | None = None) -> dict:
    """Recompute every assessment's and every country-cycle's scores, version by version.
    Returns counts; reports progress as (current, total) steps."""
    progress = progress or (lambda current, total: None)
    versions = list(
        FrameworkVersion.objects.filter(assessments__isnull=False)
        .distinct()
        .values_list("id", flat=True)
    )
    total = len(versions) * 3 or 1
    step = 0
    counts = {"assessments": 0, "countries": 0}
    progress(0, total)
    a = Assessment._meta.db_table
    with transaction.atomic():
        AssessmentScore.objects.all().delete()
        ConsolidatedScore.objects.all().delete()
        IndicatorConsolidation.objects.all().delete()
        for framework_id in versions:
            indicators = indicator_frame(framework_id)
            assessments, answers = _assessment_frames(f"{a}.framework_id = %s", [framework_id])
            step += 1
            progress(step, total)
            per_assessment = scoring.score_assessments(indicators, assessments, answers)
            _write_assessment_scores(per_assessment, framework_id)
            counts["assessments"] += len(per_assessment.totals)
            step += 1
            progress(step, total)
            per_country = scoring.score_countries(indicators, assessments, answers)
            _write_country_scores(per_country, framework_id)
            _write_consolidations(per_country.indicators, indicators)
            counts["countries"] += len(per_country.totals)
            step += 1
            progress(step, total)
    progress(total, total)
    return counts


def _write_assessment_scores(scores, framework_id: int) -> None:
    now = _now()
    payloads = _payloads(scores, ["assessment_id"])
    AssessmentScore.objects.bulk_create(
        [
            AssessmentScore(
                assessment_id=int(key), **{**_score_fields(p, framework_id), "computed_at": now}
            )
            for key, p in payloads.items()
        ],
        batch_size=1000,
    )


def _write_country_scores(scores, framework_id: int) -> None:
    now = _now()
    payloads = _payloads(scores, ["country", "cycle"])
    ConsolidatedScore.objects.bulk_create(
        [
            ConsolidatedScore(
                country_id=country,
                cycle=int(cycle),
                divergence=p["divergence"],
                assessments=p["assessments"],
                **{**_score_fields(p, framework_id), "computed_at": now},
            )
            for (country, cycle), p in payloads.items()
        ],
        batch_size=1000,
    )
