"""The checks of one stock-taking entry, written once: the services apply them to one
entry, the importer to each row of a file. Each answers field → what is wrong (empty
when nothing is), so that every entry point names the field refused."""

import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

from coherence.choices import AREA_CODES, Level, ToolKind
from instruments.models import INCOHERENCE

CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,59}$")
HOW_LENGTH = 500


@dataclass
class InstrumentInput:
    """An instrument to list: a catalogue one by its code alone, or a new one with its
    name, tool type and levels (areas, link, owner actor and safeguard optional)."""

    code: str
    name: str = ""
    tool_type: str = ""
    levels: list[str] = field(default_factory=list)
    areas: list[str] = field(default_factory=list)
    link: str = ""
    owner: str = ""
    safeguard: bool = False

    @property
    def is_new(self) -> bool:
        return bool(self.name.strip())


@dataclass
class MitigationInput:
    safeguard: str
    how: str


@dataclass
class InteractionInput:
    """How `source` affects `target` (codes of the assessment's instruments)."""

    source: str
    target: str
    score: int
    rationale: str
    mitigations: list[MitigationInput] = field(default_factory=list)
    no_mitigation: bool = False


@dataclass(frozen=True)
class Known:
    """What the checks look codes up in: the catalogue's instruments (code → whether a
    safeguard), the assessment's listed ones (the same), the country's actors' codes."""

    catalogue: dict[str, bool]
    listed: dict[str, bool]
    actors: set[str]


def instrument_problems(spec: InstrumentInput, known: Known, *, existing: bool) -> dict:
    """What is wrong with listing `spec` (`existing`: its code is listed already, which
    then changes that entry)."""
    errors = {}
    code = spec.code.strip()
    if not CODE.match(code):
        errors["code"] = _(
            "A code is capital letters, digits and '-', at most 60 (e.g. PHL-LGU-02)."
        )
        return errors
    if not spec.is_new:
        if code not in known.catalogue:
            errors["code"] = _(
                "No catalogue instrument %(code)s: pick one of the catalogue, or give a new "
                "one its name, tool type and levels."
            ) % {"code": code}
        return errors
    if code in known.catalogue:
        errors["code"] = _(
            "The code %(code)s already exists in the catalogue: pick that instrument, or "
            "give the new one another code."
        ) % {"code": code}
    if spec.tool_type not in ToolKind.values:
        errors["tool_type"] = _("Unknown tool type “%(v)s”: one of %(all)s.") % {
            "v": spec.tool_type,
            "all": ", ".join(ToolKind.values),
        }
    bad_levels = [lv for lv in spec.levels if lv not in Level.values]
    if not spec.levels or bad_levels:
        errors["levels"] = _("Levels are one or more of %(all)s (not: %(bad)s).") % {
            "all": ", ".join(Level.values),
            "bad": ", ".join(bad_levels) or "—",
        }
    bad_areas = [a for a in spec.areas if a not in AREA_CODES]
    if bad_areas:
        errors["areas"] = _("Unknown policy areas: %(bad)s.") % {"bad": ", ".join(bad_areas)}
    if spec.link:
        try:
            URLValidator()(spec.link)
        except ValidationError:
            errors["link"] = _("The link is a web address (https://…).")
    if spec.owner and spec.owner not in known.actors:
        errors["owner"] = _("No actor %(code)s of this country.") % {"code": spec.owner}
    return errors


def interaction_problems(spec: InteractionInput, known: Known) -> dict:
    """What is wrong with reporting `spec` among the assessment's listed instruments."""
    errors = {}
    for end in ("source", "target"):
        code = getattr(spec, end)
        if code not in known.listed:
            errors[end] = _(
                "%(code)s is not among this assessment's instruments: list it first."
            ) % {"code": code or "—"}
    if spec.source and spec.source == spec.target:
        errors["target"] = _("An instrument cannot interact with itself; choose another.")
    if isinstance(spec.score, bool) or not isinstance(spec.score, int) or not -3 <= spec.score <= 3:
        errors["score"] = _("The score is a whole number from −3 to +3, not “%(v)s”.") % {
            "v": spec.score
        }
        return errors
    if not (spec.rationale or "").strip():
        errors["rationale"] = _("Say why the interaction has this score.")
    mitigation = mitigation_problem(spec, known)
    if mitigation:
        errors["mitigations"] = mitigation
    return errors


def mitigation_problem(spec: InteractionInput, known: Known) -> str | None:
    if spec.score > INCOHERENCE:
        if spec.mitigations or spec.no_mitigation:
            return _("Only an incoherence (−2 or −3) carries mitigations.")
        return None
    if not spec.mitigations and not spec.no_mitigation:
        return _("An incoherence names the safeguards that mitigate it, or says there is none.")
    if spec.mitigations and spec.no_mitigation:
        return _("Name mitigations or say there is none, not both.")
    seen = set()
    for mitigation in spec.mitigations:
        code = mitigation.safeguard
        safeguard = known.listed.get(code, known.catalogue.get(code))
        if safeguard is None:
            return _("No instrument %(code)s to mitigate with.") % {"code": code or "—"}
        if not safeguard:
            return _("%(code)s is not a safeguard: only a safeguard instrument mitigates.") % {
                "code": code
            }
        if code in seen:
            return _("%(code)s is named twice.") % {"code": code}
        if not (mitigation.how or "").strip() or len(mitigation.how) > HOW_LENGTH:
            return _(
                "Say in a few words (at most %(n)d characters) how %(code)s limits the harm."
            ) % {"code": code, "n": HOW_LENGTH}
        seen.add(code)
    return None
