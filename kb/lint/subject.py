"""What a drafting check looks at: one document as encoded and as written.

The numbering checks must see the text as the drafter wrote it, so the source
is re-split here (kb.law.texts) rather than read from the encoding, which has
already numbered what the text left unnumbered. A bare source text with no
encoding becomes a Document whose articles and clauses come from the text
alone, so a draft can be checked before anyone encodes it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from kb.law.model import Article, Citation, Clause, Document, Node
from kb.law.texts import (ARTICLE_RE, CHAPTER_RE, CLAUSE_RE, SourceArticle, chinese_number,
                      clean_line, split_with_hints)

SENTENCE_END = re.compile(r"[。；;！？\n]")
_LEAD_END = ("：", ":")


@dataclass
class Item:
    """A line of an article's list as written: its label's number, or the number
    its position gives it where the text leaves it out."""
    line: str
    number: int | None
    label: str | None          # "（三）" as written, None if unlabelled
    list_no: int = 1           # 2 after the numbering restarts at （一）


@dataclass
class ListEvent:
    kind: str                  # "inferred" | "gap" | "restart" | "disorder"
    item: Item
    missing: list[int] = field(default_factory=list)
    previous: Item | None = None


def scan_items(lines: list[str]) -> tuple[list[Item], list[ListEvent]]:
    """The numbered items of one article (its lines after the first) and what is
    irregular about their numbering. Unlabelled lines just before a label that
    skips numbers are taken as the skipped items when their count matches and
    none of them is a lead-in ending in a colon."""
    items: list[Item] = []
    events: list[ListEvent] = []
    pending: list[str] = []
    expected, list_no, last = 1, 1, None
    for line in lines[1:]:
        m = CLAUSE_RE.match(line)
        if not m:
            pending.append(line)
            continue
        n = chinese_number(m.group(1))
        item = Item(line, n, line[: m.end()], list_no)
        if last is not None and n <= last.number:
            if n == 1:
                list_no += 1
                item.list_no = list_no
                events.append(ListEvent("restart", item, previous=last))
            else:
                events.append(ListEvent("disorder", item, previous=last))
            expected = n
        if n > expected:
            missing = list(range(expected, n))
            bodies = [p for p in pending if not p.endswith(_LEAD_END)]
            if len(bodies) == len(missing) and len(bodies) == len(pending):
                for k, body in zip(missing, bodies):
                    inferred = Item(body, k, None, list_no)
                    items.append(inferred)
                    events.append(ListEvent("inferred", inferred, previous=last))
            else:
                events.append(ListEvent("gap", item, missing=missing, previous=last))
        items.append(item)
        pending, expected, last = [], n + 1, item
    return items, events


@dataclass
class Heading:
    level: str                 # "chapter" | "article"
    number: int
    label: str | None          # as written; None for an unlabelled article
    article: int               # the article it opens (for a chapter: its first article)


def headings(raw: str, hints: dict[str, int]) -> list[Heading]:
    """Chapter and article headings in order, as written."""
    out: list[Heading] = []
    open_chapters: list[Heading] = []
    for raw_line in raw.splitlines():
        line = clean_line(raw_line)
        if not line:
            continue
        chap = CHAPTER_RE.match(line)
        if chap:
            h = Heading("chapter", chinese_number(chap.group(1)), line[: chap.end()], 0)
            out.append(h)
            open_chapters.append(h)
            continue
        art = ARTICLE_RE.match(line)
        hint = next((n for words, n in hints.items() if line.startswith(words)), None)
        if art or hint is not None:
            number = chinese_number(art.group(1)) if art else hint
            for h in open_chapters:
                h.article = number
            open_chapters = []
            out.append(Heading("article", number, line[: art.end()] if art else None, number))
    return out


def numeral_style(label: str) -> str:
    digits = re.sub(r"^第|[条章]$", "", label)
    return "Arabic digits" if digits.isdigit() else "Chinese numerals"


def sentences(text: str) -> list[str]:
    """Sentences and semicolon-separated parts, an opening 第…条 label removed."""
    out = []
    for part in SENTENCE_END.split(text):
        part = part.strip()
        m = ARTICLE_RE.match(part)
        if m:
            part = part[m.end():].strip()
        if part:
            out.append(part)
    return out


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def document_from_text(raw: str, doc_id: str, title: str = "", path: str = "",
                       hints: dict[str, int] | None = None) -> Document:
    """A Document read from the text alone: no programs, no conditions, every
    article of class "unknown", its clauses the items the text numbers (or
    leaves for position to number). ``hints`` as encoding.yaml's
    ``unlabelled_articles``."""
    articles = []
    for src in split_with_hints(raw, hints or {}):
        items, _ = scan_items(src.lines)
        clauses = [Clause(clause=it.number, inferred=it.label is None,
                          part=None if it.list_no == 1 else str(it.list_no), text=it.line)
                   for it in items]
        articles.append(Article(number=src.number, label=src.label, cls="unknown", gloss="",
                                text=src.text, inferred=src.label is None, clauses=clauses,
                                conditions=[]))
    first = next((clean_line(l) for l in raw.splitlines() if clean_line(l)), "")
    header = {"unlabelled_articles": dict(hints)} if hints else {}
    return Document(id=doc_id, city="", title=title or first, seed="", programs=[], path=path,
                    header=header, articles=articles, exceptions=[], source_text=raw)


@dataclass
class Subject:
    """One document under check, with the rest of the base for comparison."""
    doc: Document
    others: list[Document] = field(default_factory=list)   # the base's other documents

    def __post_init__(self):
        self.hints: dict[str, int] = self.doc.header.get("unlabelled_articles") or {}
        self.source: list[SourceArticle] = split_with_hints(self.doc.source_text, self.hints)
        self._articles = {a.number: a for a in self.doc.articles}

    @property
    def documents(self) -> list[Document]:
        return [self.doc] + [d for d in self.others if d.id != self.doc.id]

    def article(self, number: int) -> Article | None:
        return self._articles.get(number)

    def nodes(self) -> list[Node]:
        return [n for a in self.doc.articles for top in a.conditions for n in top.walk()]

    def base_nodes(self) -> list[Node]:
        return [n for d in self.documents for a in d.articles for top in a.conditions
                for n in top.walk()]

    # -- citations -------------------------------------------------------------
    def clause_of(self, article: Article, line: str | None) -> Clause | None:
        if not line:
            return None
        key = squash(line)
        for clause in article.clauses:
            text = squash(clause.text)
            if key == text or (len(key) >= 4 and key in text) or (len(text) >= 4 and text in key):
                return clause
        return None

    def cite(self, number: int, line: str | None = None, clause: Clause | None = None) -> Citation:
        """The citation of article ``number`` (and of the clause holding ``line``)."""
        art = self.article(number)
        if art is None:   # the encoding lacks an article the text has: cite the text
            src = next((s for s in self.source if s.number == number), None)
            text = src.text if src else (line or "")
            return Citation(self.program_of(None, None), number, None, None, False, text,
                            document=self.doc.id)
        clause = clause or self.clause_of(art, line)
        return Citation(program=self.program_of(art, clause), article=number,
                        clause=clause.clause if clause else None,
                        part=clause.part if clause else None,
                        inferred=art.inferred or bool(clause and clause.inferred),
                        text=clause.text if clause else art.text, document=self.doc.id)

    def program_of(self, art: Article | None, clause: Clause | None) -> str:
        """The program the cited words govern: that of the conditions encoded at
        the clause, else in the article, else the document's first program (a
        general article of a two-program text governs both; the first stands
        for them)."""
        if art is not None:
            tops = [n for top in art.conditions for n in top.walk()]
            if clause is not None:
                at = [n.program for n in tops if n.citation.clause == clause.clause
                      and n.citation.part == clause.part]
                if at:
                    return at[0]
            if tops:
                return tops[0].program
        return self.doc.programs[0] if self.doc.programs else ""

    def programs_at(self, citation: Citation) -> list[str]:
        """Every program the cited words govern: those of the conditions encoded
        there, else in the article, else all of the document's."""
        art = self.article(citation.article)
        tops = [n for top in art.conditions for n in top.walk()] if art else []
        at = [n.program for n in tops if citation.clause is None or
              (n.citation.clause == citation.clause and n.citation.part == citation.part)]
        return list(dict.fromkeys(at or [n.program for n in tops] or self.doc.programs))

    def lead_in(self, article: Article) -> str:
        """The article's words before its first list item."""
        out = []
        for line in article.text.splitlines():
            if CLAUSE_RE.match(line.strip()):
                break
            out.append(line)
        return "\n".join(out)

    def governing_text(self, citation: Citation) -> str:
        """A clause's words together with its article's lead-in (a window or a
        subject stated in the lead-in governs every item)."""
        doc = next((d for d in self.documents if d.id == citation.document), None)
        art = next((a for a in doc.articles if a.number == citation.article), None) if doc else None
        if art is None:
            return citation.text
        if citation.clause is None:
            return art.text
        return self.lead_in(art) + "\n" + citation.text
