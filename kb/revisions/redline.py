"""A redline of a revision (``regkb diff A B --html OUT``): the two Chinese texts
side by side, article by article as the diff pairs them, words removed and
added marked, each semantic change annotated beside its article with whether
anyone can gain or lose by it and, with ``--population``, how many
organizations flip on it. One self-contained page: the CJK glyphs it uses are
embedded (kb/io/fonts.py), so it renders without system fonts.
"""
from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"   # kb/templates


def _marked(a: str, b: str) -> tuple[Markup, Markup]:
    """Both texts with the characters only one of them has marked (<del>, <ins>)."""
    left, right = [], []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            left.append(escape(a[i1:i2]))
            right.append(escape(b[j1:j2]))
            continue
        if i2 > i1:
            left.append(Markup("<del>") + escape(a[i1:i2]) + Markup("</del>"))
        if j2 > j1:
            right.append(Markup("<ins>") + escape(b[j1:j2]) + Markup("</ins>"))
    return Markup("").join(left), Markup("").join(right)


def _flips_on(imp, subject: str) -> list[str]:
    if imp is None or not hasattr(imp, "by_condition"):
        return []
    out = []
    for program, counts in imp.by_condition.items():
        n = sum(v for cid, v in counts.items() if subject == cid or subject.startswith(cid + "/"))
        if n:
            out.append(f"{program}: {n} organization{'s' if n != 1 else ''} flip on it")
    return out


def _note(c) -> dict[str, Any]:
    from kb.revisions.reasons import reach_words
    return {"category": c.category, "subject": c.subject, "summary": c.summary,
            "reach": reach_words(c.reach, c.effect) if c.reach else None,
            "ineffective": bool(c.reach and not c.reach["possible"]), "flips": []}


def rows(d) -> list[dict[str, Any]]:
    from kb.revisions.matching import pair_articles, partial_articles
    old_text, new_text = d.texts
    od, nd = old_text.document, new_text.document
    amap = pair_articles(od, nd, d.links, partial_articles(d.old), partial_articles(d.new))
    back = {n: o for o, n in amap.items()}
    olds = {a.number: a for a in od.articles}
    order = [(back.get(a.number), a.number) for a in nd.articles]
    order += [(o, None) for o in olds if o not in amap]
    order.sort(key=lambda p: (p[1] if p[1] is not None else p[0], p[1] is None))
    news = {a.number: a for a in nd.articles}
    out = []
    for o, n in order:
        a = olds[o].text if o is not None else ""
        b = news[n].text if n is not None else ""
        left, right = _marked(a, b)
        notes = []
        for c in d.changes:
            arts = {("old", s["citation"]["article"]) for s in [c.old] if s and s.get("citation")} | \
                   {("new", s["citation"]["article"]) for s in [c.new] if s and s.get("citation")}
            if ("old", o) in arts or ("new", n) in arts:
                note = _note(c)
                note["flips"] = _flips_on(d.impact, c.subject)
                notes.append(note)
        out.append({"old": left, "new": right, "changed": a != b or any(x["category"] != "renumbered" for x in notes),
                    "notes": notes, "old_number": o, "new_number": n})
    return out


def render(d) -> str:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    from kb.io.fonts import WEB_FAMILY, font_face_css
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True)
    template = env.get_template("redline.html.j2")
    ctx = {"d": d, "rows": rows(d), "counts": d.counts(),
           "impact": d.impact.to_json() if d.impact else None, "font_family": WEB_FAMILY}
    draft = template.render(**ctx, font_css="")
    return template.render(**ctx, font_css=Markup(font_face_css(draft)))


def write_redline(d, path: str | Path) -> Path:
    from kb.io.outputs import atomic_write, check_output
    check_output(Path(path), option="--html")
    return atomic_write(path, render(d))
