"""Loading answers into DataFrames, scoring them (assessments.scoring, pure pandas) and
storing the results — the service behind the Celery tasks and `recompute_scores`.

Every recompute reads the stored answers and replaces the stored scores in one
transaction, so running it twice gives the same scores.
"""

import io
import json
from collections.abc import Callable

import pandas as pd
from django.db import connection, transaction
from django.utils import timezone

from assessments import scoring
from assessments.choices import State
from assessments.generation import scores_changed
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
    """Run a SELECT into a DataFrame. On PostgreSQL the rows come back as one CSV text
    built by the server (string_agg), parsed by pandas in one go: at half a million
    answers that is several times faster than fetching rows, or COPY's row-by-row stream.
    Values are ids, codes, numbers and booleans — never text with commas."""
    if connection.vendor == "postgresql":
        names = [f"c{i}" for i in range(len(columns))]
        fields = ", ".join(f"coalesce({n}::text, '')" for n in names)
        wrapped = (
            f"SELECT string_agg(concat_ws(',', {fields}), E'\\n') "  # noqa: S608
            f"FROM ({sql}) AS q({', '.join(names)})"
        )
        with connection.cursor() as cursor:
            cursor.execute(wrapped, params)
            text = cursor.fetchone()[0]
        if not text:
            return pd.DataFrame(columns=columns)
        return pd.read_csv(
            io.StringIO(text),
            names=columns,
            header=None,
            keep_default_na=False,
            na_values={c: [""] for c in columns},
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return pd.DataFrame.from_records(cursor.fetchall(), columns=columns)


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
    answers = _query_frame(
        "SELECT ans.assessment_id, ans.indicator_id, ans.value, "  # noqa: S608
        f"CASE WHEN ans.na THEN 1 ELSE 0 END FROM {ans} ans "
        f"JOIN {a} ON {a}.id = ans.assessment_id WHERE {where}",
        params,
        ["assessment_id", "indicator_id", "raw", "na"],
    )
    lookup = indicators.set_index("id")
    answers = answers[answers["indicator_id"].isin(lookup.index)]
    answer_type = answers["indicator_id"].map(lookup["answer_type"])
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
        by_version: dict[int, list[int]] = {}
        for pk, framework_id in locked:
            by_version.setdefault(framework_id, []).append(pk)
        a = Assessment._meta.db_table
        for framework_id, ids in by_version.items():
            indicators = indicator_frame(framework_id)
            placeholders = ", ".join(["%s"] * len(ids))
            assessments, answers = _assessment_frames(
                f"{a}.id IN ({placeholders})", ids, indicators
            )
            scores = scoring.score_assessments(indicators, assessments, answers)
            AssessmentScore.objects.filter(assessment_id__in=ids).delete()
            _write_assessment_scores(scores, framework_id)
    return len(locked)


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
            },
        )
        _write_consolidations(scores.indicators, indicators)


def _write_consolidations(frame: pd.DataFrame, indicators: pd.DataFrame) -> None:
    if frame.empty:
        return
    ids = indicators.set_index("code")["id"]
    table = pd.DataFrame(
        {
            "country_id": frame["country"].to_numpy(),
            "cycle": frame["cycle"].astype(int).to_numpy(),
            "indicator_id": frame["indicator"].map(ids).astype(int).to_numpy(),
            "value": frame["value"].astype(float).to_numpy(),
            "spread": frame["spread"].astype(float).to_numpy(),
            "n": frame["n"].astype(int).to_numpy(),
        }
    )
    if connection.vendor == "postgresql":
        # One CSV block through COPY: 100,000+ rows without a Python call per row.
        body = table.to_csv(index=False, header=False, na_rep="")  # repr floats: exact
        columns = ", ".join(table.columns)
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(
                f"COPY {IndicatorConsolidation._meta.db_table} ({columns}) FROM STDIN "
                "WITH (FORMAT csv)"
            ) as copy,
        ):
            copy.write(body.encode())
        return
    table = table.astype(object).where(table.notna(), None)
    _insert(IndicatorConsolidation, list(table.columns), table.itertuples(index=False))


def _insert(model, columns: list[str], rows) -> None:
    """Bulk insert; on PostgreSQL with COPY."""
    if connection.vendor == "postgresql":
        table = model._meta.db_table
        statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row([json.dumps(v) if isinstance(v, list | dict) else v for v in row])
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


SCORE_COLUMNS = [
    "framework_id",
    "overall",
    "horizontal",
    "vertical",
    "band",
    "areas",
    "dimensions",
    "links",
    "stale",
    "computed_at",
]


def _score_row(payload: dict, framework_id: int, now) -> list:
    return [
        framework_id,
        payload["overall"],
        payload["horizontal"],
        payload["vertical"],
        payload["band"],
        payload["areas"],
        payload["dimensions"],
        payload["links"],
        False,
        now,
    ]


def _empty_score_tables() -> None:
    """Empty the three score tables inside the recompute's transaction. On PostgreSQL with
    TRUNCATE (transactional there): the new rows then go into clean tables and indexes,
    more than twice as fast as after a DELETE. Readers wait for the commit (seconds) and
    never see the tables empty."""
    models = (AssessmentScore, ConsolidatedScore, IndicatorConsolidation)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Deferred foreign-key checks of rows written earlier in this transaction must
            # run first: PostgreSQL refuses to TRUNCATE a table with pending trigger events.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("TRUNCATE " + ", ".join(m._meta.db_table for m in models))
        return
    for model in models:
        model.objects.all().delete()


def _write_assessment_scores(scores, framework_id: int) -> None:
    now = timezone.now()
    payloads = scoring.payloads(scores, ["assessment_id"])
    _insert(
        AssessmentScore,
        ["assessment_id", *SCORE_COLUMNS],
        ([int(key), *_score_row(p, framework_id, now)] for key, p in payloads.items()),
    )


def _write_country_scores(scores, framework_id: int) -> None:
    now = timezone.now()
    payloads = scoring.payloads(scores, ["country", "cycle"])
    _insert(
        ConsolidatedScore,
        ["country_id", "cycle", "divergence", "assessments", *SCORE_COLUMNS],
        (
            [
                country,
                int(cycle),
                p["divergence"],
                p["assessments"],
                *_score_row(p, framework_id, now),
            ]
            for (country, cycle), p in payloads.items()
        ),
    )
