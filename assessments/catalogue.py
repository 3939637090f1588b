"""Loading the catalogue and the indicator framework from `fixtures/` (DESIGN §8).

Every record is checked before anything is written; any error fails the whole load
with a message naming the record. Loading twice changes nothing: a row is written
only where a field differs.
"""

from dataclasses import dataclass, field
from pathlib import Path

import pycountry
import yaml
from django.conf import settings
from django.db import transaction
from django.utils.dateparse import parse_datetime

from actors.models import Actor, Interest
from assessments.models import MUTABLE_AFTER_PUBLICATION, FrameworkVersion, Indicator
from coherence.choices import (
    AREA_CODES,
    ActorType,
    AnswerType,
    AreaGroup,
    CoherenceType,
    Dimension,
    Level,
    Link,
    Perspective,
    Stage,
    ToolKind,
)
from coherence.models import Country, GovernanceLevel, PolicyArea, ToolType
from instruments.models import Instrument, Interaction, Mitigation

FIXTURES = settings.BASE_DIR / "fixtures"
LANGS = ("en", "fr", "es")
EXTRA_COUNTRIES = {"XKX": "Kosovo"}


class CatalogueError(Exception):
    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class Report:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    weights_changed: bool = False
    crosswalk_changed: bool = False  # crosswalk scores read the tags: they are recomputed too

    def count(self, kind: str, created: bool, changed: bool) -> None:
        if created:
            self.created[kind] = self.created.get(kind, 0) + 1
        elif changed:
            self.updated[kind] = self.updated.get(kind, 0) + 1

    def __str__(self) -> str:
        parts = [f"{k}: {v} created" for k, v in sorted(self.created.items())]
        parts += [f"{k}: {v} updated" for k, v in sorted(self.updated.items())]
        return "; ".join(parts) or "nothing changed"


def read(directory: Path, name: str):
    path = directory / name
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.safe_load(handle)
    except FileNotFoundError:
        raise CatalogueError([f"{name}: file not found in {directory}"]) from None
    except yaml.YAMLError as exc:
        raise CatalogueError([f"{name}: not valid YAML: {exc}"]) from None


def all_countries() -> dict[str, str]:
    countries = {c.alpha_3: getattr(c, "common_name", c.name) for c in pycountry.countries}
    countries.update(EXTRA_COUNTRIES)
    return countries


# --- Validation --------------------------------------------------------------------------


class Checker:
    def __init__(self):
        self.errors: list[str] = []

    def need(self, condition: bool, where: str, message: str) -> bool:
        if not condition:
            self.errors.append(f"{where}: {message}")
        return condition

    def codes(self, records, name: str, key: str = "code") -> set[str]:
        seen: set[str] = set()
        if not isinstance(records, list):
            self.errors.append(f"{name}: expected a list of records")
            return seen
        for n, record in enumerate(records, 1):
            code = record.get(key) if isinstance(record, dict) else None
            if not self.need(bool(code), f"{name} record {n}", f"missing {key}"):
                continue
            self.need(code not in seen, f"{name} {code}", "duplicate code")
            seen.add(code)
        return seen

    def text(self, value, where: str, field_name: str, required: bool = True) -> None:
        if not isinstance(value, dict):
            self.need(
                not required and value in (None, ""),
                where,
                f"{field_name} must be a mapping {{en, fr, es}}",
            )
            return
        self.need(not required or bool(value.get("en")), where, f"{field_name} needs English")
        unknown = set(value) - set(LANGS)
        self.need(not unknown, where, f"{field_name} has unknown languages {sorted(unknown)}")

    def choice(self, value, choices, where: str, field_name: str) -> None:
        self.need(value in choices, where, f"unknown {field_name} {value!r}")


def validate(data: dict, countries: set[str]) -> None:
    check = Checker()
    areas = check.codes(data["areas"], "areas.yaml")
    for record in data["areas"] or []:
        where = f"areas.yaml {record.get('code')}"
        check.choice(record.get("code"), AREA_CODES, where, "area code")
        check.choice(record.get("group"), AreaGroup.values, where, "group")
        check.text(record.get("name"), where, "name")
    missing_areas = set(AREA_CODES) - areas
    check.need(not missing_areas, "areas.yaml", f"missing areas {sorted(missing_areas)}")

    actors = check.codes(data["actors"], "actors.yaml")
    seen_actors: set[str] = set()
    for record in data["actors"] or []:
        where = f"actors.yaml {record.get('code')}"
        check.need(bool(record.get("name")), where, "missing name")
        check.choice(record.get("type"), ActorType.values, where, "type")
        check.choice(record.get("level"), Level.values, where, "level")
        country = record.get("country")
        check.need(country is None or country in countries, where, f"unknown country {country!r}")
        if record.get("level") in (Level.SUBNATIONAL, Level.NATIONAL):
            check.need(country is not None, where, "a national or sub-national actor has a country")
        parent = record.get("parent")
        check.need(
            parent is None or parent in seen_actors,
            where,
            f"parent {parent!r} is not an actor listed before it",
        )
        for area, priority in (record.get("interests") or {}).items():
            check.need(area in areas, where, f"interest in unknown area {area!r}")
            check.need(
                isinstance(priority, int) and 1 <= priority <= 5,
                where,
                f"priority for {area} must be 1..5, not {priority!r}",
            )
        seen_actors.add(record.get("code"))

    instruments = check.codes(data["instruments"], "instruments.yaml")
    for record in data["instruments"] or []:
        where = f"instruments.yaml {record.get('code')}"
        check.need(bool(record.get("name")), where, "missing name")
        check.choice(record.get("tool_type"), ToolKind.values, where, "tool type")
        levels = record.get("levels") or []
        check.need(bool(levels), where, "an instrument has at least one level")
        for level in levels:
            check.choice(level, Level.values, where, "level")
        for owner in record.get("owners") or []:
            check.need(owner in actors, where, f"unknown owner actor {owner!r}")
        for country in record.get("countries") or []:
            check.need(country in countries, where, f"unknown country {country!r}")
        for area in record.get("areas") or []:
            check.need(area in areas, where, f"unknown area {area!r}")
        check.need(
            isinstance(record.get("safeguard", False), bool), where, "safeguard is true or false"
        )
    safeguards = {r.get("code") for r in data["instruments"] or [] if r.get("safeguard") is True}

    pairs: set[tuple] = set()
    for n, record in enumerate(data["interactions"] or [], 1):
        where = f"interactions.yaml record {n} ({record.get('source')} → {record.get('target')})"
        check.need(record.get("source") in instruments, where, "unknown source instrument")
        check.need(record.get("target") in instruments, where, "unknown target instrument")
        check.need(
            record.get("source") != record.get("target"),
            where,
            "an instrument cannot interact with itself",
        )
        check.need(
            isinstance(record.get("score"), int) and -3 <= record["score"] <= 3,
            where,
            "score must be an integer from -3 to +3",
        )
        check.need(bool(record.get("rationale")), where, "missing rationale")
        pair = (record.get("source"), record.get("target"))
        check.need(pair not in pairs, where, "duplicate interaction")
        pairs.add(pair)
        _check_mitigations(check, record, where, safeguards)

    framework = data["framework"] or {}
    check.need(bool(framework.get("version")), "framework.yaml", "missing version")
    check.codes(framework.get("indicators"), "framework.yaml")
    for record in framework.get("indicators") or []:
        where = f"framework.yaml {record.get('code')}"
        check.choice(record.get("dimension"), Dimension.values, where, "dimension")
        check.choice(record.get("coherence_type"), CoherenceType.values, where, "coherence type")
        check.need(record.get("area") in areas, where, f"unknown area {record.get('area')!r}")
        if record.get("coherence_type") == CoherenceType.VERTICAL:
            check.choice(record.get("link"), Link.values, where, "link of a vertical indicator")
        else:
            check.need(record.get("link") is None, where, "a horizontal indicator has no link")
        check.choice(record.get("perspective"), Perspective.values, where, "perspective")
        check.choice(record.get("stage"), Stage.values, where, "stage")
        check.choice(record.get("answer_type"), AnswerType.values, where, "answer type")
        weight = record.get("weight", 1)
        check.need(isinstance(weight, int | float) and weight > 0, where, "weight must be > 0")
        check.need(isinstance(record.get("crosswalk", []), list), where, "crosswalk is a list")
        check.text(record.get("question"), where, "question")
        check.text(record.get("guidance"), where, "guidance", required=False)
    if check.errors:
        raise CatalogueError(check.errors)


def _check_mitigations(check: Checker, record: dict, where: str, safeguards: set[str]) -> None:
    """An interaction's mitigations: only an incoherence has them, each names a safeguard
    of the catalogue once and says how."""
    mitigations = record.get("mitigations") or []
    if not check.need(isinstance(mitigations, list), where, "mitigations is a list"):
        return
    if mitigations:
        score = record.get("score")
        check.need(
            isinstance(score, int) and score <= -2,
            where,
            "only an incoherence (-2 or -3) carries mitigations",
        )
    named: set = set()
    for mitigation in mitigations:
        code = (mitigation or {}).get("safeguard") if isinstance(mitigation, dict) else None
        check.need(code in safeguards, where, f"mitigation {code!r} is not a safeguard instrument")
        check.need(code not in named, where, f"mitigation {code!r} named twice")
        check.need(bool((mitigation or {}).get("how")), where, f"mitigation {code!r} says how")
        named.add(code)


# --- Writing -------------------------------------------------------------------------------


def upsert(model, lookup: dict, values: dict, report: Report, kind: str):
    """Create, or update only the fields that differ; returns the row."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model.objects.create(**lookup, **values)
        report.count(kind, True, False)
        return obj
    changed = [k for k, v in values.items() if getattr(obj, k) != v]
    if changed:
        for k in changed:
            setattr(obj, k, values[k])
        obj.save(update_fields=changed)
        report.count(kind, False, True)
    return obj


def set_m2m(manager, wanted: list, report: Report, kind: str) -> None:
    current = {o.pk for o in manager.all()}
    if current != {o.pk for o in wanted}:
        manager.set(wanted)
        report.count(kind, False, True)


def translations(value, stem: str) -> dict:
    value = value or {}
    return {f"{stem}_{lang}": (value.get(lang) or "").strip() for lang in LANGS}


def load(directory: Path = FIXTURES) -> Report:
    data = {
        name: read(directory, f"{name}.yaml")
        for name in ("areas", "actors", "instruments", "interactions", "framework")
    }
    countries = all_countries()
    validate(data, set(countries))
    report = Report()
    with transaction.atomic():
        existing = set(Country.objects.values_list("iso3", flat=True))
        Country.objects.bulk_create(
            [Country(iso3=c, name=n) for c, n in sorted(countries.items()) if c not in existing]
        )
        for rank, level in enumerate(Level.values):
            upsert(GovernanceLevel, {"code": level}, {"rank": rank}, report, "levels")
        for rank, kind in enumerate(ToolKind.values):
            upsert(ToolType, {"code": kind}, {"rank": rank}, report, "tool types")
        areas = {}
        for rank, record in enumerate(data["areas"]):
            values = {
                "group": record["group"],
                "rank": rank,
                **translations(record["name"], "name"),
                **translations(record.get("description"), "description"),
            }
            areas[record["code"]] = upsert(
                PolicyArea, {"code": record["code"]}, values, report, "areas"
            )
        actors = _load_actors(data["actors"], areas, report)
        instruments = _load_instruments(data["instruments"], actors, areas, report)
        for record in data["interactions"]:
            interaction = upsert(
                Interaction,
                {"source": instruments[record["source"]], "target": instruments[record["target"]]},
                {"score": record["score"], "rationale": record["rationale"].strip()},
                report,
                "interactions",
            )
            # Upserted, never pruned: an administrator's own mitigations stay.
            for mitigation in record.get("mitigations") or []:
                upsert(
                    Mitigation,
                    {"interaction": interaction, "safeguard": instruments[mitigation["safeguard"]]},
                    {"how": mitigation["how"].strip()},
                    report,
                    "mitigations",
                )
        _load_framework(data["framework"], areas, report)
    return report


def _load_actors(records, areas, report) -> dict[str, Actor]:
    actors: dict[str, Actor] = {}
    for record in records:
        values = {
            "name": record["name"],
            "type": record["type"],
            "level": record["level"],
            "country_id": record.get("country"),
            "parent_id": actors[record["parent"]].pk if record.get("parent") else None,
            "paragraph": record.get("paragraph"),
        }
        actor = upsert(Actor, {"code": record["code"]}, values, report, "actors")
        actors[record["code"]] = actor
        wanted = record.get("interests") or {}
        current = {i.area_id: i for i in actor.interests.all()}
        for area, priority in wanted.items():
            interest = current.get(area)
            if interest is None:
                Interest.objects.create(actor=actor, area=areas[area], priority=priority)
                report.count("interests", True, False)
            elif interest.priority != priority:
                interest.priority = priority
                interest.save(update_fields=["priority"])
                report.count("interests", False, True)
        stale = set(current) - set(wanted)
        if stale:
            actor.interests.filter(area_id__in=stale).delete()
            report.count("interests", False, True)
    return actors


def _load_instruments(records, actors, areas, report) -> dict[str, Instrument]:
    levels = {level.code: level for level in GovernanceLevel.objects.all()}
    countries = Country.objects.in_bulk()
    instruments: dict[str, Instrument] = {}
    for record in records:
        values = {
            "name": record["name"],
            "description": (record.get("description") or "").strip(),
            "tool_type_id": record["tool_type"],
            "paragraph": record.get("paragraph"),
            "link": record.get("link") or "",
            "safeguard": bool(record.get("safeguard", False)),
        }
        instrument = upsert(Instrument, {"code": record["code"]}, values, report, "instruments")
        set_m2m(instrument.levels, [levels[c] for c in record["levels"]], report, "instruments")
        set_m2m(
            instrument.owners,
            [actors[c] for c in record.get("owners") or []],
            report,
            "instruments",
        )
        set_m2m(
            instrument.countries,
            [countries[c] for c in record.get("countries") or []],
            report,
            "instruments",
        )
        set_m2m(
            instrument.areas, [areas[c] for c in record.get("areas") or []], report, "instruments"
        )
        instruments[record["code"]] = instrument
    return instruments


def _load_framework(framework: dict, areas, report) -> None:
    published = framework.get("published_at")
    published_at = parse_datetime(f"{published}T00:00:00+00:00") if published else None
    version = FrameworkVersion.objects.filter(code=str(framework["version"])).first()
    if version is None:
        version = FrameworkVersion.objects.create(
            code=str(framework["version"]), published_at=published_at
        )
        report.count("framework versions", True, False)
    frozen = version.is_published and version.indicators.exists()
    existing = {i.code: i for i in version.indicators.all()}
    errors = []
    for rank, record in enumerate(framework["indicators"]):
        values = {
            "rank": rank,
            "dimension": record["dimension"],
            "coherence_type": record["coherence_type"],
            "area_id": record["area"],
            "link": record.get("link"),
            "perspective": record["perspective"],
            "stage": record["stage"],
            "answer_type": record["answer_type"],
            "weight": float(record.get("weight", 1)),
            "allow_na": bool(record.get("allow_na", False)),
            "crosswalk": list(record.get("crosswalk") or []),
            **translations(record["question"], "question"),
            **translations(record.get("guidance"), "guidance"),
        }
        indicator = existing.get(record["code"])
        if frozen:
            if indicator is None:
                errors.append(
                    f"framework.yaml {record['code']}: version {version.code} is "
                    "published; a new indicator needs a new version"
                )
                continue
            changed = {k for k, v in values.items() if getattr(indicator, k) != v}
            locked = changed - MUTABLE_AFTER_PUBLICATION - {"rank"}
            if locked:
                errors.append(
                    f"framework.yaml {record['code']}: version {version.code} is "
                    f"published; cannot change {', '.join(sorted(locked))}"
                )
                continue
            if "weight" in changed:
                report.weights_changed = True
            if "crosswalk" in changed:
                report.crosswalk_changed = True
        upsert(
            Indicator, {"version": version, "code": record["code"]}, values, report, "indicators"
        )
    if errors:
        raise CatalogueError(errors)
