"""The binary COPY writer and the binary array reader the full recompute uses: what goes
in comes back out of PostgreSQL bit for bit, NULLs included."""

import datetime as dt
import tracemalloc

import numpy as np
import pytest
from django.db import OperationalError, ProgrammingError, connection, transaction

from assessments.models import ConsolidatedScore, IndicatorConsolidation
from assessments.pg import binary as pgbinary
from assessments.recompute import _insert

NaN = float("nan")
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's binary formats"
)


def test_a_row_is_the_documented_layout():
    stream = pgbinary.body([("int2", [7]), ("float8", [NaN]), ("text", ["é"])])
    assert stream == (
        b"PGCOPY\n\xff\r\n\x00"
        + b"\x00\x00\x00\x00"
        + b"\x00\x00\x00\x00"  # header
        + b"\x00\x03"  # three fields
        + b"\x00\x00\x00\x02"
        + b"\x00\x07"  # int2 7
        + b"\xff\xff\xff\xff"  # NULL
        + b"\x00\x00\x00\x02"
        + "é".encode()  # text, two bytes of UTF-8
        + b"\xff\xff"  # trailer
    )


def test_no_rows_is_a_header_and_a_trailer():
    assert pgbinary.body([("int8", []), ("text", [])]) == pgbinary.HEADER + pgbinary.TRAILER


@pytest.mark.parametrize(
    ("kind", "values", "why"),
    [
        ("int4", [1.0, NaN], "NULL in an int4 column"),
        ("int8", [1, None], "NULL in an int8 column"),
        ("int2", [40000], "out of the range of int2"),
        ("int2", np.array([2026 + 65536]), "out of the range of int2"),
        ("int4", [2**31], "out of the range of int4"),
        ("int4", [1.5], "fractional"),
        ("text", ["PHL", 3], "not a string"),
        ("money", [1], "unsupported column type"),
    ],
)
def test_a_value_its_column_cannot_hold_is_refused_not_wrapped(kind, values, why):
    with pytest.raises(ValueError, match=why):
        pgbinary.body([(kind, values)])


def test_none_is_null_in_every_type():
    kinds = ["int8", "float8", "bool", "text", "jsonb", "timestamptz"]
    stream = pgbinary.body([(kind, [None]) for kind in kinds[1:]])
    null = b"\xff\xff\xff\xff"
    assert stream == pgbinary.HEADER + b"\x00\x05" + null * 5 + pgbinary.TRAILER


def test_json_takes_numpy_numbers():
    stream = pgbinary.body([("jsonb", [[np.float64(0.5), np.int64(3)]])])
    assert stream[len(pgbinary.HEADER) + 2 :] == b"\x00\x00\x00\x08\x01[0.5,3]\xff\xff"


def test_one_wide_value_costs_its_own_size_not_every_rows():
    values = [{"code": "x"}] * 4999 + [{"evidence": "y" * 200_000}]
    tracemalloc.start()
    stream = pgbinary.body([("int8", np.arange(5000)), ("jsonb", values)])
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert len(stream) < 400_000 and peak < 20 * len(stream)


@postgres_only
@pytest.mark.django_db
def test_consolidations_come_back_bit_for_bit_with_their_nulls(catalogue):
    values = [0.1 + 0.2, 1e-300, NaN, 2 / 3]
    _insert(
        IndicatorConsolidation,
        {
            "country_id": np.array(["PHL", "MDA", "PHL", "XKX"], dtype=object),
            "cycle": np.array([2026, 2026, 2025, 32767]),
            "indicator_id": np.array([1, 2**40, 3, 4]),
            "value": np.array(values),
            "spread": np.array([NaN, 0.0, 12.5, NaN]),
            "n": np.array([1, 2, 0, 5]),
        },
    )
    rows = list(
        IndicatorConsolidation.objects.order_by("indicator_id").values_list(
            "country_id", "cycle", "indicator_id", "value", "spread", "n"
        )
    )
    assert rows == [
        ("PHL", 2026, 1, 0.1 + 0.2, None, 1),
        ("PHL", 2025, 3, None, 12.5, 0),
        ("XKX", 32767, 4, 2 / 3, None, 5),
        ("MDA", 2026, 2**40, 1e-300, 0.0, 2),
    ]


@postgres_only
@pytest.mark.django_db
def test_scores_come_back_with_their_json_times_and_nulls(catalogue):
    when = dt.datetime(2026, 11, 28, 8, 30, 15, 123456, tzinfo=dt.UTC)
    areas = [{"code": "health", "score": 33.33, "coverage": 0.5}]
    crosswalk = [
        {"framework": "MGI", "code": "MGI-D1", "score": None, "coverage": 0.0, "category": None}
    ]
    _insert(
        ConsolidatedScore,
        {
            "country_id": ["PHL", "MDA"],
            "cycle": [2026, 2026],
            "divergence": [None, 12.5],
            "assessments": [2, 1],
            "framework_id": [catalogue["framework"].pk] * 2,
            "overall": [None, 50.0],
            "horizontal": [None, 40.0],
            "vertical": [None, 60.0],
            "band": [None, "établi"],
            "areas": [areas, []],
            "dimensions": [[], [{"code": "rights", "score": 1.0}]],
            "links": [[], []],
            "stale": [False, True],
            "computed_at": [when, None],
            "crosswalk": [[], crosswalk],
        },
    )
    phl, mda = ConsolidatedScore.objects.order_by("-country_id")
    assert phl.crosswalk == [] and mda.crosswalk == crosswalk
    assert (phl.country_id, phl.overall, phl.band, phl.divergence) == ("PHL", None, None, None)
    assert phl.areas == areas and phl.stale is False and phl.computed_at == when
    assert (mda.overall, mda.horizontal, mda.vertical, mda.divergence) == (50.0, 40.0, 60.0, 12.5)
    assert mda.band == "établi" and mda.stale is True and mda.computed_at is None
    assert mda.dimensions == [{"code": "rights", "score": 1.0}] and mda.assessments == 1


@postgres_only
@pytest.mark.django_db
def test_columns_are_read_back_as_arrays_of_their_types():
    ids, values, flags = pgbinary.read_columns(
        connection,
        "SELECT v.id, coalesce(v.x, 'NaN'::float8), v.flag "
        "FROM (VALUES (1::bigint, 0.1::float8, true), (%s, NULL, false)) AS v(id, x, flag)",
        [2**62],
        ["int8", "float8", "bool"],
    )
    assert ids.tolist() == [1, 2**62] and ids.dtype == np.int64
    assert values[0] == 0.1 and np.isnan(values[1])
    assert flags.tolist() == [True, False]


@postgres_only
@pytest.mark.django_db
def test_no_rows_read_are_empty_arrays_and_a_null_is_refused():
    (empty,) = pgbinary.read_columns(connection, "SELECT 1::int8 WHERE false", [], ["int8"])
    assert empty.tolist() == [] and empty.dtype == np.int64
    with pytest.raises(ValueError, match="NULL"):
        pgbinary.read_columns(connection, "SELECT NULL::float8", [], ["float8"])


@postgres_only
@pytest.mark.django_db
def test_a_column_of_another_type_is_cast_by_postgresql_or_refused():
    (ids,) = pgbinary.read_columns(
        connection, "SELECT g::int4 FROM generate_series(1, 3) g", [], ["int8"]
    )
    assert ids.tolist() == [1, 2, 3]
    with pytest.raises(ProgrammingError), transaction.atomic():
        pgbinary.read_columns(connection, "SELECT 'PHL'::text", [], ["int8"])


@postgres_only
@pytest.mark.django_db
def test_a_null_in_the_middle_is_refused_not_shifted():
    with pytest.raises(ValueError, match="NULL in a column read as float8"):
        pgbinary.read_columns(
            connection,
            "SELECT x FROM (VALUES (1.0::float8), (NULL), (3.0)) AS v(x)",
            [],
            ["float8"],
        )


@postgres_only
@pytest.mark.django_db
def test_a_failed_read_is_djangos_error_as_any_querys():
    # What the recompute tasks retry on: a raw psycopg error would not be retried.
    with pytest.raises(OperationalError, match="statement timeout"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL statement_timeout = 50")
        pgbinary.read_columns(connection, "SELECT 1::int8 FROM pg_sleep(0.5)", [], ["int8"])
