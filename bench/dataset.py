"""The synthetic benchmark data set, written with COPY; built once, reused after."""

import numpy as np
from django.db import connection, transaction
from django.utils import timezone

from actors.models import Actor
from assessments.models import Answer, Assessment, FrameworkVersion, Indicator
from coherence.models import Country, GovernanceLevel, ToolType
from instruments.models import Instrument

FIRST_CYCLE = 2021
DIVISORS = {"yes_no": 1, "three_level": 10, "scale": 4, "percent": 100}


def _copy(table: str, columns: list[str], rows) -> None:
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)


def bench_countries(n: int) -> list[str]:
    return list(Country.objects.order_by("iso3").values_list("iso3", flat=True)[:n])


def random_values(answer_types: np.ndarray, rng: np.random.Generator):
    """Raw stored values for each answer type; about 5 % unanswered, 3 % n/a."""
    size = len(answer_types)
    level = rng.beta(2.2, 2.0, size)
    value = np.select(
        [answer_types == "yes_no", answer_types == "three_level", answer_types == "scale"],
        [(level > 0.5) * 1.0, np.round(level * 2) * 5.0, np.round(level * 4)],
        default=np.round(level * 100, 1),
    )
    draw = rng.random(size)
    na = draw < 0.03
    value = np.where(draw < 0.08, np.nan, value)
    return value, na


def build(*, countries: int, cycles: int, actors: int, instruments: int) -> dict:
    framework = FrameworkVersion.current()
    indicators = list(Indicator.objects.filter(version=framework).values_list("id", "answer_type"))
    isos = bench_countries(countries)
    expected = len(isos) * cycles * actors
    have = Assessment.objects.filter(actor__code__startswith="B-", cycle__lt=2030).count()
    if have != expected:
        with transaction.atomic():
            _build_assessments(framework, indicators, isos, cycles, actors)
    if Instrument.objects.filter(code__startswith="B-INS-").count() < instruments:
        with transaction.atomic():
            _build_instruments(isos, instruments)
    return {
        "countries": len(isos),
        "assessments": expected,
        "answers": Answer.objects.filter(assessment__actor__code__startswith="B-").count(),
        "indicators": len(indicators),
        "instruments": Instrument.objects.count(),
    }


def _build_assessments(framework, indicators, isos, cycles, actors) -> None:
    Answer.objects.filter(assessment__actor__code__startswith="B-").delete()
    Assessment.objects.filter(actor__code__startswith="B-").delete()
    existing = set(Actor.objects.filter(code__startswith="B-").values_list("code", flat=True))
    Actor.objects.bulk_create(
        [
            Actor(
                code=f"B-{iso}-{k}",
                name=f"Ministry {k} of {iso}",
                type="line_ministry",
                level="national",
                country_id=iso,
            )
            for iso in isos
            for k in range(actors)
            if f"B-{iso}-{k}" not in existing
        ]
    )
    actor_ids = dict(Actor.objects.filter(code__startswith="B-").values_list("code", "id"))
    rng = np.random.default_rng(2026)
    now = timezone.now()
    rows = []
    for iso in isos:
        for cycle in range(FIRST_CYCLE, FIRST_CYCLE + cycles):
            for k in range(actors):
                draw = rng.random()
                state = "validated" if draw < 0.7 else "submitted" if draw < 0.9 else "draft"
                rows.append(
                    (
                        iso,
                        cycle,
                        actor_ids[f"B-{iso}-{k}"],
                        "both",
                        framework.pk,
                        state,
                        1,
                        "",
                        now,
                        now,
                    )
                )
    _copy(
        Assessment._meta.db_table,
        [
            "country_id",
            "cycle",
            "actor_id",
            "perspective",
            "framework_id",
            "state",
            "version",
            "return_reason",
            "created_at",
            "updated_at",
        ],
        rows,
    )
    ids = np.array(
        Assessment.objects.filter(actor__code__startswith="B-").values_list("id", flat=True)
    )
    indicator_ids = np.array([i for i, _ in indicators])
    types = np.array([t for _, t in indicators])
    all_assessments = np.repeat(ids, len(indicator_ids))
    all_indicators = np.tile(indicator_ids, len(ids))
    value, na = random_values(np.tile(types, len(ids)), rng)
    value = np.where(na, np.nan, value)
    _copy(
        Answer._meta.db_table,
        [
            "assessment_id",
            "indicator_id",
            "value",
            "na",
            "evidence",
            "instruments",
            "flagged",
            "flag_comment",
            "revision",
            "updated_at",
        ],
        (
            (
                int(a),
                int(i),
                None if np.isnan(v) else float(v),
                bool(n),
                "",
                "[]",
                False,
                "",
                1,
                now,
            )
            for a, i, v, n in zip(all_assessments, all_indicators, value, na, strict=True)
        ),
    )


def _build_instruments(isos, wanted: int) -> None:
    have = Instrument.objects.filter(code__startswith="B-INS-").count()
    tool_types = list(ToolType.objects.values_list("code", flat=True))
    levels = list(GovernanceLevel.objects.values_list("code", flat=True))
    rng = np.random.default_rng(7)
    now = timezone.now()
    new = range(have, wanted)
    _copy(
        Instrument._meta.db_table,
        ["code", "name", "description", "tool_type_id", "paragraph", "link", "updated_at"],
        (
            (
                f"B-INS-{n:05d}",
                f"Synthetic instrument {n}",
                "",
                tool_types[n % len(tool_types)],
                None,
                "",
                now,
            )
            for n in new
        ),
    )
    ids = dict(Instrument.objects.filter(code__startswith="B-INS-").values_list("code", "id"))
    level_rows, country_rows = [], []
    for n in new:
        pk = ids[f"B-INS-{n:05d}"]
        first = int(rng.integers(len(levels)))
        level_rows.append((pk, levels[first]))
        if rng.random() < 0.2 and first + 1 < len(levels):
            level_rows.append((pk, levels[first + 1]))
        if levels[first] != "international":
            country_rows.append((pk, isos[n % len(isos)]))
    _copy(
        Instrument.levels.through._meta.db_table,
        ["instrument_id", "governancelevel_id"],
        level_rows,
    )
    _copy(
        Instrument.countries.through._meta.db_table, ["instrument_id", "country_id"], country_rows
    )
