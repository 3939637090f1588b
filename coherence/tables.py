"""Datasets as pages show them and exports write them: the same rows, CSV one table at a
time, XLSX all of a page's tables as one workbook."""

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.formats import localize
from django.utils.translation import gettext as _

from coherence.spreadsheets import csv_bytes, download, xlsx_bytes

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
) -> dict:
    """A dataset as the page shows it and the export writes it: the same rows."""
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
    }


def display_cell(value) -> tuple[str, str]:
    """(text shown, sort key): numbers in the user's locale, a dash for a missing value.
    Formatted here rather than by template filters: tables run to thousands of cells."""
    if value is None:
        return "—", ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(localize(value)), repr(value)
    return str(value), str(value)


def display_rows(t: dict) -> list[dict]:
    return [
        {"cells": [display_cell(v) for v in row], "link": link}
        for row, link in zip(t["rows"], t["links"], strict=True)
    ]


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
