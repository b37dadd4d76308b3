"""One module per regkb subcommand: ``HELP``, ``add_arguments(parser)`` and
``run(args) -> str`` (the text to print). kb/cli.py lists them in ORDER."""
