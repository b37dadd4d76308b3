"""What of the texts is encoded: the proof that no eligibility clause is left out.

A unit is a clause of an eligibility article (or the article itself when it
has no list). It counts as encoded when some condition or exception cites it.
"""
from __future__ import annotations

from collections import Counter
from typing import Any


def coverage(kb) -> list[dict[str, Any]]:
    cited: set[tuple[str, int, int | None, str | None]] = set()
    for node in kb.nodes.values():
        c = node.citation
        cited.add((c.document, c.article, c.clause, c.part))
    for prog in kb.programs.values():
        for exc in prog.exceptions:
            c = exc.citation
            cited.add((c.document, c.article, c.clause, c.part))
    out = []
    for doc in kb.documents:
        units, missing = 0, []
        for art in doc.articles:
            if art.cls != "eligibility":
                continue
            parts = [(cl.clause, cl.part) for cl in art.clauses] or [(None, None)]
            for clause, part in parts:
                units += 1
                if clause is None:
                    ok = any(d == doc.id and a == art.number for d, a, _, _ in cited)
                else:
                    ok = (doc.id, art.number, clause, part) in cited
                if not ok:
                    missing.append(f"第{art.number}条" + (f"（{clause}）" if clause else "") + (f" {part}" if part else ""))
        nodes = [n for n in kb.nodes.values() if n.citation.document == doc.id]
        out.append({
            "document": doc.id, "title": doc.title, "programs": doc.programs,
            "articles": len(doc.articles),
            "by_class": dict(Counter(a.cls for a in doc.articles)),
            "eligibility_clauses": units, "encoded": units - len(missing), "not_encoded": missing,
            "conditions": sum(1 for p in doc.programs for _ in kb.programs[p].conditions),
            "nodes": len(nodes),
            "interpretations": sum(1 for n in nodes if n.interpretation),
            "switches": sorted({n.switch[0] for n in nodes if n.switch}),
        })
    return out


def coverage_text(rows: list[dict[str, Any]]) -> str:
    lines = []
    for r in rows:
        classes = ", ".join(f"{k} {v}" for k, v in sorted(r["by_class"].items()))
        lines.append(f"{r['document']}  {r['title']}")
        lines.append(f"  articles {r['articles']} ({classes})")
        lines.append(f"  eligibility clauses encoded {r['encoded']}/{r['eligibility_clauses']}"
                     + (f"  NOT ENCODED: {', '.join(r['not_encoded'])}" if r["not_encoded"] else ""))
        lines.append(f"  top-level conditions {r['conditions']}, nodes {r['nodes']}, "
                     f"interpretations {r['interpretations']}, switches {', '.join(r['switches']) or '-'}")
    return "\n".join(lines)
