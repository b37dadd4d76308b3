"""When an application can be filed: the yearly call, yearly figures, and a
title that must be granted before another application can lean on it.

Every text opens applications once a year, on a date that year's notice sets
(服务站 第四条（一）「原则上每年开展一次。具体时间和要求以当年申报通知为准」;
示范平台 第九条、第十条; 贵阳 第八条「每年组织开展一次」; 示范基地 第五条、第十条;
成都 第十一条「每年开展1次」). No text fixes the month, so the planner assumes
one (CALL_MONTH) and says so; nor does any text fix how long review, 公示 and
公告 take, so the planner assumes PROCESSING_MONTHS between applying and
holding the title. Both are parameters of ``regkb plan`` (--call-month,
--processing-months).

Yearly figures. The profile's counts are "for the last full year before
as_of" (the profile contract): 上年度服务…家次, 年培训…人次, 年服务企业…家. A
past year cannot change, so a plan that raises such a figure can only show
it at a call after a whole calendar year has reached it. The first year whose
figure is not fixed yet is the year ``as_of`` falls in; the earliest such
call is therefore the one in the following year.
"""
from __future__ import annotations

from datetime import date

CALL_MONTH = 5            # the month the yearly call is assumed to open (1 May)
PROCESSING_MONTHS = 6     # assumed time from an application to the granted title

# Flows counted over the last full year (the profile contract, "counts are
# for the last full year before as_of"); stocks (staff, assets, space,
# partner institutions, experts, resident firms) and survey results
# (satisfaction) can change before any call and are not listed.
YEARLY_PERFORMANCE = {
    "performance.smes_served", "performance.smes_served_jjj", "performance.srdi_visits",
    "performance.public_welfare_activities", "performance.public_welfare_share",
    # a stock, but taken at the end of last year: it too shows only after a year ends
    "performance.resident_firms_prev_year_end",
}
YEARLY_SERVICE = {
    "firms_online", "firms_offline", "firm_visits", "firm_visits_all", "activities", "events_15plus",
    "matchmaking_events", "trainees", "trainees_offline", "financing_raised", "new_guarantees",
    "exhibitions", "leading_firm_matchmaking",
}


def is_yearly(name: str) -> bool:
    """Is the field a figure of the last full year (a flow, not a stock)?"""
    parts = name.split(".")
    if parts[0] == "services" and len(parts) == 3:
        return parts[2] in YEARLY_SERVICE
    return name in YEARLY_PERFORMANCE


def is_year_count(name: str) -> bool:
    """Is the field one year's count of a series (performance.smes_served_by_year.2025)?"""
    parts = name.split(".")
    return parts[:2] == ["performance", "smes_served_by_year"] and len(parts) == 3 and parts[2].isdigit()


def _check_month(month: int) -> int:
    if not isinstance(month, int) or isinstance(month, bool) or not 1 <= month <= 12:
        raise ValueError(f"a month 1..12, got {month!r}")
    return month


def call_on_or_after(day: date, month: int = CALL_MONTH) -> date:
    """The first yearly call (the 1st of ``month``) on or after ``day``."""
    call = date(day.year, _check_month(month), 1)
    return call if call >= day else date(day.year + 1, month, 1)


def first_full_year(as_of: date) -> int:
    """The first calendar year whose figures are not yet fixed on ``as_of``."""
    return as_of.year


def yearly_call(as_of: date, month: int = CALL_MONTH) -> date:
    """The earliest call that can show a raised yearly figure: the first call
    after the end of the first year that can still reach it."""
    return call_on_or_after(date(first_full_year(as_of) + 1, 1, 1), month)


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day where it has no
    such day (as the Civil Code reads a period in months)."""
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month, d)
        except ValueError:
            continue
    raise ValueError(day)


def granted_by(applied: date, months: int = PROCESSING_MONTHS) -> date:
    """When a title applied for on ``applied`` is assumed granted."""
    return add_months(applied, months)
