"""The profile's field table, kept apart from the loader so it reads as the contract.

Names, units and enums come from /work/shared/spec/profile.md. The table is
flat (dotted names) because every consumer wants it flat: the validator walks
it, encodings check the fields they cite against it, and the bulk CSV uses its
names as columns. Service fields are spelled out per canonical function so a
CSV column such as ``services.training.trainees`` is a plain lookup.

Type strings:

``str``, ``bool``, ``date`` (ISO ``YYYY-MM-DD``), ``int>=0`` (a count),
``money`` (万元, >= 0), ``m2`` (square metres, >= 0), ``share`` (in [0, 1]),
``enum:a|b|c``, ``list[enum:...]``, ``map[year]int>=0``, ``map[str]bool``,
``program`` (a program id), and ``list[<record>]`` for the history lists
whose items are described in :data:`RECORDS`.
"""
from __future__ import annotations

from kb.model import PROGRAMS

SERVICE_FUNCTIONS = (
    "information", "policy", "consulting", "financing", "technology", "entrepreneurship",
    "training", "management_consulting", "market_development", "legal", "professional",
    "industrial_chain", "achievement_transformation", "integrated_development",
    "digital_transformation",
)
SPONSORS = ("enterprise", "government", "public_institution", "social_organization")
KINDS = (
    "incubator", "hard_tech_incubator", "maker_space", "university_science_park", "returnee_park",
    "student_startup_park", "industrial_cluster", "zgc_cluster", "leading_enterprise_space",
    "professional_service_institution", "industry_organization", "university",
    "research_institute", "guarantee_institution", "other",
)
PARK_TYPES = ("manufacturing", "building_economy", "other")
CREDIT_KINDS = ("criminal_penalty", "serious_admin_penalty", "serious_dishonesty",
                "abnormal_operation_list", "violation", "false_materials")
CREDIT_SUBJECTS = ("entity", "legal_representative")
REVOCATION_REASONS = ("false_materials", "violation", "dishonesty", "failed_evaluation",
                      "missed_reporting", "other")
PROGRAM_IDS = tuple(PROGRAMS)


def enum(values: tuple[str, ...]) -> str:
    return "enum:" + "|".join(values)


SERVICE_FIELDS = {
    "offered": "bool",
    "firms_online": "int>=0",
    "firms_offline": "int>=0",
    "firm_visits": "int>=0",
    "activities": "int>=0",
    "events_15plus": "int>=0",
    "matchmaking_focus": "bool",
    "matchmaking_events": "int>=0",
    "trainees": "int>=0",
    "trainees_offline": "int>=0",
    "financing_raised": "money",
    "new_guarantees": "money",
    "exhibitions": "int>=0",
    "leading_firm_matchmaking": "int>=0",
    "quality_certified": "bool",
}

# Items of the history lists: field -> (type, required).
RECORDS = {
    "credit_event": {"kind": (enum(CREDIT_KINDS), True), "date": ("date", True),
                     "subject": (enum(CREDIT_SUBJECTS), True)},
    "designation": {"program": ("program", True), "granted_on": ("date", True),
                    "expires_on": ("date", False)},
    "revocation": {"program": ("program", True), "date": ("date", True),
                   "reason": (enum(REVOCATION_REASONS), True)},
}

FIELDS: dict[str, str] = {
    "id": "str",
    "name": "str",
    "as_of": "date",
    "notes": "str",
    "legal_person": "bool",
    "sponsor": enum(SPONSORS),
    "kinds": f"list[{enum(KINDS)}]",
    "registered_city": "str",
    "founded_on": "date",
    "registered_on": "date",
    "operating_since": "date",
    "total_assets": "money",
    "registered_capital": "money",
    "platform_investment": "money",

    "staff.service": "int>=0",
    "staff.fulltime_service": "int>=0",
    "staff.bachelor_or_mid_title": "int>=0",
    "staff.college_or_mid_title": "int>=0",
    "staff.startup_mentors": "int>=0",

    "facilities.fixed_premises": "bool",
    "facilities.service_phone": "bool",
    "facilities.info_system": "bool",
    "facilities.office_m2": "m2",
    "facilities.service_space_m2": "m2",
    "facilities.building_m2": "m2",
    "facilities.public_service_space_m2": "m2",
    "facilities.enterprise_service_station": "bool",
    "facilities.park_type": enum(PARK_TYPES),
    "facilities.operator_property_share": "share",
    "facilities.leased": "bool",

    "performance.smes_served": "int>=0",
    "performance.smes_served_jjj": "int>=0",
    "performance.smes_served_by_year": "map[year]int>=0",
    "performance.srdi_visits": "int>=0",
    "performance.satisfaction": "share",
    "performance.public_welfare_share": "share",
    "performance.public_welfare_activities": "int>=0",
    "performance.partner_institutions": "int>=0",
    "performance.external_experts": "int>=0",
    "performance.resident_firms": "int>=0",
    "performance.resident_firms_prev_year_end": "int>=0",
    "performance.leading_industry_concentration": "share",
    "performance.high_tech_manufacturing_focus": "bool",

    **{f"services.{fn}.{f}": t for fn in SERVICE_FUNCTIONS for f, t in SERVICE_FIELDS.items()},

    "credit_events": "list[credit_event]",
    "designations": "list[designation]",
    "revocations": "list[revocation]",
    "attest": "map[str]bool",
}

# Fields that describe the document rather than the organization; they are
# attributes of a Profile, not entries of its ``values``.
META_FIELDS = ("id", "name", "as_of", "notes")
HISTORY_FIELDS = ("credit_events", "designations", "revocations", "attest")

# Part-whole relations the spec states ("never less than", "of whom"): a
# profile that breaks one holds a typo that would otherwise be silently
# misread. The same relations as facts/measures.yaml's axioms, each written
# as (field blamed, "<=" or ">=", other field).
ORDERED_PAIRS = (
    ("staff.college_or_mid_title", ">=", "staff.bachelor_or_mid_title"),
    ("staff.fulltime_service", "<=", "staff.service"),
    ("staff.college_or_mid_title", "<=", "staff.service"),
    ("performance.smes_served_jjj", "<=", "performance.smes_served"),
    *((f"services.{fn}.firm_visits", ">=", f"services.{fn}.firms_offline") for fn in SERVICE_FUNCTIONS),
    *((f"services.{fn}.trainees_offline", "<=", f"services.{fn}.trainees") for fn in SERVICE_FUNCTIONS),
)

# Dates that cannot lie after the evaluation date.
PAST_DATES = ("founded_on", "registered_on", "operating_since")
