"""regkb: Chinese municipal SME-service regulations as logic.

The layout follows the flow (see README, "How data flows"): ``kb.io`` (reading and
writing files) → ``kb.law`` (texts, versions, encodings, fields) → ``kb.profile`` →
``kb.reasoning`` (Datalog) → ``kb.population``, ``kb.screening``, ``kb.graph``,
``kb.lint``, ``kb.comparison``, ``kb.planning``, ``kb.revisions`` → ``kb.views``,
``kb.notebook`` → ``kb.web``, ``kb.commands`` and ``kb.cli``.

``from kb import KnowledgeBase, KB`` gives the two entry points; they are loaded
on first use so that ``import kb.io.errors`` stays light.
"""
from __future__ import annotations

_EXPORTS = {"KnowledgeBase": "kb.reasoning.base", "KB": "kb.notebook.api"}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        import importlib
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'kb' has no attribute {name!r}")
