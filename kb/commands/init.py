"""regkb init [--program ID ...] [--lang zh|en] [--out FILE]"""
from __future__ import annotations

HELP = "write a commented profile template with the fields the chosen programs read"


def add_arguments(p) -> None:
    p.add_argument("--program", action="append", help="program id (repeatable; default all six)")
    p.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of the comments (default zh)")
    p.add_argument("--out", help="write the template to FILE (default: print it); an existing file is kept")


def run(args) -> str:
    from pathlib import Path

    from kb.cli import knowledge_base
    from kb.errors import InputError
    from kb.profile_template import template
    kb = knowledge_base(args)
    text = template(kb, kb.program_ids(args.program), args.lang)
    if not args.out:
        return text
    out = Path(args.out)
    if out.exists():   # a filled-in profile is someone's work: never overwrite it
        raise InputError(args.out, None, "expected a new file; it exists already (remove it or choose another name)")
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError(args.out, None, f"expected a writable file ({exc.strerror or exc.__class__.__name__})") from None
    return ""
