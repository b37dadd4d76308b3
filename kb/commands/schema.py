"""regkb schema"""
from __future__ import annotations

import json

HELP = "print the JSON Schema (draft 2020-12) of an organization profile"


def add_arguments(p) -> None:
    pass


def run(args) -> str:
    from kb.commands import knowledge_base
    from kb.profile.docs import json_schema
    return json.dumps(json_schema(knowledge_base(args)), ensure_ascii=False, indent=2)
