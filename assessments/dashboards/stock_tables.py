"""A country's validated stock-taking in a cycle as the dashboards' downloads write it: its
figures, its instruments by level and tool type, each instrument with its source, and its
interactions with their mitigations — codes, with names beside them."""

from django.utils.translation import gettext as _

from assessments.stocktake.selectors import PAPER, CountryStock
from coherence.choices import Level, ToolKind
from coherence.tables import table


def mitigation_text(mitigations: list[dict]) -> str:
    """`safeguard: how` of each mitigation, one after another."""
    return "; ".join(f"{m['safeguard']}: {m['how']}" for m in mitigations)


def stock_figures_table(stock: CountryStock) -> dict:
    safeguards = sum(1 for row in stock.instruments if row["safeguard"])
    return table(
        "stock_figures",
        _("Tools and safeguards"),
        ["figure", "value"],
        [
            ["instruments", len(stock.instruments)],
            ["safeguards", safeguards],
            ["incoherences", len(stock.incoherences)],
            ["unmitigated", stock.unmitigated],
        ],
        labels=[_("Figure"), _("Value")],
        names={
            "figure": {
                "instruments": _("Instruments"),
                "safeguards": _("Safeguards"),
                "incoherences": _("Incoherences"),
                "unmitigated": _("Unmitigated"),
            }
        },
    )


def stock_grid_table(stock: CountryStock) -> dict:
    """The country's validated instruments by level and tool type, a row a cell, inside
    out, as the section's table counts them."""
    cells: dict[tuple[str, str], list[str]] = {
        (lv, tt): [] for lv in Level.values for tt in ToolKind.values
    }
    for row in stock.instruments:
        for level in row["levels"]:
            if (level, row["tool_type"]) in cells:
                cells[(level, row["tool_type"])].append(row["code"])
    return table(
        "stock_grid",
        _("The country's validated instruments by level and tool type"),
        ["level", "tool_type", "count", "instruments"],
        [[lv, tt, len(codes), " ".join(sorted(codes))] for (lv, tt), codes in cells.items()],
        labels=[_("Level"), _("Tool type"), _("Instruments"), _("Codes")],
    )


def stock_instruments_table(stock: CountryStock) -> dict:
    return table(
        "stock_instruments",
        _("Instruments"),
        [
            "code",
            "name",
            "tool_type",
            "levels",
            "areas",
            "link",
            "source",
            "source_name",
            "safeguard",
            "reported_by",
        ],
        [
            [
                row["code"],
                row["name"],
                row["tool_type"],
                " ".join(row["levels"]),
                " ".join(row["areas"]),
                row["link"],
                row["source"],
                stock.actors.get(row["source"]),
                row["safeguard"],
                " ".join(row["reported_by"]),
            ]
            for row in stock.instruments
        ],
    )


INTERACTION_HEADER = [
    "source",
    "source_name",
    "target",
    "target_name",
    "score",
    "rationale",
    "origin",
    "origin_name",
    "mitigations",
    "unmitigated",
    "divergent",
]


def interaction_rows(stock: CountryStock, rows: list[dict]) -> list:
    """Interactions with the names of both ends and of who reports them; `origin` is
    `paper` or the reporting actor's code (the acting instrument is `source`, as in the
    API)."""
    names = {row["code"]: row["name"] for row in stock.instruments}
    return [
        [
            row["source"],
            names.get(row["source"]),
            row["target"],
            names.get(row["target"]),
            row["score"],
            row["rationale"],
            row["origin"],
            None if row["origin"] == PAPER else stock.actors.get(row["origin"]),
            mitigation_text(row["mitigations"]),
            row["unmitigated"],
            row["divergent"],
        ]
        for row in rows
    ]


def stock_incoherences_table(stock: CountryStock) -> dict:
    return table(
        "stock_incoherences",
        _("Incoherences and their mitigations"),
        INTERACTION_HEADER,
        interaction_rows(stock, stock.incoherences),
    )


def stock_interactions_table(stock: CountryStock) -> dict:
    return table(
        "stock_interactions",
        _("The country's validated interactions"),
        INTERACTION_HEADER,
        interaction_rows(stock, stock.interactions),
    )


def country_stock_tables(stock: CountryStock) -> list[dict]:
    """The country dashboard's "tools and safeguards", for its downloads: no query beyond
    the stock's (its actors' names come with it)."""
    return [
        stock_figures_table(stock),
        stock_grid_table(stock),
        stock_instruments_table(stock),
        stock_incoherences_table(stock),
    ]
