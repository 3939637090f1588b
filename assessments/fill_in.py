"""The fill-in page one section (a dimension of the framework) at a time: which section
and filter a request asks for, each section's progress, where a link to a question
leads, and where a save sends the user back to (DESIGN §3: five dimensions of 10 to 45
questions each; a policy area, with one to thirty, would cut the page unevenly)."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy

from assessments.answer_sheet import AnswerSheet, Block, Group

ALL = "all"
UNANSWERED = "unanswered"
FLAGGED = "flagged"
SHOW = {
    ALL: gettext_lazy("All questions"),
    UNANSWERED: gettext_lazy("Unanswered only"),
    FLAGGED: gettext_lazy("Flagged for correction only"),
}


@dataclass
class Section:
    """One entry of the section navigation."""

    code: str
    label: str
    answered: int
    total: int
    flagged: int
    current: bool
    url: str


@dataclass
class View:
    """What the fill-in page shows: the groups of the chosen section, the filter."""

    section: str
    show: str
    groups: list[Group]
    sections: list[Section]
    previous: Section | None = None
    next: Section | None = None
    pick: str = ""  # the question whose picker lists every instrument (without script)

    @property
    def choices(self) -> list[tuple[str, str]]:
        return list(SHOW.items())


def _matches(block: Block, show: str) -> bool:
    if show == UNANSWERED:
        return not block.answered
    if show == FLAGGED:
        return block.flagged
    return True


def page_url(pk: int, section: str, show: str = ALL, anchor: str = "") -> str:
    query = {"section": section}
    if show != ALL:
        query["show"] = show
    url = reverse("assessments:detail", args=[pk]) + "?" + urlencode(query)
    return url + (f"#ind-{anchor}" if anchor else "")


def choose(sheet: AnswerSheet, groups: list[Group], params) -> View:
    """The section and filter asked for in `params` (GET, or the posted form on a refused
    save); an unknown section is the first one, or with a filter the first section with a
    question it shows. Each block learns whether the filter hides it (never one with an
    error or a conflict) and its `link` from this page."""
    show = params.get("show") if params.get("show") in SHOW else ALL
    codes = [g.code for g in groups]
    section = params.get("section")
    if section not in codes and section != ALL:
        # A returned assessment opens where the reviewer's flags are.
        first = FLAGGED if show == ALL and any(b.flagged for b in sheet.blocks.values()) else show
        wanted = [g.code for g in groups if any(_matches(b, first) for b in g.all_blocks)]
        section = (wanted or codes or [ALL])[0]
    pk = sheet.assessment.pk
    entries = [
        Section(
            code=g.code,
            label=g.label,
            answered=g.answered,
            total=g.total,
            flagged=sum(1 for b in g.all_blocks if b.flagged),
            current=g.code == section,
            url=page_url(pk, g.code, show),
        )
        for g in groups
    ]
    for group in groups:
        for block in group.all_blocks:
            here = section in (ALL, group.code)
            block.link = f"#ind-{block.code}" if here else page_url(pk, group.code, ALL, block.code)
            block.hidden = not (_matches(block, show) or block.error or block.conflict)
    shown = groups if section == ALL else [g for g in groups if g.code == section]
    view = View(section=section, show=show, groups=shown, sections=entries)
    view.pick = params.get("pick") or ""
    if section != ALL:
        at = codes.index(section)
        view.previous = entries[at - 1] if at > 0 else None
        view.next = entries[at + 1] if at + 1 < len(entries) else None
    return view


def after_save(sheet: AnswerSheet, groups: list[Group], posted) -> str:
    """Where a save sends the user: the same section and filter, at the question they
    were at (`at`, which the page's script sets to the last question changed; else the
    first one saved) — or, when the filter no longer shows it (an answered question under
    "unanswered only"), at the next question the filter shows."""
    view = choose(sheet, groups, posted)
    blocks = [b for g in view.groups for b in g.all_blocks]
    codes = [b.code for b in blocks]
    at = posted.get("pick") or posted.get("at")
    if at not in codes:
        saved = [c for c in codes if c in sheet.inputs]
        at = saved[0] if saved else None
    anchor = ""
    if at is not None:
        after = blocks[codes.index(at) :]
        anchor = next((b.code for b in after if _matches(b, view.show)), "")
    url = page_url(sheet.assessment.pk, view.section, view.show)
    if posted.get("pick") in codes:
        url += "&" + urlencode({"pick": posted["pick"]})
    return url + (f"#ind-{anchor}" if anchor else "")
