"""The fill-in page's answer sheet: one block per indicator in scope, grouped by dimension
and area, read from the stored answers and parsed from a save."""

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from html import escape

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments.models import Answer, Indicator
from assessments.services import AnswerInput
from assessments.values import InvalidValue, format_value, parse_value
from coherence.choices import AnswerType, Dimension

UNANSWERED = ""
NA = "n/a"

CHOICES = {
    AnswerType.YES_NO: [("yes", gettext_lazy("Yes")), ("no", gettext_lazy("No"))],
    AnswerType.THREE_LEVEL: [
        ("0", gettext_lazy("0 — not in place")),
        ("5", gettext_lazy("5 — partly")),
        ("10", gettext_lazy("10 — fully")),
    ],
    AnswerType.SCALE: [(str(k), str(k)) for k in range(5)],
}


def escaped_join(pattern: str, rows: Iterable[tuple[str, ...]]) -> SafeString:
    """format_html_join(pattern, rows) with the standard library's escape (the same
    five characters as Django's): thousands of catalogue rows a page, with no lazy-string
    wrapper around each value."""
    return mark_safe(  # noqa: S308 — every value escaped here
        "".join(pattern.format(*(escape(str(v)) for v in row)) for row in rows)
    )


def _joined(pieces: list[SafeString]) -> SafeString:
    """Pieces format_html made, end to end, as format_html_join would give them but
    without a format_html call per piece."""
    return mark_safe("".join(pieces))  # noqa: S308 — each piece is format_html's


def fingerprint(entry: str, evidence: str, instruments) -> str:
    """What a block showed when the page was rendered: a save sends only the blocks whose
    input differs from it, so it never overwrites what someone else changed meanwhile."""
    payload = json.dumps([entry, evidence, sorted(instruments)], ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def clean_evidence(text: str) -> str:
    return (text or "").replace("\r\n", "\n").strip()


def displayed_entry(answer_type: str, entry: str) -> str:
    """An entry as written (format_value: "yes", "5", "n/a") as a person reads it in their
    language ("oui", "5 — partly", "sans objet")."""
    if entry == NA:
        return _("not applicable")
    if entry == "yes":
        return _("yes")
    if entry == "no":
        return _("no")
    if entry and answer_type == AnswerType.PERCENT:
        return f"{entry} %"
    labels = dict(CHOICES.get(answer_type, []))
    return str(labels.get(entry, entry))


@dataclass
class Block:
    """One indicator on the page: what it shows, whether it may change, its error."""

    indicator: Indicator
    answer: Answer | None
    editable: bool
    entry: str = UNANSWERED  # the value as the controls hold it: yes, 5, 12.5, n/a or ''
    evidence: str = ""
    instruments: list[str] = field(default_factory=list)
    was: str = ""
    error: str = ""
    conflict: dict | None = None
    instrument_options: str = ""
    instrument_labels: list[str] = field(default_factory=list)
    # The fill-in page's section and filter (assessments.fill_in): where a link to this
    # question leads from the page shown, whether the filter hides it.
    link: str = ""
    hidden: bool = False
    full_picker: bool = False
    # The reviewer's return form, re-shown after an error.
    return_checked: bool = False
    return_comment: str = ""
    return_error: str = ""

    @property
    def code(self) -> str:
        return self.indicator.code

    @property
    def question(self) -> str:
        return self.indicator.translated("question")

    @property
    def guidance(self) -> str:
        return self.indicator.translated("guidance")

    @property
    def described_by(self) -> str:
        """The ids that describe the block: its error, a conflict, the reviewer's comment,
        the guidance."""
        parts = [
            (self.error, "err"),
            (self.conflict, "conflict"),
            (self.flagged, "flag"),
            (self.guidance, "help"),
        ]
        return " ".join(f"{prefix}-{self.code}" for present, prefix in parts if present)

    @property
    def is_percent(self) -> bool:
        return self.indicator.answer_type == AnswerType.PERCENT

    @property
    def is_na(self) -> bool:
        return self.entry == NA

    @property
    def number(self) -> str:
        return "" if self.entry == NA else self.entry

    @property
    def answered(self) -> bool:
        return self.entry != UNANSWERED

    @property
    def flagged(self) -> bool:
        return bool(self.answer and self.answer.flagged)

    @property
    def flag_comment(self) -> str:
        return self.answer.flag_comment if self.answer else ""

    @property
    def display_value(self) -> str:
        """The answer as the fill-in form labels it ("10 — fully", "42.5 %"), never a
        bare number where the framework gives the scale a label."""
        return displayed_entry(self.indicator.answer_type, self.entry)

    @property
    def href(self) -> str:
        return self.link or f"#ind-{self.code}"

    @property
    def first_field_id(self) -> str:
        """The id of the block's first control: where an error summary's link leads."""
        if self.is_percent:
            return f"v-{self.code}"
        return self.choices[0]["id"]

    @property
    def choices(self) -> list[dict]:
        """The radio options: the type's values, n/a where allowed, and unanswered."""
        options = list(CHOICES.get(self.indicator.answer_type, []))
        if self.indicator.allow_na:
            options.append((NA, _("Not applicable")))
        options.append((UNANSWERED, _("Unanswered")))
        return [
            {
                "value": value,
                "label": label,
                "checked": value == self.entry,
                "id": f"v-{self.code}-{value.replace('/', '') or 'none'}",
            }
            for value, label in options
        ]


@dataclass
class Group:
    code: str
    label: str
    blocks: list[Block] = field(default_factory=list)
    areas: list["Group"] = field(default_factory=list)

    @property
    def answered(self) -> int:
        return sum(1 for b in self.all_blocks if b.answered)

    @property
    def total(self) -> int:
        return len(self.all_blocks)

    @property
    def hidden(self) -> bool:
        """Whether the fill-in page's filter hides every question of the group."""
        return all(b.hidden for b in self.all_blocks)

    @property
    def all_blocks(self) -> list[Block]:
        return self.blocks or [b for area in self.areas for b in area.blocks]


class AnswerSheet:
    """The assessment's indicators in scope, grouped by dimension then policy area, with
    their answers; reads a posted form into `AnswerInput`s for `save_answers`."""

    def __init__(self, assessment, *, indicators, answers, instruments, editable, can_edit):
        """`indicators`: the framework's (with `area`); `answers`: the assessment's;
        `instruments`: (code, name) pairs offered; `editable`: None = all, else codes."""
        self.assessment = assessment
        self.indicators = {i.code: i for i in indicators}
        in_scope = [i for i in indicators if i.in_scope(assessment.perspective)]
        by_indicator = {a.indicator_id: a for a in answers}
        self.offer_instruments(instruments)
        self.can_edit = can_edit
        self.blocks: dict[str, Block] = {}
        for indicator in in_scope:
            answer = by_indicator.get(indicator.pk)
            block = Block(
                indicator=indicator,
                answer=answer,
                editable=can_edit and (editable is None or indicator.code in editable),
            )
            self._show_stored(block)
            self.blocks[indicator.code] = block
        self.errors: dict[str, str] = {}
        self.general_errors: list[str] = []
        self.inputs: dict[str, AnswerInput] = {}

    # --- What the page shows ----------------------------------------------------------------

    def offer_instruments(self, instruments) -> None:
        """The (code, name) pairs the pickers offer; None until the page needs them."""
        self.instruments = None if instruments is None else list(instruments)
        self.instrument_names = dict(self.instruments or [])

    def _show_stored(self, block: Block) -> None:
        answer = block.answer
        if answer is None:
            block.entry, block.evidence, block.instruments = UNANSWERED, "", []
        else:
            block.entry = format_value(block.indicator.answer_type, answer.value, answer.na)
            block.evidence = clean_evidence(answer.evidence)
            block.instruments = sorted(answer.instruments or [])
        block.was = fingerprint(block.entry, block.evidence, block.instruments)

    @property
    def editable_count(self) -> int:
        return sum(1 for b in self.blocks.values() if b.editable)

    @property
    def answered(self) -> int:
        return sum(1 for b in self.blocks.values() if b.answered)

    @property
    def total(self) -> int:
        return len(self.blocks)

    def ordered_blocks(self) -> list[Block]:
        """The blocks in page order: dimensions in the dashboard's order, then policy
        areas by rank, then indicators by rank."""
        dimension_rank = {code: rank for rank, code in enumerate(Dimension.values)}
        return sorted(
            self.blocks.values(),
            key=lambda b: (
                dimension_rank.get(b.indicator.dimension, 99),
                b.indicator.area.rank,
                b.indicator.area_id,
                b.indicator.rank,
                b.code,
            ),
        )

    def groups(self) -> list[Group]:
        """Dimension groups, each with its policy-area groups of blocks, every block's
        instruments ready to show."""
        groups = self.grouped()
        self.prepare_instruments(self.blocks.values())
        return groups

    def grouped(self) -> list[Group]:
        """Dimension groups, each with its policy-area groups of blocks."""
        dimensions = {code: Group(code, str(label)) for code, label in Dimension.choices}
        areas: dict[tuple, Group] = {}
        for block in self.ordered_blocks():
            indicator = block.indicator
            key = (indicator.dimension, indicator.area_id)
            if key not in areas:
                areas[key] = Group(
                    f"{indicator.dimension}-{indicator.area_id}", indicator.area.translated("name")
                )
                dimensions[indicator.dimension].areas.append(areas[key])
            areas[key].blocks.append(block)
        return [group for group in dimensions.values() if group.areas]

    def prepare_instruments(self, blocks, *, full: str = "") -> None:
        """Each editable block's picker: its chosen instruments, checked (one outside the
        list, after an import or a catalogue change, stays chosen); every instrument for
        the block named by `full` only. The others come from `instrument_template`, once
        a page: a section of 45 pickers of some 160 instruments each would be 7,000
        checkboxes and a megabyte. Read-only blocks list the names of those chosen."""
        checked = '<label><input type="checkbox" name="i-{}" value="{}" checked> {}</label>'
        for block in blocks:
            block.instrument_labels = [self.instrument_label(code) for code in block.instruments]
            if not block.editable:
                continue
            html = [
                format_html(checked, block.code, code, self.instrument_label(code))
                for code in block.instruments
            ]
            block.full_picker = block.code == full
            if block.full_picker:
                html += [
                    format_html(checked.replace(" checked", ""), block.code, code, label)
                    for code, label in self.instrument_choices
                    if code not in block.instruments
                ]
            block.instrument_options = _joined(html)

    @cached_property
    def instrument_template(self) -> SafeString:
        """Every instrument on offer as an unticked checkbox named `i-@`: the page's
        script puts a copy into a picker, naming it after the picker's block."""
        box = '<label><input type="checkbox" name="i-@" value="{}"> {}</label>'
        return escaped_join(box, self.instrument_choices)

    @cached_property
    def instrument_choices(self) -> list[tuple[str, str]]:
        return [(code, self.instrument_label(code)) for code, _name in self.instruments or []]

    def instrument_label(self, code: str) -> str:
        name = self.instrument_names.get(code)
        return f"{code} — {name}" if name else code

    # --- Reading a posted form ---------------------------------------------------------------

    def bind(self, data) -> None:
        """Read the posted blocks; keep the changed ones in `inputs`, problems in `errors`
        (code → reason) and `general_errors` (fields of no block on the page)."""
        posted = set(data.getlist("codes"))
        for key in data:
            for prefix in ("v-", "na-", "e-", "i-"):
                if key.startswith(prefix):
                    posted.add(key[len(prefix) :])
        for code in sorted(posted):
            block = self.blocks.get(code)
            if block is None:
                indicator = self.indicators.get(code)
                if indicator is None:
                    message = _("No indicator %(code)s in framework %(v)s.")
                else:
                    message = _("%(code)s is outside this assessment's perspective.")
                self.general_errors.append(
                    message % {"code": code, "v": self.assessment.framework.code}
                )
                continue
            self._read_block(block, data)

    def _read_block(self, block: Block, data) -> None:
        code, indicator = block.code, block.indicator
        raw = (data.get(f"v-{code}") or "").strip()
        if block.is_percent and data.get(f"na-{code}"):
            if raw:
                entry, problem = raw, _("Give a number or tick 'not applicable', not both.")
            else:
                entry, problem = NA, None
        else:
            entry, problem = raw, None
        evidence = clean_evidence(data.get(f"e-{code}", ""))
        instruments = sorted({c for c in data.getlist(f"i-{code}") if c})
        value, na = None, False
        if problem is None:
            try:
                value, na = parse_value(indicator.answer_type, indicator.allow_na, entry)
                entry = format_value(indicator.answer_type, value, na)
            except InvalidValue as exc:
                problem = str(exc)
        shown = fingerprint(entry, evidence, instruments)
        if problem is None and shown == data.get(f"was-{code}"):
            return  # left as it was shown: nothing to send
        block.entry, block.evidence, block.instruments = entry, evidence, instruments
        if problem:
            self.errors[code] = block.error = problem
        else:
            self.inputs[code] = AnswerInput(
                value=value, na=na, evidence=evidence, instruments=instruments
            )

    @property
    def is_valid(self) -> bool:
        return not self.errors and not self.general_errors

    def refuse(self, reasons: dict) -> None:
        """Place the reasons of answers refused (indicator code → reason) beside their
        blocks; those of indicators not on the page above them all."""
        for code, reason in reasons.items():
            if code in self.blocks:
                self.errors[code] = self.blocks[code].error = str(reason)
            else:
                self.general_errors.append(f"{code}: {reason}")

    def show_conflict(self, changed: dict) -> None:
        """Mark the blocks someone else changed; blocks the user did not touch show the
        other person's values, the user's own input stays where there is some."""
        for code, change in changed.items():
            block = self.blocks.get(code)
            if block is not None:
                block.conflict = change
