"""The recompute's reads and writes on PostgreSQL: the fast paths of
`assessments.recompute`'s `_query_frame`, `_answer_frame`, `_insert` and
`_empty_score_tables`, which pick them."""

import io

import pandas as pd
from django.db import connection

from assessments.pg import binary


def query_frame(sql: str, params: list, columns: list[str]) -> pd.DataFrame:
    """A SELECT's rows as one CSV text built by the server (string_agg), parsed by pandas
    in one go: at half a million answers that is several times faster than fetching rows,
    or COPY's row-by-row stream. Values are ids, codes, numbers and booleans — never text
    with commas."""
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


def answer_frame(source: str, params: list, columns: list[str]) -> pd.DataFrame:
    """assessment_id, indicator_id, raw and na of the answers `source` (FROM … WHERE …)
    selects, as four binary strings: at half a million answers, a quarter faster than the
    text of `query_frame`."""
    arrays = binary.read_columns(
        connection,
        "SELECT ans.assessment_id, ans.indicator_id, "  # noqa: S608
        f"coalesce(ans.value, 'NaN'::float8), ans.na {source}",
        params,
        ["int8", "int8", "float8", "bool"],
    )
    return pd.DataFrame(dict(zip(columns, arrays, strict=True)))


def insert(model, columns: dict) -> None:
    """Bulk insert whole columns (column name → values; None, or NaN for a float, is
    NULL) with one binary COPY built from the columns at once, each in the binary form of
    its field's database type: 100,000+ rows without a Python call per row, and no float
    formatted as text and parsed back."""
    fields = {field.column: field for field in model._meta.concrete_fields}
    kinds = [binary.kind_of(fields[name].db_type(connection)) for name in columns]
    stream = binary.body(list(zip(kinds, columns.values(), strict=True)))
    statement = (
        f"COPY {model._meta.db_table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT binary)"
    )
    with (
        connection.cursor() as cursor,
        connection.wrap_database_errors,  # a failure is a django.db error, as a query's
        cursor.cursor.copy(statement) as copy,
    ):
        copy.write(stream)


def truncate(models) -> None:
    """Empty these tables with TRUNCATE, transactional on PostgreSQL: the new rows then go
    into clean tables and indexes, more than twice as fast as after a DELETE. Readers wait
    for the commit and never see the tables empty."""
    with connection.cursor() as cursor:
        # Deferred foreign-key checks of rows written earlier in this transaction must
        # run first: PostgreSQL refuses to TRUNCATE a table with pending trigger events.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE " + ", ".join(m._meta.db_table for m in models))
