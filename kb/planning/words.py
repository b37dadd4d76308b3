"""A plan in words (the text ``regkb plan`` prints)."""
from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING

from kb.law.wording import fmt, unit_suffix

from kb.planning.records import Change, json_value

if TYPE_CHECKING:   # Plan.text() imports this module: the import would close a circle
    from kb.planning.result import Plan


def _show(value, unit: str | None = None) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        value = Fraction(str(value))
    if isinstance(value, str) and "/" in value and value.replace("/", "").isdigit():
        value = Fraction(value)
    shown = fmt(value) if isinstance(value, (int, Fraction)) else str(value)
    return shown


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")


def _short_id(condition: str) -> str:
    """The end of a condition id that tells it apart: a numbered item keeps its parent
    (functions/policy/1, not a bare 1)."""
    parts = condition.split("/")[1:]
    keep = 1
    while keep < len(parts) and parts[-keep].isdigit():
        keep += 1
    return "/".join(parts[-keep:])


def _secs(value) -> str:
    return f"{fmt(Fraction(str(value)))} s" if value is not None else "the time limit"


def change_words(c: Change) -> str:
    unit = unit_suffix(c.unit, encoded=True)
    # the values as the plan's JSON gives them, so the words match what --json says
    frm, to = json_value(c.old), json_value(c.new)
    text = f"{c.field} {_show(frm)} → {_show(to)}"
    if isinstance(to, (int, float)) and not isinstance(to, bool) and isinstance(frm, (int, float)) \
            and not isinstance(frm, bool):
        diff = Fraction(str(to)) - Fraction(str(frm))
        text += f" ({'+' if diff >= 0 else ''}{fmt(diff)}{unit})"
    elif frm is None:
        text += " (new: the function is not offered now)"
    return text


def plan_text(p: Plan) -> str:
    lines = [f"Plan for {p.org} as of {p.as_of} (horizon {p.horizon} years)"]
    if not p.found:
        lines.append(f"No plan found within {_secs(p.timeout)}: the solver's time limit ran out "
                     f"({', '.join(p.cut)}). The best partial plan follows: what each target needs and when, "
                     "without the joint changes (raise --timeout to search longer).")
    elif not p.complete:
        minimal = not {"fewest changes", "smallest amounts"} & set(p.cut)
        lines.append(f"The time limit ({_secs(p.timeout)}) cut short: {', '.join(p.cut)}. The plan below is "
                     + ("valid and smallest; only the lists named above may be incomplete"
                        if minimal else "valid, but it may not be the smallest")
                     + " (raise --timeout to search longer).")
    if p.call_month:
        lines.append(f"Assumed: applications open once a year (原则上每年一次) on 1 {_MONTHS[p.call_month - 1]}, "
                     f"and a title is granted {p.processing_months} months after its application "
                     "(no text fixes either; --call-month, --processing-months).")
    lines.append("\nTargets")
    for t in p.targets:
        if t.held:
            who = f" by {t.entity}" if p.group else ""
            until = f" until {t.held_until}" if t.held_until else ""
            lines.append(f"  {t.program}  {t.name}: held{who}{until}; no application needed")
        elif t.reachable:
            who = f" by {t.entity}" if p.group else ""
            lines.append(f"  {t.program}  {t.name}: now {t.status}; can qualify{who} from {t.earliest}")
        else:
            now = ", ".join(f"{c.entity} {c.status}" for c in t.current or []) or t.status
            late = t.program in {x.program for x in p.partial}
            lines.append(f"  {t.program}  {t.name}: now {now}; "
                         + ("not planned within the time limit (see the partial plan)" if late
                            else "not reachable (see below)"))
    if p.partial:
        lines.append("\nPartial plan (no joint changes computed): the earliest date time alone allows")
        for x in p.partial:
            who = f" [{x.entity}]" if p.group else ""
            lines.append(f"  {x.earliest}  {x.program}{who} (now {x.status})")
            for w in x.waits:
                lines.append(f"     wait until {w.until}: {w.citation.label()} {w.condition}: {w.why}")
    if p.steps:
        lines.append("\nOrder of applications")
    for i, s in enumerate(p.steps, 1):
        who = f" [{s.entity}]" if p.group else ""
        lines.append(f"  {i}. {s.earliest}  {s.program}  {s.name}{who} (now {s.status})")
        for e in s.relies_on:
            how = "holds" if e.held else "after"
            lines.append(f"       {how} {e.source}: {e.type}, {e.citation.program} {e.citation.label()}「{e.quote}」")
        for c in s.changes:
            if c.where:
                why = ", ".join(f"{w.citation.label()} {w.condition}" + (f"「{w.quote}」" if w.quote else "")
                                for w in c.where)
            else:
                why = ", ".join(f"{cit.label()} {cid}" for cid, cit in zip(c.for_ + c.keeps, c.citations or []))
            extra = []
            if c.also_for:
                extra.append("also serves " + ", ".join(c.also_for))
            if c.discretion:
                extra.append(f"{c.discretion} rule: the authority may decide otherwise")
            if c.with_:
                extra.append("keeps " + ", ".join(c.with_) + " consistent (facts/measures.yaml)")
            if c.keeps:
                extra.append("keeps " + ", ".join(c.keeps) + " met after the other changes")
            lines.append(f"     change {change_words(c)}" + (f"  for {why}" if why else "")
                         + (f"  [{'; '.join(extra)}]" if extra else ""))
        for o in s.options:
            cheap = "; ".join(f"{r.member}{'（' + r.label + '）' if r.label else ''}: "
                              f"{r.changes} change{'s' if r.changes != 1 else ''}"
                              + (f" + {r.supply} to supply" if r.supply else "")
                              + (" ← planned" if r.chosen else "")
                              for r in o.cheapest[:o.more_needed + 2])
            lines.append(f"     {o.citation.label()} {o.condition}: {o.more_needed} more of "
                         f"{o.k} needed (met: {', '.join(o.met) or 'none'}); cheapest: {cheap}")
        for w in s.waits:
            lines.append(f"     wait until {w.until}: {w.citation.label()} {w.condition}: {w.why}")
        for c in s.calls:
            lines.append(f"     apply at the call of {c.call.year}: {c.why}")
        for su in s.supply:
            # missing data is unknown, never a number: say what it must be, not what the solver picked
            needs = su.needs or "the profile does not say, and the plan needs it"
            lines.append(f"     supply {su.field}: {needs}; for {', '.join(su.for_)}")
        remedies = [e for e in s.evidence if e.attest]
        for e in remedies:
            lines.append(f"     {e.citation.label()} {e.condition}: {e.action}")
        prepare = [e for e in s.evidence if not e.attest]
        if prepare:
            lines.append(f"     prepare evidence for {len(prepare)} qualitative conditions: "
                         + ", ".join(dict.fromkeys(f"{e.citation.label()} {_short_id(e.condition)}" for e in prepare)))
        if not s.changes and not s.supply and not s.waits and not remedies:
            lines.append("     no change needed")
    for c in p.cycles:
        lines.append("\nCycle " + " ⇄ ".join(c.programs) + ": " + "; ".join(
            f"{e.source} → {e.target} {e.type} ({e.citation.program} {e.citation.label()})"
            for e in c.edges) + f" — {c.resolved_by}")
    unreach = [x for x in p.impossible if x.kind == "unreachable"]
    if unreach:
        lines.append("\nNot reachable")
        for x in unreach:
            who = f"[{x.entity}] " if p.group else ""
            instead = f" → {x.instead} applies instead" if x.instead else ""
            lines.append(f"  {who}{', '.join(x.programs)}: {x.why}{instead}")
            if x.hint:
                lines.append(f"    ({x.hint})")
    excl = [x for x in p.impossible if x.kind == "exclusive"]
    if excl:
        lines.append("\nCannot be held by the same entity")
        for x in excl:
            lines.append(f"  {', '.join(x.programs)}: {x.why}")
            assigned = {k: v for k, v in (x.entities or {}).items() if v}
            if assigned and p.group:
                lines.append("    assigned: " + ", ".join(f"{k} → {v}" for k, v in assigned.items()))
    return "\n".join(lines)
