"""Whole NumPy columns to and from PostgreSQL in binary form.

Writing: PostgreSQL's binary COPY format. A text COPY makes pandas format every float and
PostgreSQL parse it back; the binary format carries the 8 bytes as they are. Each row is
``int16 field count``, then for each field ``int32 length`` (-1 for NULL) and that many
bytes, all big-endian. Each column becomes one flat byte array and its lengths; the rows
are then laid out at once, every byte's position computed from the lengths.

Reading: each column of a query as one string of its values' binary forms.

A value out of its column type's range is a ValueError, never a wrapped number.
"""

import numpy as np
import orjson
import pandas as pd
import psycopg

HEADER = b"PGCOPY\n\xff\r\n\x00" + (0).to_bytes(4, "big") + (0).to_bytes(4, "big")
TRAILER = (-1).to_bytes(2, "big", signed=True)

# PostgreSQL type → big-endian NumPy type of its binary form.
FIXED = {"int2": ">i2", "int4": ">i4", "int8": ">i8", "float8": ">f8"}
# A column's database type (as a model field's db_type names it) → its kind here.
KINDS = {
    "smallint": "int2",
    "integer": "int4",
    "bigint": "int8",
    "double precision": "float8",
    "boolean": "bool",
    "text": "text",
    "jsonb": "jsonb",
    "timestamp with time zone": "timestamptz",
}
# Microseconds from the Unix epoch to PostgreSQL's, 2000-01-01 UTC.
POSTGRES_EPOCH_US = 946_684_800_000_000


def kind_of(db_type: str) -> str:
    """The kind `body` writes a column of this database type as; varchar(n) is text."""
    return "text" if db_type.startswith("varchar") else KINDS[db_type]


def _flat(rows: np.ndarray) -> np.ndarray:
    """The bytes of a 1-D array of fixed-width values, in order."""
    return np.ascontiguousarray(rows).view(np.uint8).ravel()


def _fixed(kind: str, values, nulls=None) -> tuple[np.ndarray, np.ndarray]:
    """A fixed-width column: its bytes (NULLs take none) and its lengths (-1: NULL)."""
    if kind == "float8":
        array = np.asarray(values, dtype=float)
        nulls = np.isnan(array) if nulls is None else nulls
    else:
        array = np.asarray(values)
        if nulls is None:
            nulls = pd.isna(array) if array.dtype.kind in "fO" else np.zeros(len(array), bool)
            if nulls.any():
                raise ValueError(f"NULL in an {kind} column")
        present = array[~nulls]
        if present.size:
            if present.dtype.kind not in "iub" and not np.array_equal(
                present.astype(float), np.trunc(present.astype(float))
            ):
                raise ValueError(f"a fractional value in an {kind} column")
            limits = np.iinfo(FIXED[kind])
            if present.min() < limits.min or present.max() > limits.max:
                raise ValueError(f"a value out of the range of {kind}")
    width = np.dtype(FIXED[kind]).itemsize
    data = array[~nulls].astype(FIXED[kind])
    return _flat(data), np.where(nulls, -1, width)


def _variable(encoded: list[bytes | None]) -> tuple[np.ndarray, np.ndarray]:
    """A variable-width column: its values' bytes end to end and their lengths (None:
    NULL, -1)."""
    flat = np.frombuffer(b"".join(value for value in encoded if value is not None), np.uint8)
    lengths = np.fromiter(
        (-1 if value is None else len(value) for value in encoded), np.int64, len(encoded)
    )
    return flat, lengths


def _field(kind: str, values) -> tuple[np.ndarray, np.ndarray]:
    """One column's bytes, end to end (NULLs take none), and each value's length (-1:
    NULL). None is NULL, as are NaN in a float column and NaT in a time column."""
    if kind in FIXED:
        return _fixed(kind, values)
    if kind == "bool":
        array = np.asarray(values, dtype=object)
        nulls = pd.isna(array)
        return _flat(array[~nulls].astype(bool)), np.where(nulls, -1, 1)
    if kind == "timestamptz":
        times = pd.to_datetime(pd.Series(values, dtype=object), utc=True)
        nulls = times.isna().to_numpy()
        naive = times.dt.tz_localize(None).to_numpy("datetime64[us]").astype(np.int64)
        return _fixed("int8", naive - POSTGRES_EPOCH_US, nulls=nulls)
    if kind == "text":
        # Encoded once per distinct value: a column of codes holds few.
        codes, distinct = pd.factorize(np.asarray(values, dtype=object))
        if not all(isinstance(value, str) for value in distinct):
            raise ValueError("a value that is not a string in a text column")
        encoded = [value.encode() for value in distinct]
        return _variable([None if code < 0 else encoded[code] for code in codes])
    if kind == "jsonb":  # the format's version, 1, then the JSON text
        return _variable(
            [
                None
                if value is None
                else b"\x01" + orjson.dumps(value, option=orjson.OPT_SERIALIZE_NUMPY)
                for value in values
            ]
        )
    raise ValueError(f"unsupported column type {kind!r}")


def _place(out: np.ndarray, starts: np.ndarray, flat: np.ndarray, sizes: np.ndarray) -> None:
    """Copy each row's run of `flat` (`sizes` bytes, end to end) to `out` at its start."""
    if flat.size:
        index = np.int32 if out.size < 2**31 else np.int64  # half the memory to walk
        offsets = np.cumsum(sizes) - sizes  # where each row's run begins in `flat`
        shift = (starts - offsets).astype(index)
        out[np.repeat(shift, sizes) + np.arange(flat.size, dtype=index)] = flat


def body(columns: list[tuple[str, object]]) -> bytes:
    """The whole COPY … FROM STDIN (FORMAT binary) stream of these (type, values) columns,
    given in the order the COPY statement lists them."""
    fields = [_field(kind, values) for kind, values in columns]
    rows = len(fields[0][1]) if fields else 0
    if not rows:
        return HEADER + TRAILER
    sizes = [np.maximum(lengths, 0) for _, lengths in fields]
    row_sizes = 2 + sum(4 + size for size in sizes)
    starts = np.cumsum(row_sizes) - row_sizes
    out = np.empty(int(row_sizes.sum()), np.uint8)
    four, two = np.full(rows, 4), np.full(rows, 2)
    _place(out, starts, _flat(np.full(rows, len(fields), ">i2")), two)
    at = starts + 2
    for (flat, lengths), size in zip(fields, sizes, strict=True):
        _place(out, at, _flat(lengths.astype(">i4")), four)
        _place(out, at + 4, flat, size)
        at = at + 4 + size
    return HEADER + out.tobytes() + TRAILER


# The kinds read_columns reads (through PostgreSQL's `<kind>send` function) and their
# NumPy types.
READABLE = {**FIXED, "bool": "?"}


def read_columns(connection, sql: str, params: list, kinds: list[str]) -> list[np.ndarray]:
    """Each column of ``sql``'s result as a NumPy array of its ``kinds``. PostgreSQL sends
    every column as one string of its values' binary forms end to end
    (``string_agg(int8send(…))``): one row in all, with no value formatted as text. The
    send function casts a column to its kind or refuses it. The columns must hold no NULL
    (coalesce them: 'NaN' for a float); the row count sent alongside catches one. Reads
    through a psycopg cursor of its own on Django's connection, inside its transaction
    (Django's client-side cursors cannot receive binary results), with Django's error
    wrapping, so a failure is a django.db error like any query's."""
    elements = [np.dtype(READABLE[kind]) for kind in kinds]  # an unknown kind is refused here
    names = [f"c{i}" for i in range(len(kinds))]
    strings = ", ".join(
        f"string_agg({kind}send({name}), ''::bytea)"
        for kind, name in zip(kinds, names, strict=True)
    )
    query = f"SELECT count(*), {strings} FROM ({sql}) AS q({', '.join(names)})"  # noqa: S608
    connection.ensure_connection()
    connection.validate_no_broken_transaction()
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(query, params, binary=True)
        rows, *strings = cursor.fetchone()
    columns = []
    for data, kind, element in zip(strings, kinds, elements, strict=True):
        column = np.frombuffer(data or b"", element).astype(element.newbyteorder("="))
        if len(column) != rows:  # string_agg skips NULLs
            raise ValueError(f"NULL in a column read as {kind}")
        columns.append(column)
    return columns
