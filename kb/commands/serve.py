"""regkb serve [--host 127.0.0.1] [--port 8000]"""
from __future__ import annotations

HELP = "serve the pages and the HTTP API (localhost by default)"


def add_arguments(p) -> None:
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)")
    p.add_argument("--port", default="8000", help="port (default 8000)")


def run(args) -> str:
    from kb.io.errors import InputError
    from kb.io.options import whole
    from kb.web.app import serve
    try:
        port = whole(args.port, "--port", 1, 65535)
    except InputError:   # the same check; the message names what a port is
        raise InputError("--port", None, f"expected a port number 1-65535, got {str(args.port)[:40]!r}") from None
    print(f"regkb: serving http://{args.host}:{port}/ (Ctrl-C to stop)", flush=True)
    serve(args.host, int(port))
    return ""
