"""Datasets as pages show them and exports write them: the same rows, CSV one table at a
time, XLSX all of a page's tables as one workbook."""

from collections.abc import Callable, Mapping
from html import escape

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.formats import localize
from django.utils.safestring import SafeData, SafeString, mark_safe
from django.utils.translation import gettext as _

from coherence.numbers import count_text, percent_text, score_text
from coherence.spreadsheets import csv_bytes, download, xlsx_bytes

# How a column's numbers read on screen (coherence.numbers): exports keep them as stored.
FORMATS = {"score": score_text, "percent": percent_text, "count": count_text}

EXPORT_FORMATS = ("csv", "xlsx")


def table(
    name: str,
    title: str,
    header: list[str],
    rows: list[list],
    *,
    labels: list[str] | None = None,
    links: list[str | None] | None = None,
    sortable: bool = False,
    hidden: tuple[str, ...] = (),
    names: Mapping[str, Mapping | Callable] | None = None,
    formats: Mapping[str, str] | None = None,
) -> dict:
    """A dataset as the page shows it and the export writes it: the same rows. On screen,
    `hidden` columns (codes) are left out, `names` turns a column's codes into what a
    person reads (a mapping, or a function of the value), and `formats` says how a
    column's numbers read ("score", "percent" or "count"); exports keep codes and the
    stored numbers."""
    return {
        "name": name,
        "title": title,
        "header": header,
        "columns": [
            {"key": key, "label": label}
            for key, label in zip(header, labels or header, strict=True)
        ],
        "rows": rows,
        "links": links or [None] * len(rows),
        "sortable": sortable,
        "hidden": set(hidden),
        "names": dict(names or {}),
        "formats": dict(formats or {}),
    }


def display_cell(value, fmt: str | None = None, names=None) -> tuple[str, str]:
    """(text shown, sort key): a code named, numbers by the column's rule in the user's
    locale, a dash for a missing value. Formatted here rather than by template filters:
    tables run to thousands of cells."""
    if value is None:
        return "—", ""
    if callable(names):
        text = str(names(value))
        return text, repr(value) if isinstance(value, int | float) else text
    if names is not None and isinstance(value, str):
        text = str(names.get(value, value))
        return text, text
    if isinstance(value, int | float) and not isinstance(value, bool):
        text = FORMATS[fmt](value) if fmt in FORMATS else str(localize(value))
        return text, repr(value)
    return str(value), str(value)


def shown_columns(t: dict) -> list[dict]:
    return [c for c in t["columns"] if c["key"] not in t.get("hidden", ())]


def display_rows(t: dict) -> list[dict]:
    """Each row's cells as (text, sort key) and its link, and the row as HTML."""
    hidden, names, formats = t.get("hidden", set()), t.get("names", {}), t.get("formats", {})
    keys = t["header"]
    shown = [(i, k, formats.get(k), names.get(k)) for i, k in enumerate(keys) if k not in hidden]
    rows = []
    for row, link in zip(t["rows"], t["links"], strict=True):
        cells = [display_cell(row[i], fmt, name) for i, _k, fmt, name in shown]
        rows.append(
            {"cells": cells, "link": link, "html": row_html(cells, link, t.get("sortable"))}
        )
    return rows


def _escaped(value) -> str:
    """What the template's autoescape writes: safe strings as they are, the rest with the
    same five characters escaped (the standard library's escape, without Django's lazy
    wrapper: tables run to thousands of cells)."""
    return value if isinstance(value, SafeData) else escape(str(value))


def row_html(cells: list[tuple[str, str]], link: str | None, sortable: bool) -> SafeString:
    """A table row: the first cell a row header (with the row's link), a sort key on each
    cell of a sortable table."""
    if not cells:
        return mark_safe("<tr></tr>")
    (text, key), *rest = cells
    text = _escaped(text)
    sort = f' data-sort="{_escaped(key)}"' if sortable else ""
    first = f'<a href="{_escaped(link)}">{text}</a>' if link else text
    html = [f'<tr><th scope="row"{sort}>{first}</th>']
    for text, key in rest:
        sort = f' data-sort="{_escaped(key)}"' if sortable else ""
        html.append(f"<td{sort}>{_escaped(text)}</td>")
    html.append("</tr>")
    return mark_safe("".join(html))  # noqa: S308 — every value escaped above


def bad_request(request, message: str) -> HttpResponse:
    """A query value the page does not know: 400, with the message shown."""
    return render(request, "dashboards/bad_request.html", {"message": message}, status=400)


def _export_url(request, fmt: str, name: str | None = None) -> str:
    params = request.GET.copy()
    for key in ("export", "table"):
        params.pop(key, None)
    params["export"] = fmt
    if name:
        params["table"] = name
    return f"{request.path}?{params.urlencode()}"


def export_response(request, tables: list[dict], filename: str) -> HttpResponse:
    fmt = request.GET.get("export")
    if fmt not in EXPORT_FORMATS:
        return bad_request(request, _("Unknown export format: “%(f)s”.") % {"f": fmt})
    if fmt == "xlsx":
        sheets = {t["name"]: (t["header"], t["rows"]) for t in tables}
        return download(xlsx_bytes(sheets), f"{filename}.xlsx")
    name = request.GET.get("table") or tables[0]["name"]
    chosen = next((t for t in tables if t["name"] == name), None)
    if chosen is None:
        return bad_request(request, _("Unknown table: “%(t)s”.") % {"t": name})
    return download(csv_bytes(chosen["header"], chosen["rows"]), f"{filename}-{name}.csv")
