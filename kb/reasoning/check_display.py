"""`regkb check` for a person who must act on it.

Each failure is shown with the clause's own Chinese words, the figure against
the threshold in the text's terms (percent for 比例/满意度, 万元, 人次, m²), and the
shortfall in units one can act on ("3 more of 14 staff"); an any-k-of-n failure
names the nearest alternatives and what each lacks; a current holder reads as
holding, with the year it may reapply. The header says which version of each
text was applied and its status (a 征求意见稿 is a draft), and a legend explains
the marks. Display only: every status comes from the engine (kb/reasoning/check.py).
"""
from __future__ import annotations

import math
import re
from datetime import date
from fractions import Fraction
from typing import Any

from kb.reasoning.check import FAILED, MET, UNKNOWN, ExplainNode, Reading
from kb.law.fields import ENUM_ZH, FIELDS, doc_of
from kb.law.measures import add_years, bounds, full_years
from kb.law.model import CITY_ZH, PROGRAMS, Node
from kb.law.wording import failing_symbol, fmt, listed, quantity, rounded_percent as pct, short_name, symbol

W = {
    "en": {"as_of": "as of", "texts": "Texts applied", "legend": "Legend",
           "qualifies": "qualifies", "fails": "fails", "undetermined": "undetermined", "holds": "holds the title",
           "status": {"in_force": "in force", "draft": "draft", "draft_comment": "draft for comment (征求意见稿)",
                      "trial": "trial", "repealed": "repealed",
                      "partial": " (partial text: some conditions unknown)", "unofficial": " (NOT an official text)"},
           "missing": "missing", "evidence": "{n} qualitative conditions assumed met; prepare evidence",
           "more": "{gap} more", "short_pp": "short by {gap} percentage point(s)", "of": "of",
           "need_more_of": "{more} more of the {den} {what} ({need} of {den} needed)",
           "less": "{gap} too many", "reached": "reached on {day}", "needs": "needs",
           "nearest": "nearest", "met_k": "{met} of {n} met, {k} required",
           "not_offered": "not offered", "offered": "offered", "general": "general rule (一般应/原则上): the authority may decide otherwise",
           "relaxable": "may be relaxed (可适度放宽)", "holding": "holds {prog} until {end}; may reapply in {year}",
           "registered": "registered in {got}; must be {want}", "attested_false": "attested false ({key})",
           "yes": "yes", "no": "no", "unknown": "unknown",
           "legend_text": "✔ qualifies/met   ✘ fails   ? undetermined (data missing)   ◆ holds the title now   "
                          "· evidence to prepare   * clause number inferred from position   "
                          "[general] 一般应/原则上   [relaxable] 可适度放宽"},
    "zh": {"as_of": "评价日期", "texts": "适用文本", "legend": "图例",
           "qualifies": "符合", "fails": "不符合", "undetermined": "待定", "holds": "已持有",
           "status": {"in_force": "现行有效", "draft": "草案", "draft_comment": "征求意见稿",
                      "trial": "试行", "repealed": "已废止",
                      "partial": "（文本不完整，部分条件未知）", "unofficial": "（非正式文本）"},
           "missing": "缺少", "evidence": "{n} 项定性条件视为满足，需准备证明材料",
           "more": "还差 {gap}", "short_pp": "差 {gap} 个百分点", "of": "/",
           "need_more_of": "{den}{what}中还需 {more}{what}（至少 {need}{what}）",
           "less": "超出 {gap}", "reached": "{day} 届满", "needs": "需",
           "nearest": "最接近", "met_k": "满足 {met}/{n} 项，需 {k} 项",
           "not_offered": "未提供", "offered": "已提供", "general": "一般性要求（一般应/原则上），主管部门可裁量",
           "relaxable": "可适度放宽", "holding": "持有 {prog} 至 {end}；{year} 年可重新申报",
           "registered": "注册地 {got}，须为 {want}", "attested_false": "已声明不满足（{key}）",
           "yes": "是", "no": "否", "unknown": "未知",
           "legend_text": "✔ 符合/满足   ✘ 不符合   ? 待定（缺数据）   ◆ 现持有该称号   · 需准备材料   "
                          "* 条款序号按位置推定   [general] 一般应/原则上   [relaxable] 可适度放宽"},
}


# -- texts applied ---------------------------------------------------------------------------

def texts_applied(kb, programs: list[str]) -> list[dict[str, Any]]:
    """One entry per document: the version applied and its status (draft, trial, in force)."""
    out, seen = [], set()
    for pid in programs:
        doc = kb.programs[pid].document
        if doc.id in seen:
            continue
        seen.add(doc.id)
        v = (getattr(kb, "versions", None) or {}).get(doc.id)
        status = v.status if v is not None else doc.header.get("status") or "in_force"
        out.append({"document": doc.id, "title": doc.title, "version": v.ref if v else f"{doc.id}@current",
                    "status": status, "partial": bool(v is not None and v.partial),
                    "official": v.official if v is not None else True,
                    "programs": [p for p in programs if kb.programs[p].document.id == doc.id]})
    return out


def status_words(entry: dict, lang: str) -> str:
    words = W[lang]["status"]
    if entry["status"] == "draft" and "征求意见稿" in entry["title"]:
        out = words["draft_comment"]
    else:
        out = words.get(entry["status"], entry["status"])
    if entry.get("partial"):
        out += words["partial"]
    if not entry.get("official", True):
        out += words["unofficial"]
    return out


# -- figures in the text's terms -------------------------------------------------------------

def clip(text: str | None, n: int = 32) -> str:
    """The clause's words, cut at a pause (，；、) near ``n`` characters rather than mid-phrase."""
    if not text:
        return ""
    text = text.strip().rstrip("。；;")
    if len(text) <= n:
        return text
    cut = max(text.rfind(p, 0, n) for p in "，；、,")
    return (text[:cut] if cut >= n // 2 else text[:n - 1]) + "…"


def is_share(node: Node) -> bool:
    m = node.params["measure"]
    return m.kind in ("share", "share_within") or (m.kind == "field" and FIELDS.get(m.name) == "share") \
        or node.params.get("unit") in ("share", "%")


def amount(x, node: Node) -> str:
    """A figure of a threshold that is not a share, with the node's unit (8000 m²)."""
    return quantity(Fraction(x), node.params.get("unit"))


def threshold_words(node: Node, r: Reading, lang: str) -> str | None:
    """'89% < 90%; short by 1 percentage point', '9/14 = 64.2% < 80%; 3 more of the 14 staff', …
    for a failed threshold; None where the figures are not all known (the engine's words then)."""
    w = W[lang]
    p, v = node.params, r.profile.values
    m, op, t = p["measure"], p["op"], Fraction(p["value"])
    below = op in (">=", ">")
    cmp = failing_symbol(op)   # how the figure fails the text
    if m.kind == "years_since":
        since = v.get(m.args[0])
        if since is None:
            return None
        n = full_years(since, r.profile.as_of)
        ready = add_years(since, int(t)) if int(t) == t else None
        out = (f"{m.args[0]} {since}：满 {n} 年 {cmp} {fmt(t)} 年" if lang == "zh"
               else f"{m.args[0]} {since}: {n} full year(s) {cmp} {fmt(t)}")
        return out + (f"; {w['reached'].format(day=ready)}" if ready and ready > r.profile.as_of and below else "")
    if m.kind == "share" and all(a in v for a in m.args):
        num, den = Fraction(v[m.args[0]]), Fraction(v[m.args[1]])
        if den == 0:
            return None
        share = num / den
        shown = f"{fmt(num)}/{fmt(den)} = {pct(share, 'down' if below else 'up')} {cmp} {pct(t)}"
        if below:
            need = math.ceil(t * den) if op == ">=" else math.floor(t * den) + 1
            what = (doc_of(m.args[1])[2] or "") if lang == "zh" else \
                ("staff" if m.args[1].startswith("staff.") else "firms" if doc_of(m.args[1])[2] == "家" else "")
            return shown + "; " + w["need_more_of"].format(more=fmt(need - num), den=fmt(den), what=what or "", need=need)
        return shown
    if m.kind == "share_within":
        b = bounds(m, v, r.profile.as_of)
        if b is None:
            return None
        return f"≤ {pct(b[1])} {cmp} {pct(t)}" if below else f"≥ {pct(b[0], 'up')} {cmp} {pct(t)}"
    if m.kind != "field" or m.name not in v:
        return None
    x = Fraction(v[m.name])
    if is_share(node):
        gap = (t - x) * 100 if below else (x - t) * 100
        shown = f"{pct(x, 'down' if below else 'up')} {cmp} {pct(t)}"
        return shown + "; " + w["short_pp"].format(gap=fmt(gap)) if below else shown
    gap = t - x if below else x - t
    if op == ">" or op == "<":
        gap += 1 if FIELDS.get(m.name) == "int>=0" else 0
    shown = f"{amount(x, node)} {cmp} {amount(t, node)}"
    if gap <= 0:
        return shown
    return shown + "; " + (w["more"] if below else w["less"]).format(gap=amount(gap, node))


def failure_words(ex: ExplainNode, r: Reading, lang: str, depth: int = 0) -> str:
    """Why a failed node failed, in a person's terms; the engine's wording where none is better."""
    w, n, p, v = W[lang], ex.node, ex.node.params, r.profile.values
    if n.kind == "threshold":
        return threshold_words(n, r, lang) or ex.why
    if n.kind == "boolean":
        f = p["field"]
        if f.endswith(".offered"):
            return w["not_offered"]
        name = meaning_zh(f) if lang == "zh" else f
        got = w["yes"] if v.get(f) else w["no"]
        return f"{name}: {got}"
    if n.kind == "locality":
        got = v.get(p["field"])
        if got is not None:
            show = (lambda c: CITY_ZH.get(c, c)) if lang == "zh" else (lambda c: c)
            return w["registered"].format(got=show(got), want=listed((show(c) for c in p["values"]), "zh"))
    if n.kind in ("lookback", "ban") and lang == "zh":
        return record_words(ex, r) or ex.why
    if n.kind == "qualitative" and r.profile.attest.get(p["attest"]) is False:
        return w["attested_false"].format(key=p["attest"])
    if n.kind == "k_of_n":
        return k_of_n_words(ex, r, lang)
    if n.kind == "function":
        failed = [c for c in ex.children if c.status == FAILED]
        label = p.get("label") or p.get("function")
        if ex.children and ex.children[0].status == FAILED:   # not offered: say what offering it takes
            needs = [requirement(c.node, lang) for c in ex.children[1:]]
            needs = [x for x in needs if x]
            return f"{label}: {w['not_offered']}" + (f" ({w['needs']} {', '.join(needs)})" if needs else "")
        return f"{label}: " + "; ".join(failure_words(c, r, lang, depth + 1) for c in failed)
    if n.kind in ("all", "when") and depth < 3:
        kids = ex.children[1:] if n.kind == "when" else ex.children
        failed = [c for c in kids if c.status == FAILED]
        if failed:
            return "; ".join(_with_quote(c, failure_words(c, r, lang, depth + 1)) for c in failed)
    if n.kind == "any" and depth < 3:
        return " / ".join(failure_words(c, r, lang, depth + 1) for c in ex.children if c.status == FAILED)
    return ex.why


def record_words(ex: ExplainNode, r: Reading) -> str | None:
    """A credit event or revocation that bars the application, in Chinese."""
    n, p, zh = ex.node, ex.node.params, lambda v: ENUM_ZH.get(v, v)
    if n.kind == "lookback":
        hits = sorted((kind, subj, date.fromordinal(d)) for c, kind, subj, d in r.c.get("credit", ()) if c == n.id)
        window = f"评价日期 {r.profile.as_of} 前 {p['years']} 年内" if p["years"] else "不限时间"
        return "；".join(f"{d} {zh(kind)}（{zh(subj)}）" for kind, subj, d in hits) + f"（{window}）" if hits else None
    hits = sorted((prog, reason, date.fromordinal(d)) for c, prog, reason, d in r.c.get("ban", ()) if c == n.id)
    return "；".join(f"{prog} 于 {d} 因{zh(reason)}被撤销，{p['years']} 年内不得再次申请"
                    for prog, reason, d in hits) or None


def meaning_zh(name: str) -> str:
    """A field's Chinese meaning without its notes, short enough for a line."""
    text = doc_of(name)[0].split("；")[0]
    return re.sub(r"（[^）]*）", "", text) if len(text) > 16 else text


def requirement(node: Node, lang: str) -> str | None:
    """A threshold as a target ('trainees ≥ 1000 人次'), for what an unmet alternative would take."""
    if node.kind != "threshold" or node.params["measure"].kind != "field":
        return None
    name, t = node.params["measure"].name, Fraction(node.params["value"])
    what = meaning_zh(name) if lang == "zh" else name.rsplit(".", 1)[-1]
    shown = pct(t) if is_share(node) else amount(t, node)
    return f"{what} {symbol(node.params['op'])} {shown}"


def _with_quote(ex: ExplainNode, words: str) -> str:
    q = clip(ex.node.quote, 20)
    return f"「{q}」 {words}" if q else words


def distance(ex: ExplainNode) -> tuple[int, int]:
    """How far an alternative is from being met: failed leaves first, then unknown ones."""
    leaves = [e for e in _walk(ex) if not e.children]
    return (sum(e.status == FAILED for e in leaves), sum(e.status == UNKNOWN for e in leaves))


def _walk(ex: ExplainNode):
    yield ex
    for c in ex.children:
        yield from _walk(c)


def k_of_n_words(ex: ExplainNode, r: Reading, lang: str) -> str:
    w, k = W[lang], ex.node.params["k"]
    met = [c for c in ex.children if c.status == MET]
    open_ = sorted((c for c in ex.children if c.status != MET), key=distance)
    head = w["met_k"].format(met=len(met), n=len(ex.children), k=k)
    if met:
        head += f" ({listed(short_name(c.node, label=True) for c in met)})"
    nearest = open_[:max(k - len(met), 1) + 1]
    if not nearest:
        return head
    parts = [f"{short_name(c.node, label=True)}: " + (failure_words(c, r, lang, 1).split(": ", 1)[-1] if c.status == FAILED
                                 else f"{w['missing']} {', '.join(r.missing(c.node)) or '?'}")
             for c in nearest]
    return f"{head}; {w['nearest']}: " + " | ".join(parts)


def holding(ex: ExplainNode, r: Reading, lang: str) -> str | None:
    """'holds beijing.platform until 2025-12-01; may reapply in 2025' for a reapplication bar."""
    if ex.node.kind != "reapplication":
        return None
    out = []
    for c, prog, year in sorted(r.c.get("blocked", ())):   # the engine gives the year the title expires
        if c != ex.node.id:
            continue
        ends = [d.expires_on for d in r.profile.designations
                if d.program == prog and d.expires_on is not None and d.expires_on.year == year]
        out.append(W[lang]["holding"].format(prog=prog, end=max(ends) if ends else year, year=year))
    return "; ".join(out) or None


def field_words(name: str, lang: str) -> str:
    """A missing field as the person should supply it; in Chinese with its meaning."""
    if lang != "zh":
        return name
    base = name
    while base and base not in FIELDS:   # performance.smes_served_by_year.2023 → its map
        base = base.rpartition(".")[0]
    return f"{name}（{meaning_zh(base)}）" if base else name


# -- the report ------------------------------------------------------------------------------

def failure_line(ex: ExplainNode, finding, r: Reading, lang: str = "en") -> str:
    """'第五条（七）「企业用户满意度不低于90%」: 89% < 90%; …' for one failed condition."""
    w = W[lang]
    words = holding(ex, r, lang) or failure_words(ex, r, lang)
    tag = f" [{finding.discretion}: {w[finding.discretion]}]" if finding.discretion else ""
    quote = clip(ex.node.quote)
    return f"{finding.citation.label()}" + (f"「{quote}」" if quote else f" {finding.condition}") + f": {words}{tag}"


def failure_lines(report, result, lang: str = "en") -> list[str]:
    """Each failure of one program's result, worded as in the table (for other views)."""
    r = report.readings.get(result.entity)
    return [failure_line(r.explain(report.kb.nodes[f.condition]), f, r, lang) for f in result.failed]


def failure_detail(report, result, finding) -> dict[str, Any]:
    """Keys added to a failed condition in --json: the clause's words and the
    figure against the threshold with the shortfall, in both languages."""
    r = report.readings.get(result.entity)
    ex = r.explain(report.kb.nodes[finding.condition])
    return {"quote": ex.node.quote,
            "shortfall": {lang: holding(ex, r, lang) or failure_words(ex, r, lang) for lang in ("en", "zh")}}


def render(report, lang: str = "en") -> str:
    w = W[lang]
    kb = report.kb
    programs = list(dict.fromkeys(res.program for res in report.results))
    lines = [f"{report.org} · {w['as_of']} {report.as_of}", f"{w['texts']}:"]
    for t in texts_applied(kb, programs):
        lines.append(f"  {t['title']} — {t['version']}, {status_words(t, lang)}")
    lines.append(f"{w['legend']}: {w['legend_text']}")
    for res in report.results:
        r = report.readings.get(res.entity)
        prog = kb.programs[res.program]
        who = f"[{res.entity}] " if res.entity else ""
        exs = {top.id: r.explain(top) for top in prog.conditions if r.status(top) == FAILED}
        holds = [h for h in (holding(e, r, lang) for e in exs.values()) if h]
        only_holding = holds and all(e.node.kind == "reapplication" for e in exs.values())
        mark = {"qualifies": "✔", "fails": "✘", "undetermined": "?"}[res.status]
        status = f"◆ {w['holds']}" if only_holding else f"{mark} {w[res.status]}"
        lines.append(f"\n{who}{res.program}  {PROGRAMS[res.program]}: {status}")
        for f in res.failed:
            ex = exs.get(f.condition) or r.explain(kb.nodes[f.condition])
            lines.append(f"  {'◆' if ex.node.kind == 'reapplication' else '✘'} " + failure_line(ex, f, r, lang))
        for f in res.unknown:
            quote = clip(kb.nodes[f.condition].quote) if f.condition in kb.nodes else ""
            lines.append(f"  ? {f.citation.label()}" + (f"「{quote}」" if quote else f" {f.condition}")
                         + f": {w['missing']} {', '.join(field_words(m, lang) for m in f.missing or [])}")
        if res.evidence:
            lines.append("  · " + w["evidence"].format(n=len(res.evidence)))
    return "\n".join(lines)
