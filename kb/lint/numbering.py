"""Numbering as the drafter wrote it: gaps, numbers only position gives,
mixed numeral styles, lists that restart inside an article."""
from __future__ import annotations

from kb.lint.finding import LintFinding
from kb.lint.subject import Subject, headings, numeral_style, scan_items
from kb.law.texts import CLAUSE_RE, chinese_numeral

WHY_GAP = ("A cross-reference or citation to a missing or doubled number cannot be resolved, "
           "and readers cannot tell whether a provision was dropped in drafting.")
WHY_INFERRED = ("Citations to this provision (第…条, （…）) rest on counting paragraphs, which a "
                "reader, an applicant and a reviewer may each do differently, and which any "
                "edit above it silently shifts.")
WHY_STYLE = ("Mixed numeral styles make a text look assembled from drafts, and a citation such "
             "as 第4条 vs 第四条 may not be found by search or matched by later amendments.")
WHY_RESTART = ("Two items of one article carry the same number, so a reference such as "
               "第{n}条（一） names two different requirements; the second list has no label of "
               "its own to cite it by.")


def _art(n: int) -> str:
    return f"第{chinese_numeral(n)}条"


def _item(n: int) -> str:
    return f"（{chinese_numeral(n)}）"


def numbering_gap(s: Subject) -> list[LintFinding]:
    out = []
    heads = headings(s.doc.source_text, s.hints)
    for level, word in (("chapter", "章"), ("article", "条")):
        seq = [h for h in heads if h.level == level]
        prev = None
        for h in seq:
            expected = 1 if prev is None else prev.number + 1
            if h.number != expected and h.label is not None:
                before = f"{prev.label or _art(prev.number)}" if prev else "the start of the text"
                if h.number > expected:
                    missing = "、".join(f"第{chinese_numeral(k)}{word}" for k in range(expected, h.number))
                    msg = f"{h.label} follows {before}: {missing} is missing."
                else:
                    msg = f"{h.label} follows {before}: the number repeats or goes back."
                out.append(LintFinding("numbering-gap", s.doc.id, s.cite(h.article), msg, WHY_GAP,
                                       excerpt=h.label))
            prev = h
    for src in s.source:
        _, events = scan_items(src.lines)
        for ev in events:
            if ev.kind == "gap":
                missing = "".join(_item(k) for k in ev.missing)
                msg = (f"The list of {_art(src.number)} goes from "
                       f"{ev.previous.label if ev.previous else 'its lead-in'} to {ev.item.label}: "
                       f"{missing} is missing.")
                out.append(LintFinding("numbering-gap", s.doc.id, s.cite(src.number, ev.item.line),
                                       msg, WHY_GAP, excerpt=ev.item.label))
            elif ev.kind == "disorder":
                msg = (f"In {_art(src.number)}, {ev.item.label} follows {ev.previous.label}: "
                       "the item numbers repeat or go back.")
                out.append(LintFinding("numbering-gap", s.doc.id, s.cite(src.number, ev.item.line),
                                       msg, WHY_GAP, excerpt=ev.item.label))
    return out


def number_inferred(s: Subject) -> list[LintFinding]:
    out = []
    by_number = {a.number: a for a in s.source}
    for src in s.source:
        if src.label is None:
            before, after = by_number.get(src.number - 1), by_number.get(src.number + 1)
            msg = (f"This paragraph carries no article number; it is {_art(src.number)} only "
                   f"because it sits between {before.label if before else 'the start'} and "
                   f"{after.label if after else 'the end'}.")
            out.append(LintFinding("number-inferred", s.doc.id, s.cite(src.number), msg,
                                   WHY_INFERRED, excerpt=src.lines[0]))
        _, events = scan_items(src.lines)
        for ev in events:
            if ev.kind != "inferred":
                continue
            nxt = next((e.label for e in _labelled_after(src.lines, ev.item.line)), None)
            msg = (f"This item of {_art(src.number)} carries no label; it is "
                   f"{_item(ev.item.number)} only because the list's first label, {nxt}, "
                   "leaves room for it.")
            out.append(LintFinding("number-inferred", s.doc.id, s.cite(src.number, ev.item.line),
                                   msg, WHY_INFERRED, excerpt=ev.item.line))
    return out


def _labelled_after(lines, line):
    items, _ = scan_items(lines)
    seen = False
    for it in items:
        if it.line == line:
            seen = True
        elif seen and it.label:
            yield it


def numbering_style(s: Subject) -> list[LintFinding]:
    out = []
    heads = [h for h in headings(s.doc.source_text, s.hints) if h.label]
    articles = [h for h in heads if h.level == "article"]
    chapters = [h for h in heads if h.level == "chapter"]
    for level, seq in (("article", articles), ("chapter", chapters)):
        if len({numeral_style(h.label) for h in seq}) < 2:
            continue
        first = numeral_style(seq[0].label)
        switch = next(h for h in seq if numeral_style(h.label) != first)
        prev = seq[seq.index(switch) - 1]
        runs = _runs(seq)
        msg = (f"{level.capitalize()} numbers switch from {first} to {numeral_style(switch.label)} "
               f"at {switch.label} ({runs}).")
        other = chapters if level == "article" else articles
        if other and len({numeral_style(h.label) for h in other}) == 1:
            msg += (f" The {('chapters' if level == 'article' else 'articles')} use "
                    f"{numeral_style(other[0].label)} throughout.")
        out.append(LintFinding("numbering-style", s.doc.id, s.cite(switch.article), msg, WHY_STYLE,
                               excerpt=f"{prev.label} … {switch.label}"))
    if articles and chapters and not out:
        a = {numeral_style(h.label) for h in articles}
        c = {numeral_style(h.label) for h in chapters}
        if len(a) == 1 and len(c) == 1 and a != c:
            msg = (f"Chapters are numbered in {c.pop()} ({chapters[0].label}…) but articles in "
                   f"{a.pop()} ({articles[0].label}…).")
            out.append(LintFinding("numbering-style", s.doc.id, s.cite(chapters[0].article), msg,
                                   WHY_STYLE, excerpt=f"{chapters[0].label} … {articles[0].label}"))
    brackets: dict[tuple[str, str], list] = {}
    for src in s.source:
        items, _ = scan_items(src.lines)
        for it in items:
            if it.label:
                brackets.setdefault((it.label[0], it.label[-1]), []).append((src.number, it))
    if len(brackets) > 1:
        major = max(brackets, key=lambda k: len(brackets[k]))
        for key, seen in brackets.items():
            if key == major:
                continue
            number, it = seen[0]
            msg = (f"{it.label} is bracketed {key[0]}…{key[1]} where the other {len(brackets[major])} "
                   f"items use {major[0]}…{major[1]}" +
                   (f" ({len(seen)} items so bracketed)." if len(seen) > 1 else "."))
            out.append(LintFinding("numbering-style", s.doc.id, s.cite(number, it.line), msg,
                                   WHY_STYLE, excerpt=it.label))
    return out


def _runs(seq) -> str:
    runs, start = [], 0
    for i in range(1, len(seq) + 1):
        if i == len(seq) or numeral_style(seq[i].label) != numeral_style(seq[start].label):
            a, b = seq[start].label, seq[i - 1].label
            runs.append(a if a == b else f"{a}–{b}")
            start = i
    return ", ".join(runs)


def clause_restart(s: Subject) -> list[LintFinding]:
    out = []
    for src in s.source:
        items, events = scan_items(src.lines)
        for ev in events:
            if ev.kind != "restart":
                continue
            idx = src.lines.index(ev.item.line)
            lead = src.lines[idx - 1] if idx > 1 and not CLAUSE_RE.match(src.lines[idx - 1]) else None
            last_of_new = [it for it in items if it.list_no == ev.item.list_no]
            msg = (f"The list of {_art(src.number)} runs to {ev.previous.label}, then starts again at "
                   f"{ev.item.label} (to {last_of_new[-1].label})" +
                   (f" under 「{lead}」" if lead else "") +
                   f"; {_art(src.number)}{ev.item.label} now names two items.")
            first = next((it for it in items if it.number == ev.item.number and it.list_no == 1), None)
            out.append(LintFinding("clause-restart", s.doc.id, s.cite(src.number, ev.item.line),
                                   msg, WHY_RESTART.format(n=chinese_numeral(src.number)),
                                   excerpt=(lead + " " if lead else "") + ev.item.label,
                                   related=[s.cite(src.number, first.line)] if first else []))
    return out
