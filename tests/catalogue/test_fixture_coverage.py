"""The shipped fixtures cover what DESIGN §2–§3 and §8 promise, and every reference resolves.

Reads the YAML under fixtures/ with PyYAML only: no Django, no database, so it runs before
the apps exist (`python -m pytest -p no:django tests/catalogue/test_fixture_coverage.py`).
"""

import re
from collections import Counter
from functools import cache
from pathlib import Path

import pytest
import yaml

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"

LEVELS = ["subnational", "national", "bilateral", "regional", "international"]
TOOL_TYPES = ["strategy", "policy", "instrument", "framework", "research", "evidence", "data"]
AREA_CODES = {
    "migration": [
        "labour_migration",
        "diaspora_remittances",
        "integration",
        "return_reintegration",
        "asylum_protection",
        "irregular_migration",
        "trafficking_smuggling",
    ],
    "sectoral": [
        "employment",
        "skills_education",
        "health",
        "housing_urban",
        "social_protection",
        "trade_investment",
        "agriculture_rural",
        "climate_environment",
        "governance_rule_of_law",
        "peace_security",
    ],
    "institutional": ["institutional"],
}
ALL_AREAS = {code for codes in AREA_CODES.values() for code in codes}
ACTOR_TYPES = [
    "line_ministry",
    "lead_migration_agency",
    "inter_ministerial_committee",
    "parliament",
    "local_authority",
    "migrant_association",
    "employer",
    "trade_union",
    "civil_society",
    "academia",
    "international_organisation",
    "regional_consultative_process",
    "regional_economic_community",
    "development_agency",
]
MINISTRY_TYPES = {"line_ministry", "lead_migration_agency"}
DIMENSIONS = ["institutional", "costs", "rights", "integration", "development"]
COHERENCE_TYPES = ["horizontal", "vertical"]
LINKS = [
    "national-subnational",
    "national-bilateral",
    "national-regional",
    "national-international",
]
PERSPECTIVES = ["origin", "destination", "both"]
STAGES = ["input", "output", "outcome"]
ANSWER_TYPES = ["yes_no", "three_level", "scale", "percent"]
ROLES = {"focal_point", "reviewer", "admin"}
STATES = ["draft", "submitted", "validated", "returned"]
DEMO_COUNTRIES = ["PHL", "MDA", "LKA", "GBR", "CHE"]
LANGUAGES = ("en", "fr", "es")

AREA_ABBREVIATIONS = {
    "institutional": "INS",
    "labour_migration": "LAB",
    "diaspora_remittances": "DIA",
    "integration": "ITG",
    "return_reintegration": "RET",
    "asylum_protection": "ASY",
    "irregular_migration": "IRR",
    "trafficking_smuggling": "TRA",
    "employment": "EMP",
    "skills_education": "SKL",
    "health": "HEA",
    "housing_urban": "HOU",
    "social_protection": "SOC",
    "trade_investment": "TRD",
    "agriculture_rural": "AGR",
    "climate_environment": "CLI",
    "governance_rule_of_law": "GOV",
    "peace_security": "PEA",
}
LINK_ABBREVIATIONS = {
    "national-subnational": "SUB",
    "national-bilateral": "BIL",
    "national-regional": "REG",
    "national-international": "INT",
}
CROSSWALK_TAG = re.compile(
    r"^(GCM-([1-9]|1\d|2[0-3])|SDG-\d{1,2}\.[0-9a-z]{1,2}|SDG-10\.7\.2-D[1-6]|MIGOF-[PO][1-3]"
    r"|MGI-D[1-6])$"
)
# The scored crosswalk tags of DESIGN §3 (coherence.choices.SCORED_CROSSWALK, written out here
# so that this file needs no Django).
SCORED_TAGS = (
    [f"GCM-{n}" for n in range(1, 24)]
    + [f"SDG-10.7.2-D{n}" for n in range(1, 7)]
    + [f"MGI-D{n}" for n in range(1, 7)]
)
ACTOR_CODE = re.compile(r"^[A-Z0-9-]+$")

# Tools the GFMD 2017 RT 1.1 background paper names, matched case-insensitively as a
# substring of some instrument's name, with the paragraph that names them.
PAPER_INSTRUMENTS = [
    ("2030 Agenda", 4),
    ("SDG target 10.7", 1),
    ("Global Compact for Safe, Orderly and Regular Migration", 4),
    ("Modalities resolution", 7),
    ("New York Declaration", 8),
    ("Addis Ababa Action Agenda", 8),
    ("KNOMAD working paper 15", 6),
    ("Policy Coherence Impact and Influence Model", 4),
    ("Dashboard of Indicators", 23),
    ("Migration Governance Framework", 23),
    ("IPPMD", 23),
    ("Multilateral Framework on Labour Migration", 23),
    ("Guidance Note on Integrating Migration and Displacement", 23),
    ("White Paper on Mainstreaming Migration into Local Development Planning", 17),
    ("My JMDI Toolbox", 17),
    ("LGU Guide", 17),
    ("Calabarzon", 17),
    ("Bicol Region", 21),
    ("nursing qualification standards", 21),
    ("Handbook for mainstreaming migration into development planning", 21),
    ("reintegration of returned migrants", 21),
    ("Contingency plan", 21),
    ("diaspora focal points", 21),
    ("Bilateral labour agreements and memorandums of understanding", 24),
    ("Employment Permit System", 24),
    ("Global Approach to Migration and Mobility", 26),
    ("Mobility Partnerships", 26),
    ("Swiss migration partnerships", 26),
    ("Maastricht", 26),
    ("Colombo Process", 27),
    ("Abu Dhabi Dialogue", 28),
    ("Budapest Process", 29),
    ("ECOWAS", 30),
    ("SADC", 30),
    ("ASEAN", 30),
    ("Status of Refugees", 31),
    ("Employment Policy (Supplementary Provisions) Recommendation", 33),
    ("Transition from the Informal to the Formal Economy Recommendation", 33),
    ("Review of global bilateral agreements and MOUs", 34),
    ("Labour Recruitment Industry between the United Arab Emirates", 34),
    ("Platform for Partnerships", 34),
    ("Concept Paper", 36),
    ("Moving out of Poverty", 43),
    ("UN Statistical Commission side event", 44),
    ("International Forum on Migration Statistics", 44),
    ("costs and benefits of policy coherence", 47),
]


@cache
def load(name: str):
    with (FIXTURES / name).open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def areas():
    return load("areas.yaml")


def actors():
    return load("actors.yaml")


def instruments():
    return load("instruments.yaml")


def interactions():
    return load("interactions.yaml")


def framework():
    return load("framework.yaml")


def indicators():
    return framework()["indicators"]


def demo():
    return load("demo.yaml")


def by_code(records):
    return {record["code"]: record for record in records}


def duplicates(values):
    return sorted(value for value, n in Counter(values).items() if n > 1)


def in_scope(indicator_perspective: str, assessment_perspective: str) -> bool:
    """DESIGN §4: `both` indicators are always in scope; a `both` assessment has them all."""
    return (
        indicator_perspective == "both"
        or assessment_perspective == "both"
        or indicator_perspective == assessment_perspective
    )


def value_fits(value: str, answer_type: str, allow_na: bool) -> bool:
    """DESIGN §5 value rules for one answer, as written in an import file."""
    text = str(value).strip().lower()
    if text == "n/a":
        return allow_na
    if answer_type == "yes_no":
        return text in {"yes", "no", "1", "0"}
    if answer_type == "three_level":
        return text in {"0", "5", "10"}
    if answer_type == "scale":
        return text in {"0", "1", "2", "3", "4"}
    if answer_type == "percent":
        try:
            number = float(text.replace(",", "."))
        except ValueError:
            return False
        return 0 <= number <= 100
    return False


def is_iso3(code) -> bool:
    return isinstance(code, str) and len(code) == 3 and code.isalpha() and code.isupper()


def translated(text) -> bool:
    return isinstance(text, dict) and all(
        isinstance(text.get(lang), str) and text[lang].strip() for lang in LANGUAGES
    )


# --- every file: unique codes ---------------------------------------------------------------


@pytest.mark.parametrize(
    "name, records", [("areas.yaml", areas), ("actors.yaml", actors),
                      ("instruments.yaml", instruments), ("framework.yaml", indicators)],
)  # fmt: skip
def test_codes_are_unique(name, records):
    codes = [record["code"] for record in records()]
    assert not duplicates(codes), f"{name}: duplicate codes {duplicates(codes)}"


def test_interaction_pairs_and_demo_keys_are_unique():
    pairs = [(i["source"], i["target"]) for i in interactions()]
    assert not duplicates(pairs), (
        f"interactions.yaml: duplicate (source, target) {duplicates(pairs)}"
    )
    usernames = [user["username"] for user in demo()["users"]]
    assert not duplicates(usernames), f"demo.yaml: duplicate usernames {duplicates(usernames)}"
    keys = [(a["country"], a["cycle"], a["actor"]) for a in demo()["assessments"]]
    assert not duplicates(keys), f"demo.yaml: duplicate (country, cycle, actor) {duplicates(keys)}"


# --- areas -----------------------------------------------------------------------------------


def test_areas_are_exactly_the_eighteen_of_design():
    found = {area["code"]: area["group"] for area in areas()}
    expected = {code: group for group, codes in AREA_CODES.items() for code in codes}
    assert found == expected, (
        f"areas.yaml differs from DESIGN §2: missing {sorted(set(expected) - set(found))}, "
        f"unexpected {sorted(set(found) - set(expected))}, "
        f"wrong group {sorted(c for c in found if c in expected and found[c] != expected[c])}"
    )


def test_areas_are_named_and_described_in_three_languages():
    for area in areas():
        assert translated(area["name"]), f"area {area['code']}: name needs en, fr and es"
        assert translated(area["description"]), f"area {area['code']}: description needs en/fr/es"


# --- actors ----------------------------------------------------------------------------------


def test_actor_fields_are_valid_and_parents_listed_earlier():
    seen = set()
    for actor in actors():
        code = actor["code"]
        assert ACTOR_CODE.match(code), f"actor {code}: code must match [A-Z0-9-]+"
        assert actor["name"], f"actor {code}: empty name"
        assert actor["type"] in ACTOR_TYPES, f"actor {code}: unknown type {actor['type']!r}"
        assert actor["level"] in LEVELS, f"actor {code}: unknown level {actor['level']!r}"
        if actor["level"] in {"regional", "international"}:
            assert actor["country"] is None, f"actor {code}: {actor['level']} actor has a country"
        else:
            assert is_iso3(actor["country"]), f"actor {code}: country {actor['country']!r} not ISO3"
        parent = actor["parent"]
        assert parent is None or parent in seen, (
            f"actor {code}: parent {parent!r} is not an actor listed earlier in the file"
        )
        paragraph = actor["paragraph"]
        assert paragraph is None or (isinstance(paragraph, int) and 1 <= paragraph <= 47), (
            f"actor {code}: paragraph {paragraph!r} is not a paragraph of the paper (1-47)"
        )
        for area, priority in (actor["interests"] or {}).items():
            assert area in ALL_AREAS, f"actor {code}: interest in unknown area {area!r}"
            assert isinstance(priority, int) and 1 <= priority <= 5, (
                f"actor {code}: priority for {area} must be an integer 1..5, got {priority!r}"
            )
        seen.add(code)


def test_every_actor_type_and_level_is_used():
    types = Counter(actor["type"] for actor in actors())
    levels = Counter(actor["level"] for actor in actors())
    assert not [t for t in ACTOR_TYPES if not types[t]], (
        f"actor types without an actor: {[t for t in ACTOR_TYPES if not types[t]]}"
    )
    assert not [lv for lv in LEVELS if not levels[lv]], (
        f"levels without an actor: {[lv for lv in LEVELS if not levels[lv]]}"
    )


def test_paper_actors_are_present():
    codes = set(by_code(actors()))
    required = {
        "PHL-CFO", "PHL-NAGA", "PHL-BICOL-MDC", "MDA-BMA", "MDA-BRD", "MDA-SC", "MDA-DFP",
        "CHE-SEM", "CP", "ADD", "BP", "EU", "ECOWAS", "SADC", "ASEAN", "IOM", "ILO", "OECD",
        "UNDP", "JMDI", "WB", "KNOMAD", "UNDESA", "GMG",
    }  # fmt: skip
    assert not required - codes, f"actors named by the paper missing: {sorted(required - codes)}"


@pytest.mark.parametrize("country", DEMO_COUNTRIES)
def test_each_demo_country_has_ministries_and_a_local_authority_with_colliding_interests(country):
    own = [a for a in actors() if a["country"] == country]
    ministries = [a for a in own if a["type"] in MINISTRY_TYPES]
    assert len(ministries) >= 3, f"{country}: needs >= 3 ministries, has {len(ministries)}"
    assert any(a["type"] == "local_authority" for a in own), f"{country}: no local authority"
    for ministry in ministries:
        assert ministry["interests"], f"{ministry['code']}: a ministry needs interests"
    top_areas = {max(m["interests"], key=m["interests"].get) for m in ministries if m["interests"]}
    assert len(top_areas) >= 2, (
        f"{country}: every ministry puts the same area first ({top_areas}); priorities must differ"
    )


# --- instruments -----------------------------------------------------------------------------


def test_instrument_fields_and_references_resolve():
    actor_codes = set(by_code(actors()))
    for instrument in instruments():
        code = instrument["code"]
        assert ACTOR_CODE.match(code), f"instrument {code}: code must match [A-Z0-9-]+"
        assert instrument["name"], f"instrument {code}: empty name"
        assert instrument["description"], f"instrument {code}: empty description"
        assert instrument["tool_type"] in TOOL_TYPES, (
            f"instrument {code}: unknown tool type {instrument['tool_type']!r}"
        )
        assert instrument["levels"], f"instrument {code}: needs at least one level"
        bad_levels = [lv for lv in instrument["levels"] if lv not in LEVELS]
        assert not bad_levels, f"instrument {code}: unknown levels {bad_levels}"
        assert not duplicates(instrument["levels"]), f"instrument {code}: repeated level"
        unknown_owners = [o for o in instrument["owners"] if o not in actor_codes]
        assert not unknown_owners, f"instrument {code}: unknown owners {unknown_owners}"
        bad_countries = [c for c in instrument["countries"] if not is_iso3(c)]
        assert not bad_countries, f"instrument {code}: countries not ISO3 {bad_countries}"
        assert instrument["areas"], f"instrument {code}: needs at least one area"
        unknown_areas = [a for a in instrument["areas"] if a not in ALL_AREAS]
        assert not unknown_areas, f"instrument {code}: unknown areas {unknown_areas}"
        paragraph = instrument["paragraph"]
        assert paragraph is None or (isinstance(paragraph, int) and 1 <= paragraph <= 47), (
            f"instrument {code}: paragraph {paragraph!r} is not a paragraph of the paper"
        )
        link = instrument["link"]
        assert link == "" or link.startswith(("http://", "https://")), (
            f"instrument {code}: link must be empty or a URL, got {link!r}"
        )


def test_every_tool_type_and_level_has_an_instrument():
    tool_types = Counter(i["tool_type"] for i in instruments())
    levels = Counter(level for i in instruments() for level in i["levels"])
    assert not [t for t in TOOL_TYPES if not tool_types[t]], (
        f"tool types without an instrument: {[t for t in TOOL_TYPES if not tool_types[t]]}"
    )
    assert not [lv for lv in LEVELS if not levels[lv]], (
        f"levels without an instrument: {[lv for lv in LEVELS if not levels[lv]]}"
    )
    assert any(len(i["levels"]) >= 2 for i in instruments()), "no instrument sits on two levels"


@pytest.mark.parametrize("name, paragraph", PAPER_INSTRUMENTS)
def test_every_instrument_the_paper_names_is_present(name, paragraph):
    matches = [i for i in instruments() if name.lower() in i["name"].lower()]
    assert matches, f"no instrument named like {name!r} (the paper names it in ¶{paragraph})"


def test_swiss_migration_partnerships_cover_the_five_partner_countries():
    partners = {"BIH", "XKX", "SRB", "NGA", "TUN"}
    umbrella = by_code(instruments())["CHE-MIGRATION-PARTNERSHIPS"]
    assert partners <= set(umbrella["countries"]), (
        f"Swiss migration partnerships miss {sorted(partners - set(umbrella['countries']))}"
    )


@pytest.mark.parametrize("country", DEMO_COUNTRIES)
def test_each_demo_country_grid_has_filled_cells_and_real_gaps(country):
    own = [i for i in instruments() if country in i["countries"]]
    national = [i for i in own if i["code"].startswith(f"{country}-")]
    cells = {(level, i["tool_type"]) for i in own for level in i["levels"]}
    assert len(national) >= 6, f"{country}: only {len(national)} national instruments"
    assert 4 <= len(cells) < len(LEVELS) * len(TOOL_TYPES), (
        f"{country}: grid has {len(cells)} filled cells of 35; it needs some filled and some gaps"
    )


# --- interactions ----------------------------------------------------------------------------


def test_interactions_resolve_and_span_the_scale():
    codes = set(by_code(instruments()))
    records = interactions()
    assert 20 <= len(records) <= 40, f"expected 20-40 interactions, found {len(records)}"
    for record in records:
        pair = f"{record['source']} -> {record['target']}"
        assert record["source"] in codes, f"interaction {pair}: unknown source"
        assert record["target"] in codes, f"interaction {pair}: unknown target"
        assert record["source"] != record["target"], f"interaction {pair}: affects itself"
        assert isinstance(record["score"], int) and -3 <= record["score"] <= 3, (
            f"interaction {pair}: score {record['score']!r} outside -3..+3"
        )
        assert "¶" in record["rationale"] or "Table 1." in record["rationale"], (
            f"interaction {pair}: rationale must cite the paper's paragraph"
        )
    scores = Counter(record["score"] for record in records)
    incoherences = scores[-2] + scores[-3]
    assert incoherences >= 4, f"only {incoherences} incoherences (score -2 or -3); need >= 4"
    assert len(scores) >= 6, f"scores use only {sorted(scores)}; spread them across -3..+3"


# --- framework -------------------------------------------------------------------------------


def test_framework_version_and_size():
    assert framework()["version"] == "2026.1", "framework version must be 2026.1"
    assert framework()["published_at"], "framework needs published_at"
    assert 80 <= len(indicators()) <= 150, f"{len(indicators())} indicators; need 80-150"


def test_indicator_fields_are_valid():
    for ind in indicators():
        code = ind["code"]
        assert ind["dimension"] in DIMENSIONS, f"{code}: unknown dimension {ind['dimension']!r}"
        assert ind["coherence_type"] in COHERENCE_TYPES, f"{code}: unknown coherence type"
        assert ind["area"] in ALL_AREAS, f"{code}: unknown area {ind['area']!r}"
        assert ind["perspective"] in PERSPECTIVES, f"{code}: unknown perspective"
        assert ind["stage"] in STAGES, f"{code}: unknown stage {ind['stage']!r}"
        assert ind["answer_type"] in ANSWER_TYPES, f"{code}: unknown answer type"
        assert isinstance(ind["allow_na"], bool), f"{code}: allow_na must be true or false"
        weight = ind["weight"]
        assert isinstance(weight, int | float) and weight > 0, f"{code}: weight must be > 0"
        if weight != 1:
            assert "weight" in ind["guidance"]["en"].lower(), (
                f"{code}: weight {weight} but the guidance does not say why"
            )
        bad_tags = [t for t in ind["crosswalk"] if not CROSSWALK_TAG.match(t)]
        assert not bad_tags, f"{code}: malformed crosswalk tags {bad_tags}"
        if ind["coherence_type"] == "horizontal":
            assert ind["link"] is None, f"{code}: a horizontal indicator has link {ind['link']!r}"
            expected = f"H-{AREA_ABBREVIATIONS[ind['area']]}-"
        else:
            assert ind["link"] in LINKS, f"{code}: a vertical indicator needs a link"
            expected = f"V-{LINK_ABBREVIATIONS[ind['link']]}-"
        assert re.fullmatch(re.escape(expected) + r"\d{2}", code), (
            f"{code}: code should read {expected}NN for its area or link"
        )


def test_every_indicator_has_question_and_guidance_in_three_languages():
    missing = [
        ind["code"]
        for ind in indicators()
        if not (translated(ind["question"]) and translated(ind["guidance"]))
    ]
    assert not missing, f"indicators lacking en/fr/es question or guidance: {missing}"


@pytest.mark.parametrize("dimension", DIMENSIONS)
@pytest.mark.parametrize("coherence_type", COHERENCE_TYPES)
def test_every_dimension_and_coherence_type_has_indicators(dimension, coherence_type):
    n = sum(
        1
        for ind in indicators()
        if ind["dimension"] == dimension and ind["coherence_type"] == coherence_type
    )
    assert n >= 2, f"{dimension} x {coherence_type}: {n} indicators, need >= 2"


def test_every_link_perspective_answer_type_stage_and_area_is_used():
    count = Counter
    links = count(ind["link"] for ind in indicators())
    perspectives = count(ind["perspective"] for ind in indicators())
    answer_types = count(ind["answer_type"] for ind in indicators())
    stages = count(ind["stage"] for ind in indicators())
    area_use = count(ind["area"] for ind in indicators())
    assert all(links[lk] >= 5 for lk in LINKS), f"each link needs >= 5 indicators: {links}"
    assert perspectives["origin"] >= 10, f"origin indicators: {perspectives['origin']} < 10"
    assert perspectives["destination"] >= 10, (
        f"destination indicators: {perspectives['destination']} < 10"
    )
    assert perspectives["both"] >= 1, "no indicator for both perspectives"
    assert all(answer_types[t] >= 10 for t in ANSWER_TYPES), (
        f"each answer type needs >= 10 indicators: {answer_types}"
    )
    assert all(stages[s] for s in STAGES), f"every stage must be used: {stages}"
    assert all(area_use[a] >= 2 for a in ALL_AREAS), (
        f"areas with < 2 indicators: {sorted(a for a in ALL_AREAS if area_use[a] < 2)}"
    )


def test_framework_flags_na_weights_and_crosswalks():
    assert any(ind["allow_na"] for ind in indicators()), "no indicator allows n/a"
    assert any(ind["weight"] != 1 for ind in indicators()), "no indicator has a weight other than 1"
    assert any(not ind["crosswalk"] for ind in indicators()), "every crosswalk is filled"
    tags = {tag for ind in indicators() for tag in ind["crosswalk"]}
    for family in ("GCM-", "SDG-", "MIGOF-"):
        assert any(t.startswith(family) for t in tags), f"no crosswalk tag of family {family}"


def test_every_scored_crosswalk_tag_has_at_least_two_indicators():
    """DESIGN §3: every GCM objective, every 10.7.2 domain and every MGI domain is tagged at
    least twice, so that no crosswalk score rests on a single question."""
    use = Counter(tag for ind in indicators() for tag in ind["crosswalk"])
    assert len(SCORED_TAGS) == 35
    thin = {tag: use[tag] for tag in SCORED_TAGS if use[tag] < 2}
    assert not thin, f"scored crosswalk tags with fewer than 2 indicators: {thin}"


def test_framework_asks_about_institutional_mechanisms_and_data():
    english = " ".join(ind["question"]["en"].lower() for ind in indicators())
    for topic in ("lead", "inter-ministerial committee", "development plan", "data"):
        assert topic in english, f"no indicator question asks about {topic!r} (¶19, ¶44)"


# --- demo ------------------------------------------------------------------------------------


def test_demo_users():
    actor_index = by_code(actors())
    users = {user["username"]: user for user in demo()["users"]}
    for username in ("focal-phl", "focal-mda", "cochair", "catalogue-admin"):
        assert username in users, f"demo user {username} is missing"
    for user in users.values():
        assert user["role"] in ROLES, f"user {user['username']}: unknown role {user['role']!r}"
        if user["role"] == "focal_point":
            assert user.get("actor") in actor_index, (
                f"user {user['username']}: actor {user.get('actor')!r} does not exist"
            )
        if user["role"] == "reviewer":
            government = user.get("government")
            assert government is None or is_iso3(government), (
                f"user {user['username']}: government must be ISO3 or null"
            )
    assert users["cochair"]["role"] == "reviewer" and users["cochair"]["government"] is None
    assert users["catalogue-admin"]["role"] == "admin"
    for username, country in (("focal-phl", "PHL"), ("focal-mda", "MDA")):
        actor = actor_index[users[username]["actor"]]
        assert users[username]["role"] == "focal_point", f"{username} must be a focal point"
        assert actor["country"] == country, f"{username}: actor is not of {country}"
        assert actor["type"] in MINISTRY_TYPES, f"{username}: actor is not a ministry or bureau"


def test_demo_assessments_resolve():
    actor_index = by_code(actors())
    for a in demo()["assessments"]:
        key = f"{a['country']}/{a['cycle']}/{a['actor']}"
        assert is_iso3(a["country"]), f"assessment {key}: country not ISO3"
        assert isinstance(a["cycle"], int) and 2000 <= a["cycle"] <= 2100, f"{key}: bad cycle"
        assert a["actor"] in actor_index, f"assessment {key}: unknown actor"
        assert actor_index[a["actor"]]["country"] == a["country"], (
            f"assessment {key}: actor belongs to {actor_index[a['actor']]['country']}"
        )
        assert a["perspective"] in PERSPECTIVES, f"assessment {key}: bad perspective"
        assert a["state"] in STATES, f"assessment {key}: unknown state {a['state']!r}"
        assert 0.2 <= a["strength"] <= 0.85, f"assessment {key}: strength outside 0.2-0.85"


def test_demo_hand_written_answers_fit_type_perspective_and_instruments():
    indicator_index = by_code(indicators())
    instrument_index = by_code(instruments())
    for a in demo()["assessments"]:
        key = f"{a['country']}/{a['cycle']}/{a['actor']}"
        answers = a.get("answers") or []
        assert 3 <= len(answers) <= 6, f"assessment {key}: {len(answers)} answers, want 3-6"
        codes = [answer["indicator"] for answer in answers]
        assert not duplicates(codes), f"assessment {key}: indicator answered twice"
        for answer in answers:
            ind = indicator_index.get(answer["indicator"])
            assert ind, f"assessment {key}: unknown indicator {answer['indicator']}"
            assert in_scope(ind["perspective"], a["perspective"]), (
                f"assessment {key}: {ind['code']} ({ind['perspective']}) is outside the "
                f"assessment's perspective {a['perspective']}"
            )
            assert isinstance(answer["value"], str), (
                f"assessment {key}, {ind['code']}: quote the value, YAML reads yes/no as booleans"
            )
            assert value_fits(answer["value"], ind["answer_type"], ind["allow_na"]), (
                f"assessment {key}, {ind['code']}: value {answer['value']!r} does not fit "
                f"{ind['answer_type']} (allow_na={ind['allow_na']})"
            )
            assert answer["evidence"].strip(), f"assessment {key}, {ind['code']}: no evidence"
            for code in answer.get("instruments") or []:
                assert code in instrument_index, f"assessment {key}: unknown instrument {code}"
                assert a["country"] in instrument_index[code]["countries"], (
                    f"assessment {key}: instrument {code} does not apply to {a['country']}"
                )


def test_demo_covers_countries_cycles_states_and_perspectives():
    assessments = demo()["assessments"]
    states = Counter(a["state"] for a in assessments)
    assert all(states[s] for s in STATES), f"every state must appear in the demo: {states}"
    for country in DEMO_COUNTRIES:
        own = [a for a in assessments if a["country"] == country]
        assert {2025, 2027} <= {a["cycle"] for a in own}, f"{country}: needs cycles 2025 and 2027"
        for cycle in (2025, 2027):
            n = sum(1 for a in own if a["cycle"] == cycle)
            assert 2 <= n <= 3, f"{country} {cycle}: {n} ministries assess, want 2-3"
    perspectives = Counter(a["perspective"] for a in assessments)
    assert all(perspectives[p] for p in PERSPECTIVES), f"perspectives used: {perspectives}"
    strengths = {a["strength"] for a in assessments}
    assert len(strengths) >= 10, "strengths should vary between countries and ministries"


@pytest.mark.parametrize("country", DEMO_COUNTRIES)
def test_each_demo_country_has_two_ministries_with_a_validated_assessment(country):
    actor_index = by_code(actors())
    validated = {
        a["actor"]
        for a in demo()["assessments"]
        if a["country"] == country
        and a["state"] == "validated"
        and actor_index[a["actor"]]["type"] in MINISTRY_TYPES
    }
    assert len(validated) >= 2, (
        f"{country}: only {sorted(validated)} have a validated assessment; need 2 ministries"
    )


def test_exactly_one_returned_assessment_with_reason_and_flagged_indicators():
    indicator_index = by_code(indicators())
    returned = [a for a in demo()["assessments"] if a["state"] == "returned"]
    assert len(returned) == 1, f"expected exactly one returned assessment, found {len(returned)}"
    assessment = returned[0]
    details = assessment.get("returned") or {}
    assert details.get("reason", "").strip(), "the returned assessment needs a reason"
    flagged = details.get("indicators") or {}
    assert len(flagged) == 2, f"the returned assessment flags {len(flagged)} indicators, want 2"
    for code, comment in flagged.items():
        assert code in indicator_index, f"flagged indicator {code} does not exist"
        assert in_scope(indicator_index[code]["perspective"], assessment["perspective"]), (
            f"flagged indicator {code} is outside the assessment's perspective"
        )
        assert comment.strip(), f"flagged indicator {code} has no comment"
    for a in demo()["assessments"]:
        if a["state"] != "returned":
            assert "returned" not in a, f"{a['country']}/{a['cycle']}/{a['actor']}: not returned"


def test_focal_points_of_phl_and_mda_have_work_in_progress_and_finished_work():
    users = {user["username"]: user for user in demo()["users"]}
    for username in ("focal-phl", "focal-mda"):
        actor = users[username]["actor"]
        states = {a["state"] for a in demo()["assessments"] if a["actor"] == actor}
        assert states & {"draft", "returned"}, f"{username}: no draft or returned assessment"
        assert states & {"submitted", "validated"}, f"{username}: nothing submitted or validated"
    returned = next(a for a in demo()["assessments"] if a["state"] == "returned")
    assert returned["actor"] in {users["focal-phl"]["actor"], users["focal-mda"]["actor"]}, (
        "the returned assessment should belong to focal-phl's or focal-mda's actor"
    )
    assert returned["cycle"] == 2027, "the returned assessment should be of cycle 2027"
