"""The limit to approach: the six programs' conditions written by hand in plain pandas.

    python bench/baseline.py POPULATION.csv OUT.csv

What a researcher would write in a notebook, with the default readings of
facts/switches.yaml: every figure copied by hand from the encodings (this
file is a benchmark, not the product; kb/screening/vectorized.py compiles the same
figures from the encoded nodes instead), floats, and two-valued logic (a
missing figure simply fails). No validation of the rows, no bounds between
fields (家次 ≥ 家 …), no discretion. It reads the same CSV in chunks with
pandas' type inference and writes the same shape of result (org, program,
status, failed ids joined by ";") with DataFrame.to_csv.
"""
from __future__ import annotations

import json
import sys

import numpy as np
import pandas as pd

CHUNK = 100_000
BJ_KINDS_OPEN = True   # both Beijing kind lists are open (包括但不限于 / 等): never fail


def col(df, name, default=np.nan):
    return df[name] if name in df else pd.Series(default, index=df.index)


def truth(df, name):
    return col(df, name).eq(True)   # read with true_values / false_values


def num(df, name):
    return pd.to_numeric(col(df, name), errors="coerce")


def years_since(df, name, as_of):
    when = pd.to_datetime(col(df, name).fillna(col(df, "founded_on")), errors="coerce")
    before = (when.dt.month > as_of.month) | ((when.dt.month == as_of.month) & (when.dt.day > as_of.day))
    return as_of.year - when.dt.year - before.astype(int)


def offered(df, fn):
    cols = [c for c in df.columns if c.startswith(f"services.{fn}.")]
    listed = df[cols].notna().any(axis=1) if cols else pd.Series(False, index=df.index)
    return listed & ~col(df, f"services.{fn}.offered").eq(False)


def parsed(df, name):
    """JSON history cells, parsed only where given (most are empty)."""
    cells = col(df, name).dropna()
    return pd.Series([json.loads(c) for c in cells], index=cells.index, dtype=object)


def _any(items: pd.Series, index, test) -> pd.Series:
    out = pd.Series(False, index=index)
    if len(items):
        out[items.index] = [any(test(e) for e in row) for row in items]
    return out


def hits(events, index, kinds, subjects, start):
    return _any(events, index, lambda e: e["kind"] in kinds and e["subject"] in subjects and e["date"] >= start)


def revoked(revs, index, programs, reasons, start):
    return _any(revs, index, lambda r: r["program"] in programs and r["reason"] in reasons and r["date"] >= start)


def blocked(designations, index, program, year):
    return _any(designations, index, lambda d: d["program"] == program and int(d.get("expires_on", "0")[:4]) > year)


def served(df, year, back=4):
    """Served SMEs of each of the ``back`` years before as_of's year, from the JSON cell."""
    series = col(df, "performance.smes_served_by_year").astype(str)
    return {y: pd.to_numeric(series.str.extract(f'"{y}": (\\d+)', expand=False), errors="coerce")
            for y in range(year - back, year)}


def growth(counts, pairs, year):
    ok = pd.Series(True, index=next(iter(counts.values())).index)
    for i in range(1, pairs + 1):
        ok &= counts[year - i] > counts[year - i - 1]
    return ok


def attested_false(attest, index):
    """Per qualitative key, the rows attesting it false."""
    rows: dict[str, list] = {}
    for i, given in attest.items():
        for key, value in given.items():
            if value is False:
                rows.setdefault(key, []).append(i)
    return lambda key: pd.Series(index.isin(rows.get(key, [])), index=index)


def evaluate(df: pd.DataFrame) -> dict[str, dict[str, pd.Series]]:
    as_of = pd.Timestamp(df["as_of"].iloc[0]) if len(df) else pd.Timestamp("2024-06-30")
    year = as_of.year
    start = {y: f"{year - y}-{as_of.month:02d}-{as_of.day:02d}" for y in (1, 2, 3)}
    start[None] = "0000"
    ix = df.index
    counts = served(df, year)
    events, revs, desig, attest = (parsed(df, c) for c in ("credit_events", "revocations", "designations", "attest"))
    city = col(df, "registered_city").astype(str).str.lower().replace({"北京": "beijing", "北京市": "beijing", "贵阳": "guiyang",
                                                                       "贵阳市": "guiyang", "成都": "chengdu", "成都市": "chengdu"})
    kinds = col(df, "kinds").astype(str)
    f = {fn: offered(df, fn) for fn in ("information", "policy", "consulting", "financing", "technology",
                                        "entrepreneurship", "training", "management_consulting", "market_development",
                                        "legal", "professional", "industrial_chain", "achievement_transformation",
                                        "integrated_development", "digital_transformation")}
    staff, fulltime = num(df, "staff.service"), num(df, "staff.fulltime_service")
    bachelor, college = num(df, "staff.bachelor_or_mid_title"), num(df, "staff.college_or_mid_title")
    sat = num(df, "performance.satisfaction")
    welfare = num(df, "performance.public_welfare_share")
    false = attested_false(attest, ix)
    q = lambda key: ~false(key)
    all_kinds = ["criminal_penalty", "serious_admin_penalty", "serious_dishonesty", "abnormal_operation_list",
                 "violation", "false_materials"]
    both = ["entity", "legal_representative"]
    out = {}
    out["beijing.station"] = {
        "legal_person": truth(df, "legal_person"), "registered_in_beijing": city == "beijing",
        "years_established": years_since(df, "founded_on", as_of) >= 2, "good_operation": q("good_operation"),
        "no_penalties": ~hits(events, ix, ["criminal_penalty", "serious_admin_penalty"], both, start[None]),
        "no_serious_dishonesty": ~hits(events, ix, ["serious_dishonesty"], both, start[None]),
        "premises": truth(df, "facilities.fixed_premises"), "service_phone": truth(df, "facilities.service_phone"),
        "info_tools": q("facilities"), "office_area": num(df, "facilities.office_m2") >= 100,
        "service_space": num(df, "facilities.service_space_m2") >= 1000, "fulltime_staff": fulltime >= 3,
        "team": q("team"), "service_experience": q("beijing.station/service_experience"),
        "firms_served": (num(df, "performance.srdi_visits") >= 50) | (num(df, "performance.smes_served") >= 300),
        "public_welfare_activities": num(df, "performance.public_welfare_activities") >= 15,
        "service_resources": q("beijing.station/service_resources"),
        "functions": f["technology"] | f["achievement_transformation"] | f["financing"] | f["integrated_development"]
        | f["digital_transformation"] | f["legal"],
    }
    bj_functions = sum(f[x].astype(int) for x in ("information", "financing", "technology", "entrepreneurship",
                                                   "training", "management_consulting", "market_development", "legal"))
    out["beijing.platform"] = {
        "legal_person": truth(df, "legal_person"), "registered_in_beijing": city == "beijing",
        "years_established": years_since(df, "founded_on", as_of) >= 2, "total_assets": num(df, "total_assets") >= 200,
        "operation_and_credit": q("credit_standing"), "prospects": q("prospects"),
        "smes_served_jjj": num(df, "performance.smes_served_jjj") >= 100,
        "served_growth": growth(counts, 2, year), "reputation": q("reputation"),
        "premises": truth(df, "facilities.fixed_premises"), "facilities": q("facilities"),
        "resource_integration": q("resource_integration"),
        "partner_institutions": num(df, "performance.partner_institutions") >= 5,
        "info_system": truth(df, "facilities.info_system"), "digital_operation": q("beijing.platform/digital_operation"),
        "management_systems": q("management_systems"), "team": q("team"),
        "clean_credit": ~hits(events, ix, all_kinds, both, start[None]), "service_staff": staff >= 10,
        "staff_qualification_share": bachelor / staff >= 0.8, "satisfaction": sat >= 0.9,
        "public_welfare_share": welfare >= 0.2, "functions": bj_functions >= 3,
        "no_penalties_3y": ~hits(events, ix, ["criminal_penalty", "serious_admin_penalty"], both, start[3]),
        "no_serious_dishonesty_3y": ~hits(events, ix, ["serious_dishonesty"], both, start[3]),
        "reapplication": ~blocked(desig, ix, "beijing.platform", year),
        "ban_after_revocation": ~revoked(revs, ix, ["beijing.platform"], ["false_materials", "violation", "dishonesty"], start[3]),
        "ban_after_failed_review": ~revoked(revs, ix, ["beijing.platform"], ["failed_evaluation"], start[1]),
    }
    gy_fin = f["financing"] & (((num(df, "services.financing.activities") >= 5)
                                & (num(df, "services.financing.financing_raised") >= 30000))
                               | (kinds.str.contains("guarantee_institution")
                                  & (num(df, "services.financing.new_guarantees") >= 150000)))
    out["guiyang.platform"] = {
        "registered_in_guiyang": city == "guiyang", "legal_person": truth(df, "legal_person"),
        "service_capability": q("guiyang.platform/service_capability"),
        "years_operating": years_since(df, "operating_since", as_of) >= 1,
        "assets_or_investment": (num(df, "total_assets") >= 50) | (num(df, "platform_investment") >= 100),
        "good_operation": q("good_operation"), "prospects": q("prospects"),
        "smes_served": num(df, "performance.smes_served") >= 60, "satisfaction": sat >= 0.8,
        "reputation": q("reputation"), "premises": truth(df, "facilities.fixed_premises"), "facilities": q("facilities"),
        "resource_integration": q("resource_integration"), "management_systems": q("management_systems"),
        "small_firm_fees": q("guiyang.platform/small_firm_fees"), "public_welfare_share": welfare >= 0.2,
        "team": q("team"),
        "leader_integrity": ~hits(events, ix, ["criminal_penalty", "serious_admin_penalty", "serious_dishonesty"],
                                  ["legal_representative"], start[None]),
        "service_staff": staff >= 10, "staff_qualification_share": college / staff >= 0.8,
        "functions": (f["information"] & (num(df, "services.information.firms_offline") >= 60)
                      & (num(df, "services.information.activities") >= 4))
        | (f["technology"] & (num(df, "services.technology.activities") >= 2))
        | (f["entrepreneurship"] & (num(df, "services.entrepreneurship.activities") >= 4))
        | (f["training"] & (num(df, "services.training.trainees") >= 1000)) | gy_fin
        | (f["market_development"] & (num(df, "services.market_development.exhibitions") >= 2)),
        "distinctive_model": q("guiyang.platform/distinctive_model"),
    }
    high_tech = truth(df, "performance.high_tech_manufacturing_focus")
    firms, conc = num(df, "performance.resident_firms"), num(df, "performance.leading_industry_concentration")
    base_functions = sum(f[x].astype(int) for x in ("entrepreneurship", "technology", "information", "financing",
                                                     "training", "management_consulting", "professional",
                                                     "industrial_chain"))
    out["beijing.base"] = {
        "legal_person": truth(df, "legal_person"), "registered_in_beijing": city == "beijing",
        "years_established": years_since(df, "founded_on", as_of) >= 2,
        "rolling_incubation": q("beijing.base/rolling_incubation"), "good_operation": q("good_operation"),
        "no_penalties": ~hits(events, ix, ["criminal_penalty", "serious_admin_penalty"], both, start[2]),
        "no_serious_dishonesty": ~hits(events, ix, ["serious_dishonesty"], both, start[2]),
        "project_compliance": q("beijing.base/project_compliance"),
        "building_area": num(df, "facilities.building_m2") >= 5000,
        "public_service_space": num(df, "facilities.public_service_space_m2") >= 500, "facilities": q("facilities"),
        "resident_firms_and_concentration": np.where(high_tech, (firms >= 40) & (conc >= 0.8), (firms >= 60) & (conc >= 0.6)),
        "governance": q("governance"), "management_systems": q("management_systems"),
        "qualified_staff": bachelor >= 8, "team": q("team"), "satisfaction": sat >= 0.9,
        "free_services": q("beijing.base/free_services"), "service_station": truth(df, "facilities.enterprise_service_station"),
        "functions": base_functions >= 3,
        "ban_after_revocation": ~revoked(revs, ix, ["beijing.base"], ["false_materials", "violation", "dishonesty"], start[2]),
    }
    within = (college - (staff - fulltime)).clip(lower=0) / fulltime
    matchmaking = truth(df, "services.consulting.matchmaking_focus")
    out["chengdu.platform"] = {
        "legal_person": truth(df, "legal_person"), "registered_in_chengdu": city == "chengdu",
        "years_registered": years_since(df, "registered_on", as_of) >= 3,
        "registered_capital": num(df, "registered_capital") >= 100,
        "basic_service": f["policy"] | f["consulting"] | f["training"] | f["technology"],
        "premises": truth(df, "facilities.fixed_premises"), "facilities": q("facilities"),
        "good_operation": q("good_operation"), "prospects": q("prospects"),
        "partners_or_experts": (num(df, "performance.partner_institutions") >= 5) | (num(df, "performance.external_experts") >= 10),
        "resource_integration": q("resource_integration"), "fulltime_staff": fulltime >= 10,
        "staff_qualification_share": within >= 0.8, "team": q("team"), "management_systems": q("management_systems"),
        "served_growth": growth(counts, 3, year), "reputation": q("reputation"), "satisfaction": sat >= 0.9,
        "participation": q("chengdu.platform/participation"),
        "clean_record_3y": ~hits(events, ix, all_kinds, both, start[3]),
        "functions": (f["policy"] & ((num(df, "services.policy.firms_online") >= 300) | (num(df, "services.policy.firms_offline") >= 100)))
        | (f["consulting"] & (num(df, "services.consulting.firms_offline") >= 50)
           & (~matchmaking | (num(df, "services.consulting.events_15plus") >= 5)))
        | (f["training"] & (num(df, "services.training.trainees") >= 500) & (num(df, "services.training.trainees_offline") >= 200))
        | (f["technology"] & truth(df, "services.technology.quality_certified") & (num(df, "services.technology.firms_offline") >= 50)),
        "reapplication": ~blocked(desig, ix, "chengdu.platform", year),
        "ban_after_revocation": ~revoked(revs, ix, ["chengdu.platform"], ["false_materials", "violation", "dishonesty", "other"], start[3]),
    }
    park, area = col(df, "facilities.park_type"), num(df, "facilities.building_m2")
    cd_functions = sum(x.astype(int) for x in (
        f["information"] & (num(df, "services.information.firm_visits") >= 30) & (num(df, "services.information.activities") >= 3),
        f["entrepreneurship"] & (num(df, "services.entrepreneurship.firm_visits") >= 20),
        f["technology"] & (num(df, "services.technology.matchmaking_events") >= 3),
        f["training"] & (num(df, "services.training.trainees") >= 150),
        f["market_development"] & (num(df, "services.market_development.exhibitions") >= 1)
        & (num(df, "services.market_development.leading_firm_matchmaking") >= 1),
        f["financing"] & (num(df, "services.financing.firm_visits") >= 15) & (num(df, "services.financing.matchmaking_events") >= 2),
        f["management_consulting"] & (num(df, "services.management_consulting.firm_visits") >= 10),
        f["professional"] & (num(df, "services.professional.firm_visits") >= 10)))
    out["chengdu.base"] = {
        "legal_person": truth(df, "legal_person"), "registered_in_chengdu": city == "chengdu",
        "years_registered": years_since(df, "registered_on", as_of) >= 3,
        "clean_record": ~hits(events, ix, all_kinds, both, start[None]),
        "resident_firms_now": firms >= 30, "resident_firms_prev_year_end": num(df, "performance.resident_firms_prev_year_end") >= 30,
        "fulltime_staff": fulltime >= 5, "startup_mentors": num(df, "staff.startup_mentors") >= 2,
        "partner_institutions": num(df, "performance.partner_institutions") >= 3,
        "distinctive_services": q("chengdu.base/distinctive_services"), "public_welfare_share": welfare >= 0.2,
        "facilities": q("facilities"),
        "building_area": np.where(park == "manufacturing", area >= 60000, np.where(park == "building_economy", area >= 8000, True)),
        "property_share": (num(df, "facilities.operator_property_share") >= 0.7) | truth(df, "facilities.leased"),
        "governance": q("governance"), "management_systems": q("management_systems"), "functions": cd_functions >= 4,
        "reapplication": ~blocked(desig, ix, "chengdu.base", year),
        "ban_after_revocation": ~revoked(revs, ix, ["chengdu.base"], ["false_materials", "violation", "dishonesty", "other"], start[3]),
    }
    return out


def failed_lists(program: str, conditions: dict) -> pd.Series:
    """The failed ids of each row, joined: one string per distinct pattern."""
    names = list(conditions)
    bits = np.column_stack([~np.asarray(conditions[n], dtype=bool) for n in names])
    key = bits.astype(np.int64) @ (np.int64(1) << np.arange(len(names), dtype=np.int64))
    codes, uniques = pd.factorize(key)
    labels = np.array([";".join(f"{program}/{n}" for i, n in enumerate(names) if u >> i & 1) for u in uniques],
                      dtype=object)
    return labels[codes]


def main(source: str, target: str) -> None:
    first = True
    for df in pd.read_csv(source, chunksize=CHUNK, low_memory=False, true_values=["true"], false_values=["false"]):
        parts = []
        for program, conditions in evaluate(df).items():
            failed = failed_lists(program, conditions)
            parts.append(pd.DataFrame({"org": df["id"], "program": program,
                                       "status": np.where(failed == "", "qualifies", "fails"), "failed": failed}))
        result = pd.concat(parts).sort_index(kind="stable")
        result.to_csv(target, mode="w" if first else "a", header=first, index=False)
        first = False


if __name__ == "__main__":
    main(*sys.argv[1:3])
