"""The bare endpoint: a minimal WSGI app answering with bytes captured from syndicate, under the
same server and settings as the benchmarked `syndicate serve` (`syndicate.server.run`, one web
process of 8 threads). It does only what HTTP needs for the
measured requests (a dict lookup, If-None-Match, one byte range), so it is the floor of what a
Python server on this machine can do with the same bytes.

    python -m bench.bare --port 8123 fixtures.pickle
"""
from __future__ import annotations

import argparse
import pickle
import re
from pathlib import Path

RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def make_app(fixtures: dict[str, dict]):
    """fixtures: path -> {"body": bytes, "type": str, "etag": str (quoted), "extra": [(name, value)]}."""

    def app(environ, start_response):
        item = fixtures.get(environ.get("PATH_INFO", ""))
        if item is None:
            start_response("404 Not Found", [("Content-Type", "text/plain"), ("Content-Length", "10")])
            return [b"not found\n"]
        body, etag = item["body"], item["etag"]
        headers = [("Content-Type", item["type"]), ("ETag", etag), *item.get("extra", ())]
        if environ.get("HTTP_IF_NONE_MATCH") == etag:
            start_response("304 Not Modified", headers)
            return []
        match = RANGE.match(environ.get("HTTP_RANGE", ""))
        if match and match.group(1):
            first = int(match.group(1))
            last = min(int(match.group(2) or len(body) - 1), len(body) - 1)
            part = body[first:last + 1]
            headers += [("Content-Range", f"bytes {first}-{last}/{len(body)}"),
                        ("Content-Length", str(len(part)))]
            start_response("206 Partial Content", headers)
            return [part]
        headers.append(("Content-Length", str(len(body))))
        start_response("200 OK", headers)
        return [body]

    return app


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("fixtures", type=Path)
    args = parser.parse_args(argv)
    from syndicate import server

    fixtures = pickle.loads(args.fixtures.read_bytes())
    server.run(make_app(fixtures), args.host, args.port, processes=1)


if __name__ == "__main__":
    main()
