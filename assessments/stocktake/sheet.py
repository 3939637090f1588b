"""The workbook's second sheet, `stocktake`: an assessment's stock-taking, exported with
the offline template and imported with the responses (DESIGN §5's rules: the whole file
checked first, any bad row rejects it, each error named by row and column).

One row per entry, `kind` telling which: an `instrument` (code alone for a catalogue one;
or code, name, tool_type, levels, areas, link, owner, safeguard for a new one) or an
`interaction` (source, target, score, rationale; for −2/−3 `mitigations` as
`CODE: how; CODE: how`, or `none` = yes). Levels and areas are separated by spaces or
commas. A row equal to what is stored changes nothing: re-importing a file changes
nothing."""

import contextlib
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from actors.models import Actor
from assessments import rules
from assessments.exchange import readers
from assessments.models import Assessment
from assessments.stocktake import services
from assessments.stocktake.checks import (
    InstrumentInput,
    InteractionInput,
    Known,
    MitigationInput,
    instrument_problems,
    interaction_problems,
)
from assessments.stocktake.errors import StockConflict, StockRefused
from assessments.stocktake.models import StockInstrument, StockInteraction
from instruments.models import Instrument

SHEET = "stocktake"
KEY = ("country", "cycle", "actor")
COLUMNS = (
    *KEY,
    "kind",
    "code",
    "name",
    "tool_type",
    "levels",
    "areas",
    "link",
    "owner",
    "safeguard",
    "source",
    "target",
    "score",
    "rationale",
    "mitigations",
    "none",
)
YES = ("yes", "true", "1", "x")
# Which column of the sheet a service's field is in.
FIELD_COLUMN = {"no_mitigation": "none"}


def where(column: str) -> str:
    """A column of this sheet, as errors name it."""
    return _("%(column)s (sheet stocktake)") % {"column": FIELD_COLUMN.get(column, column)}


@dataclass
class StockRow:
    row: int
    key: tuple[str, int, str]
    spec: InstrumentInput | InteractionInput
    # The entry's revision when the file was checked (0: none): a change made to it by
    # someone else before the write rejects the file, as a stale answer does.
    revision: int = 0


@dataclass
class StockPlan:
    """What the sheet writes; `errors` as (row, column, why)."""

    rows: list[StockRow] = field(default_factory=list)
    errors: list[tuple[int, str, str]] = field(default_factory=list)


def read(file, filename: str, limits: readers.Limits):
    """The sheet as a frame of its columns, or None (a CSV, or no such sheet)."""
    return readers.read_table(file, filename, columns=COLUMNS, limits=limits, sheet=SHEET)


def _codes(text: str) -> list[str]:
    return [part for part in re.split(r"[\s,;]+", text or "") if part]


def _mitigations(text: str) -> list[MitigationInput]:
    found = []
    for part in (text or "").split(";"):
        if part.strip():
            code, _sep, how = part.partition(":")
            found.append(MitigationInput(code.strip(), how.strip()))
    return found


def _spec(cells: dict) -> InstrumentInput | InteractionInput | None:
    kind = cells.get("kind", "").lower()
    if kind == "instrument":
        return InstrumentInput(
            code=cells.get("code", ""),
            name=cells.get("name", ""),
            tool_type=cells.get("tool_type", ""),
            levels=_codes(cells.get("levels", "")),
            areas=_codes(cells.get("areas", "")),
            link=cells.get("link", ""),
            owner=cells.get("owner", ""),
            safeguard=cells.get("safeguard", "").lower() in YES,
        )
    if kind == "interaction":
        score = cells.get("score", "")
        with contextlib.suppress(ValueError):  # left as text: the check names the column
            number = float(score.replace(",", "."))
            score = int(number) if number.is_integer() else score
        return InteractionInput(
            source=cells.get("source", ""),
            target=cells.get("target", ""),
            score=score,
            rationale=cells.get("rationale", ""),
            mitigations=_mitigations(cells.get("mitigations", "")),
            no_mitigation=cells.get("none", "").lower() in YES,
        )
    return None


def _stored(assessments: dict) -> tuple[dict, dict]:
    """The stored entries of these assessments: instruments by (assessment, code), and
    interactions by (assessment, source, target)."""
    instruments, interactions = {}, {}
    for entry in StockInstrument.objects.filter(assessment__in=assessments.values()).select_related(
        "instrument", "owner"
    ):
        instruments[(entry.assessment_id, entry.code)] = entry
    for entry in StockInteraction.objects.filter(
        assessment__in=assessments.values()
    ).select_related("source", "target", "source__instrument"):
        interactions[(entry.assessment_id, entry.source.code, entry.target.code)] = entry
    return instruments, interactions


def _unchanged(spec, stored) -> bool:
    if stored is None:
        return False
    if isinstance(spec, InstrumentInput):
        if not spec.is_new:
            return stored.instrument_id is not None
        return (
            stored.name,
            stored.tool_type_id,
            stored.levels,
            stored.areas,
            stored.link,
            stored.owner.code if stored.owner_id else "",
            stored.safeguard,
        ) == (
            spec.name.strip(),
            spec.tool_type,
            spec.levels,
            spec.areas,
            spec.link,
            spec.owner,
            spec.safeguard,
        )
    mitigations = [{"safeguard": m.safeguard, "how": m.how.strip()} for m in spec.mitigations]
    return (stored.score, stored.rationale, stored.mitigations, stored.no_mitigation) == (
        spec.score,
        (spec.rationale or "").strip(),
        mitigations,
        spec.no_mitigation,
    )


def check(frame, responses_keys: set[tuple[str, int, str]], only: Assessment | None) -> StockPlan:
    """Every row checked against the catalogue, the assessment's state and the rows above
    it; the changed rows to write, or the errors. `responses_keys`: the assessments the
    responses sheet names (made by the import when new)."""
    plan = StockPlan()
    if frame is None or frame.empty:
        return plan
    rows = []
    for number, record in frame.iterrows():
        cells = {name: (record.get(name) or "").strip() for name in COLUMNS}
        try:
            key = (cells["country"].upper(), int(cells["cycle"]), cells["actor"])
        except ValueError:
            plan.errors.append((number, where("cycle"), _("a year, e.g. 2026")))
            continue
        spec = _spec(cells)
        if spec is None:
            plan.errors.append((number, where("kind"), _("instrument or interaction")))
            continue
        rows.append(StockRow(number, key, spec))
    keys = {row.key for row in rows}
    assessments = {
        (a.country_id, a.cycle, a.actor.code): a
        for a in Assessment.objects.filter(
            actor__code__in={k[2] for k in keys}, cycle__in={k[1] for k in keys}
        ).select_related("actor")
    }
    instruments, interactions = _stored(assessments)
    codes = {getattr(r.spec, "code", "") for r in rows} | {
        m.safeguard for r in rows for m in getattr(r.spec, "mitigations", [])
    }
    catalogue = dict(Instrument.objects.filter(code__in=codes).values_list("code", "safeguard"))
    actors: dict[str, set[str]] = defaultdict(set)
    for code, country in Actor.objects.filter(country_id__in={k[0] for k in keys}).values_list(
        "code", "country_id"
    ):
        actors[country].add(code)
    listed: dict[tuple, dict[str, bool]] = defaultdict(dict)
    for (pk, code), entry in instruments.items():
        listed[pk][code] = entry.is_safeguard
    for row in rows:
        _check_row(
            row,
            plan,
            _Lookups(
                assessments,
                responses_keys,
                only,
                catalogue,
                actors,
                listed,
                instruments,
                interactions,
            ),
        )
    return plan


@dataclass
class _Lookups:
    """What every row is checked against, read once for the sheet."""

    assessments: dict
    responses_keys: set
    only: Assessment | None
    catalogue: dict
    actors: dict
    listed: dict
    instruments: dict
    interactions: dict


def _check_row(row: StockRow, plan: StockPlan, lookups: _Lookups) -> None:
    assessments, responses_keys, only = lookups.assessments, lookups.responses_keys, lookups.only
    catalogue, actors, listed = lookups.catalogue, lookups.actors, lookups.listed
    instruments, interactions = lookups.instruments, lookups.interactions
    assessment = assessments.get(row.key)
    if only is not None and (assessment is None or assessment.pk != only.pk):
        plan.errors.append((row.row, where("actor"), _("this upload is for one assessment")))
        return
    if assessment is None and row.key not in responses_keys:
        plan.errors.append(
            (row.row, where("actor"), _("no assessment of this actor, country and cycle"))
        )
        return
    pk = assessment.pk if assessment else row.key
    spec = row.spec
    known = Known(catalogue=catalogue, listed=listed[pk], actors=actors[row.key[0]])
    if isinstance(spec, InstrumentInput):
        stored = instruments.get((pk, spec.code))
        problems = instrument_problems(spec, known, existing=stored is not None)
        if not problems:
            listed[pk][spec.code] = spec.safeguard if spec.is_new else catalogue[spec.code]
    else:
        stored = interactions.get((pk, spec.source, spec.target))
        problems = interaction_problems(spec, known)
    if problems:
        plan.errors.extend((row.row, where(f), why) for f, why in problems.items())
        return
    if _unchanged(spec, stored):
        return
    row.revision = stored.revision if stored is not None else 0
    if assessment is not None and rules.answers_locked(assessment.state):
        plan.errors.append(
            (
                row.row,
                where("kind"),
                _("the assessment is %(state)s: its stock-taking is locked")
                % {"state": assessment.state},
            )
        )
        return
    plan.rows.append(row)


def write(plan: StockPlan, assessments: dict[tuple[str, int, str], Assessment], by) -> int:
    """Write the plan's rows through the services (inside the import's transaction);
    a refusal names its row and column. Returns how many entries changed."""
    from assessments.exchange.importer import ImportRejected, RowError

    written: dict[tuple, int] = {}  # the revision this file gave an entry a row above
    for row in plan.rows:
        assessment = assessments.get(row.key) or Assessment.objects.get(
            country_id=row.key[0], cycle=row.key[1], actor__code=row.key[2]
        )
        spec = row.spec
        entry_key = (
            (assessment.pk, spec.code)
            if isinstance(spec, InstrumentInput)
            else (assessment.pk, spec.source, spec.target)
        )
        revision = written.get(entry_key, row.revision)
        try:
            if isinstance(spec, InstrumentInput):
                entry = services.save_instrument(assessment, by=by, spec=spec, revision=revision)
            else:
                entry = services.save_interaction(assessment, by=by, spec=spec, revision=revision)
        except StockConflict as refusal:
            raise ImportRejected([RowError(row.row, where("kind"), refusal.message)]) from refusal
        except StockRefused as refusal:
            details = refusal.details or {"kind": refusal.message}
            raise ImportRejected(
                [RowError(row.row, where(f), str(why)) for f, why in details.items()]
            ) from refusal
        written[entry_key] = entry.revision
    return len(plan.rows)


def fill_sheet(sheet, assessment: Assessment, text) -> None:
    """The assessment's stock-taking as the sheet's rows (`text` stores a cell as text)."""
    from openpyxl.styles import Font

    for column, name in enumerate(COLUMNS, 1):
        sheet.cell(row=1, column=column, value=name).font = Font(bold=True)
    key = [assessment.country_id, assessment.cycle, assessment.actor.code]
    rows = []
    for entry in StockInstrument.objects.filter(assessment=assessment).select_related("owner"):
        if entry.instrument_id:
            rows.append([*key, "instrument", entry.code])
            continue
        rows.append(
            [
                *key,
                "instrument",
                entry.code,
                entry.name,
                entry.tool_type_id,
                " ".join(entry.levels),
                " ".join(entry.areas),
                entry.link,
                entry.owner.code if entry.owner_id else "",
                "yes" if entry.safeguard else "",
            ]
        )
    for entry in StockInteraction.objects.filter(assessment=assessment).select_related(
        "source", "target"
    ):
        mitigations = "; ".join(f"{m['safeguard']}: {m['how']}" for m in entry.mitigations)
        rows.append(
            [*key, "interaction", *[""] * 8, entry.source.code, entry.target.code, entry.score]
            + [entry.rationale, mitigations, "yes" if entry.no_mitigation else ""]
        )
    for number, values in enumerate(rows, 2):
        for column, value in enumerate(values, 1):
            text(sheet.cell(row=number, column=column), value if value != "" else None)
