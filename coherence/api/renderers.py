"""The CSV renderer: nested bodies flattened, formula-like cells neutralised."""

import csv
import io
import json

from rest_framework.renderers import BaseRenderer

from coherence.spreadsheets import neutralise


def _flatten(row: dict) -> dict:
    """Nested objects become dotted columns; lists of codes become `a;b;c`."""
    flat = {}
    for key, value in row.items():
        if isinstance(value, dict):
            for inner, inner_value in _flatten(value).items():
                flat[f"{key}.{inner}"] = inner_value
        else:
            flat[key] = value
    return flat


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return value  # a number, never a formula
    if isinstance(value, list):
        if all(not isinstance(item, dict | list) for item in value):
            return neutralise(";".join(str(_cell(item)) for item in value))
        return json.dumps(value, ensure_ascii=False)
    return neutralise(str(value))


class CSVRenderer(BaseRenderer):
    """`?format=csv` on lists: one row per result of the page, formulas neutralised."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        rows = data.get("results", [data]) if isinstance(data, dict) else data
        rows = [_flatten(row) if isinstance(row, dict) else {"value": row} for row in rows]
        header = list(dict.fromkeys(key for row in rows for key in row))
        if not header:
            view = (renderer_context or {}).get("view")
            serializer_class = getattr(view, "serializer_class", None)
            header = list(serializer_class().fields) if serializer_class else []
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow([neutralise(column) for column in header])
        for row in rows:
            writer.writerow([_cell(row.get(column)) for column in header])
        return out.getvalue().encode("utf-8")
