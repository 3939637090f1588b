"""The reviewer's page: what a reviewer decides on first (completeness, the scores with
their charts, where this ministry departs from the others), the answers' filter, what
validating and reopening will do (said before they are confirmed), and the queue's order."""

from dataclasses import dataclass

import pandas as pd
from django.db.models import F, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments.choices import Action, State
from assessments.dashboards import charts
from assessments.models import TransitionLog
from coherence.numbers import score_text

# An answer departs from the others when it lies this far (on 0–100) from the mean of the
# other actors' answers to the same indicator: half the scale — yes against no, 5 against
# 10 on the three-level scale, 2 against 4 on the 0–4 scale.
DEPARTS_AT = 50.0
DEPARTURE_TOP = 15

# The answers' filter (?show=): every answer, answered ones, flagged ones, departing ones.
FILTERS = {
    "all": gettext_lazy("All"),
    "answered": gettext_lazy("Answered only"),
    "flagged": gettext_lazy("Flagged"),
    "departing": gettext_lazy("Departing from the others"),
}

# The transitions a reviewer confirms, having read what they will do.
CONFIRMED = (Action.VALIDATE, Action.REOPEN)


def departures(frame: pd.DataFrame, pk: int) -> dict[int, float]:
    """indicator id → 100 × |this assessment's value − the mean of the others' values|,
    over the indicators both sides gave a value; `frame` holds (assessment, indicator, s)."""
    valued = frame.dropna(subset=["s"])
    mine = valued[valued["assessment"] == pk].groupby("indicator")["s"].first()
    others = valued[valued["assessment"] != pk].groupby("indicator")["s"].mean()
    gap = ((mine - others).abs() * 100).dropna()
    return {int(k): float(v) for k, v in gap.items()}


def completeness(groups) -> list[dict]:
    """Answered and in scope by dimension, each with its policy areas."""

    def row(group) -> dict:
        total = group.total
        return {
            "code": group.code,
            "label": group.label,
            "answered": group.answered,
            "total": total,
            "percent": round(100 * group.answered / total) if total else None,
            "flagged": sum(1 for b in group.all_blocks if b.flagged),
        }

    return [{**row(dim), "areas": [row(area) for area in dim.areas]} for dim in groups]


def departing_rows(comparison: list[dict] | None) -> list[dict]:
    """The comparison's rows where this answer departs from the others, farthest first."""
    rows = [
        r
        for r in comparison or []
        if r.get("departure") is not None and r["departure"] >= DEPARTS_AT
    ]
    return sorted(rows, key=lambda r: (-r["departure"], r["indicator"].code))


def _valued(entries) -> bool:
    return any(e.get("score") is not None for e in entries or [])


def _charts(score_lists: dict | None, departing: list[dict]) -> dict:
    """The score charts that have something to draw (a list of nothing but nulls is left
    to its table, which says "—"), and the departures chart."""
    figures = {}
    if score_lists:
        if _valued(score_lists["dimensions"]):
            figures["dimensions"] = charts.dimensions_chart(
                score_lists["dimensions"], title=_("The five dimensions")
            )
        if _valued(score_lists["areas"]):
            labels = {a["code"]: a["label"] for a in score_lists["areas"]}
            figures["areas"] = charts.areas_chart(
                score_lists["areas"], order=list(labels), labels=labels, title=_("Policy areas")
            )
        if _valued(score_lists["links"]):
            figures["links"] = charts.links_chart(
                score_lists["links"], title=_("Vertical coherence by link")
            )
    top = departing[:DEPARTURE_TOP]
    if top:
        figures["departures"] = charts.bar_chart(
            [r["indicator"].code for r in top],
            [round(r["departure"], 1) for r in top],
            title=_("Where this ministry departs most from the others"),
            # the axis reads the questions, cut to fit; the code comes last in the hover
            labels={r["indicator"].code: charts.axis_name(r["question"], 48) for r in top},
            filename="departures",
            hover=[
                f"<b>{charts.plain(charts.axis_name(r['question'], 110))}</b>: "
                f"{score_text(r['departure'])}<br>{charts.plain(r['indicator'].code)}"
                for r in top
            ],
            horizontal=True,
            value_title=_("Distance from the others' mean (0–100)"),
        )
    return figures


def last_return_flags(transitions) -> dict[str, str]:
    """code → comment of the indicators the latest return flagged, while the assessment has
    not been validated since (submitting clears the answers' flags, not this record)."""
    for log in reversed(transitions):
        if log.to_state == State.VALIDATED:
            return {}
        if log.to_state == State.RETURNED:
            return dict(log.indicators or {})
    return {}


def _mark_blocks(sheet, comparison, show: str, earlier: dict[str, str]) -> dict[str, int]:
    """Set on each block whether it departs from the others, whether the last return
    flagged it, and whether the filter shows it; the number of answers each filter shows."""
    by_code = {r["indicator"].code: r for r in comparison or []}
    counts = dict.fromkeys(FILTERS, 0)
    for block in sheet.blocks.values():
        row = by_code.get(block.code)
        block.departure = None if row is None else row.get("departure")
        block.departs = block.departure is not None and block.departure >= DEPARTS_AT
        block.others = row["others"] if row else []
        block.earlier_flag = "" if block.flagged else earlier.get(block.code, "")
        matches = {
            "all": True,
            "answered": block.answered,
            "flagged": block.flagged or bool(block.earlier_flag) or block.return_checked,
            "departing": block.departs,
        }
        for key, match in matches.items():
            counts[key] += bool(match)
        block.shown = matches[show]
    return counts


def confirmations(assessment, allowed) -> list[dict]:
    """What validating and reopening will do, said before the reviewer confirms."""
    names = {
        "actor": assessment.actor.name,
        "country": assessment.country.name,
        "cycle": assessment.cycle,
    }
    said = {
        Action.VALIDATE: {
            "title": _("Validate this assessment?"),
            "text": _(
                "Validating locks the answers of %(actor)s for good and counts them in the "
                "consolidated scores of %(country)s for %(cycle)s. Only a reopen, with a "
                "reason, undoes it."
            )
            % names,
            "button": _("Yes, validate"),
        },
        Action.REOPEN: {
            "title": _("Reopen this assessment?"),
            "text": _(
                "Reopening returns the assessment to %(actor)s for correction: its answers "
                "leave the consolidated scores of %(country)s for %(cycle)s until it is "
                "validated again, and the focal point reads your reason."
            )
            % names,
            "button": _("Yes, reopen"),
        },
    }
    return [{"action": action, **said[action]} for action in CONFIRMED if action in allowed]


def review_context(
    request, *, assessment, sheet, groups, score_lists, comparison, allowed, transitions
):
    """What the reviewer's page adds to the assessment page."""
    show = request.GET.get("show", "all")
    if show not in FILTERS:
        show = "all"
    departing = departing_rows(comparison)
    counts = _mark_blocks(sheet, comparison, show, last_return_flags(transitions))
    return {
        "completeness": completeness(groups),
        "percent": round(100 * sheet.answered / sheet.total) if sheet.total else None,
        "flagged": counts["flagged"],
        "ticked": sum(1 for b in sheet.blocks.values() if b.return_checked),
        "provisional": assessment.state != State.VALIDATED,
        "charts": _charts(score_lists, departing),
        "departing": departing,
        "departs_at": int(DEPARTS_AT),
        "show": show,
        "filters": [
            {"value": key, "label": label, "count": counts[key], "chosen": key == show}
            for key, label in FILTERS.items()
        ],
        "shown": counts[show],
        "confirmations": confirmations(assessment, allowed),
    }


# --- The queue ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    order: tuple  # the ORM ordering, ascending
    numeric: bool = False


def submitted_at():
    """The time of an assessment's latest submission, as an annotation."""
    latest = TransitionLog.objects.filter(
        assessment_id=OuterRef("pk"), to_state=State.SUBMITTED
    ).order_by("-at")
    return Subquery(latest.values("at")[:1])


def queue_columns() -> list[Column]:
    return [
        Column("country", _("Country"), ("country__name", "cycle", "actor__name")),
        Column("actor", _("Actor"), ("actor__name", "country__name", "cycle")),
        Column("cycle", _("Cycle"), ("cycle", "country__name", "actor__name"), numeric=True),
        Column("state", _("State"), ("state", "submitted_at")),
        Column("submitted", _("Submitted"), ("submitted_at", "pk")),
        # Waiting longest is submitted earliest: this column sorts the other way round.
        Column("waiting", _("Days waiting"), ("-submitted_at", "-pk"), numeric=True),
    ]


DEFAULT_SORT = ("submitted", "asc")  # oldest first


def queue_order(params) -> tuple[str, str, list]:
    """The queue's sort column and direction (?sort=&order=), the default for anything
    else, and the ORM ordering that gives it (never-submitted assessments last)."""
    columns = {c.key: c for c in queue_columns()}
    key, direction = params.get("sort"), params.get("order")
    if key not in columns or direction not in ("asc", "desc"):
        key, direction = DEFAULT_SORT
    ordering = []
    for n, field in enumerate(columns[key].order):
        # The column's own field follows the direction; the tie-breakers keep theirs.
        descending = field.startswith("-") != (direction == "desc" and n == 0)
        expression = F(field.lstrip("-"))
        ordering.append(
            expression.desc(nulls_last=True) if descending else expression.asc(nulls_last=True)
        )
    return key, direction, ordering


def days_waiting(assessment) -> int | None:
    """Whole days since a submitted assessment's latest submission; None once it has left
    the reviewer's hands (returned, validated)."""
    if assessment.state != State.SUBMITTED or assessment.submitted_at is None:
        return None
    return (timezone.now() - assessment.submitted_at).days
