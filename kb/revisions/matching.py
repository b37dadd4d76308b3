"""Pairing the two texts of a diff: conditions by id, articles through the
conditions they hold or by wording, and the edits between two wordings."""
from __future__ import annotations

import difflib
import re
from collections import Counter

from kb.law.model import Document, Node
from kb.law.versions import Version

LABEL_RE = re.compile(r"^\s*第[一二三四五六七八九十百零两\d]+条\s*")


def top_nodes(doc: Document) -> dict[str, Node]:
    return {n.id: n for a in doc.articles for n in a.conditions if n.kind != "unknown"}


def partial_articles(v: Version) -> set[int]:
    """Articles a partial version knows only in part (or not at all)."""
    out: set[int] = set()
    for g in v.gaps:
        out.update(range(g.article, (g.to_article or g.article) + 1))
    return out


def pair_articles(od: Document, nd: Document, links: dict[str, str], o_part: set[int],
                  n_part: set[int]) -> dict[int, int]:
    """Old article number → new: through the conditions they share, then by wording."""
    where = {n.id: a.number for a in nd.articles for n in a.conditions}
    votes: Counter = Counter()
    for a in od.articles:
        for n in a.conditions:
            target = where.get(n.id, where.get(links.get(n.id)))
            if target is not None and n.kind != "unknown":
                votes[(a.number, target)] += 1
    pairs: dict[int, int] = {}
    for (o, n), _ in votes.most_common():
        if o not in pairs and n not in pairs.values():
            pairs[o] = n
    candidates = []
    for a in od.articles:
        if a.number in pairs or a.number in o_part:
            continue
        for b in nd.articles:
            if b.number in pairs.values() or b.number in n_part:
                continue
            ta, tb = LABEL_RE.sub("", a.text), LABEL_RE.sub("", b.text)
            m = difflib.SequenceMatcher(None, ta, tb, autojunk=False)
            ratio = m.ratio()
            # a shortened article keeps much of its words under the same number (北京 2017 第四条)
            kept = sum(blk.size for blk in m.get_matching_blocks()) / max(1, min(len(ta), len(tb)))
            if ratio >= 0.5 or (a.number == b.number and kept >= 0.6):
                candidates.append((ratio, a.number == b.number, a.number, b.number))
    for _, _, o, n in sorted(candidates, reverse=True):
        if o not in pairs and n not in pairs.values():
            pairs[o] = n
    for a in od.articles:   # a partly known article keeps its number when nothing says otherwise
        if a.number not in pairs and a.number in o_part and a.number not in pairs.values() \
                and any(b.number == a.number for b in nd.articles):
            pairs[a.number] = a.number
    return pairs


_STOPS = "，。；：、（）\n"


def text_edits(a: str, b: str) -> list[dict[str, str]]:
    """The edits from a to b, each widened to the nearest punctuation on either
    side (so 「8」→「5」 reads as 「楼宇经济园建筑总面积在 8 千平方米以上」→「…5 千…」);
    edits within one phrase are merged."""
    ops = [op for op in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()]
    spans: list[list[int]] = []
    for tag, i1, i2, j1, j2 in ops:
        if tag == "equal":
            continue
        # one phrase, one edit: merge with the previous edit unless punctuation lies between
        if spans and not any(ch in _STOPS for ch in a[spans[-1][1]:i1]):
            spans[-1][1], spans[-1][3] = i2, j2
        else:
            spans.append([i1, i2, j1, j2])
    out = []
    for i1, i2, j1, j2 in spans:
        left = 0
        while left < 20 and i1 - left > 0 and a[i1 - left - 1] not in _STOPS:
            left += 1
        right = 0
        while right < 20 and i2 + right < len(a) and a[i2 + right] not in _STOPS:
            right += 1
        out.append({"old": a[i1 - left:i2 + right], "new": b[j1 - left:j2 + right],
                    "removed": a[i1:i2], "added": b[j1:j2]})
    return out


def edit_words(e: dict[str, str]) -> str:
    if not e["removed"]:
        return f"added 「{e['added']}」 (「{e['new']}」)"
    if not e["added"]:
        return f"removed 「{e['removed']}」"
    return f"「{e['old']}」 → 「{e['new']}」"

