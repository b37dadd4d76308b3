"""Counting units: 家 vs 家次, 人 vs 人次, and 人（次） that could be either.

A text may count distinct firms (家) and firm-visits (家次) side by side if
it says what each counts; a definition of the counted quantity (本办法所述
服务企业数量…) settles it, so a text defining its unit is not flagged for it.
"""
from __future__ import annotations

import re
from collections import defaultdict

from kb.lint.finding import LintFinding
from kb.lint.subject import Subject, sentences

COUNTS = {
    "家": re.compile(r"服务[^，。；,;：:\d]{0,14}?企业[^，。；,;：:\d]{0,10}?(\d+)\s*(家[（(]次[）)]|家次|家)"),
    "人": re.compile(r"培训[^，。；,;：:\d]{0,10}?(\d+)\s*(人[（(]次[）)]|人次|人)"),
}
NOUNS = {"家": "firms served", "人": "people trained"}
DEFINED = {"家": re.compile(r"服务企业数量|服务数量|家次"), "人": re.compile(r"培训人数|培训数量|人次")}
DEFINING = re.compile(r"所述|所称|所指|是指|指的是")

WHY_MIX = ("A threshold in {visits} can be met by serving few {who} often, one in {base} cannot; "
           "with neither defined, applicants and reviewers may count the same records "
           "differently, and the two figures cannot be compared.")
WHY_AMBIGUOUS = ("{unit} reads as {base} or as {visits}: the same figure is a different "
                 "threshold under each reading, and the text does not choose.")


def defines(s: Subject, base: str) -> bool:
    return any(DEFINING.search(sent) and DEFINED[base].search(sent)
               for art in s.doc.articles for sent in sentences(art.text))


def undefined_unit(s: Subject) -> list[LintFinding]:
    out = []
    for base, rx in COUNTS.items():
        if defines(s, base):
            continue
        uses: dict[str, list] = defaultdict(list)    # unit → [(article, line, words)]
        for art in s.doc.articles:
            lines = art.text.splitlines()
            for line in lines:
                for m in rx.finditer(line):
                    unit = re.sub(r"[（(]次[）)]", "（次）", m.group(2))
                    uses[unit].append((art.number, line, m.group(0)))
        visits = f"{base}次"
        ambiguous = f"{base}（次）"
        who = "firms" if base == "家" else "people"
        done = set()
        for number, line, words in uses.get(ambiguous, []):
            cite = s.cite(number, line)
            key = (cite.article, cite.clause, cite.part)
            if key in done:
                continue
            done.add(key)
            all_words = [w for n, l, w in uses[ambiguous] if (n, l) == (number, line)]
            msg = (f"{'、'.join(f'「{w}」' for w in all_words)} counts {NOUNS[base]} in {ambiguous}, "
                   f"which is neither {base} ({'distinct ' + who}) nor {visits} "
                   f"({'visits' if base == '家' else 'person-times'}), and no article defines it.")
            out.append(LintFinding("undefined-unit", s.doc.id, cite, msg,
                                   WHY_AMBIGUOUS.format(unit=ambiguous, base=f"{base} ({who})",
                                                        visits=visits),
                                   excerpt="；".join(all_words)))
        if uses.get(base) and uses.get(visits):
            few, many = sorted((base, visits), key=lambda u: (len(uses[u]), u != visits))
            number, line, words = uses[few][0]
            same = [w for n, l, w in uses[many] if (n, l) == (number, line)]
            other = uses[many][0]
            msg = (f"The text counts {NOUNS[base]} both in {base} and in {visits} "
                   f"(「{words}」 here; 「{same[0] if same else other[2]}」"
                   f"{'' if same else ' in ' + s.cite(other[0], other[1]).label()}) "
                   f"and defines neither.")
            related = [] if same else [s.cite(other[0], other[1])]
            out.append(LintFinding("undefined-unit", s.doc.id, s.cite(number, line), msg,
                                   WHY_MIX.format(visits=visits, base=base, who=who),
                                   excerpt=words if not same else f"{words}；{same[0]}",
                                   related=related))
    return out
