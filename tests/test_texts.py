"""The encodings carry every article of their source, word for word (第x条 as
written, debris removed), and every citation's text is its clause's text."""
from __future__ import annotations

from kb.law.texts import split_with_hints


def test_every_article_present_and_exact(kb):
    for doc in kb.documents:
        hints = doc.header.get("unlabelled_articles") or {}
        source = split_with_hints(doc.source_text, hints)
        assert [a.number for a in source] == [a.number for a in doc.articles], doc.id
        for src, art in zip(source, doc.articles):
            assert src.text.strip() == art.text.strip(), f"{doc.id} 第{art.number}条"
            assert (src.label is None) == (art.label is None), f"{doc.id} 第{art.number}条 label"


def test_clause_texts_are_in_their_article(kb):
    for doc in kb.documents:
        for art in doc.articles:
            for clause in art.clauses:
                assert clause.text in art.text, f"{doc.id} 第{art.number}条 clause {clause.clause}"


def test_every_condition_cites_chinese_text(kb):
    for node in kb.nodes.values():
        assert node.citation.text and node.citation.article >= 1, node.id
        assert any("\u4e00" <= ch <= "\u9fff" for ch in node.citation.text), node.id


def test_unnumbered_article_is_marked_inferred(kb):
    # 001: the article after 第六条 (鼓励具备下列特征的平台发展) carries no number
    doc = next(d for d in kb.documents if d.id == "beijing.sme-service-platform")
    art = next(a for a in doc.articles if a.number == 7)
    assert art.label is None and art.inferred
