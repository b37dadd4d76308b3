"""regkb serve [--host 127.0.0.1] [--port 8000]"""
from __future__ import annotations

HELP = "serve the pages and the HTTP API (localhost by default)"


def add_arguments(p) -> None:
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)")
    p.add_argument("--port", default="8000", help="port (default 8000)")


def run(args) -> str:
    from kb.io.errors import InputError
    from kb.web.app import serve
    port = str(args.port).strip()
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise InputError("--port", None, f"expected a port number 1-65535, got {args.port!r}")
    print(f"regkb: serving http://{args.host}:{port}/ (Ctrl-C to stop)", flush=True)
    serve(args.host, int(port))
    return ""
