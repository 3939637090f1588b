"""The SDMX 3.0 messages of consolidated scores (DESIGN §6 `sdmx/`): the structure (codelists,
concepts, the data structure definition and the dataflow), written as SDMX-ML 3.0 by pysdmx,
and the data as SDMX-CSV 2.0, one observation per country, cycle and measure.

SDMX identifiers are [A-Za-z0-9_@$-]+, so a code of ours with a dot in it (SDG-10.7.2-D1)
has its dots written as underscores (SDG-10_7_2-D1); the code's name keeps the original."""

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime

from django.utils import translation
from pysdmx.io import write_sdmx
from pysdmx.io.format import Format
from pysdmx.model import (
    Code,
    Codelist,
    Component,
    Components,
    Concept,
    ConceptScheme,
    Dataflow,
    DataStructureDefinition,
    DataType,
    ItemReference,
    Organisation,
    Role,
)
from pysdmx.model.message import Header

from coherence.choices import (
    AREA_CODES,
    SCORED_CROSSWALK,
    Band,
    Category,
    CrosswalkFramework,
    Dimension,
    Link,
)
from coherence.spreadsheets import neutralise

AGENCY = "COHERENCE"
VERSION = "1.0"
DSD_ID = "DSD_CONSOLIDATED_SCORES"
DATAFLOW_ID = "DF_CONSOLIDATED_SCORES"
CONCEPTS_ID = "CS_COHERENCE"
STRUCTURE_MEDIA_TYPE = "application/vnd.sdmx.structure+xml;version=3.0.0"
DATA_MEDIA_TYPE = "application/vnd.sdmx.data+csv;version=2.0.0"
# The header's Prepared is fixed so that the same structure is the same bytes (one ETag);
# the structure's version says when it changes shape, the country codelist what it holds.
PREPARED = datetime(2026, 12, 7, tzinfo=UTC)

INDICATIVE = (
    "Crosswalk measures (GCM, SDG-10.7.2, MGI) are an indicative crosswalk from a "
    "self-assessment, never an official SDG indicator 10.7.2 return."
)

DIMENSIONS = ("COUNTRY", "MEASURE", "TIME_PERIOD")
ATTRIBUTES = ("BAND", "CATEGORY", "STALE", "FRAMEWORK_VERSION", "ASSESSMENTS")
CSV_COLUMNS = ("STRUCTURE", "STRUCTURE_ID", "ACTION", *DIMENSIONS, "OBS_VALUE", *ATTRIBUTES)
COVERAGE = "_COVERAGE"


def sdmx_id(code: str) -> str:
    return code.replace(".", "_")


def area_measure(code: str) -> str:
    return f"AREA_{code}"


def dimension_measure(code: str) -> str:
    return f"DIMENSION_{code}"


def link_measure(code: str) -> str:
    return f"LINK_{code}"


def crosswalk_measure(code: str) -> str:
    return sdmx_id(code)


def measure_codes(area_names: dict[str, str]) -> list[tuple[str, str, str]]:
    """Every measure, (id, name, description), in the order the data lists them."""
    framework_names = dict(CrosswalkFramework.choices)
    codes = [
        ("OVERALL", "Overall score", "Mean of horizontal and vertical, 0-100."),
        ("HORIZONTAL", "Horizontal coherence", "Score over horizontal indicators, 0-100."),
        ("VERTICAL", "Vertical coherence", "Score over vertical indicators, 0-100."),
        ("DIVERGENCE", "Divergence", "Mean spread of the actors' values, 0-100."),
    ]
    for code in AREA_CODES:
        name = area_names.get(code, code)
        codes.append((area_measure(code), f"{name}: score", f"Policy area {code}, 0-100."))
        codes.append(
            (area_measure(code) + COVERAGE, f"{name}: coverage", f"Policy area {code}, 0-1.")
        )
    for code, label in Dimension.choices:
        codes.append((dimension_measure(code), f"{label}: score", f"Dimension {code}, 0-100."))
    for code, label in Link.choices:
        codes.append((link_measure(code), f"{label}: score", f"Vertical link {code}, 0-100."))
    for framework, code in SCORED_CROSSWALK:
        about = f"{framework_names[framework]}, {code}; indicative crosswalk"
        codes.append((crosswalk_measure(code), f"{code}: score", f"{about}, 0-100."))
        codes.append((crosswalk_measure(code) + COVERAGE, f"{code}: coverage", f"{about}, 0-1."))
    return codes


def _codelist(id_: str, name: str, items: Iterable[tuple], description: str | None = None):
    return Codelist(
        id=id_,
        agency=AGENCY,
        version=VERSION,
        name=name,
        description=description,
        items=[
            Code(id=id_, name=name, description=about[0] if about else None)
            for id_, name, *about in items
        ],
    )


def _concept(id_: str) -> ItemReference:
    return ItemReference(
        sdmx_type="Concept", agency=AGENCY, id=CONCEPTS_ID, version=VERSION, item_id=id_
    )


CONCEPTS = {
    "COUNTRY": ("Country", "ISO 3166-1 alpha-3."),
    "MEASURE": ("Measure", "What the value measures: a score (0-100) or a coverage (0-1)."),
    "TIME_PERIOD": ("Cycle", "The assessment cycle, a year."),
    "OBS_VALUE": ("Value", "Published rounded: scores to 2 decimals, coverage to 4."),
    "BAND": ("Band", "Read from the published overall score; on OVERALL only."),
    "CATEGORY": ("SDG 10.7.2 category", "On SDG-10.7.2 domain scores only; indicative."),
    "STALE": ("Stale", "Inputs changed; a recompute is pending."),
    "FRAMEWORK_VERSION": ("Framework version", "The indicator framework version's code."),
    "ASSESSMENTS": ("Assessments", "The number of validated assessments consolidated."),
}


def structures(countries: Iterable[tuple[str, str]], area_names: dict[str, str]) -> list:
    """The maintainable artefacts: codelists, concepts, the DSD and the dataflow."""
    with translation.override("en"):
        country_list = _codelist("CL_COUNTRY", "Countries", countries)
        measures = _codelist(
            "CL_MEASURE", "Measures of consolidated scores", measure_codes(area_names), INDICATIVE
        )
        bands = _codelist("CL_BAND", "Bands", [(c, str(n)) for c, n in Band.choices])
        categories = _codelist(
            "CL_CATEGORY",
            "SDG indicator 10.7.2 categories",
            [(c, str(n)) for c, n in Category.choices],
            INDICATIVE,
        )
    concepts = ConceptScheme(
        id=CONCEPTS_ID,
        agency=AGENCY,
        version=VERSION,
        name="Concepts of consolidated scores",
        items=[
            Concept(id=id_, name=name, description=description)
            for id_, (name, description) in CONCEPTS.items()
        ],
    )
    per_score = "COUNTRY,TIME_PERIOD"  # the same on every measure of a country's cycle
    components = Components(
        [
            Component(
                id="COUNTRY",
                required=True,
                role=Role.DIMENSION,
                concept=_concept("COUNTRY"),
                local_codes=country_list,
            ),
            Component(
                id="MEASURE",
                required=True,
                role=Role.DIMENSION,
                concept=_concept("MEASURE"),
                local_codes=measures,
            ),
            Component(
                id="TIME_PERIOD",
                required=True,
                role=Role.DIMENSION,
                concept=_concept("TIME_PERIOD"),
                local_dtype=DataType.YEAR,
            ),
            Component(
                id="OBS_VALUE",
                required=True,
                role=Role.MEASURE,
                concept=_concept("OBS_VALUE"),
                local_dtype=DataType.DOUBLE,
            ),
            Component(
                id="BAND",
                required=False,
                role=Role.ATTRIBUTE,
                concept=_concept("BAND"),
                local_codes=bands,
                attachment_level="O",
            ),
            Component(
                id="CATEGORY",
                required=False,
                role=Role.ATTRIBUTE,
                concept=_concept("CATEGORY"),
                local_codes=categories,
                attachment_level="O",
            ),
            Component(
                id="STALE",
                required=True,
                role=Role.ATTRIBUTE,
                concept=_concept("STALE"),
                local_dtype=DataType.BOOLEAN,
                attachment_level=per_score,
            ),
            Component(
                id="FRAMEWORK_VERSION",
                required=True,
                role=Role.ATTRIBUTE,
                concept=_concept("FRAMEWORK_VERSION"),
                local_dtype=DataType.STRING,
                attachment_level=per_score,
            ),
            Component(
                id="ASSESSMENTS",
                required=True,
                role=Role.ATTRIBUTE,
                concept=_concept("ASSESSMENTS"),
                local_dtype=DataType.INTEGER,
                attachment_level=per_score,
            ),
        ]
    )
    dsd = DataStructureDefinition(
        id=DSD_ID,
        agency=AGENCY,
        version=VERSION,
        name="Consolidated scores",
        description="A country's consolidated scores per cycle, over its validated "
        "assessments (DESIGN §4). " + INDICATIVE,
        components=components,
    )
    dataflow = Dataflow(
        id=DATAFLOW_ID,
        agency=AGENCY,
        version=VERSION,
        name="Consolidated scores of policy coherence for migration and development",
        description=INDICATIVE,
        structure=dsd,
    )
    return [country_list, measures, bands, categories, concepts, dsd, dataflow]


def structure_message(countries: Iterable[tuple[str, str]], area_names: dict[str, str]) -> bytes:
    header = Header(id="COHERENCE_STRUCTURE", prepared=PREPARED, sender=Organisation(id=AGENCY))
    text = write_sdmx(
        structures(countries, area_names),
        Format.STRUCTURE_SDMX_ML_3_0,
        header=header,
        prettyprint=True,
    )
    return text.encode("utf-8")


def _number(value) -> str:
    return repr(float(value))


def observations(score: dict) -> Iterator[tuple[str, float, dict]]:
    """(measure, value, observation attributes) of a consolidated score's body as the API
    shows it (consolidated_json), its null figures left out."""
    figures = [
        ("OVERALL", score["overall"], {"BAND": score.get("band")}),
        ("HORIZONTAL", score["horizontal"], {}),
        ("VERTICAL", score["vertical"], {}),
        ("DIVERGENCE", score["divergence"], {}),
    ]
    for entry in score["areas"]:
        figures.append((area_measure(entry["code"]), entry["score"], {}))
        figures.append((area_measure(entry["code"]) + COVERAGE, entry["coverage"], {}))
    for entry in score["dimensions"]:
        figures.append((dimension_measure(entry["code"]), entry["score"], {}))
    for entry in score["links"]:
        figures.append((link_measure(entry["code"]), entry["score"], {}))
    for entry in score.get("crosswalk", []):
        measure = crosswalk_measure(entry["code"])
        figures.append((measure, entry["score"], {"CATEGORY": entry.get("category")}))
        figures.append((measure + COVERAGE, entry["coverage"], {}))
    for measure, value, attributes in figures:
        if value is not None:
            yield measure, value, attributes


def data_message(scores: Iterable[dict]) -> bytes:
    """SDMX-CSV 2.0: a header row, then one row per non-null observation. A null figure has
    no row: an absent observation, which the format allows, rather than an empty
    OBS_VALUE, which a reader could take for a value to delete."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    structure_id = f"{AGENCY}:{DATAFLOW_ID}({VERSION})"
    for score in scores:
        per_score = {
            "STALE": "true" if score["stale"] else "false",
            "FRAMEWORK_VERSION": neutralise(str(score["framework"])),
            "ASSESSMENTS": str(score["assessments"]),
        }
        for measure, value, attributes in observations(score):
            cells = {**per_score, **{k: v or "" for k, v in attributes.items()}}
            writer.writerow(
                [
                    "dataflow",
                    structure_id,
                    "I",
                    score["country"],
                    measure,
                    str(score["cycle"]),
                    _number(value),
                    *(cells.get(name, "") for name in ATTRIBUTES),
                ]
            )
    return out.getvalue().encode("utf-8")
