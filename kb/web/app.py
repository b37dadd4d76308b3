"""``regkb serve``: the knowledge base over HTTP, for pages and other tools.

FastAPI (on Starlette, served by uvicorn) because it gives what this needs
from one declaration per route: an OpenAPI document, request parsing, and
exception handlers that keep every failure a JSON line rather than a trace.
The knowledge base is synchronous and keeps per-thread state, so every call
into it runs on a small, fixed pool of worker threads (each with its own
knowledge bases), which also bounds memory under load.
"""
from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from kb.io.errors import InputError
from kb.web import service
from kb.web.service import MAX_BODY, Options, error_line

WORKERS = 4
log = logging.getLogger("regkb.web")


class App:
    def __init__(self):
        self.pool = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="regkb")
        # The comparison's formulas live in z3's global context, which is not
        # thread-safe: all of that work happens on this one thread.
        self.z3_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="regkb-z3")

    async def call(self, fn: Callable, *args) -> Any:
        return await asyncio.get_running_loop().run_in_executor(self.pool, fn, *args)

    async def call_z3(self, fn: Callable, *args) -> Any:
        return await asyncio.get_running_loop().run_in_executor(self.z3_pool, service.on_z3_thread(fn), *args)


async def read_body(request: Request) -> bytes:
    """The request body, refusing more than MAX_BODY bytes without reading them all."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > MAX_BODY:
        raise InputError("request body", None, f"expected at most {MAX_BODY} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            raise InputError("request body", None, f"expected at most {MAX_BODY} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def create_app() -> FastAPI:
    app = FastAPI(
        title="regkb",
        description="Chinese municipal SME-service regulations as logic: the same answers as "
                    "the `regkb` command line, as JSON. Bad input: status 400 and "
                    '`{"error": "<the one line regkb prints>"}`.',
        version="0.1.0",
        docs_url=None, redoc_url=None,           # both load scripts from a CDN; /api/docs is local
    )
    state = App()
    app.state.regkb = state

    @app.exception_handler(InputError)
    async def bad_input(request: Request, exc: InputError):
        if not request.url.path.startswith("/api/"):
            from kb.web.pages import render
            return render("error.html", status=400, error=error_line(exc))
        body = {"error": error_line(exc)}
        errors = getattr(exc, "errors", None)
        if errors:
            body["errors"] = [f"regkb: {getattr(e, 'message', str(e))}" for e in errors]
        return JSONResponse(body, status_code=400)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError):
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()))
        return JSONResponse({"error": f"regkb: request: {where}: {first.get('msg', 'invalid')}"}, status_code=400)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        return JSONResponse({"error": f"regkb: {request.url.path}: {exc.detail}"}, status_code=exc.status_code)

    @app.exception_handler(Exception)
    async def bug(request: Request, exc: Exception):   # a bug: logged here, never shown as a trace
        log.exception("unexpected error on %s", request.url.path)
        return JSONResponse({"error": "regkb: internal error (a bug; the server log has the details)"},
                            status_code=500)

    def options(request: Request) -> Options:
        return Options(list(request.query_params.multi_items()))

    async def with_profile(request: Request, fn: Callable):
        opts = options(request)
        profile = service.parse_body(await read_body(request))
        return JSONResponse(await state.call(fn, opts, profile))

    @app.post("/api/check", summary="regkb check --json",
              description="Query: program (repeatable), as_of, switch=NAME=VALUE (repeatable), "
                          "version=DOC@VERSION (repeatable). Body: a profile or group (JSON).")
    async def api_check(request: Request):
        return await with_profile(request, service.check)

    @app.post("/api/explain", summary="regkb explain PROFILE PROGRAM --json",
              description="Query: program (required), as_of, switch, version. Body: a profile (JSON).")
    async def api_explain(request: Request):
        return await with_profile(request, service.explain)

    @app.post("/api/plan", summary="regkb plan --json",
              description="Query: target (repeatable), horizon, timeout (seconds, at most 60), call_month, "
                          "processing_months, as_of, switch, version. Body: a profile (JSON).")
    async def api_plan(request: Request):
        return await with_profile(request, service.plan)

    @app.get("/api/programs", summary="the six programs")
    async def api_programs(request: Request):
        return JSONResponse(await state.call(service.programs, options(request)))

    @app.get("/api/graph", summary="regkb graph --json")
    async def api_graph(request: Request):
        return JSONResponse(await state.call(service.graph, options(request)))

    @app.get("/api/compare", summary="regkb compare --json",
             description="Query: programs (repeatable), topic (repeatable), level=condition|program.")
    async def api_compare(request: Request):
        return JSONResponse(await state.call_z3(service.compare, options(request)))

    @app.get("/api/diff", summary="regkb diff A B --json", description="Query: a=DOC@VERSION, b=DOC@VERSION.")
    async def api_diff(request: Request):
        return JSONResponse(await state.call(service.diff, options(request)))

    from kb.web.pages import add_pages
    add_pages(app, state)
    return app


def serve(host: str = "127.0.0.1", port: int = 8000) -> None:
    import uvicorn
    uvicorn.run(create_app(), host=host, port=port, log_level="warning")
