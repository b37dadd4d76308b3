"""A diff in Markdown, for a review (``regkb diff`` without --json, ``Diff.markdown``)."""
from __future__ import annotations

from collections import Counter

from kb.revisions.changes import CATEGORIES, SUBSTANTIVE, TITLES
from kb.revisions.reasons import reach_words

STATUSES = ("qualifies", "fails", "undetermined")


def _code(text: str) -> str:
    return f"`{text}`"


def _text_of(v) -> str:
    if v.current:
        return "current text (encoding.yaml)"
    if v.base:
        return f"overlay on {v.base}" + (" (partial)" if v.partial else "")
    return "partial: known only in part" if v.partial else "complete text"


def _in_force(v) -> str:
    if v.status == "draft":
        return "never (draft)"
    start = v.in_force_from.text if v.in_force_from else "?"
    end = v.in_force_until.text if v.in_force_until else (f"repealed by {v.repealed_by}" if v.repealed_by else "")
    return f"from {start}" + (f", until {end}" if end else "")


def markdown(d, max_flips: int = 40) -> str:
    """The diff for a review: the two versions, the changes by category, and the
    impact on a population if one was measured (``max_flips`` listed per program)."""
    o, n = d.old, d.new
    out = [f"# {o.document}: {o.id} → {n.id}", ""]
    for v in (o, n):
        if not v.official:
            out += [f"> **NOT AN OFFICIAL TEXT.** `{v.ref}`: {v.meta.get('label') or v.meta.get('note') or ''}", ""]
    rows = [("version", lambda v: _code(v.ref)), ("title", lambda v: v.meta.get("title") or ""),
            ("number", lambda v: v.meta.get("number") or ""), ("status", lambda v: v.status),
            ("official", lambda v: "yes" if v.official else "**no**"), ("in force", _in_force),
            ("text", _text_of)]
    out += ["| | old | new |", "|---|---|---|"]
    out += [f"| {name} | {get(o)} | {get(n)} |" for name, get in rows if get(o) or get(n)]
    if d.switches:
        out += ["", "Read with switches: " + ", ".join(f"`{k}={v}`" for k, v in d.switches.items())]
    counts = d.counts()
    subst = sum(counts.get(c, 0) for c in SUBSTANTIVE)
    idle = sum(1 for c in d.changes if c.reach and not c.reach["possible"])
    out += ["", f"**{subst} substantive change{'s' if subst != 1 else ''}**"
            + (": " + ", ".join(f"{counts[c]} {TITLES[c].lower()}" for c in SUBSTANTIVE if c in counts) if subst else "")
            + (f" ({idle} of them ineffective: no organization can gain or lose by it)" if idle else "")
            + ("; also " + ", ".join(f"{counts[c]} {TITLES[c].lower()}" for c in CATEGORIES
                                     if c in counts and c not in SUBSTANTIVE) if len(counts) > sum(1 for c in SUBSTANTIVE if c in counts) else "")
            + "."]
    for v, side in ((o, "old"), (n, "new")):
        if v.gaps:
            out += ["", f"`{v.ref}` is known only in part; nothing is inferred about its unknown text:"]
            out += [f"- {g.label()}: {g.what}" for g in v.gaps]
    for cat in CATEGORIES:
        items = [c for c in d.changes if c.category == cat]
        if not items:
            continue
        out += ["", f"## {TITLES[cat]} ({len(items)})", ""]
        compact = cat in ("unknown_in_old", "unknown_in_new")
        for c in items:
            out += _compact(c) if compact else _entry(c)
    if d.impact:
        out += _impact(d.impact, max_flips)
    return "\n".join(out) + "\n"


def _quote(s) -> str:
    if not s:
        return ""
    q = s.get("quote")
    return f"「{q}」" if q else ""


def _entry(c) -> list[str]:
    head = f"- **{_code(c.subject)}**" if c.level in ("condition", "exception") else f"- **{c.subject}**"
    if c.old_subject:
        head += f" (was {_code(c.old_subject)})"
    if c.level in ("condition", "exception"):
        labels = [s["label"] for s in (c.old, c.new) if s]
        where = labels[0] if len(set(labels)) == 1 else " → ".join(labels)
        head += f" · {where}"
    head += f" — {c.summary}"
    if c.effect and c.category not in ("tightened", "loosened"):
        head += f" (**{c.effect}**)"
    lines = [head]
    if c.level == "document":
        for name, s in (("old", c.old), ("new", c.new)):
            if s and s.get("citation"):
                lines.append(f"  - {name} {s['label']}: {s['citation']['text']}")
    elif c.level == "article":
        for name, s in (("old", c.old), ("new", c.new)):
            if s and c.category in ("article_removed", "article_added"):
                lines.append(f"  - {name} {s['label']}: {s['citation']['text']}")
    else:
        for name, s in (("old", c.old), ("new", c.new)):
            if s:
                rule = s.get("rule") or ""
                strength = f" [{s['strength']}]" if s.get("strength") and s["strength"] != "mandatory" else ""
                lines.append(f"  - {name} {s['label']}: {_quote(s)}" + (f" — {rule}" if rule else "") + strength)
    if c.reach:
        words = reach_words(c.reach, c.effect)
        lines.append(f"  - {'' if c.reach['possible'] else '**ineffective:** '}{words}")
    if c.note:
        lines.append(f"  - *{c.note}*")
    return lines


def _compact(c) -> list[str]:
    s = c.new or c.old
    return [f"- {_code(c.subject)} · {s['label']} {_quote(s)}"]


def _impact(imp, max_flips: int) -> list[str]:
    out = ["", f"## Impact on {imp.population or 'the population'} ({imp.organizations} organizations"
               + (f", as of {imp.as_of}" if imp.as_of else "") + ")", "",
           "Each organization checked under both versions"
           + (f" with the vectorized evaluator; {imp.verified} drawn at random re-checked through "
              "`regkb check`'s Datalog path, all agreeing." if hasattr(imp, "verified")
              else " (the answers `regkb check` gives).")]
    for program in imp.programs:
        t: Counter = imp.transitions[program]
        flips = [f for f in imp.flips if f.program == program]
        out += ["", f"### {program}", "", "| old ↓ / new → | " + " | ".join(STATUSES) + " |",
                "|---|" + "---|" * len(STATUSES)]
        for a in STATUSES:
            out.append(f"| {a} | " + " | ".join(str(t.get(f"{a}→{b}", 0)) for b in STATUSES) + " |")
        if not flips:
            out += ["", "No organization changes status."]
        else:
            out += ["", f"{len(flips)} flip{'s' if len(flips) != 1 else ''}:"]
            for f in flips[:max_flips]:
                out.append(f"- {_code(f.org)}" + (f" [{f.entity}]" if f.entity else "") + f": {f.old} → {f.new}")
                out += _conditions(f)
            if len(flips) > max_flips:
                out.append(f"- … and {len(flips) - max_flips} more (see --json)")
        by_condition = getattr(imp, "by_condition", {}).get(program)
        if by_condition:
            out += ["", "| condition | flips it takes part in |", "|---|---|"]
            out += [f"| {_code(c)} | {n} |" for c, n in by_condition.most_common() if n]
        by_city = getattr(imp, "by_city", {}).get(program)
        if by_city:
            out += ["", "| city: old → new | organizations |", "|---|---|"]
            out += [f"| {k} | {n} |" for k, n in sorted(by_city.items())]
        disc = [f for f in imp.discretion if f.program == program]
        if disc:
            out += ["", f"{len(disc)} organization{'s fail' if len(disc) != 1 else ' fails'} under both versions "
                        "but change between a hard failure and one left to discretion:"]
            for f in disc[:max_flips]:
                out.append(f"- {_code(f.org)}" + (f" [{f.entity}]" if f.entity else "") + f": {f.old} → {f.new}")
                out += _conditions(f)
    return out


def _conditions(flip) -> list[str]:
    lines = [f"  - {_condition_line(c)}" for c in flip.conditions if not c.get("gap")]
    gaps = [c["label"] for c in flip.conditions if c.get("gap")]
    if gaps:
        lines.append(f"  - text not known in one version: {', '.join(gaps)}")
    return lines


def _condition_line(c: dict) -> str:
    line = f"{_code(c['condition'])} {c['label']}: {c['old']} → {c['new']}"
    detail = c.get("why") or c.get("why_old")
    if detail:
        line += f" ({detail})"
    missing = c.get("missing") or c.get("missing_old")
    if missing:
        line += f" (missing: {', '.join(missing)})"
    disc = c.get("discretion") or c.get("discretion_old")
    if disc:
        line += f" [{disc}]"
    return line
