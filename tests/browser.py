"""Helpers for the browser tests: the system Chromium driven by Playwright, axe-core from npm,
and a tiny local HTTP server that serves fixed bytes with fixed headers.

Never runs `playwright install` (it downloads a browser); the Debian `chromium` package is used.
"""
from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import needs

REPO = Path(__file__).resolve().parent.parent

# Headless, and quiet: without the networking flags Chromium keeps trying to reach Google
# services, which on a closed network only produces noise and delays.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
AXE_RUN = (
    f"() => axe.run(document, {{runOnly: {{type: 'tag', values: {AXE_TAGS}}}, resultTypes: ['violations']}})"
)


def skip_or_fail(reason: str) -> None:
    """Skip the test, or fail it when SYNDICATE_REQUIRE_BROWSER=1 (CI must really run these)."""
    needs.skip_or_fail(reason, "SYNDICATE_REQUIRE_BROWSER")


def find_chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def find_axe() -> Path | None:
    """axe.min.js from `npm ci` at the repository root (or the file named by SYNDICATE_AXE_JS)."""
    named = os.environ.get("SYNDICATE_AXE_JS")
    candidates = [Path(named)] if named else []
    candidates.append(REPO / "node_modules" / "axe-core" / "axe.min.js")
    return next((path for path in candidates if path.is_file()), None)


@contextmanager
def chromium() -> Iterator[object]:
    """A launched headless Chromium (a playwright Browser); skips when it cannot be had."""
    executable = find_chromium()
    if executable is None:
        skip_or_fail("no chromium on PATH (apt-get install -y chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("the playwright Python package is not installed")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


class _Handler(BaseHTTPRequestHandler):
    routes: Mapping[str, tuple[bytes, dict[str, str]]] = {}

    def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        body, headers = self.routes.get(path, (b"not found\n", {"Content-Type": "text/plain"}))
        self.send_response(200 if path in self.routes else 404)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # keep test output clean
        pass


@contextmanager
def serve(routes: Mapping[str, tuple[bytes, dict[str, str]]]) -> Iterator[str]:
    """Serve `routes` (path -> (body, headers)) on 127.0.0.1 at an ephemeral port, in a thread.
    Yields the base URL, e.g. "http://127.0.0.1:41234"."""
    handler = type("Handler", (_Handler,), {"routes": dict(routes)})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="test-http", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
