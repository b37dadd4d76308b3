"""Wording: known miswritings, and list items punctuated unlike their siblings."""
from __future__ import annotations

import re
from collections import Counter

from kb.lint.finding import LintFinding
from kb.lint.subject import Subject, scan_items
from kb.law.texts import CLAUSE_RE

# miswriting → the word meant; each pattern excludes the contexts where the
# characters are right (应够用 "should be enough")
TYPOS = {
    re.compile(r"应够(?!用|了)"): "能够",
    re.compile(r"部份"): "部分",
    re.compile(r"既使"): "即使",
    re.compile(r"按排"): "安排",
    re.compile(r"做为"): "作为",
}
HEAD_RE = re.compile(r"^([^。：:；;，,]{2,8})([。：:])")
ENDS = "。；;，,：:"

WHY_TYPO = ("A miswritten word in a binding text invites a dispute about what was meant, and "
            "is copied into every later text that quotes the clause.")
WHY_PUNCT = ("Items of one list punctuated differently look unfinished; a reader may take a "
             "colon for a lead-in to what follows, or a missing full stop for a clause cut short.")


def typo(s: Subject) -> list[LintFinding]:
    out = []
    for src in s.source:
        for line in src.lines:
            for rx, meant in TYPOS.items():
                for m in rx.finditer(line):
                    around = _chunk(line, m.start(), m.end())
                    msg = f"「{m.group(0)}」 should read 「{meant}」: 「{around}」."
                    out.append(LintFinding("typo", s.doc.id, s.cite(src.number, line), msg, WHY_TYPO,
                                           excerpt=around))
    return out


def _chunk(line: str, start: int, end: int) -> str:
    """The words between the punctuation marks around a span."""
    stops = "，,。；;：:"
    a = max(line.rfind(ch, 0, start) for ch in stops) + 1
    ends = [i for i in (line.find(ch, end) for ch in stops) if i != -1]
    chunk = line[a: min(ends) if ends else len(line)]
    label = CLAUSE_RE.match(chunk)
    return chunk[label.end():] if label else chunk


def _label_free(line: str, label: str | None) -> str:
    return line[len(label):] if label else line


def list_punctuation(s: Subject) -> list[LintFinding]:
    out = []
    for src in s.source:
        items, _ = scan_items(src.lines)
        for list_no in sorted({it.list_no for it in items}):
            group = [it for it in items if it.list_no == list_no]
            if len(group) < 3:
                continue
            heads = {}
            for it in group:
                m = HEAD_RE.match(_label_free(it.line, it.label))
                if m:
                    heads[id(it)] = (m.group(1), m.group(2))
            marks = Counter("。" if p == "。" else "：" for _, p in heads.values())
            if len(heads) >= 3 and len(marks) > 1:
                major = marks.most_common(1)[0][0]
                for it in group:
                    head = heads.get(id(it))
                    if head and ("。" if head[1] == "。" else "：") != major:
                        siblings = [h for h, p in heads.values() if ("。" if p == "。" else "：") == major]
                        msg = (f"The heading 「{head[0]}{head[1]}」 ends with a colon where the other "
                               f"{len(siblings)} headings of the list end with 「{major}」 "
                               f"(「{siblings[0]}{major}」)." if head[1] != "。" else
                               f"The heading 「{head[0]}。」 ends with a full stop where the other "
                               f"headings of the list end with a colon.")
                        out.append(LintFinding("list-punctuation", s.doc.id,
                                               s.cite(src.number, it.line), msg, WHY_PUNCT,
                                               excerpt=f"{it.label or ''}{head[0]}{head[1]}"))
            inner = [it for it in group[:-1]]
            ends = Counter(it.line[-1] if it.line[-1] in ENDS else "" for it in inner)
            if len(inner) >= 2 and ends:
                major, count = ends.most_common(1)[0]
                if major and count >= 2:
                    for it in group:
                        end = it.line[-1] if it.line[-1] in ENDS else ""
                        if end == "" and (it is not group[-1] or major == "。"):
                            msg = (f"{it.label or 'This item'} ends without punctuation "
                                   f"(「…{it.line[-12:]}」) where its sibling items end with "
                                   f"「{major}」.")
                            out.append(LintFinding("list-punctuation", s.doc.id,
                                                   s.cite(src.number, it.line), msg, WHY_PUNCT,
                                                   excerpt=it.line[-12:]))
    return out
