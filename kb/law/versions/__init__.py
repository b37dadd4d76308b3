"""Versions of a regulation as data, and the text of each.

A document's current text is ``facts/<city>/<doc>/encoding.yaml``. Its other
versions sit beside it, one file each, in ``versions/<id>.yaml``::

    version:
      document: beijing.sme-service-platform   # required
      id: "2017"                                # default: the file name
      status: repealed                          # in_force | draft | repealed | trial
      official: true                            # false: illustrative or a private draft
      label: one line shown in every report     # optional; title, number, issuer too
      published: 2017-05-12                     # YYYY-MM-DD, or YYYY where only the year is known
      in_force_from: 2017-05-12
      in_force_until: null                      # default: in_force_from of repealed_by
      repealed_by: "2019"
      legal_basis: [工信部企业〔2012〕197号]
      # how the text is given, exactly one of:
      current: true              # the text is ../encoding.yaml (this file only adds dates)
      base: current              # an overlay: the base's text changed by articles/amend below
      completeness: partial      # a text of its own (articles below): complete | partial
      unknown: [ … ]             # partial: where the known text stops (see Gap)

A text of its own is an encoding.yaml copy (``document:`` may stay, with the
same id) plus the ``version:`` block. An overlay states only what differs:
``articles:`` entries replace an article's fields, clauses matched by
(clause, part); ``amend:`` edits text (``{article, part?, clause?, replace,
with}``: the article, its clauses and the quotes under it) and conditions
(``{condition: ID, set: {…}}``, ``{condition: ID, remove: true}``, ``{article,
part?, clause?, add: node}``). A condition kept under a new id is linked with
``continued_by: NEW`` on the old node or ``continues: OLD`` on the new one.

A partial version states what is known; every gap becomes a condition of kind
``unknown`` in each of its programs, which the rules leave undecided, so the
version can fail on a known condition but never qualify, and the diff reports
what lies in a gap as unknown, never as removed.

The package, one concern per module: ``records`` (a version file read into a
Version), ``registry`` (every version of a document; by id or date),
``refs`` (``DOC@VERSION`` and the raw data it names), ``assembly`` (overlays),
``chosen`` (a version's Document; a knowledge base's chosen versions).
"""
from __future__ import annotations

from kb.law.versions.assembly import Assembler, links_of, overlay, raw_nodes
from kb.law.versions.chosen import Text, add_gaps, choose, load_text
from kb.law.versions.records import (CURRENT, STATUSES, Day, Gap, NotInForce, Version, parse_day, parse_gap,
                                     parse_version)
from kb.law.versions.refs import encoding_data, parse_ref, version_options
from kb.law.versions.registry import Versions, document_dir, document_of_program

__all__ = ["Assembler", "links_of", "overlay", "raw_nodes", "Text", "add_gaps", "choose", "load_text", "CURRENT",
           "STATUSES", "Day", "Gap", "NotInForce", "Version", "parse_day", "parse_gap", "parse_version",
           "encoding_data", "parse_ref", "version_options", "Versions", "document_dir", "document_of_program"]
