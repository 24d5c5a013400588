"""The production HTTP server for `serve` and `demo`: gunicorn, with waitress where gunicorn
cannot run (it needs `fcntl` and `fork`, so not on Windows).

Why not waitress everywhere: waitress 3.0.2 (the newest release) runs a second request hidden
in the body of one that carries both `Content-Length` and `Transfer-Encoding: chunked` on a
kept-alive connection (request smuggling; RFC 9112 §6.1 says to close the connection).
gunicorn refuses such a request with 400 and closes, and with several processes it uses
every core. The app is built once, before gunicorn forks its processes; each process then
opens its own database connections and, like the speech workers, dies with its parent.
"""
from __future__ import annotations

import logging
import os
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)
THREADS = 8  # per web process: requests mostly wait on I/O


def gunicorn_available() -> bool:
    """Whether gunicorn can run here."""
    try:
        import gunicorn.app.base  # noqa: F401 - imports fcntl, missing on Windows
    except ImportError:
        return False
    return hasattr(os, "fork")


def default_processes() -> int:
    """Web processes by default: one per core, at least two."""
    return max(2, os.cpu_count() or 1)


def run(app: Callable, host: str, port: int, *, processes: int | None = None, threads: int = THREADS,
        after_fork: Callable[[], None] | None = None) -> None:
    """Serve the WSGI `app` on host:port until stopped (SIGTERM or SIGINT). `after_fork` runs in
    each web process when it starts (gunicorn only), e.g. to drop database connections that
    were opened before the fork."""
    if gunicorn_available():
        _gunicorn(app, host, port, processes or default_processes(), threads, after_fork)
    else:
        import waitress

        waitress.serve(app, host=host, port=port, threads=threads, ident="syndicate", _quiet=True)


def _gunicorn(app: Callable, host: str, port: int, processes: int, threads: int,
              after_fork: Callable[[], None] | None) -> None:
    from gunicorn.app.base import BaseApplication
    from gunicorn.http import wsgi as gunicorn_wsgi

    from .workers import die_with_parent

    # the Server header names no software version (a module global the stubs leave out)
    gunicorn_wsgi.SERVER = "syndicate"  # type: ignore[attr-defined]
    parent = os.getpid()

    def post_fork(_arbiter: Any, _worker: Any) -> None:
        die_with_parent(parent)
        if after_fork is not None:
            after_fork()

    options = {
        "bind": [f"[{host}]:{port}" if ":" in host else f"{host}:{port}"],
        "workers": processes,
        "worker_class": "gthread",
        "threads": threads,
        "keepalive": 5,
        "timeout": 60,
        "graceful_timeout": 10,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "warning",
        "proc_name": "syndicate",
        "post_fork": post_fork,
    }

    class Server(BaseApplication):
        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Callable:
            return app

    Server().run()
