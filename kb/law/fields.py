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

from typing import Iterable

from kb.law.model import CITY_ZH, FACTS_SOURCE, PROGRAMS


def _facts(name: str) -> dict:
    from kb.io.yamlio import read_yaml
    return read_yaml(FACTS_SOURCE / name) or {}


# facts/functions.yaml's keys, in its order (CSV columns and docs follow it).
SERVICE_FUNCTIONS = tuple(_facts("functions.yaml").get("functions") or {})
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


# -- the type strings, written and read only here -----------------------------------
def enum(values: tuple[str, ...]) -> str:
    return "enum:" + "|".join(values)


def is_enum(kind: str) -> bool:
    return kind.startswith("enum:")


def is_list_of_enum(kind: str) -> bool:
    return kind.startswith("list[enum:") and kind.endswith("]")


def item_kind(kind: str) -> str:
    """``list[X]`` -> ``X``."""
    return kind[len("list["):-1] if kind.startswith("list[") and kind.endswith("]") else kind


def enum_values(kind: str) -> tuple[str, ...]:
    """The values of ``enum:a|b`` or ``list[enum:a|b]``; () for any other type."""
    kind = item_kind(kind)
    return tuple(kind[len("enum:"):].split("|")) if is_enum(kind) else ()


SERVICE_FIELDS = {
    "offered": "bool",
    "firms_online": "int>=0",
    "firms_offline": "int>=0",
    "firm_visits": "int>=0",
    "firm_visits_all": "int>=0",
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
    "staff.fulltime_qualified": "int>=0",
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


def expand_axioms(axioms: list[dict], functions: Iterable[str]) -> list[tuple[str, str]]:
    """facts/measures.yaml's ``le: [a, b]`` as (a, b) pairs, ``*`` spelled out per function."""
    pairs = []
    for axiom in axioms:
        a, b = axiom["le"]
        if "*" in a or "*" in b:
            pairs.extend((a.replace("*", f), b.replace("*", f)) for f in functions)
        else:
            pairs.append((a, b))
    return pairs


def _ordered_pairs(axioms: list[dict]) -> tuple[tuple[str, str, str], ...]:
    out = []
    for axiom in axioms:
        small, large = axiom["le"]
        if axiom.get("blame") not in (None, small, large):
            from kb.io.errors import InputError
            raise InputError(str(FACTS_SOURCE / "measures.yaml"), "axioms.blame",
                             f"expected {small} or {large}, got {axiom['blame']}")
        upper = axiom.get("blame") == large
        for a, b in expand_axioms([axiom], SERVICE_FUNCTIONS):
            out.append((b, ">=", a) if upper else (a, "<=", b))
    return tuple(out)


# Part-whole relations the spec states ("never less than", "of whom"): a
# profile that breaks one holds a typo that would otherwise be silently
# misread. facts/measures.yaml's axioms, each as (field blamed, "<=" or ">=",
# other field); an axiom's `blame` names the field an error points at
# (default the smaller).
MEASURE_AXIOMS: list[dict] = _facts("measures.yaml").get("axioms") or []
ORDERED_PAIRS = _ordered_pairs(MEASURE_AXIOMS)

# Dates that cannot lie after the evaluation date.
PAST_DATES = ("founded_on", "registered_on", "operating_since")


# -- what each field means, for people ---------------------------------------------
# docs/profile.md, `regkb schema` and `regkb init` are generated from FIELDS and
# the tables below, so the documentation cannot drift from what the loader
# accepts; tests/test_profile_docs.py fails when a field has no entry here.

# Units by type; counts name their own unit in DOCS (家, 人, 人次 …) because the
# texts count differently (家 distinct firms, 家次 per visit).
TYPE_UNITS = {"money": "万元", "m2": "m²", "share": "share in [0, 1] (0.9 or \"90%\")", "date": "YYYY-MM-DD"}

# name (service fields as services.*.<leaf>) -> (中文, English, unit of a count or None)
DOCS: dict[str, tuple[str, str, str | None]] = {
    "id": ("稳定标识", "stable identifier", None),
    "name": ("名称（任何语言）", "name, any language", None),
    "as_of": ("评价日期：申请受理截止日期；缺省为今天", "evaluation date: the application deadline; default today", None),
    "notes": ("备注（不参与判断）", "free notes, never read by a rule", None),
    "legal_person": ("具有独立法人资格", "has independent legal-person status", None),
    "sponsor": ("主办单位性质", "who sponsors the entity", None),
    "kinds": ("载体或机构类型（可多选）", "kinds of carrier or institution (several allowed)", None),
    "registered_city": (f"注册地城市（{'、'.join(CITY_ZH)} 或其他城市名；{'/'.join(CITY_ZH.values())}亦可）",
                        f"city of registration ({', '.join(CITY_ZH)} or any other city name)", None),
    "founded_on": ("成立时间（法人设立日期）", "date the legal entity was established", None),
    "registered_on": ("在注册城市登记（注册）的日期；缺省为 founded_on", "date of registration in registered_city; default founded_on", None),
    "operating_since": ("平台或基地开始运营的日期；缺省为 founded_on", "date the platform or base began operating; default founded_on", None),
    "total_assets": ("资产总额", "total assets", None),
    "registered_capital": ("注册资金", "registered capital", None),
    "platform_investment": ("平台建设投入", "investment in building the platform", None),

    "staff.service": ("从事为中小企业服务的人员", "persons serving SMEs", "人"),
    "staff.fulltime_service": ("其中专职人员", "of whom full-time", "人"),
    "staff.bachelor_or_mid_title": ("服务人员中本科及以上学历或中级及以上职称者（每人计一次）",
                                    "service staff with a bachelor's degree or a mid-level title or higher, each person once", "人"),
    "staff.college_or_mid_title": ("服务人员中大专及以上学历或中级及以上职称者；不少于上一项",
                                   "the same with junior college (大专) or higher; never less than bachelor_or_mid_title", "人"),
    "staff.startup_mentors": ("创业辅导师", "certified start-up mentors", "人"),
    # CD 第四条（四）: the 80% share is among the 专职 staff, which the service-staff
    # counts above only bound.
    "staff.fulltime_qualified": ("专职人员中大专及以上学历或中级及以上职称者（每人计一次）；不多于专职人员和 college_or_mid_title",
                                 "full-time service staff with junior college (大专) or higher or a mid-level title or higher, each person once; "
                                 "never more than fulltime_service or college_or_mid_title", "人"),

    "facilities.fixed_premises": ("有固定的经营服务场所", "fixed business and service premises", None),
    "facilities.service_phone": ("有固定的公共服务电话", "fixed public service telephone", None),
    "facilities.info_system": ("具备信息化服务系统（信息展示、查询功能）", "information service system with display and query functions", None),
    "facilities.office_m2": ("固定办公面积", "fixed office area", None),
    "facilities.service_space_m2": ("活动、宣讲会等的服务空间", "space for activities and briefings", None),
    "facilities.building_m2": ("基地建筑总面积", "total building area of the base", None),
    "facilities.public_service_space_m2": ("基地公共服务面积", "public service space of the base", None),
    "facilities.enterprise_service_station": ("基地设有企业服务站", "the base runs an on-site enterprise service station", None),
    "facilities.park_type": ("基地类型", "type of park", None),
    "facilities.operator_property_share": ("运营主体自有产权面积占比", "share of the base's property owned by the operator", None),
    "facilities.leased": ("租赁基地", "the base is leased", None),

    "performance.smes_served": ("上年度服务中小企业数（不重复计）", "distinct SMEs served last year", "家"),
    "performance.smes_served_jjj": ("其中京津冀中小企业", "of which in Beijing-Tianjin-Hebei", "家"),
    "performance.smes_served_by_year": ("各年度服务中小企业数（年份 → 家数），用于“持续增长”“稳步增长”",
                                        "map year → distinct SMEs served, for growth conditions", "家"),
    "performance.srdi_visits": ("服务专精特新企业（按次计）", "services to 专精特新 firms, per visit", "家次"),
    "performance.satisfaction": ("用户满意度", "user satisfaction", None),
    "performance.public_welfare_share": ("公益性或低收费服务占总服务量的比例", "share of public-welfare or low-fee services in all services", None),
    "performance.public_welfare_activities": ("面向中小企业的公益性活动", "public-welfare activities held for SMEs", "次"),
    "performance.partner_institutions": ("集聚或战略合作的社会化专业服务机构", "external professional service institutions aggregated or in strategic cooperation", "家"),
    "performance.external_experts": ("专家库中的外部专家", "external experts in the expert pool", "人"),
    "performance.resident_firms": ("现入驻本市小型微型企业", "small and micro firms of the city resident in the base now", "家"),
    "performance.resident_firms_prev_year_end": ("上年末入驻本市小型微型企业", "the same at the end of last year", "家"),
    "performance.leading_industry_concentration": ("两个主导产业的企业集聚度", "share of resident firms in the two leading industries", None),
    "performance.high_tech_manufacturing_focus": ("基地集聚高精尖制造业（新一代信息技术、医药健康、集成电路、智能网联汽车、智能制造等）",
                                                  "the base concentrates 高精尖 manufacturing", None),

    "services.*.offered": ("提供该项服务；写出其他字段时缺省为 true", "the function is offered; true when omitted and another field is given", None),
    "services.*.firms_online": ("线上服务企业（不重复计）", "distinct firms served online", "家"),
    "services.*.firms_offline": ("线下服务企业（不重复计）", "distinct firms served offline", "家"),
    "services.*.firm_visits": ("线下服务企业（按次计）；不少于 firms_offline", "firms served offline per visit; never less than firms_offline", "家次"),
    # CD 第七条（二）（六）（七）（八） count 年服务企业…家次 without 线下 (switch chengdu_base_online_visits)
    "services.*.firm_visits_all": ("线上线下合计服务企业（按次计）；不少于 firm_visits", "firms served online and offline together, per visit; never less than firm_visits", "家次"),
    "services.*.activities": ("组织线下活动", "offline activities or events organised", "次"),
    "services.*.events_15plus": ("15 家以上中小企业参加的活动", "activities with 15 or more SMEs taking part", "次"),
    "services.*.matchmaking_focus": ("以供需对接为主", "the function is mainly supply-demand matchmaking", None),
    "services.*.matchmaking_events": ("融资或技术对接会", "financing or technology matchmaking meetings", "次"),
    "services.*.trainees": ("培训人员（人次）", "person-times trained", "人次"),
    "services.*.trainees_offline": ("其中线下培训（人次）", "of which offline", "人次"),
    "services.*.financing_raised": ("为中小企业获得融资", "financing obtained for SMEs", None),
    "services.*.new_guarantees": ("新增担保额", "new guarantee volume", None),
    "services.*.exhibitions": ("组织展会、展销及推介活动", "exhibitions, trade fairs and promotions organised", "次"),
    "services.*.leading_firm_matchmaking": ("与龙头企业的对接活动", "matchmaking events with leading firms", "次"),
    "services.*.quality_certified": ("通过 GB/T 19001 / ISO 9001 或同等质量管理体系认证", "GB/T 19001 / ISO 9001 or equivalent quality certification", None),

    "credit_events": ("信用事件：{kind, date, subject}；不写即无", "credit events {kind, date, subject}; absent means none", None),
    "designations": ("曾获或现持有的认定：{program, granted_on, expires_on}；不写即无", "designations held now or before {program, granted_on, expires_on}; absent means none", None),
    "revocations": ("被撤销的认定：{program, date, reason}；不写即无", "revocations {program, date, reason}; absent means none", None),
    "attest": ("定性条件的自我声明：条件键 → true/false；未声明视为满足，需准备材料",
               "qualitative condition key → true/false; unattested means assumed met, evidence to prepare", None),
}

RECORD_DOCS = {
    "kind": ("信用事件类型", "kind of credit event"), "date": ("日期", "date"),
    "subject": ("涉及主体：单位或法定代表人", "who: the entity or its legal representative"),
    "program": ("项目 id", "program id"), "granted_on": ("认定日期", "date granted"),
    "expires_on": ("有效期届满日期（可缺）", "expiry date (optional)"),
    "reason": ("撤销原因", "reason of revocation"),
}

# Chinese names of enum values: the loader accepts either, and stores the English.
ENUM_ZH: dict[str, str] = {
    # sponsor
    "enterprise": "企业", "government": "机关", "public_institution": "事业单位",
    "social_organization": "社团法人",
    # kinds
    "incubator": "孵化器", "hard_tech_incubator": "硬科技孵化器", "maker_space": "众创空间",
    "university_science_park": "大学科技园", "returnee_park": "留学人员创业园",
    "student_startup_park": "大学生创业园", "industrial_cluster": "产业聚集区",
    "zgc_cluster": "中关村示范园区内的聚集区", "leading_enterprise_space": "行业龙头企业设立的创业创新空间",
    "professional_service_institution": "专业化服务机构", "industry_organization": "行业组织",
    "university": "高校", "research_institute": "科研院所", "guarantee_institution": "融资担保机构",
    "other": "其他",
    # park types
    "manufacturing": "制造业园区", "building_economy": "楼宇经济园",
    # credit kinds
    "criminal_penalty": "刑事处罚", "serious_admin_penalty": "严重行政处罚", "serious_dishonesty": "严重失信",
    "abnormal_operation_list": "经营异常名录", "violation": "违法违规", "false_materials": "提供虚假材料",
    # subjects
    "entity": "单位", "legal_representative": "法定代表人",
    # revocation reasons (false_materials, violation, other above)
    "dishonesty": "失信", "failed_evaluation": "复评不合格", "missed_reporting": "未按要求报送",
}
# Other ways people write the same value (the text's own words).
ENUM_ALIASES: dict[str, str] = {
    "科技企业孵化器": "incubator", "机关单位": "government", "政府机关": "government",
    "社会组织": "social_organization", "产业集聚区": "industrial_cluster", "楼宇经济": "building_economy",
    "制造业": "manufacturing", "高等院校": "university", "高校及科研院所": "university",
    # names this project printed before it used the texts' own words (严重行政处罚, 复评不合格)
    "重大行政处罚": "serious_admin_penalty", "复核不合格": "failed_evaluation",
}


def enum_value(text: str, allowed: tuple[str, ...]) -> str | None:
    """The English enum value a person meant by ``text`` (English or Chinese), or None."""
    text = text.strip()
    if text in allowed:
        return text
    for value in allowed:
        if ENUM_ZH.get(value) == text:
            return value
    alias = ENUM_ALIASES.get(text)
    return alias if alias in allowed else None


def doc_of(name: str) -> tuple[str, str, str | None]:
    """(中文, English, unit) of a dotted field name; service fields share one entry per leaf."""
    parts = name.split(".")
    key = f"services.*.{parts[2]}" if parts[0] == "services" and len(parts) == 3 else name
    zh, en, count_unit = DOCS[key]
    kind = FIELDS[name]
    return zh, en, count_unit or TYPE_UNITS.get(kind)
