"""The fixed vocabularies every app shares (DESIGN §2, §3, §7)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    """Governance levels, from the inside out (Diagram 1.1, ¶3, ¶12–34)."""

    SUBNATIONAL = "subnational", _("Sub-national")
    NATIONAL = "national", _("National")
    BILATERAL = "bilateral", _("Bilateral")
    REGIONAL = "regional", _("Regional")
    INTERNATIONAL = "international", _("International")


class ToolKind(models.TextChoices):
    """Tool types: the columns of the Annex B grid (¶7, ¶9)."""

    STRATEGY = "strategy", _("Strategy")
    POLICY = "policy", _("Policy")
    INSTRUMENT = "instrument", _("Instrument")
    FRAMEWORK = "framework", _("Framework")
    RESEARCH = "research", _("Research")
    EVIDENCE = "evidence", _("Evidence")
    DATA = "data", _("Data")


class CoherenceType(models.TextChoices):
    HORIZONTAL = "horizontal", _("Horizontal")
    VERTICAL = "vertical", _("Vertical")


class AreaGroup(models.TextChoices):
    MIGRATION = "migration", _("Migration-specific")
    SECTORAL = "sectoral", _("Sectoral")
    INSTITUTIONAL = "institutional", _("Institutional")


AREA_CODES = (
    "labour_migration",
    "diaspora_remittances",
    "integration",
    "return_reintegration",
    "asylum_protection",
    "irregular_migration",
    "trafficking_smuggling",
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
    "institutional",
)
AREA_CHOICES = [(code, code) for code in AREA_CODES]  # for forms, filters and serializers


class Dimension(models.TextChoices):
    """The five dimensions of the KNOMAD/OECD PICMD dashboard."""

    INSTITUTIONAL = "institutional", _("Promote institutional coherence")
    COSTS = "costs", _("Reduce the costs of migration")
    RIGHTS = "rights", _("Protect migrants and their families")
    INTEGRATION = "integration", _("Promote (re)integration")
    DEVELOPMENT = "development", _("Enhance the development impact")


class Link(models.TextChoices):
    """The pair of levels a vertical indicator connects."""

    SUBNATIONAL = "national-subnational", _("National ↔ sub-national")
    BILATERAL = "national-bilateral", _("National ↔ bilateral")
    REGIONAL = "national-regional", _("National ↔ regional")
    INTERNATIONAL = "national-international", _("National ↔ international")


class Perspective(models.TextChoices):
    ORIGIN = "origin", _("Country of origin")
    DESTINATION = "destination", _("Country of destination")
    BOTH = "both", _("Both")


class Stage(models.TextChoices):
    INPUT = "input", _("Input")
    OUTPUT = "output", _("Output")
    OUTCOME = "outcome", _("Outcome")


class AnswerType(models.TextChoices):
    YES_NO = "yes_no", _("Yes / no")
    THREE_LEVEL = "three_level", _("0 / 5 / 10")
    SCALE = "scale", _("Scale 0–4")
    PERCENT = "percent", _("Percent 0–100")


class Band(models.TextChoices):
    INITIAL = "initial", _("Initial")
    DEVELOPING = "developing", _("Developing")
    ESTABLISHED = "established", _("Established")
    ADVANCED = "advanced", _("Advanced")


class CrosswalkFramework(models.TextChoices):
    """The frameworks whose crosswalk tags are scored (DESIGN §3, §4), in the order their
    entries sort."""

    GCM = "GCM", _("Global Compact for Migration")
    SDG_10_7_2 = "SDG-10.7.2", _("SDG indicator 10.7.2")
    MGI = "MGI", _("Migration Governance Indicators")


# Every scored tag, (framework, code), in the order DESIGN §4 sorts crosswalk entries:
# by framework, then by the number in the code. Other tags are kept and shown, not scored.
SCORED_CROSSWALK = (
    [(CrosswalkFramework.GCM.value, f"GCM-{n}") for n in range(1, 24)]
    + [(CrosswalkFramework.SDG_10_7_2.value, f"SDG-10.7.2-D{n}") for n in range(1, 7)]
    + [(CrosswalkFramework.MGI.value, f"MGI-D{n}") for n in range(1, 7)]
)


class Category(models.TextChoices):
    """The four categories of SDG indicator 10.7.2 reporting, named as the UN names them."""

    REQUIRES_FURTHER_PROGRESS = "requires_further_progress", _("Requires further progress")
    PARTIALLY_MEETS = "partially_meets", _("Partially meets")
    MEETS = "meets", _("Meets")
    FULLY_MEETS = "fully_meets", _("Fully meets")


# What each scored tag stands for, shortened from the GCM's objectives, the SDG 10.7.2
# domains and IOM's MGI domains: the names pages and charts show beside the codes.
CROSSWALK_NAMES = {
    "GCM-1": _("Collect and use accurate, disaggregated data"),
    "GCM-2": _("Minimise the adverse drivers of migration"),
    "GCM-3": _("Accurate and timely information"),
    "GCM-4": _("Legal identity and adequate documentation"),
    "GCM-5": _("Pathways for regular migration"),
    "GCM-6": _("Fair and ethical recruitment, decent work"),
    "GCM-7": _("Address and reduce vulnerabilities"),
    "GCM-8": _("Save lives; efforts on missing migrants"),
    "GCM-9": _("Respond to the smuggling of migrants"),
    "GCM-10": _("Prevent and combat trafficking in persons"),
    "GCM-11": _("Integrated, secure and coordinated border management"),
    "GCM-12": _("Certainty in procedures: screening, assessment, referral"),
    "GCM-13": _("Detention only as a last resort"),
    "GCM-14": _("Consular protection and assistance"),
    "GCM-15": _("Access to basic services"),
    "GCM-16": _("Inclusion and social cohesion"),
    "GCM-17": _("Eliminate discrimination; evidence-based discourse"),
    "GCM-18": _("Skills development and mutual recognition"),
    "GCM-19": _("Migrants and diasporas contribute to development"),
    "GCM-20": _("Faster, safer and cheaper remittances"),
    "GCM-21": _("Safe and dignified return, sustainable reintegration"),
    "GCM-22": _("Portability of social security entitlements"),
    "GCM-23": _("International cooperation and partnerships"),
    "SDG-10.7.2-D1": _("Migrant rights"),
    "SDG-10.7.2-D2": _("Whole-of-government, evidence-based policies"),
    "SDG-10.7.2-D3": _("Cooperation and partnerships"),
    "SDG-10.7.2-D4": _("Socioeconomic well-being"),
    "SDG-10.7.2-D5": _("Mobility dimensions of crises"),
    "SDG-10.7.2-D6": _("Safe, orderly and regular migration"),
    "MGI-D1": _("Migrant rights"),
    "MGI-D2": _("Whole-of-government, evidence-based policies"),
    "MGI-D3": _("Cooperation and partnerships"),
    "MGI-D4": _("Socioeconomic well-being"),
    "MGI-D5": _("Mobility dimensions of crises"),
    "MGI-D6": _("Safe, orderly and regular migration"),
}


class Role(models.TextChoices):
    """What a user may do (DESIGN §1, §7)."""

    FOCAL_POINT = "focal_point", _("Government focal point")
    REVIEWER = "reviewer", _("Reviewer")
    ADMIN = "admin", _("Catalogue administrator")
    PARTNER = "partner", _("Partner system")
    IMPORTER = "importer", _("Importer (built-in)")


class ActorType(models.TextChoices):
    LINE_MINISTRY = "line_ministry", _("Line ministry")
    LEAD_MIGRATION_AGENCY = "lead_migration_agency", _("Lead migration agency")
    INTER_MINISTERIAL_COMMITTEE = "inter_ministerial_committee", _("Inter-ministerial committee")
    PARLIAMENT = "parliament", _("Parliament")
    LOCAL_AUTHORITY = "local_authority", _("Local or regional authority")
    MIGRANT_ASSOCIATION = "migrant_association", _("Migrant or diaspora association")
    EMPLOYER = "employer", _("Employer or recruiter")
    TRADE_UNION = "trade_union", _("Trade union")
    CIVIL_SOCIETY = "civil_society", _("Civil society")
    ACADEMIA = "academia", _("Academia")
    INTERNATIONAL_ORGANISATION = "international_organisation", _("International organisation")
    REGIONAL_CONSULTATIVE_PROCESS = (
        "regional_consultative_process",
        _("Regional consultative process"),
    )
    REGIONAL_ECONOMIC_COMMUNITY = "regional_economic_community", _("Regional economic community")
    DEVELOPMENT_AGENCY = "development_agency", _("Development agency")


GOVERNMENT_ACTOR_TYPES = (
    ActorType.LINE_MINISTRY,
    ActorType.LEAD_MIGRATION_AGENCY,
    ActorType.INTER_MINISTERIAL_COMMITTEE,
    ActorType.PARLIAMENT,
    ActorType.LOCAL_AUTHORITY,
)
