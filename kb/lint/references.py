"""References to other texts: repealed or lapsed ones, bases with an end date,
and reach back before the text existed.

Only what the words support is reported: a text that repeals another
(同时废止) is doing its job; a text that cites one the base repeals, calls one
already lapsed (已到期废止), rests on a plan whose period is in its title, or
reaches back before its own publication, leaves a question open.
"""
from __future__ import annotations

import re

from kb.lint.finding import LintFinding
from kb.lint.subject import Subject, sentences
from kb.law.model import Document

DOCNO_RE = re.compile(r"[\u4e00-\u9fa5]{1,10}[〔\[［]\d{4}[〕\]］]\s*\d+\s*号")
TITLE_RE = re.compile(r"《([^》]+)》")
REPEAL_RE = re.compile(r"废止|失效")
LAPSED_RE = re.compile(r"已?到期(?:废止|失效)|已(?:经)?失效")
PERIOD_RE = re.compile(r"((?:19|20)\d{2})\s*(?:年)?\s*[—\-–－~～至到]+\s*((?:19|20)\d{2})")
VALIDITY_RE = re.compile(r"有效期(?:为|至)?\s*([\d一二三四五六七八九十两]+)\s*年")
SINCE_RE = re.compile(r"((?:19|20)\d{2})\s*年\s*(?:以来|起|之后)|自\s*((?:19|20)\d{2})\s*年")
DATE_RES = (re.compile(r"(?:发表于|发布于|印发于|发布日期)[:：]?\s*((?:19|20)\d{2})-(\d{1,2})-(\d{1,2})"),
            re.compile(r"((?:19|20)\d{2})年(\d{1,2})月(\d{1,2})日"))

WHY_REPEALED = ("A provision that relies on a repealed text points readers to rules no longer in "
                "force; what it was meant to import is now undefined.")
WHY_LAPSED = ("A text that lapsed by its own term needs no repeal; saying it has already lapsed "
              "shows a time between its expiry and this text's entry into force that neither "
              "governs.")
WHY_BASIS = ("A text that outlives the plan it was made under leaves readers unsure whether it "
             "still applies once the plan has ended, and it names no date for review or expiry.")
WHY_RETRO = ("Designations or acts before the text existed were made under other rules, which "
             "this text does not name; an applicant cannot tell from the text whether it is "
             "covered.")


def refs(sentence: str) -> list[str]:
    return [m.group(0).replace(" ", "") for m in DOCNO_RE.finditer(sentence)] + \
           [f"《{m.group(1)}》" for m in TITLE_RE.finditer(sentence)]


def repealed_in(doc: Document) -> dict[str, tuple[Document, int, str]]:
    """Each reference a text repeals or calls lapsed → (that text, article, sentence)."""
    out = {}
    for art in doc.articles:
        for sent in sentences(art.text):
            if REPEAL_RE.search(sent):
                for ref in refs(sent):
                    out.setdefault(ref, (doc, art.number, sent))
    return out


def doc_date(doc: Document) -> str | None:
    """The text's date (YYYY-MM-DD): the encoding's, else one the page states."""
    if doc.header.get("published"):
        return str(doc.header["published"])
    head = "\n".join(doc.source_text.splitlines()[:12])
    for rx in DATE_RES:
        m = rx.search(head)
        if m:
            return f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
    return None


def validity_years(doc: Document) -> int | None:
    from kb.law.texts import chinese_number
    for art in doc.articles:
        m = VALIDITY_RE.search(art.text)
        if m and "本办法" in art.text:
            return chinese_number(m.group(1))
    return None


def repealed_reference(s: Subject) -> list[LintFinding]:
    out = []
    repealed = {}
    for doc in s.documents:
        for ref, where in repealed_in(doc).items():
            repealed.setdefault(ref, where)
    for art in s.doc.articles:
        for sent in sentences(art.text):
            if REPEAL_RE.search(sent):
                lapsed = LAPSED_RE.search(sent)
                if not lapsed:
                    continue
                named = refs(sent)
                if not named:
                    continue
                why = WHY_LAPSED
                if re.search(r"重新申报", art.text) and not re.search(r"继续有效|有效期内", art.text):
                    why += (" For designations made under it the text says only that they apply "
                            "again, not whether they stand in the meantime.")
                msg = (f"{' '.join(named)} is referred to as already lapsed "
                       f"(「{lapsed.group(0)}」), not repealed by this text.")
                out.append(LintFinding("repealed-reference", s.doc.id, s.cite(art.number, sent),
                                       msg, why, excerpt=sent))
                continue
            hits = [ref for ref in refs(sent) if ref in repealed]
            if not hits:
                continue
            doc, number, rsent = repealed[hits[0]]
            where = "this text" if doc.id == s.doc.id else doc.id
            verb = "calls lapsed" if LAPSED_RE.search(rsent) else "repeals"
            msg = f"Cites {' '.join(hits)}, which {where} {verb} (第{_cn(number)}条: 「{rsent}」)."
            out.append(LintFinding("repealed-reference", s.doc.id, s.cite(art.number, sent),
                                   msg, WHY_REPEALED, excerpt=sent,
                                   related=[Subject(doc).cite(number, rsent)]))
    return out


def lapsed_basis(s: Subject) -> list[LintFinding]:
    out = []
    date = doc_date(s.doc)
    years = validity_years(s.doc)
    for art in s.doc.articles:
        for sent in sentences(art.text):
            if REPEAL_RE.search(sent):
                continue
            for m in TITLE_RE.finditer(sent):
                period = PERIOD_RE.search(m.group(1))
                if not period:
                    continue
                start, end = int(period.group(1)), int(period.group(2))
                title = m.group(0)
                if date and int(date[:4]) > end:
                    msg = (f"Cites {title}, a plan for {start}—{end}, which had ended before this "
                           f"text's date ({date}).")
                elif years is None:
                    msg = (f"Cites {title}, a plan for {start}—{end}, but this text states no "
                           "period of validity" + (f" (dated {date})" if date else "") +
                           f": from {end + 1} it rests on a plan that has run out.")
                elif date and int(date[:4]) + years - 1 > end:
                    msg = (f"Cites {title}, a plan for {start}—{end}, but this text runs {years} "
                           f"years from {date}: past {end} it rests on a plan that has run out.")
                else:
                    continue
                out.append(LintFinding("lapsed-basis", s.doc.id, s.cite(art.number, sent), msg,
                                       WHY_BASIS, excerpt=title))
    return out


def retroactive_reach(s: Subject) -> list[LintFinding]:
    date = doc_date(s.doc)
    if not date:
        return []
    out = []
    for art in s.doc.articles:
        for sent in sentences(art.text):
            for m in SINCE_RE.finditer(sent):
                year = int(m.group(1) or m.group(2))
                if year >= int(date[:4]):
                    continue
                msg = (f"「{sent}」 reaches back to {year}, before this text's date ({date}); it "
                       f"does not say under which rules what was done between {year} and {date} "
                       "was done, nor whether it counts as done under this text.")
                out.append(LintFinding("retroactive-reach", s.doc.id, s.cite(art.number, sent),
                                       msg, WHY_RETRO, excerpt=m.group(0)))
    return out


def _cn(n: int) -> str:
    from kb.law.texts import chinese_numeral
    return chinese_numeral(n)
