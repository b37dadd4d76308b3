"""The printable report: one self-contained HTML page for an applicant.

Where it stands (the qualification matrix, as a table and a picture), each
failed condition with the clause's Chinese words, the dated plan as a
timeline picture, and per program a checklist of the evidence to prepare
(the qualitative conditions the check assumes met). Nothing is fetched:
pictures are PNG data URIs and the CJK font is embedded, cut down to the
page's characters (kb/io/fonts.py), so it renders and prints the same with no
network and no system fonts. The page is a Jinja2 template
(kb/templates/report.html.j2) with autoescaping, so text from a profile or an
encoding can never become markup.
"""
from __future__ import annotations

import base64
from pathlib import Path

from kb.law.model import PROGRAMS
from kb.planning.records import Step

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"   # kb/templates
STATUS_MARK = {"qualifies": "✔ 符合 qualifies", "fails": "✘ 不符合 fails", "undetermined": "? 待定 undetermined"}
CLAUSE_CHARS = 180   # a clause longer than this is shortened around what the condition quotes


def _env():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined
    return Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True,
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def shorten(clause: str, quote: str | None, limit: int = CLAUSE_CHARS) -> str:
    """The clause's words, shortened sensibly: whole when short, else a window
    around the words the condition quotes (so the requirement is always shown)."""
    clause = " ".join((clause or "").split())
    if len(clause) <= limit:
        return clause
    at = clause.find(quote) if quote else -1
    if at < 0:
        return clause[:limit] + "…"
    start = max(0, at - (limit - len(quote)) // 2)
    end = min(len(clause), start + max(limit, len(quote)))
    return ("…" if start else "") + clause[start:end] + ("…" if end < len(clause) else "")


def _texts(kb, programs: list[str]) -> list[dict]:
    """The version of each text applied and its status, worded as ``regkb check`` words them."""
    from kb.reasoning.check_display import status_words, texts_applied
    return [{"title": t["title"], "version": t["version"],
             "status": f"{status_words(t, 'zh')} {status_words(t, 'en')}",
             "programs": [PROGRAMS[p] for p in t["programs"]]} for t in texts_applied(kb, programs)]


def _step_lines(s: Step) -> list[str]:
    from kb.planning.words import change_words
    lines = []
    said = {(c.kind, c.source) for c in s.calls}
    for e in s.relies_on:
        if (e.type, e.source) in said:   # the call line below says it, with the dates
            continue
        how = "holds" if e.held else "after"
        lines.append(f"{how} {PROGRAMS.get(e.source, e.source)}: {e.type}, {e.citation.label()}「{e.quote}」")
    for c in s.changes:
        where = ", ".join(f"{w.citation.label()}「{w.quote}」" for w in c.where or [] if w.quote)
        lines.append(f"change {change_words(c)}" + (f" — {where}" if where else ""))
    for c in s.calls:
        lines.append(c.why)
    for w in s.waits:
        lines.append(f"wait until {w.until}: {w.citation.label()} {w.why}")
    for su in s.supply:
        lines.append(f"supply {su.field}: {su.needs or 'the profile does not say, and the plan needs it'}")
    for e in s.evidence:
        if e.attest:
            lines.append(f"{e.citation.label()}「{e.quote}」: {e.action}")
    if s.partial:
        lines.append("changes not computed: the time limit ran out (see above)")
    elif not lines:
        lines.append("no change needed; prepare the evidence below")
    return lines


def context(kb, profile, targets: list[str] | None = None, **plan_options) -> dict:
    """Everything the template shows, from one check and one plan."""
    from kb.reasoning.check_display import failure_detail
    from kb.views.pictures import matrix_png, timeline_png
    from kb.planning.planner import Planner
    from kb.planning.words import plan_text

    loaded = kb.load(profile, plan_options.pop("as_of", None))
    programs = kb.program_ids(targets, "--target")
    report = kb.check(loaded, programs)
    planned = Planner(kb, loaded, programs, **plan_options).run()
    steps = planned.steps
    if planned.partial:
        # no joint solution within the time limit: show what time alone decides, in date order
        steps = sorted((Step(x.program, PROGRAMS[x.program], x.entity, x.status, x.earliest, waits=x.waits,
                              partial=True) for x in planned.partial),
                       key=lambda s: s.earliest)
    group = hasattr(loaded, "entities")
    earliest = {}   # (program, entity or None) → what the plan says of it
    for t in planned.targets:
        who = t.entity if group else None
        if t.held:
            earliest[t.program, who] = f"held until {t.held_until}" if t.held_until else "held"
        elif t.earliest:
            earliest[t.program, who] = str(t.earliest)
        if group:
            for c in t.current or []:
                if c.entity != t.entity:
                    earliest.setdefault((t.program, c.entity), f"→ {t.entity} applies" if t.entity else "not reachable")
    matrix, failures, unknowns, checklists = [], [], [], []
    for r in report.results:
        name = PROGRAMS[r.program]
        matrix.append({"program": r.program, "name": name, "entity": r.entity or "", "status": r.status,
                       "mark": STATUS_MARK[r.status], "failed": len(r.failed), "unknown": len(r.unknown),
                       "evidence": len(r.evidence),
                       "earliest": earliest.get((r.program, r.entity), "not reachable")})
        for f in r.failed:
            node = kb.nodes[f.condition]
            # the figure against the threshold in the text's terms and the shortfall, as check words it
            words = failure_detail(report, r, f)["shortfall"]
            why = words["zh"] if words["zh"] == words["en"] else f"{words['zh']} / {words['en']}"
            failures.append({"program_name": name, "entity": r.entity or "", "label": f.citation.label(),
                             "clause": shorten(f.citation.text, node.quote), "quote": node.quote,
                             "status_word": "✘ 不符合 not met", "why": why, "discretion": f.discretion})
        for u in r.unknown:
            node = kb.nodes[u.condition]
            unknowns.append({"program_name": name, "label": u.citation.label(), "quote": node.quote or "",
                             "missing": ", ".join(u.missing or []) or "data"})
        false = {k for k, v in getattr(loaded, "attest", {}).items() if v is False} if not group else set()
        items = {}
        for e in r.evidence:   # one line per clause and words: an open list repeats them per function
            node = kb.nodes[e.condition]
            item = {"label": e.citation.label(), "quote": node.quote or node.gloss,
                    "attested_false": node.params.get("attest") in false}
            key = (item["label"], item["quote"])
            items[key] = {**item, "attested_false": item["attested_false"] or items.get(key, item)["attested_false"]}
        items = list(items.values())
        if items:
            checklists.append({"name": name, "entity": r.entity or "", "items": items})
    notes = plan_text(planned).split("\n")[1:3]
    notes = [n for n in notes if n and not n.startswith("Targets") and n.strip()]
    impossible = [f"{', '.join(PROGRAMS.get(x, x) for x in i.programs)}: {i.why}" for i in planned.impossible]
    title = f"申报评估报告 Application report — {getattr(loaded, 'name', None) or loaded.id}"
    return {
        "title": title, "org_name": loaded.id, "as_of": str(loaded.as_of), "group": group,
        "texts": _texts(kb, programs), "matrix": matrix, "failures": failures, "unknowns": unknowns,
        "steps": [{"earliest": str(s.earliest), "name": PROGRAMS[s.program], "entity": s.entity,
                   "lines": _step_lines(s)} for s in steps],
        "plan_notes": notes, "impossible": impossible, "checklists": checklists,
        "matrix_png": base64.b64encode(matrix_png(kb, report)).decode("ascii"),
        # the picture of the steps this page shows (the partial plan's, without a joint solution)
        "timeline_png": base64.b64encode(timeline_png(planned, steps)).decode("ascii"),
        "plan": planned,
    }


def render(kb, profile, targets: list[str] | None = None, **plan_options) -> str:
    """The report as one HTML page with everything it needs inside."""
    from kb.io.fonts import WEB_FAMILY, font_face_css
    ctx = context(kb, profile, targets, **plan_options)
    template = _env().get_template("report.html.j2")
    draft = template.render(**ctx, font_css="", font_family=WEB_FAMILY)
    return template.render(**ctx, font_css=font_face_css(draft), font_family=WEB_FAMILY)
