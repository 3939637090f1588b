"""Whole NumPy columns to and from PostgreSQL in binary form.

Writing: PostgreSQL's binary COPY format.

A text COPY makes pandas format every float and PostgreSQL parse it back; the binary
format carries the 8 bytes as they are. Each row is ``int16 field count``, then for each
field ``int32 length`` (-1 for NULL) and that many bytes, all big-endian. The rows are
built at once: every field padded to its column's widest value in one (rows × width) byte
matrix, then the padding dropped by a mask.
"""

import struct

import numpy as np
import orjson
import pandas as pd
import psycopg

HEADER = b"PGCOPY\n\xff\r\n\x00" + (0).to_bytes(4, "big") + (0).to_bytes(4, "big")
TRAILER = (-1).to_bytes(2, "big", signed=True)

# PostgreSQL type → big-endian NumPy type of its binary form.
FIXED = {"int2": ">i2", "int4": ">i4", "int8": ">i8", "float8": ">f8"}
# Microseconds from the Unix epoch to PostgreSQL's, 2000-01-01 UTC.
POSTGRES_EPOCH_US = 946_684_800_000_000


def _fixed(kind: str, values, nulls=None) -> tuple[np.ndarray, np.ndarray]:
    array = np.asarray(values, dtype=float if kind == "float8" else None)
    if nulls is None:
        nulls = np.isnan(array) if array.dtype.kind == "f" else np.zeros(len(array), bool)
        if kind != "float8" and nulls.any():
            raise ValueError(f"NULL in an {kind} column")
    data = np.where(nulls, 0, array).astype(FIXED[kind])
    width = data.dtype.itemsize
    return data.view(np.uint8).reshape(len(data), width), np.where(nulls, -1, width)


def _variable(encoded: list[bytes], codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows `codes` of the `encoded` values (-1: NULL), padded to the widest."""
    width = max(map(len, encoded), default=0) or 1
    matrix = np.array([*encoded, b""], dtype=f"S{width}").view(np.uint8).reshape(-1, width)
    lengths = np.array([*map(len, encoded), -1], np.int64)
    return matrix[codes], lengths[codes]  # code -1 takes the last row: NULL


def _field(kind: str, values) -> tuple[np.ndarray, np.ndarray]:
    """The (rows × width) bytes of one column's values, and each value's length (-1: NULL).
    None (NaN for floats, NaT for times) is NULL."""
    if kind in FIXED:
        return _fixed(kind, values)
    if kind == "bool":
        data = np.asarray(values, dtype=bool)
        return data.view(np.uint8).reshape(len(data), 1), np.ones(len(data), np.int64)
    if kind == "timestamptz":
        times = pd.to_datetime(pd.Series(values, dtype=object), utc=True)
        naive = times.dt.tz_localize(None).to_numpy("datetime64[us]").astype(np.int64)
        return _fixed("int8", naive - POSTGRES_EPOCH_US, nulls=times.isna().to_numpy())
    if kind == "text":
        # Encoded once per distinct value: a column of codes holds few.
        codes, distinct = pd.factorize(np.asarray(values, dtype=object))
        return _variable([value.encode() for value in distinct], codes)
    if kind == "jsonb":  # the format's version, 1, then the JSON text
        encoded = [b"\x01" + orjson.dumps(value) for value in values]
        return _variable(encoded, np.arange(len(encoded)))
    raise ValueError(f"unsupported column type {kind!r}")


def body(columns: list[tuple[str, object]]) -> bytes:
    """The whole COPY … FROM STDIN (FORMAT binary) stream of these (type, values) columns,
    given in the order the COPY statement lists them. float8 NaN is written as NULL."""
    fields = [_field(kind, values) for kind, values in columns]
    rows = len(fields[0][1]) if fields else 0
    count = np.full((rows, 1), len(fields), ">i2").view(np.uint8).reshape(rows, 2)
    parts, keep = [count], [np.ones((rows, 2), bool)]
    for matrix, lengths in fields:
        parts.append(lengths.astype(">i4").view(np.uint8).reshape(rows, 4))
        keep.append(np.ones((rows, 4), bool))
        parts.append(matrix)
        keep.append(np.arange(matrix.shape[1]) < np.maximum(lengths, 0)[:, None])
    if not rows:
        return HEADER + TRAILER
    return HEADER + np.hstack(parts)[np.hstack(keep)].tobytes() + TRAILER


# PostgreSQL type → NumPy type of an array element read back.
ELEMENTS = {"int2": ">i2", "int4": ">i4", "int8": ">i8", "float8": ">f8", "bool": "?"}


def read_columns(connection, sql: str, params: list, kinds: list[str]) -> list[np.ndarray]:
    """Each column of ``sql``'s result as a NumPy array of its ``kinds``. PostgreSQL sends
    every column as one binary array (``array_send(array_agg(…))``): one row in all, with
    no value formatted as text. The columns must hold no NULL (coalesce them: 'NaN' for a
    float). Reads through a psycopg cursor of its own on Django's connection, inside its
    transaction: Django's client-side cursors cannot receive binary results."""
    names = [f"c{i}" for i in range(len(kinds))]
    arrays = ", ".join(f"array_send(array_agg({name}))" for name in names)
    query = f"SELECT {arrays} FROM ({sql}) AS q({', '.join(names)})"  # noqa: S608
    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(query, params, binary=True)
        row = cursor.fetchone()
    return [_column(data, kind) for data, kind in zip(row, kinds, strict=True)]


def _column(data: bytes | None, kind: str) -> np.ndarray:
    element = np.dtype(ELEMENTS[kind])
    if data is None:  # array_agg of no row
        return np.empty(0, element.newbyteorder("="))
    dimensions, has_nulls, _ = struct.unpack_from(">iii", data)
    if has_nulls:
        raise ValueError("NULL in a column read as an array")
    # After the header, each dimension's size and lower bound, then (length, value) pairs.
    pairs = np.frombuffer(
        data, dtype=[("length", ">i4"), ("value", element)], offset=12 + 8 * dimensions
    )
    return pairs["value"].astype(element.newbyteorder("="))
