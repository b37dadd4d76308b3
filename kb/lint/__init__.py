"""Drafting checks (``regkb lint``): defects a drafter should see before publishing.

Each rule is a function of one :class:`Subject` (a document as encoded and as
written, with the base's other documents beside it) returning findings that
cite the clause and say why it matters. Rules are generic: none names a
document. ::

    from kb.lint import lint, lint_markdown
    findings = lint(kb)                                     # every document
    findings = lint(kb, "guiyang.sme-service-platform")     # one, by id or path
    print(lint_markdown(findings))
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from kb.io.errors import InputError
from kb.lint import bands, general, numbering, references, units, windows, wording
from kb.lint.finding import LintFinding
from kb.lint.subject import Subject, document_from_text
from kb.law.model import Document

__all__ = ["LintFinding", "RULES", "lint", "lint_document", "lint_markdown", "lint_text",
           "resolve_document"]

# rule id → (check, what it looks for); the order is the report's order within a clause
RULES: dict[str, tuple[Callable[[Subject], list[LintFinding]], str]] = {
    "numbering-gap": (numbering.numbering_gap, "chapter, article or item numbers that skip, repeat or go back"),
    "number-inferred": (numbering.number_inferred, "articles or items with no number, numbered only by position"),
    "numbering-style": (numbering.numbering_style, "Arabic and Chinese numerals (or bracket styles) mixed in one text"),
    "clause-restart": (numbering.clause_restart, "an article's list that starts again at （一）"),
    "score-band-overlap": (bands.score_band_overlap, "a score that falls in two grade bands"),
    "score-band-gap": (bands.score_band_gap, "scores that fall in no grade band"),
    "unbounded-lookback": (windows.unbounded_lookback, "a record look-back with no period where sibling clauses bound it"),
    "repealed-reference": (references.repealed_reference, "citing a repealed text, or one called already lapsed"),
    "lapsed-basis": (references.lapsed_basis, "a basis whose stated period ends while the text runs on"),
    "retroactive-reach": (references.retroactive_reach, "reaching back before the text's own date"),
    "undefined-unit": (units.undefined_unit, "家 vs 家次, 人 vs 人次, or 人（次）, with no definition"),
    "general-rule": (general.general_rule, "一般应 / 原则上 with no stated exception"),
    "definition-conflict": (general.definition_conflict, "a definition stating absolutely what a condition makes general"),
    "typo": (wording.typo, "known miswritings (应够 for 能够 …)"),
    "list-punctuation": (wording.list_punctuation, "list items punctuated unlike their siblings"),
}


def _order(finding: LintFinding, rank: dict[str, int]) -> tuple:
    c = finding.citation
    return (c.article, c.part or "", c.clause or 0, rank[finding.rule])


def lint_document(doc: Document, others: list[Document] | None = None,
                  rules: list[str] | None = None) -> list[LintFinding]:
    """Findings for one document, in text order."""
    subject = Subject(doc, list(others or []))
    rank = {rule: i for i, rule in enumerate(RULES)}
    out: list[LintFinding] = []
    for rule in rules or RULES:
        check, _ = RULES[rule]
        for finding in check(subject):
            finding.title = finding.title or doc.title
            finding.programs = finding.programs or subject.programs_at(finding.citation)
            out.append(finding)
    return sorted(out, key=lambda f: _order(f, rank))


def lint_text(raw: str, doc_id: str = "text", others: list[Document] | None = None) -> list[LintFinding]:
    """Findings for a bare text (no encoding): the checks that need conditions stay silent."""
    return lint_document(document_from_text(raw, doc_id), others)


def resolve_document(kb, document: str) -> tuple[Document, bool]:
    """A document or program id, ``DOC@VERSION`` (as ``diff`` takes it), or a
    path to an encoding.yaml copy, a version file (complete, partial or
    overlay) or a source.txt. Returns the document and whether it is one of
    the base's own. A text whose figures contradict its words is an error."""
    from kb.law.versions import document_of_program
    for doc in kb.documents:
        if doc.id == document:
            return doc, True
    path = Path(document)
    looks_like_path = path.suffix in (".yaml", ".yml", ".txt") or "/" in document
    if not looks_like_path:
        doc_id = document_of_program(kb.facts_dir, document.partition("@")[0])   # unknown: an error naming it
        if "@" not in document:
            return next(d for d in kb.documents if d.id == doc_id), True
        return _version_document(kb, document)
    if path.is_dir():
        path = path / "encoding.yaml"
    if not path.is_file():
        raise InputError(document, None, "no such file; expected an encoding.yaml, a version file or source.txt")
    encoding = path if path.suffix in (".yaml", ".yml") else path.parent / "encoding.yaml"
    if path.suffix in (".yaml", ".yml") or encoding.is_file():
        from kb.reasoning.base import known_fields
        from kb.law.encoding import Loader
        from kb.law.agreement import require_agreement
        from kb.io.yamlio import read_yaml
        data = read_yaml(encoding)
        if isinstance(data, dict) and "version" in data:
            return _version_document(kb, str(encoding))
        if isinstance(data, dict):      # a figure its own words contradict is an error, not a finding
            require_agreement(data, str(encoding))
        source = encoding.parent / "source.txt"     # a draft elsewhere has none: lint its encoded text
        text = source.read_text(encoding="utf-8") if source.is_file() else ""
        return Loader(encoding, kb.settings, known_fields(), set(kb.functions)).document(data, text), False
    from kb.io.inputs import read_text   # regular file, size limit, UTF-8 (the shared guard)
    raw = read_text(path, "text file")
    return document_from_text(raw, path.parent.name if path.stem == "source" else path.stem,
                              path=str(path)), False


def _version_document(kb, ref: str) -> tuple[Document, bool]:
    """A version's text, assembled and checked as ``diff`` loads it."""
    from kb.reasoning.base import known_fields
    from kb.law.versions import Versions, load_text, parse_ref
    doc_id, key = parse_ref(ref, kb.facts_dir)
    registry = Versions(kb.facts_dir, doc_id)
    v = registry.get(key)
    if v.current:
        return next(d for d in kb.documents if d.id == doc_id), True
    return load_text(registry, v, kb.settings, known_fields(), set(kb.functions)).document, False


def lint(kb, document: str | None = None) -> list[LintFinding]:
    """Every finding for one document (id or path) or, without one, for all
    documents of the base in their order."""
    if document is None:
        docs = list(kb.documents)
    else:
        docs = [resolve_document(kb, document)[0]]
    out: list[LintFinding] = []
    for doc in docs:
        others = [d for d in kb.documents if d.id != doc.id]
        out.extend(lint_document(doc, others))
    return out


def _groups(findings: list[LintFinding]):
    groups: dict[str, list[LintFinding]] = {}
    for f in findings:
        groups.setdefault(f.document, []).append(f)
    return groups


def lint_markdown(findings: list[LintFinding]) -> str:
    """A Markdown report, one section per document, findings in text order."""
    lines = ["# Drafting findings", ""]
    if not findings:
        return "\n".join(lines + ["No drafting findings.", ""])
    counts = ", ".join(f"`{doc}` {len(fs)}" for doc, fs in _groups(findings).items())
    lines += [f"{len(findings)} findings: {counts}. Each cites its clause (`*` marks a number "
              "the text leaves out) and says why it matters; the rules are listed at the end.", ""]
    for doc, fs in _groups(findings).items():
        lines += [f"## {fs[0].title} (`{doc}`)", ""]
        for f in fs:
            c = f.citation
            where = f"**{c.label().replace('*', '&#42;')}**" + (f" ({', '.join(f.programs)})" if f.programs else "")
            lines.append(f"- {where} `{f.rule}`: {_md(f.message)}")
            if f.excerpt:
                lines.append(f"  > {_md(f.excerpt)}")
            lines.append(f"  - *Why it matters:* {_md(f.why)}")
            if f.related:
                rel = "; ".join(f"{r.label()}" + (f" ({r.document})" if r.document != doc else "")
                                for r in f.related)
                lines.append(f"  - *See:* {rel}")
        lines.append("")
    lines += ["## Rules", "", "| rule | looks for |", "|---|---|"]
    lines += [f"| `{rule}` | {what} |" for rule, (_, what) in RULES.items()]
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def lint_text_report(findings: list[LintFinding]) -> str:
    """Plain text for people: grouped by document, each finding with its label and excerpt."""
    if not findings:
        return "No drafting findings."
    out = []
    for doc, fs in _groups(findings).items():
        out.append(f"{doc} — {fs[0].title} ({len(fs)} finding{'s' if len(fs) != 1 else ''})")
        for f in fs:
            out.append(f"  {f.citation.label():<12} {f.rule}")
            out.append(f"    {f.message}")
            if f.excerpt:
                out.append(f"    「{' '.join(f.excerpt.split())}」")
            out.append(f"    why: {f.why}")
            for r in f.related:
                where = f" {r.document}" if r.document != doc else ""
                out.append(f"    see:{where} {r.label()}")
        out.append("")
    return "\n".join(out).rstrip() + "\n"
