"""One module per regkb subcommand: ``HELP``, ``add_arguments(parser)`` and
``run(args) -> str`` (the text to print). kb/cli.py lists them in ORDER."""


def knowledge_base(args):
    """The knowledge base the command asked for: switches, and the version of
    each text (``--version DOC@VERSION`` or ``@YYYY-MM-DD``; default current)."""
    from pathlib import Path

    from kb.io.options import parse_switches
    from kb.law.versions import version_options
    from kb.reasoning.base import DEFAULT_FACTS, KnowledgeBase
    versions, as_of = version_options(getattr(args, "version", None), Path(args.facts or DEFAULT_FACTS))
    return KnowledgeBase(args.facts, parse_switches(args.switch), versions, as_of)
