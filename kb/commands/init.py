"""regkb init [--program ID ...] [--lang zh|en] [--out FILE]"""
from __future__ import annotations

HELP = "write a commented profile template with the fields the chosen programs read"


def add_arguments(p) -> None:
    p.add_argument("--program", action="append", help="program id (repeatable; default all six)")
    p.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of the comments (default zh)")
    p.add_argument("--out", help="write the template to FILE (default: print it); an existing file is kept")


def run(args) -> str:
    from pathlib import Path

    from kb.commands import knowledge_base
    from kb.io.errors import InputError
    from kb.io.outputs import atomic_write, check_output
    from kb.profile.template import template
    if args.out and Path(args.out).exists() and not Path(args.out).is_dir():
        # a filled-in profile is someone's work: never overwrite it
        raise InputError("--out", args.out, "expected a new file; it exists already (remove it or choose another name)")
    out = check_output(args.out) if args.out else None
    kb = knowledge_base(args)
    text = template(kb, kb.program_ids(args.program), args.lang)
    if out is None:
        return text
    atomic_write(out, text)
    return ""
