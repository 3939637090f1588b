"""The synthetic benchmark data set, written with COPY; built once, reused after."""

import numpy as np
from django.db import connection, transaction
from django.utils import timezone

from actors.models import Actor
from assessments.models import Answer, Assessment, ConsolidatedScore, FrameworkVersion, Indicator
from assessments.stocktake.models import StockInstrument, StockInteraction
from coherence.models import Country, GovernanceLevel, ToolType
from instruments.models import Instrument

# Country-reported instruments per country and cycle, in its first validated assessment:
# four picked from the catalogue, the rest new; half as many interactions, every third an
# incoherence, every other one of those unmitigated.
STOCK_PER_COUNTRY_CYCLE = 20
STOCK_PICKED = ("REFUGEE-CONVENTION", "ICRMW", "GCM", "WHO-CODE")

FIRST_CYCLE = 2021

# The fill-in figure's framework: the current version's indicators and copies of them spread
# over the five dimensions (the page's sections), this many in all. It stays unpublished, so
# it never becomes the current version: only the fill-in figure's draft uses it.
FILL_IN_FRAMEWORK = "bench-fill-in"
FILL_IN_INDICATORS = 150
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
    if not StockInstrument.objects.filter(code__startswith="B-ST-").exists():
        with transaction.atomic():
            _build_stock(STOCK_PER_COUNTRY_CYCLE)
    if not ConsolidatedScore.objects.filter(stale=False).exists():
        # The pages show stored scores: a fresh data set has none until a recompute.
        from assessments.recompute import recompute_all

        recompute_all()
    fill_in = fill_in_framework()
    return {
        "countries": len(isos),
        "assessments": expected,
        "answers": Answer.objects.filter(assessment__actor__code__startswith="B-").count(),
        "indicators": len(indicators),
        "instruments": Instrument.objects.count(),
        "country-reported instruments": StockInstrument.objects.count(),
        "reported interactions": StockInteraction.objects.count(),
        "fill-in framework indicators": fill_in.indicators.count(),
    }


def fill_in_framework(total: int = FILL_IN_INDICATORS) -> FrameworkVersion:
    """The unpublished version of FILL_IN_FRAMEWORK with `total` indicators: the current
    version's, then copies of them taken from each dimension in turn, each copy ranked
    just after its original."""
    version, _ = FrameworkVersion.objects.get_or_create(code=FILL_IN_FRAMEWORK)
    if version.indicators.count() == total:
        return version
    with transaction.atomic():
        doomed = Answer.objects.filter(indicator__version=version)
        Answer.history.filter(indicator_id__in=version.indicators.values("id")).delete()
        doomed.delete()
        version.indicators.all().delete()
        shipped = list(
            Indicator.objects.filter(version=FrameworkVersion.current())
            .order_by("rank", "code")
            .values()
        )
        by_dimension: dict[str, list[dict]] = {}
        for record in shipped:
            by_dimension.setdefault(record["dimension"], []).append(record)
        dimensions = list(by_dimension)
        copies = []
        for n in range(total - len(shipped)):
            group = by_dimension[dimensions[n % len(dimensions)]]
            copies.append((group[n // len(dimensions) % len(group)], n))

        def indicator(record: dict, rank: int, **changes) -> Indicator:
            fields = {k: v for k, v in record.items() if k not in ("id", "version_id")}
            return Indicator(**{**fields, "version": version, "rank": rank, **changes})

        Indicator.objects.bulk_create(
            [indicator(r, 2 * r["rank"]) for r in shipped]
            + [
                indicator(
                    r,
                    2 * r["rank"] + 1,
                    code=f"{r['code']}-B{n}",
                    question_en=f"{r['question_en']} (bench copy {n})",
                )
                for r, n in copies
            ]
        )
    return version


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
        [
            "code",
            "name",
            "description",
            "tool_type_id",
            "paragraph",
            "link",
            "safeguard",
            "updated_at",
        ],
        (
            (
                f"B-INS-{n:05d}",
                f"Synthetic instrument {n}",
                "",
                tool_types[n % len(tool_types)],
                None,
                "",
                False,
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


def _build_stock(per_pair: int) -> None:
    first: dict[tuple, int] = {}
    for pk, country, cycle in (
        Assessment.objects.filter(actor__code__startswith="B-", state="validated")
        .order_by("id")
        .values_list("id", "country_id", "cycle")
    ):
        first.setdefault((country, cycle), pk)
    picked = dict(Instrument.objects.filter(code__in=STOCK_PICKED).values_list("code", "id"))
    levels = ["subnational", "national", "bilateral"]
    tools = ["strategy", "policy", "instrument", "framework", "research", "evidence", "data"]
    entries = []
    for (country, cycle), pk in first.items():
        for code, instrument_id in picked.items():
            entries.append(
                StockInstrument(assessment_id=pk, code=code, instrument_id=instrument_id)
            )
        for n in range(per_pair - len(picked)):
            entries.append(
                StockInstrument(
                    assessment_id=pk,
                    code=f"B-ST-{country}-{cycle}-{n:02}",
                    name=f"Reported instrument {n} of {country}",
                    tool_type_id=tools[n % len(tools)],
                    levels=[levels[n % len(levels)]],
                    areas=["labour_migration"],
                    safeguard=n % 5 == 0,
                )
            )
    StockInstrument.objects.bulk_create(entries, batch_size=2000)
    by_assessment: dict[int, list[int]] = {}
    for pk, assessment_id in StockInstrument.objects.filter(
        assessment_id__in=first.values()
    ).values_list("id", "assessment_id"):
        by_assessment.setdefault(assessment_id, []).append(pk)
    interactions = []
    for assessment_id, ids in by_assessment.items():
        for n in range(len(ids) // 2):
            incoherent = n % 3 == 0
            interactions.append(
                StockInteraction(
                    assessment_id=assessment_id,
                    source_id=ids[n],
                    target_id=ids[-1 - n],
                    score=-2 if incoherent else 1,
                    rationale="bench",
                    mitigations=(
                        [{"safeguard": "ICRMW", "how": "bench"}] if incoherent and n % 2 else []
                    ),
                    no_mitigation=incoherent and not n % 2,
                )
            )
    StockInteraction.objects.bulk_create(interactions, batch_size=2000)
