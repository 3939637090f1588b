"""Reads of validated stock-taking that the API, the grid, the dashboards and the scores
share: a country's instruments and interactions in a cycle, each with its source, the
incoherences with their mitigations, and how many are unmitigated.

A country's instruments in a cycle are those its validated assessments of that cycle
list: a catalogue one keeps its source, `paper` (it has a paragraph) or `catalogue`; a new
one has the reporting actor's code. Its interactions are the catalogue's between two of
those instruments (source `paper`: the shipped ones each cite the paper) and those the
validated assessments report (source: the reporting actor). An incoherence row is
unmitigated when it names no mitigation; a pair of instruments counts once in
`unmitigated`: when one of its rows is an incoherence and none names a mitigation. Two rows
of the same pair with different scores are a divergence.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q

from assessments.choices import State
from assessments.models import Assessment
from assessments.stocktake.models import StockInstrument, StockInteraction
from instruments.models import INCOHERENCE, Instrument, Interaction, Mitigation, is_incoherence
from instruments.selectors import CATALOGUE, PAPER

Pair = tuple[str, int]


def validated_where(pairs: Iterable[Pair], prefix: str = "") -> Q:
    """The validated assessments of these (country, cycle) pairs: one term per cycle."""
    by_cycle: dict[int, set[str]] = defaultdict(set)
    for country, cycle in pairs:
        by_cycle[cycle].add(country)
    where = Q(pk__in=[])
    for cycle, countries in by_cycle.items():
        where |= Q(**{f"{prefix}cycle": cycle, f"{prefix}country_id__in": countries})
    return where & Q(**{f"{prefix}state": State.VALIDATED})


def count_unmitigated(rows: Iterable[dict]) -> int:
    """The pairs among `rows` (dicts of source, target, score, mitigations) with an
    incoherence and no mitigation named in any row."""
    incoherent, mitigated = set(), set()
    for row in rows:
        pair = (row["source"], row["target"])
        if is_incoherence(row["score"]):
            incoherent.add(pair)
            if row["mitigations"]:
                mitigated.add(pair)
    return len(incoherent - mitigated)


def unmitigated_counts(pairs: Iterable[Pair]) -> dict[Pair, int]:
    """`unmitigated` of each (country, cycle) pair (DESIGN §6), in three queries whatever
    their number: the reported incoherences, the catalogue instruments listed, and the
    catalogue's incoherences among them with whether each is mitigated."""
    pairs = set(pairs)
    if not pairs:
        return {}
    rows: dict[Pair, list[dict]] = defaultdict(list)
    for country, cycle, source, target, score, mitigations in StockInteraction.objects.filter(
        validated_where(pairs, "assessment__"), score__lte=INCOHERENCE
    ).values_list(
        "assessment__country_id",
        "assessment__cycle",
        "source__code",
        "target__code",
        "score",
        "mitigations",
    ):
        rows[(country, cycle)].append(
            {"source": source, "target": target, "score": score, "mitigations": mitigations}
        )
    listed: dict[int, set[Pair]] = defaultdict(set)
    for country, cycle, instrument_id in StockInstrument.objects.filter(
        validated_where(pairs, "assessment__"), instrument__isnull=False
    ).values_list("assessment__country_id", "assessment__cycle", "instrument_id"):
        listed[instrument_id].add((country, cycle))
    if listed:
        for source_id, target_id, source, target, score, mitigated in (
            Interaction.objects.filter(
                score__lte=INCOHERENCE, source_id__in=listed, target_id__in=listed
            )
            .with_mitigated()
            .values_list(
                "source_id", "target_id", "source__code", "target__code", "score", "mitigated"
            )
        ):
            for pair in listed[source_id] & listed[target_id]:
                rows[pair].append(
                    {"source": source, "target": target, "score": score, "mitigations": mitigated}
                )
    return {pair: count_unmitigated(rows.get(pair, ())) for pair in pairs}


@dataclass
class CountryStock:
    """A country's validated stock-taking in a cycle, as the API and pages show it."""

    country: str
    cycle: int
    instruments: list[dict] = field(default_factory=list)
    interactions: list[dict] = field(default_factory=list)
    # What pages print instead of codes (the API keeps the codes): instrument code → name,
    # actor code → name.
    names: dict[str, str] = field(default_factory=dict)
    actors: dict[str, str] = field(default_factory=dict)

    @property
    def incoherences(self) -> list[dict]:
        return [row for row in self.interactions if row["incoherence"]]

    @property
    def unmitigated(self) -> int:
        return count_unmitigated(self.interactions)

    @property
    def divergences(self) -> list[dict]:
        return [row for row in self.interactions if row["divergent"]]


def _instrument_rows(pairs: set[Pair], actors: dict[str, str]) -> dict[Pair, list[dict]]:
    entries = (
        StockInstrument.objects.filter(validated_where(pairs, "assessment__"))
        .select_related("instrument", "assessment__actor", "owner")
        .prefetch_related("instrument__levels", "instrument__areas")
        .order_by("code", "assessment__actor__code")
    )
    by_code: dict[Pair, dict[str, dict]] = defaultdict(dict)
    for entry in entries:
        pair = (entry.assessment.country_id, entry.assessment.cycle)
        actor = entry.assessment.actor.code
        actors[actor] = entry.assessment.actor.name
        row = by_code[pair].get(entry.code)
        if row is not None:
            row["reported_by"].append(actor)
            continue
        catalogue = entry.instrument
        if catalogue is not None:
            row = {
                "code": entry.code,
                "name": catalogue.name,
                "tool_type": catalogue.tool_type_id,
                "levels": [lv.code for lv in catalogue.levels.all()],
                "areas": sorted(a.code for a in catalogue.areas.all()),
                "link": catalogue.link,
                "owner": None,
                "safeguard": catalogue.safeguard,
                "source": PAPER if catalogue.paragraph else CATALOGUE,
            }
        else:
            row = {
                "code": entry.code,
                "name": entry.name,
                "tool_type": entry.tool_type_id,
                "levels": list(entry.levels),
                "areas": list(entry.areas),
                "link": entry.link,
                "owner": entry.owner.code if entry.owner_id else None,
                "safeguard": entry.safeguard,
                "source": actor,
            }
        row["reported_by"] = [actor]
        by_code[pair][entry.code] = row
    return {pair: list(rows.values()) for pair, rows in by_code.items()}


def _interaction_row(source, target, score, rationale, mitigations, origin) -> dict:
    incoherent = is_incoherence(score)
    return {
        "source": source,
        "target": target,
        "score": score,
        "rationale": rationale,
        "incoherence": incoherent,
        "mitigations": mitigations,
        "unmitigated": incoherent and not mitigations,
        "origin": origin,
        "divergent": False,
    }


def _paper_rows(
    instruments: dict[Pair, list[dict]], names: dict[str, str]
) -> dict[Pair, list[dict]]:
    """The catalogue's interactions between two catalogue instruments a pair lists; the
    names of their safeguards go into `names`."""
    picked: dict[str, set[Pair]] = defaultdict(set)
    for pair, rows in instruments.items():
        for row in rows:
            if row["source"] in (PAPER, CATALOGUE):
                picked[row["code"]].add(pair)
    found: dict[Pair, list[dict]] = defaultdict(list)
    if not picked:
        return found
    for interaction in (
        Interaction.objects.filter(source__code__in=picked, target__code__in=picked)
        .select_related("source", "target")
        .prefetch_related(
            Prefetch("mitigations", queryset=Mitigation.objects.select_related("safeguard"))
        )
    ):
        source, target = interaction.source.code, interaction.target.code
        names.update({m.safeguard.code: m.safeguard.name for m in interaction.mitigations.all()})
        for pair in picked[source] & picked[target]:
            found[pair].append(
                _interaction_row(
                    source,
                    target,
                    interaction.score,
                    interaction.rationale,
                    [
                        {"safeguard": m.safeguard.code, "how": m.how}
                        for m in interaction.mitigations.all()
                    ],
                    PAPER,
                )
            )
    return found


def country_stocks(pairs: Iterable[Pair]) -> dict[Pair, CountryStock]:
    """The validated stock-taking of each (country, cycle) pair, in six queries whatever
    their number (seven when a mitigation names a catalogue safeguard no listed instrument
    or paper interaction names)."""
    pairs = set(pairs)
    if not pairs:
        return {}
    actors: dict[str, str] = {}
    names: dict[str, str] = {}
    instruments = _instrument_rows(pairs, actors)
    rows: dict[Pair, list[dict]] = _paper_rows(instruments, names)
    for entry in (
        StockInteraction.objects.filter(validated_where(pairs, "assessment__"))
        .select_related("source", "target", "assessment__actor")
        .order_by("source__code", "target__code", "assessment__actor__code")
    ):
        actors[entry.assessment.actor.code] = entry.assessment.actor.name
        rows[(entry.assessment.country_id, entry.assessment.cycle)].append(
            _interaction_row(
                entry.source.code,
                entry.target.code,
                entry.score,
                entry.rationale,
                list(entry.mitigations),
                entry.assessment.actor.code,
            )
        )
    listed_codes = {pair: {row["code"] for row in listed} for pair, listed in instruments.items()}
    unnamed = {
        m["safeguard"]
        for pair, found in rows.items()
        for row in found
        for m in row["mitigations"]
        if m["safeguard"] not in names and m["safeguard"] not in listed_codes.get(pair, ())
    }
    if unnamed:  # catalogue safeguards a country's mitigation names without listing them
        names.update(Instrument.objects.filter(code__in=unnamed).values_list("code", "name"))
    stocks = {}
    for pair in pairs:
        found = rows.get(pair, [])
        scores: dict[tuple[str, str], set[int]] = defaultdict(set)
        for row in found:
            scores[(row["source"], row["target"])].add(row["score"])
        for row in found:
            row["divergent"] = len(scores[(row["source"], row["target"])]) > 1
        found.sort(key=lambda r: (r["source"], r["target"], r["origin"] != PAPER, r["origin"]))
        listed = instruments.get(pair, [])
        stocks[pair] = CountryStock(
            *pair,
            instruments=listed,
            interactions=found,
            names={**names, **{row["code"]: row["name"] for row in listed}},
            actors=actors,
        )
    return stocks


def country_stock(country: str, cycle: int) -> CountryStock:
    """A country's validated stock-taking in a cycle."""
    return country_stocks([(country, cycle)])[(country, cycle)]


def reported_instruments(country: str, cycle: int, area: str | None, level: str | None):
    """The new instruments the country's validated assessments of the cycle list, as the
    grid's cells hold them (one row a code, kept when it is on the filter's level), and the
    catalogue instruments they pick (by id). A code two actors report is one row on the
    levels of both, its name and source the first reporting actor's by code, as in
    `country_stocks`. One query."""
    entries = (
        StockInstrument.objects.filter(validated_where([(country, cycle)], "assessment__"))
        .order_by("code", "assessment__actor__code")
        .values_list(
            "code",
            "instrument_id",
            "name",
            "tool_type_id",
            "levels",
            "areas",
            "link",
            "safeguard",
            "assessment__actor__code",
            "assessment__actor__name",
        )
    )
    rows: dict[str, dict] = {}
    picked: set[int] = set()
    for (
        code,
        instrument_id,
        name,
        tool_type,
        levels,
        areas,
        link,
        safeguard,
        actor,
        actor_name,
    ) in entries:
        if instrument_id:
            picked.add(instrument_id)
            continue
        if (level and level not in levels) or (area and area not in areas):
            continue
        if code in rows:  # another actor's report of the same code: its levels count too
            rows[code]["levels"] += [lv for lv in levels if lv not in rows[code]["levels"]]
            continue
        rows[code] = {
            "code": code,
            "name": name,
            "tool_type": tool_type,
            "levels": list(levels),
            "link": link,
            "safeguard": safeguard,
            "source": actor,
            "source_name": actor_name,
        }
    return list(rows.values()), picked


def reported_grid_rows(country: str, cycle: int, area: str | None, level: str | None):
    """(level, tool type, code) of the new instruments the country's validated
    assessments of the cycle list, the catalogue instruments they pick (by id), and the
    new ones' names by code, for the Annex B grid."""
    rows, picked = reported_instruments(country, cycle, area, level)
    cells = {
        (lv, row["tool_type"], row["code"])
        for row in rows
        for lv in row["levels"]
        if not level or lv == level
    }
    return cells, picked, {row["code"]: row["name"] for row in rows}


def validated_assessment_exists(country: str, cycle: int) -> bool:
    return Assessment.objects.filter(validated_where([(country, cycle)])).exists()
