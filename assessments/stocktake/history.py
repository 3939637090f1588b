"""An assessment's stock-taking history, as a person reads it: every change to its
instruments and interactions — which entry (by name), what changed field by field
(before → after, vocabularies by their names), who, when — newest first.

It reads the entries' history rows (simple_history keeps one per save and removal, the
removed entries' included) and the names they refer to, in a fixed number of queries
whatever the number of changes: the two histories, the catalogue instruments named, the
owners named and the policy areas."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Q
from django.utils.translation import gettext as _

from actors.models import Actor
from assessments.models import Assessment
from assessments.stocktake.models import StockInstrument, StockInteraction
from coherence.choices import Level, ToolKind
from coherence.models import PolicyArea
from instruments.models import Instrument, Interaction

ADDED, CHANGED, REMOVED = "+", "~", "-"


@dataclass
class FieldChange:
    field: str
    before: str
    after: str


@dataclass
class StockChange:
    """One change to one entry: a history row, read against the entry's row before it."""

    when: datetime
    who: str
    entry: str  # the entry's name: an instrument's, or "acts → affected" for an interaction
    kind: str  # "instrument" or "interaction"
    action: str  # what happened, in words
    changes: list[FieldChange] = field(default_factory=list)
    order: tuple = ()


@dataclass
class _Names:
    """The names a history row's codes and ids read as."""

    catalogue: dict[int, str]  # catalogue instrument id → name
    by_code: dict[str, str]  # instrument code (catalogue or listed) → name
    listed: dict[int, str]  # stock instrument id → name (as it last read)
    actors: dict[int, str]
    areas: dict[str, str]


def _label(choices, code) -> str:
    try:
        return str(choices(code).label)
    except ValueError:
        return str(code)  # a code the vocabulary no longer has: shown as it was stored


def _yes(flag: bool) -> str:
    return _("yes") if flag else ""


def _instrument_name(row, names: _Names) -> str:
    if row.instrument_id:
        return names.catalogue.get(row.instrument_id, row.code)
    return row.name or row.code


def _instrument_state(row, names: _Names) -> dict[str, str]:
    if row is None:
        return {}
    return {
        "catalogue": names.catalogue.get(row.instrument_id, "") if row.instrument_id else "",
        "name": "" if row.instrument_id else row.name,
        "tool_type": _label(ToolKind, row.tool_type_id) if row.tool_type_id else "",
        "levels": ", ".join(_label(Level, code) for code in row.levels or []),
        "areas": ", ".join(names.areas.get(code, code) for code in row.areas or []),
        "link": row.link,
        "owner": names.actors.get(row.owner_id, "") if row.owner_id else "",
        "safeguard": _yes(row.safeguard),
        "flag": row.flag_comment if row.flagged else "",
    }


def _interaction_state(row, names: _Names) -> dict[str, str]:
    if row is None:
        return {}
    return {
        "score": _label(Interaction.Score, row.score),
        "rationale": row.rationale,
        "mitigations": "\n".join(
            f"{names.by_code.get(m.get('safeguard'), m.get('safeguard'))}: {m.get('how', '')}"
            for m in row.mitigations or []
        ),
        "no_mitigation": _yes(row.no_mitigation),
        "flag": row.flag_comment if row.flagged else "",
    }


def _field_labels() -> dict[str, str]:
    return {
        "catalogue": _("Catalogue instrument"),
        "name": _("Name"),
        "tool_type": _("Tool type"),
        "levels": _("Levels"),
        "areas": _("Policy areas"),
        "link": _("Link"),
        "owner": _("Owner"),
        "safeguard": _("Safeguard"),
        "score": _("Score"),
        "rationale": _("Rationale"),
        "mitigations": _("Mitigations"),
        "no_mitigation": _("Nothing mitigates it"),
        "flag": _("Returned for correction"),
    }


def _diff(old: dict[str, str], new: dict[str, str], labels: dict[str, str]) -> list[FieldChange]:
    changes = []
    for key in new or old:
        before, after = old.get(key, ""), new.get(key, "")
        if key == "flag" and not after:
            continue  # flags are cleared on submission, by no one's edit of the entry
        if before != after:
            changes.append(FieldChange(labels[key], before, after))
    return changes


def _action(kind: str, history_type: str, changes: list[FieldChange]) -> str:
    if history_type == ADDED:
        return _("listed") if kind == "instrument" else _("reported")
    if history_type == REMOVED:
        return _("removed") if kind == "instrument" else _("withdrawn")
    if changes and all(c.field == _("Returned for correction") for c in changes):
        return _("returned for correction")
    return _("changed")


def _names(instrument_rows, interaction_rows) -> _Names:
    catalogue_ids = {r.instrument_id for r in instrument_rows if r.instrument_id}
    safeguard_codes = {
        m.get("safeguard") for r in interaction_rows for m in r.mitigations or [] if m
    }
    catalogue, by_code = {}, {}
    for pk, code, name in Instrument.objects.filter(
        Q(pk__in=catalogue_ids) | Q(code__in=safeguard_codes)
    ).values_list("pk", "code", "name"):
        catalogue[pk], by_code[code] = name, name
    names = _Names(
        catalogue=catalogue,
        by_code=by_code,
        listed={},
        actors=dict(
            Actor.objects.filter(
                pk__in={r.owner_id for r in instrument_rows if r.owner_id}
            ).values_list("pk", "name")
        ),
        areas={area.code: area.translated("name") for area in PolicyArea.objects.all()},
    )
    for row in instrument_rows:  # oldest first: each entry's latest name wins
        name = _instrument_name(row, names)
        names.listed[row.id] = name
        names.by_code[row.code] = name
    return names


def stock_history(assessment: Assessment) -> list[StockChange]:
    """Every change to the assessment's stock-taking, newest first."""
    instrument_rows = list(
        StockInstrument.history.filter(assessment_id=assessment.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    interaction_rows = list(
        StockInteraction.history.filter(assessment_id=assessment.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    names = _names(instrument_rows, interaction_rows)
    labels = _field_labels()
    changes: list[StockChange] = []
    for kind, rows, state in (
        ("instrument", instrument_rows, _instrument_state),
        ("interaction", interaction_rows, _interaction_state),
    ):
        last: dict[int, object] = {}  # entry id → its previous history row
        for row in rows:
            before = None if row.history_type == ADDED else last.get(row.id)
            after = None if row.history_type == REMOVED else row
            fields = _diff(state(before, names), state(after, names), labels)
            last[row.id] = row
            if kind == "instrument":
                entry = _instrument_name(row, names)
            else:
                entry = "{} → {}".format(
                    names.listed.get(row.source_id, "?"), names.listed.get(row.target_id, "?")
                )
            changes.append(
                StockChange(
                    when=row.history_date,
                    who=row.history_user.get_username() if row.history_user else "",
                    entry=entry,
                    kind=kind,
                    action=_action(kind, row.history_type, fields),
                    changes=fields,
                    order=(row.history_date, kind == "interaction", row.history_id),
                )
            )
    changes.sort(key=lambda change: change.order, reverse=True)
    return changes
