"""The pages: a profile form, results for all six programs, a dated plan, and
the researchers' and drafters' views (graph, comparison matrix, revision diff).

Plain HTML forms and Jinja2 templates; no script from the network. Every page
embeds the CJK font cut to its own characters (kb/io/fonts.py), so Chinese
renders on a machine without CJK fonts.
"""
from __future__ import annotations

import base64
import io
import json
from pathlib import Path
from typing import Any

import yaml
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from kb.io.errors import InputError
from kb.law.model import CITY_LABEL, KIND_NAMES, PROGRAM_INFO
from kb.web import form as profile_form
from kb.web import service
from kb.web.service import Options, error_line

TEMPLATES = Path(__file__).parent / "templates"
env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html"]))


def cite(citation: dict | None) -> str:
    """第五条（七） from a citation object of the JSON."""
    from kb.law.model import Citation
    if not citation:
        return ""
    keys = ("program", "article", "clause", "part", "inferred", "text")
    return Citation(*(citation.get(k) for k in keys)).label()


env.filters["cite"] = cite
STATUS_ZH = {"qualifies": "符合 qualifies", "fails": "不符合 fails", "undetermined": "待定 undetermined"}
CITY_ZH = CITY_LABEL
KIND_ZH = {k: f"{zh} {en}" for k, (zh, en) in KIND_NAMES.items()}


def render(name: str, status: int = 200, **context: Any) -> HTMLResponse:
    """A page with the CJK font subset for exactly its characters."""
    from kb.io.fonts import WEB_FAMILY, font_face_css
    html = env.get_template(name).render(family=WEB_FAMILY, **context)
    return HTMLResponse(html.replace("/*FONT*/", font_face_css(html)), status_code=status)


def _picture(fig) -> str:
    """A matplotlib figure as a data URI (and closed)."""
    import matplotlib.pyplot as plt
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


# -- what each page shows ---------------------------------------------------------

def form_context(kb, error: str | None = None, errors: list[str] | None = None) -> dict:
    return {"sections": profile_form.inputs(kb), "attest": profile_form.attest_keys(kb),
            "history": profile_form.history_options(), "rows": profile_form.HISTORY_ROWS,
            "error": error, "errors": errors or [], "programs": service.programs(Options([]))}


def matrix(results: list[dict], programs: list[dict]) -> list[dict]:
    """City × kind of designation, each cell the status of that program."""
    by_id = {r["program"]: r for r in results}
    rows = []
    place = {(p.city, p.kind): pid for pid, p in PROGRAM_INFO.items()}
    for kind, label in KIND_ZH.items():
        cells = []
        for city in CITY_ZH:
            pid = place.get((city, kind))
            r = by_id.get(pid)
            cells.append({"program": pid, "status": r["status"] if r else None,
                          "label": STATUS_ZH[r["status"]] if r else "—"})
        rows.append({"label": label, "cells": cells})
    return rows


def results_context(options: Options, profile: dict) -> dict:
    from kb.reasoning.report import tree_text
    report = service.checked(options, profile)
    data = report.to_json()
    kb = service.knowledge_base(options)
    programs = {p["id"]: p for p in service.programs(options)}
    trees: dict[str, str] = {}
    if None in report.readings:   # one organization (a group's trees are not shown)
        reading = report.readings[None]
        for r in data["results"]:
            trees[r["program"]] = tree_text(kb.explain_reading(reading, r["program"]))
    text = yaml.safe_dump(profile, allow_unicode=True, sort_keys=False)
    return {"data": data, "programs": programs, "matrix": matrix(data["results"], list(programs.values())),
            "cities": CITY_ZH, "status_zh": STATUS_ZH, "trees": trees,
            "profile_json": json.dumps(profile, ensure_ascii=False),
            "download": "data:application/x-yaml;charset=utf-8;base64,"
                        + base64.b64encode(text.encode("utf-8")).decode("ascii")}


def plan_context(options: Options, profile: dict) -> dict:
    planned = service.planned(options, profile)
    # the template shows the plan's JSON, the API's words; the picture draws the typed steps
    data = planned.to_json()
    order = sorted(range(len(planned.steps)), key=lambda i: (planned.steps[i].earliest, planned.steps[i].program))
    return {"plan": data, "steps": [data["steps"][i] for i in order],
            "profile_json": json.dumps(profile, ensure_ascii=False), "targets": options.all("target"),
            "timeline": timeline_picture(planned, [planned.steps[i] for i in order])}


def timeline_picture(planned, steps: list) -> str | None:
    """The plan's dated steps on a calendar: the picture the report and the notebook show."""
    from kb.views.pictures import timeline_png
    if not steps:
        return None
    return "data:image/png;base64," + base64.b64encode(timeline_png(planned, steps)).decode("ascii")


def compare_context(options: Options) -> dict:
    from kb.notebook.api import KB
    api = KB.of(service.knowledge_base(options))
    table = api.matrix()
    frame = table.frame if hasattr(table, "frame") else table
    columns = list(frame.columns)
    rows = [[str(v).split("\n") for v in row] for row in frame.itertuples(index=False)]
    from kb.comparison.matrix import SYMBOLS, build
    from kb.law.model import SHORT
    m = build(service.knowledge_base(options))
    tally = m.tally()
    overall = [[SHORT[p]] + ["—" if p == q else " ".join(f"{s}{tally[(p, q)][s]}" for s in SYMBOLS
                                                          if tally[(p, q)][s]) or "·" for q in m.programs]
               for p in m.programs]
    topics = [{"id": t.id, "name": t.name,
               "rows": [[SHORT[p]] + [m.cell(t.id, p, q).symbol for q in m.programs] for p in m.programs],
               "groups": [(sym, why, [f"{SHORT[a]}–{SHORT[b]}" for a, b in pairs])
                          for (sym, why), pairs in m.groups(t.id)]}
              for t in m.shown_topics()]
    return {"columns": columns, "rows": rows, "heads": [SHORT[p] for p in m.programs],
            "overall": overall, "topics": topics}


def graph_context(options: Options) -> dict:
    data = service.graph(options)
    return {"graph": data}


def diff_context(options: Options) -> dict:
    return {"diff": service.diff(options), "a": options.one("a"), "b": options.one("b")}


# -- routes -----------------------------------------------------------------------

async def _form(request: Request) -> tuple[list[tuple[str, str]], tuple[str, bytes] | None]:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > service.MAX_BODY:
        raise InputError("request body", None, f"expected at most {service.MAX_BODY} bytes")
    form = await request.form()
    items, upload = [], None
    for key, value in form.multi_items():
        if hasattr(value, "read"):
            content = await value.read()
            if content:
                upload = (Path(value.filename or "upload.yaml").name, content)
        else:
            items.append((key, value))
    return items, upload


def _profile(items: list[tuple[str, str]], upload) -> dict:
    if upload:
        name, content = upload
        if len(content) > service.MAX_BODY:
            raise InputError(name, None, f"expected at most {service.MAX_BODY} bytes")
        try:
            text = content.decode("utf-8")
        except UnicodeDecodeError:
            raise InputError(name, None, "expected a UTF-8 text file (YAML or JSON)") from None
        data = service.parse_text(text, name)
    else:
        carried = dict(items).get("profile_json")
        data = (service.parse_text(carried, "form", json_only=True) if carried
                else profile_form.profile_from_form(items))
    if not isinstance(data, dict):
        raise InputError(upload[0] if upload else "form", None, "expected a profile (a mapping of fields)")
    return data


def add_pages(app: FastAPI, state) -> None:
    def base_kb():
        return service.knowledge_base(Options([]))

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def index():
        return await state.call(lambda: render("index.html", **form_context(base_kb())))

    @app.post("/check", response_class=HTMLResponse, include_in_schema=False)
    async def check_page(request: Request):
        items, upload = await _form(request)

        def work():
            try:
                profile = _profile(items, upload)
                service.load(profile, Options([]), upload[0] if upload else "form")   # validate first
                return render("results.html", **results_context(Options([]), profile))
            except InputError as exc:
                errors = [f"regkb: {getattr(e, 'message', str(e))}" for e in getattr(exc, "errors", None) or []]
                return render("index.html", status=400,
                              **form_context(base_kb(), error_line(exc), errors))
        return await state.call(work)

    async def carried(request: Request, page) -> HTMLResponse:
        """A page built from the profile the results page carries, and the chosen targets."""
        items, upload = await _form(request)
        targets = [("target", v) for k, v in items if k == "target"]

        def work():
            profile = _profile([i for i in items if i[0] == "profile_json"], upload)
            return page(Options(targets), profile)
        return await state.call(work)

    @app.post("/plan", response_class=HTMLResponse, include_in_schema=False)
    async def plan_page(request: Request):
        return await carried(request, lambda options, profile: render("plan.html", **plan_context(options, profile)))

    @app.post("/report", response_class=HTMLResponse, include_in_schema=False)
    async def report_page(request: Request):
        return await carried(request, lambda options, profile: HTMLResponse(service.report(options, profile)))

    @app.get("/graph", response_class=HTMLResponse, include_in_schema=False)
    async def graph_page(request: Request):
        return await state.call(lambda: render("graph.html", **graph_context(Options([]))))

    @app.get("/compare", response_class=HTMLResponse, include_in_schema=False)
    async def compare_page(request: Request):
        context = await state.call_z3(compare_context, Options([]))
        return await state.call(lambda: render("compare.html", **context))

    @app.get("/diff", response_class=HTMLResponse, include_in_schema=False)
    async def diff_page(request: Request):
        query = list(request.query_params.multi_items()) or [("a", "beijing.platform@2017"),
                                                              ("b", "beijing.platform@current")]
        return await state.call(lambda: render("diff.html", **diff_context(Options(query))))

    @app.get("/redline", response_class=HTMLResponse, include_in_schema=False)
    async def redline_page(request: Request):
        query = list(request.query_params.multi_items())
        return await state.call(lambda: HTMLResponse(service.redline(Options(query))))

    @app.get("/api/docs", response_class=HTMLResponse, include_in_schema=False)
    async def docs_page():
        spec = app.openapi()
        return await state.call(lambda: render("docs.html", spec=spec))

    @app.get("/favicon.ico", include_in_schema=False)
    async def favicon():
        return Response(status_code=204)
