"""regkb coverage: every eligibility clause of the five texts is encoded."""
from kb.coverage import coverage


def test_every_eligibility_clause_is_encoded(kb):
    rows = coverage(kb)
    assert len(rows) == 5
    for row in rows:
        assert row["not_encoded"] == [], f"{row['document']} leaves out {row['not_encoded']}"
        assert row["eligibility_clauses"] > 0


def test_every_article_is_classified(kb):
    for doc in kb.documents:
        for art in doc.articles:
            assert art.cls and art.gloss.strip(), f"{doc.id} 第{art.number}条"


def test_coverage_notices_a_missing_clause(kb):
    # drop one clause's conditions and the report must name it
    doc = next(d for d in kb.documents if d.id == "beijing.sme-service-platform")
    saved = dict(kb.nodes)
    try:
        for nid in [n for n, node in kb.nodes.items()
                    if node.citation.document == doc.id and node.citation.article == 5
                    and node.citation.clause == 7]:
            del kb.nodes[nid]
        row = next(r for r in coverage(kb) if r["document"] == doc.id)
        assert "第5条（7）" in row["not_encoded"]
    finally:
        kb.nodes.clear()
        kb.nodes.update(saved)
