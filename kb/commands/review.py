"""regkb review DOC [--html OUT] [--write DIR]"""
from __future__ import annotations

HELP = ("review sheet: every article and clause in order, its Chinese text beside what the encoding "
        "requires (in Chinese and English), interpretations, switches and what is not encoded")


def add_arguments(p) -> None:
    p.add_argument("document", nargs="?",
                   help="a document or program id, DOC@VERSION, or a version file")
    p.add_argument("--html", metavar="OUT", help="write one self-contained HTML page (fonts embedded)")
    p.add_argument("--write", metavar="DIR",
                   help="write DIR/review/<document>.md for every document (e.g. comparisons/)")


def run(args) -> str:
    from pathlib import Path

    from kb.commands import knowledge_base
    from kb.io.errors import InputError
    from kb.lint.review import html, markdown, review_model, write_all
    from kb.io.outputs import atomic_write, check_output
    if args.html:
        check_output(args.html, "--html")   # before the work, not after it
    kb = knowledge_base(args)
    if args.write:
        written = write_all(kb, Path(args.write) / "review")
        return "\n".join(f"wrote {p}" for p in written)
    if not args.document:
        raise InputError("regkb review", "DOC", "expected a document or program id (or --write DIR)")
    model = review_model(kb, args.document)
    if args.json:
        import json
        return json.dumps(model, ensure_ascii=False, indent=2, default=str)
    if args.html:
        atomic_write(args.html, html(model))
        return f"wrote {args.html}"
    return markdown(model)
