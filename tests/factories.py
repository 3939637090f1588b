"""A small, hand-made catalogue for tests: every level, a few instruments, a framework of
eight indicators, and one user per role. Numbers in tests are worked out against it."""

from django.contrib.auth import get_user_model
from django.utils import timezone

from actors.models import Actor, Membership
from assessments.models import FrameworkVersion, Indicator
from coherence.choices import AREA_CODES, Level, Role, ToolKind
from coherence.models import Country, GovernanceLevel, PolicyArea, ToolType
from instruments.models import Instrument

PASSWORD = "test-pass-2026"

# code, dimension, type, area, link, perspective, answer_type, weight, allow_na
INDICATORS = [
    ("H-INS-01", "institutional", "horizontal", "institutional", None, "both", "yes_no", 1, False),
    (
        "H-LAB-01",
        "costs",
        "horizontal",
        "labour_migration",
        None,
        "origin",
        "three_level",
        1,
        False,
    ),
    (
        "H-LAB-02",
        "rights",
        "horizontal",
        "labour_migration",
        None,
        "destination",
        "scale",
        2,
        False,
    ),
    (
        "H-DIA-01",
        "development",
        "horizontal",
        "diaspora_remittances",
        None,
        "both",
        "percent",
        1,
        True,
    ),
    (
        "V-SUB-01",
        "institutional",
        "vertical",
        "institutional",
        "national-subnational",
        "both",
        "yes_no",
        1,
        False,
    ),
    (
        "V-BIL-01",
        "costs",
        "vertical",
        "labour_migration",
        "national-bilateral",
        "both",
        "three_level",
        1,
        True,
    ),
    (
        "V-REG-01",
        "integration",
        "vertical",
        "integration",
        "national-regional",
        "destination",
        "scale",
        1,
        False,
    ),
    (
        "V-INT-01",
        "rights",
        "vertical",
        "asylum_protection",
        "national-international",
        "both",
        "percent",
        1,
        False,
    ),
]


def make_catalogue() -> dict:
    for rank, code in enumerate(Level.values):
        GovernanceLevel.objects.get_or_create(code=code, defaults={"rank": rank})
    for rank, code in enumerate(ToolKind.values):
        ToolType.objects.get_or_create(code=code, defaults={"rank": rank})
    for rank, code in enumerate(AREA_CODES):
        PolicyArea.objects.get_or_create(
            code=code,
            defaults={
                "group": "migration",
                "rank": rank,
                "name_en": code,
                "name_fr": f"{code} (fr)",
            },
        )
    for iso3, name in [
        ("PHL", "Philippines"),
        ("MDA", "Moldova"),
        ("GBR", "United Kingdom"),
        ("XKX", "Kosovo"),
        ("CHE", "Switzerland"),
    ]:
        Country.objects.get_or_create(iso3=iso3, defaults={"name": name})
    actors = {
        code: Actor.objects.create(code=code, name=name, type=type_, level=level, country_id=c)
        for code, name, type_, level, c in [
            ("PHL-DMW", "Department of Migrant Workers", "line_ministry", "national", "PHL"),
            ("PHL-DOH", "Department of Health", "line_ministry", "national", "PHL"),
            ("PHL-NAGA", "Naga City", "local_authority", "subnational", "PHL"),
            (
                "MDA-BMA",
                "Bureau for Migration and Asylum",
                "lead_migration_agency",
                "national",
                "MDA",
            ),
            ("CHE-SEM", "State Secretariat for Migration", "line_ministry", "national", "CHE"),
            ("COLOMBO", "Colombo Process", "regional_consultative_process", "regional", None),
            (
                "IOM",
                "International Organization for Migration",
                "international_organisation",
                "international",
                None,
            ),
        ]
    }
    framework = FrameworkVersion.objects.create(code="2026.1", published_at=timezone.now())
    indicators = {}
    for rank, (code, dim, ctype, area, link, persp, atype, weight, na) in enumerate(INDICATORS):
        indicators[code] = Indicator.objects.create(
            version=framework,
            code=code,
            rank=rank,
            dimension=dim,
            coherence_type=ctype,
            area_id=area,
            link=link,
            perspective=persp,
            stage="input",
            answer_type=atype,
            weight=weight,
            allow_na=na,
            question_en=f"Question {code}?",
            question_fr=f"Question {code} ?",
            question_es=f"¿Pregunta {code}?",
        )
    instruments = {}
    for code, tool, levels, countries in [
        ("PHL-LMP", "policy", ["national"], ["PHL"]),
        ("PHL-CHE-MP", "instrument", ["bilateral"], ["PHL", "CHE"]),
        ("MIGOF", "framework", ["international"], []),
        ("NAGA-MDC", "strategy", ["subnational", "national"], ["PHL"]),
    ]:
        instrument = Instrument.objects.create(
            code=code, name=f"Instrument {code}", tool_type_id=tool
        )
        instrument.levels.set(levels)
        instrument.countries.set(countries)
        instruments[code] = instrument
    return {
        "actors": actors,
        "framework": framework,
        "indicators": indicators,
        "instruments": instruments,
    }


def make_user(username: str, role: str, actor: Actor | None = None, government: str | None = None):
    user = get_user_model().objects.create_user(
        username, email=f"{username}@example.org", password=PASSWORD
    )
    Membership.objects.create(user=user, role=role, actor=actor, government_id=government)
    return user


def make_users(actors: dict) -> dict:
    return {
        "focal_phl": make_user("focal-phl", Role.FOCAL_POINT, actors["PHL-DMW"]),
        "focal_phl_health": make_user("focal-phl-doh", Role.FOCAL_POINT, actors["PHL-DOH"]),
        "focal_mda": make_user("focal-mda", Role.FOCAL_POINT, actors["MDA-BMA"]),
        "reviewer": make_user("cochair", Role.REVIEWER),
        "reviewer_phl": make_user("cochair-phl", Role.REVIEWER, government="PHL"),
        "partner": make_user("partner", Role.PARTNER),
    }
