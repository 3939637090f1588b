"""Loading answers into DataFrames, scoring them (assessments.scoring, pure pandas) and
storing the results — the service behind the Celery tasks and `recompute_scores`.

Every recompute reads the stored answers and replaces the stored scores in one
transaction, so running it twice gives the same scores.
"""

import gc
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

import numpy as np
import pandas as pd
from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone

from assessments import scoring
from assessments.choices import State
from assessments.generation import scores_changed
from assessments.models import (
    SCORE_FIGURES,
    Answer,
    Assessment,
    AssessmentScore,
    ConsolidatedScore,
    FrameworkVersion,
    Indicator,
    IndicatorConsolidation,
)
from assessments.pg import scores as pg_scores

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
    "crosswalk",
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
        "crosswalk",
    )
    return pd.DataFrame.from_records(list(rows), columns=INDICATOR_COLUMNS)


def _query_frame(sql: str, params: list, columns: list[str]) -> pd.DataFrame:
    """Run a SELECT into a DataFrame; on PostgreSQL as one text the server builds
    (assessments.pg.scores.query_frame)."""
    if connection.vendor == "postgresql":
        return pg_scores.query_frame(sql, params, columns)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return pd.DataFrame.from_records(cursor.fetchall(), columns=columns)


def _answer_frame(source: str, params: list) -> pd.DataFrame:
    """assessment_id, indicator_id, raw and na of the answers `source` (FROM … WHERE …)
    selects; on PostgreSQL as binary strings (assessments.pg.scores.answer_frame)."""
    columns = ["assessment_id", "indicator_id", "raw", "na"]
    if connection.vendor == "postgresql":
        return pg_scores.answer_frame(source, params, columns)
    return _query_frame(
        f"SELECT ans.assessment_id, ans.indicator_id, ans.value, ans.na {source}",  # noqa: S608
        params,
        columns,
    )


def _assessment_frames(
    where: str, params: list, indicators: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The assessments matching `where` and their answers, normalised to [0, 1]. Codes
    and answer types are joined in pandas, so the database sends only numbers."""
    a, ans = Assessment._meta.db_table, Answer._meta.db_table
    assessments = _query_frame(
        f"SELECT id, country_id, cycle, perspective, state FROM {a} WHERE {where}",  # noqa: S608
        params,
        ["assessment_id", "country", "cycle", "perspective", "state"],
    )
    assessments["validated"] = assessments["state"] == State.VALIDATED
    answers = _answer_frame(
        f"FROM {ans} ans JOIN {a} ON {a}.id = ans.assessment_id WHERE {where}", params
    )
    lookup = indicators.set_index("id")
    answers = answers[answers["indicator_id"].isin(lookup.index)]
    # As categories: four types over half a million answers are compared as small ints.
    answer_type = answers["indicator_id"].map(lookup["answer_type"].astype("category"))
    return assessments, pd.DataFrame(
        {
            "assessment_id": answers["assessment_id"].to_numpy(),
            "indicator": answers["indicator_id"].map(lookup["code"]).to_numpy(),
            "value": scoring.normalise(answer_type, pd.to_numeric(answers["raw"])).to_numpy(),
            "na": answers["na"].astype(bool).to_numpy(),
        }
    )


# --- One assessment ------------------------------------------------------------------


def recompute_assessment(assessment_id: int) -> None:
    recompute_assessments([assessment_id])


def _frames_by_version(locked: list[tuple[int, int]]):
    """For (assessment id, framework version id) pairs, one version at a time: the
    version, its assessments' ids, its indicators, and those assessments' frames."""
    by_version: dict[int, list[int]] = {}
    for pk, framework_id in locked:
        by_version.setdefault(framework_id, []).append(pk)
    a = Assessment._meta.db_table
    for framework_id, ids in by_version.items():
        indicators = indicator_frame(framework_id)
        placeholders = ", ".join(["%s"] * len(ids))
        frames = _assessment_frames(f"{a}.id IN ({placeholders})", ids, indicators)
        yield framework_id, ids, indicators, *frames


def recompute_assessments(assessment_ids: list[int]) -> int:
    """Recompute and store the scores of these assessments, all in one pass per framework
    version; returns how many were scored. Ids of deleted assessments are skipped."""
    with transaction.atomic():
        locked = list(
            Assessment.objects.select_for_update()
            .filter(pk__in=assessment_ids)
            .order_by("pk")
            .values_list("pk", "framework_id")
        )
        for framework_id, ids, indicators, assessments, answers in _frames_by_version(locked):
            scores = scoring.score_assessments(indicators, assessments, answers)
            AssessmentScore.objects.filter(assessment_id__in=ids).delete()
            _write_assessment_scores(scores, framework_id)
    return len(locked)


def _score_fields(payload: dict, framework_id: int) -> dict:
    return {
        "framework_id": framework_id,
        **{name: payload[name] for name in SCORE_FIGURES},
        "stale": False,
        "computed_at": timezone.now(),
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
            f"{a}.country_id = %s AND {a}.cycle = %s", [country, cycle], indicators
        )
        scores = scoring.score_countries(indicators, assessments, answers)
        payload = scoring.payloads(scores, ["country", "cycle"])[(country, cycle)]
        ConsolidatedScore.objects.update_or_create(
            country_id=country,
            cycle=cycle,
            defaults={
                **_score_fields(payload, framework_id),
                "divergence": payload["divergence"],
                "assessments": payload["assessments"],
                "crosswalk": payload["crosswalk"],
            },
        )
        _write_consolidations(scores.indicators, indicators)


def _write_consolidations(frame: pd.DataFrame, indicators: pd.DataFrame) -> None:
    if frame.empty:
        return
    ids = indicators.set_index("code")["id"]
    _insert(
        IndicatorConsolidation,
        {
            "country_id": frame["country"].to_numpy(),
            "cycle": frame["cycle"].astype(int).to_numpy(),
            "indicator_id": frame["indicator"].map(ids).astype(int).to_numpy(),
            "value": frame["value"].astype(float).to_numpy(),
            "spread": frame["spread"].astype(float).to_numpy(),
            "n": frame["n"].astype(int).to_numpy(),
        },
    )


def _insert(model, columns: dict) -> None:
    """Bulk insert whole columns (column name → values; None, or NaN for a float, is
    NULL); on PostgreSQL with one binary COPY (assessments.pg.scores.insert)."""
    if connection.vendor == "postgresql":
        pg_scores.insert(model, columns)
        return
    fields = {field.column: field for field in model._meta.concrete_fields}
    attnames = [fields[name].attname for name in columns]
    rows = zip(*(_native(values) for values in columns.values()), strict=True)
    model.objects.bulk_create(
        [model(**dict(zip(attnames, row, strict=True))) for row in rows], batch_size=2000
    )


def _native(values) -> list:
    """Python values, NaN as None."""
    values = values.tolist() if isinstance(values, np.ndarray) else list(values)
    return [None if isinstance(v, float) and v != v else v for v in values]


# --- Everything --------------------------------------------------------------------------


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector. A full recompute builds hundreds of thousands of
    small dicts and lists, none of them in a reference cycle (reference counting frees
    them); meanwhile each of the collector's full passes walks every object the process
    holds and finds nothing. Measured in `make bench`: about 0.2 s of a 1.4 s recompute."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


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
    with _collector_paused(), transaction.atomic():
        _empty_score_tables()
        scores_changed()  # TRUNCATE and COPY send no signals
        for framework_id in versions:
            indicators = indicator_frame(framework_id)
            assessments, answers = _assessment_frames(
                f"{a}.framework_id = %s", [framework_id], indicators
            )
            step += 1
            progress(step, total)
            per_assessment, per_country = scoring.score_all(indicators, assessments, answers)
            _write_assessment_scores(per_assessment, framework_id)
            counts["assessments"] += len(per_assessment.totals)
            step += 1
            progress(step, total)
            _write_country_scores(per_country, framework_id)
            _write_consolidations(per_country.indicators, indicators)
            counts["countries"] += len(per_country.totals)
            step += 1
            progress(step, total)
    progress(total, total)
    return counts


def _score_columns(payloads: list[dict], framework_id: int) -> dict:
    """The columns every score table shares, for these payloads."""
    rows = len(payloads)
    return {
        "framework_id": [framework_id] * rows,
        **{name: [p[name] for p in payloads] for name in SCORE_FIGURES},
        "stale": [False] * rows,
        "computed_at": [timezone.now()] * rows,
    }


def _empty_score_tables() -> None:
    """Empty the three score tables inside the recompute's transaction; on PostgreSQL with
    TRUNCATE (assessments.pg.scores.truncate)."""
    models = (AssessmentScore, ConsolidatedScore, IndicatorConsolidation)
    if connection.vendor == "postgresql":
        pg_scores.truncate(models)
        return
    for model in models:
        model.objects.all().delete()


def _write_assessment_scores(scores, framework_id: int) -> None:
    payloads = scoring.payloads(scores, ["assessment_id"])
    _insert(
        AssessmentScore,
        {
            "assessment_id": [int(key) for key in payloads],
            **_score_columns(list(payloads.values()), framework_id),
        },
    )


def _write_country_scores(scores, framework_id: int) -> None:
    payloads = scoring.payloads(scores, ["country", "cycle"])
    values = list(payloads.values())
    _insert(
        ConsolidatedScore,
        {
            "country_id": [country for country, _ in payloads],
            "cycle": [int(cycle) for _, cycle in payloads],
            "divergence": [p["divergence"] for p in values],
            "assessments": [p["assessments"] for p in values],
            "crosswalk": [p["crosswalk"] for p in values],
            **_score_columns(values, framework_id),
        },
    )


# --- The full recompute as a Celery task: in chunks --------------------------------------
# `recompute_all` above is one transaction over everything: the fastest way, for the
# command and the bench. A worker runs it as chunks instead (assessments.tasks), each a
# whole number of country-cycles, so that a chunk lasts seconds, fits well inside the
# broker's visibility timeout, and a killed worker loses one chunk, redelivered within
# minutes, not the whole run.

FULL_RECOMPUTE_CHUNK = 500  # assessments a chunk, at most (a bigger country-cycle alone)


def _pairs_filter(pairs: Iterable[tuple[str, int]]) -> Q:
    # One term per cycle, not per pair: SQLite limits how deep an expression may nest.
    by_cycle: dict[int, set[str]] = {}
    for country, cycle in pairs:
        by_cycle.setdefault(int(cycle), set()).add(country)
    where = Q(pk__in=[])
    for cycle, countries in by_cycle.items():
        where |= Q(cycle=cycle, country_id__in=sorted(countries))
    return where


@transaction.atomic(savepoint=False)  # in the caller's transaction where there is one
def mark_all_stale(framework_id: int | None = None) -> None:
    """Mark every score (of one framework version, where given) stale: a full recompute has
    been asked for and each score is stale until its chunk has replaced it."""
    of_version = {} if framework_id is None else {"framework_id": framework_id}
    AssessmentScore.objects.filter(**of_version).update(stale=True)
    ConsolidatedScore.objects.filter(**of_version).update(stale=True)
    scores_changed()  # a bulk update sends no signal


def plan_chunks(
    framework_id: int | None = None, size: int = FULL_RECOMPUTE_CHUNK
) -> tuple[list[list[tuple[str, int]]], dict]:
    """The country-cycles to recompute (of one version, where given), in chunks of at most
    `size` assessments, each chunk of one framework version; and the counts of the run."""
    rows = (
        Assessment.objects.filter(
            **({} if framework_id is None else {"framework_id": framework_id})
        )
        .values("framework_id", "country_id", "cycle")
        .annotate(n=Count("id"), validated=Count("id", filter=Q(state=State.VALIDATED)))
        .order_by("framework_id", "country_id", "cycle")
    )
    chunks: list[list[tuple[str, int]]] = []
    counts = {"assessments": 0, "countries": 0}
    current, in_current, version = [], 0, None
    for row in rows:
        if current and (row["framework_id"] != version or in_current + row["n"] > size):
            chunks.append(current)
            current, in_current = [], 0
        version = row["framework_id"]
        current.append((row["country_id"], row["cycle"]))
        in_current += row["n"]
        counts["assessments"] += row["n"]
        counts["countries"] += bool(row["validated"])
    if current:
        chunks.append(current)
    return chunks, counts


def recompute_country_cycles(pairs: list[tuple[str, int]]) -> dict:
    """Recompute these country-cycles whole — each of their assessments and their
    consolidation — and replace their stored scores, in one transaction. Idempotent: a
    chunk run twice, or redelivered after its worker died, gives the same scores."""
    pairs = list(dict.fromkeys((country, int(cycle)) for country, cycle in pairs))
    counts = {"assessments": 0, "countries": 0}
    if not pairs:
        return counts
    where = _pairs_filter(pairs)
    with _collector_paused(), transaction.atomic():
        # The same lock, in the same order, as a save's and a single recompute's.
        locked = list(
            Assessment.objects.select_for_update()
            .filter(where)
            .order_by("pk")
            .values_list("pk", "framework_id")
        )
        ids = [pk for pk, _ in locked]
        AssessmentScore.objects.filter(assessment_id__in=ids).delete()
        ConsolidatedScore.objects.filter(where).delete()
        IndicatorConsolidation.objects.filter(where).delete()
        scores_changed()  # COPY sends no signals
        for framework_id, _, indicators, assessments, answers in _frames_by_version(locked):
            per_assessment, per_country = scoring.score_all(indicators, assessments, answers)
            _write_assessment_scores(per_assessment, framework_id)
            _write_country_scores(per_country, framework_id)
            _write_consolidations(per_country.indicators, indicators)
            counts["assessments"] += len(per_assessment.totals)
            counts["countries"] += len(per_country.totals)
    return counts


def stale_country_cycles() -> set[tuple[str, int]]:
    """The country-cycles with a stale score (an assessment's or the consolidation): two
    queries, which find nothing when every score is fresh."""
    pairs = set(
        AssessmentScore.objects.filter(stale=True).values_list(
            "assessment__country_id", "assessment__cycle"
        )
    )
    pairs.update(ConsolidatedScore.objects.filter(stale=True).values_list("country_id", "cycle"))
    return pairs
