"""The shipped proxy configs: a real nginx with deploy/nginx.conf, and a real Caddy with
deploy/Caddyfile, serve the published tree byte for byte as the app does (feeds, pages, clips,
ranges, 304s, gzip) and pass the rest to the app."""
from __future__ import annotations

import http.client
import shutil
import subprocess
import threading
from pathlib import Path

import pytest
from needs import skip_or_fail

from bench.servers import Process, free_port, nginx_deploy_server
from syndicate import create_app, views
from syndicate.speech.worker import SpeechWorker

ROOT = Path(__file__).resolve().parents[1]
PATHS = ["/", "/feeds.opml", "/blogs/storm/", "/blogs/storm/oldest/", "/blogs/storm/key/", "/blogs/storm/archive/1/",
         "/blogs/storm.txt", "/blogs/storm/rss.xml", "/blogs/storm/atom.xml", "/blogs/storm/feed.json",
         "/blogs/storm/podcast.xml", "/blogs/storm/archive/1/rss.xml", "/blogs/storm/cover.png"]
SAME_HEADERS = ("Content-Type", "Cache-Control", "Content-Security-Policy", "X-Content-Type-Options",
                "Referrer-Policy", "Content-Encoding", "Content-Length", "Content-Range", "Last-Modified")


def get(port: int, path: str, headers: dict[str, str] | None = None, method: str = "GET"):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, headers=headers or {})
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    """The app on waitress, and nginx in front of it with the shipped config."""
    import waitress.server

    if shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists():
        skip_or_fail("nginx is not installed (scripts/setup.sh --test installs it)", "SYNDICATE_REQUIRE_PROXY")
    data = tmp_path_factory.mktemp("deploy")
    server = waitress.server.create_server(lambda environ, start: [], host="127.0.0.1", port=0, threads=4)
    app_port = server.effective_port
    port = free_port()
    app = create_app({"DATA_DIR": str(data / "data"), "SPEECH_WORKERS": -1, "API_TOKEN": "t",
                      "BASE_URL": f"http://127.0.0.1:{port}", "FEED_ITEMS": 3, "PAGE_ENTRIES": 3})
    server.application = app
    client = app.test_client()
    auth = {"Authorization": "Bearer t"}
    client.post("/api/blogs", json={"slug": "storm", "title": "Storm"}, headers=auth)
    for n in range(5):
        client.post("/api/blogs/storm/entries", headers=auth, json={
            "headline": f"Update {n}", "text": "The tide is over the quay wall again. " * 12, "key_event": n % 2 == 0})
    services = app.extensions["syndicate"]
    SpeechWorker(services.store, app.config).drain(limit=2)
    services.publisher.publish_changed()
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    nginx = nginx_deploy_server(services.settings.tree, app_port, data / "nginx", port)
    try:
        nginx.start()
        yield app, app_port, port
    finally:
        nginx.stop()
        server.close()
        services.store.close()


def clip_path(app) -> str:
    tree = app.extensions["syndicate"].settings.tree
    return "/" + next(tree.glob("audio/storm/*.mp3")).relative_to(tree).as_posix()


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("encoding", [None, "gzip"])
def test_nginx_serves_the_tree_as_the_app_does(servers, path, encoding):
    app, app_port, port = servers
    headers = {"Accept-Encoding": encoding} if encoding else {}
    direct, proxied = get(app_port, path, headers), get(port, path, headers)
    assert direct[0] == proxied[0] == 200, path
    assert proxied[2] == direct[2], path
    for name in SAME_HEADERS:
        assert proxied[1].get(name.lower()) == direct[1].get(name.lower()), (path, name)
    assert (("accept-encoding" in proxied[1].get("vary", "").lower())
            == ("accept-encoding" in direct[1].get("vary", "").lower()))
    # Revalidation: each server's own validator gives a 304 with no body.
    for server_port, answer in ((app_port, direct), (port, proxied)):
        again = get(server_port, path, {**headers, "If-None-Match": answer[1]["etag"]})
        assert again[0] == 304 and again[2] == b"", (server_port, path)
        since = get(server_port, path, {**headers, "If-Modified-Since": answer[1]["last-modified"]})
        assert since[0] == 304, (server_port, path)


def test_pages_carry_the_apps_security_headers(servers):
    app, app_port, port = servers
    _, headers, _ = get(port, "/blogs/storm/")
    assert headers["content-security-policy"] == views.CSP
    assert headers["x-content-type-options"] == "nosniff" and headers["referrer-policy"] == "no-referrer"


def test_clips_ranges_and_caching(servers):
    app, app_port, port = servers
    path = clip_path(app)
    whole = get(app_port, path)[2]
    size = len(whole)
    for rng in ("bytes=0-1", "bytes=100-65635", "bytes=-100", f"bytes=-{size + 500}", f"bytes=10-{size + 10}",
                f"bytes={size}-", "bytes=0-"):
        direct, proxied = get(app_port, path, {"Range": rng}), get(port, path, {"Range": rng})
        assert direct[0] == proxied[0], rng
        if direct[0] != 416:  # nginx explains a 416 in an HTML body; the app sends none
            assert proxied[2] == direct[2], rng
        assert proxied[1].get("content-range") == direct[1].get("content-range"), rng
    assert get(port, path, {"Range": f"bytes=-{size + 500}"})[0] == 206
    _, headers, body = get(port, path)
    assert body == whole and headers["cache-control"] == "public, max-age=31536000, immutable"
    assert headers["content-type"] == "audio/mpeg"
    assert get(port, path, {"If-None-Match": headers["etag"]})[0] == 304
    head = get(port, path, method="HEAD")
    assert head[0] == 200 and head[2] == b"" and head[1]["content-length"] == str(size)


def test_everything_else_reaches_the_app(servers):
    app, app_port, port = servers
    status, headers, _ = get(port, "/blogs/storm/?order=oldest&key=1")
    assert status == 301 and headers["location"] == f"http://127.0.0.1:{port}/blogs/storm/key/oldest/"
    assert get(port, "/blogs/storm/?order=sideways")[0] == 400
    status, _, body = get(port, "/api/blogs")
    assert status == 200 and b'"storm"' in body
    assert get(port, "/blogs/nope/rss.xml")[0] == 404
    assert get(port, "/audio/storm/nope.mp3")[0] == 404
    assert get(port, "/.hidden")[0] == 404
    status, headers, _ = get(port, "/blogs/storm")
    assert status in (301, 308) and headers["location"].endswith("/blogs/storm/")


@pytest.fixture(scope="module")
def caddy(servers, tmp_path_factory):
    """Caddy with the shipped Caddyfile in front of the same app (no admin API, plain HTTP)."""
    binary = shutil.which("caddy")
    if binary is None:
        skip_or_fail("caddy is not installed (scripts/setup.sh --test installs it)", "SYNDICATE_REQUIRE_PROXY")
    app, app_port, _ = servers
    work = tmp_path_factory.mktemp("caddy")
    config = work / "Caddyfile"
    config.write_text("{\n\tadmin off\n\tauto_https off\n}\n" + (ROOT / "deploy" / "Caddyfile").read_text())
    port = free_port()
    env = {"SYNDICATE_SITE": f"http://127.0.0.1:{port}",
           "SYNDICATE_TREE": str(app.extensions["syndicate"].settings.tree),
           "SYNDICATE_APP": f"127.0.0.1:{app_port}", "HOME": str(work), "XDG_DATA_HOME": str(work),
           "XDG_CONFIG_HOME": str(work)}
    process = Process("caddy", [binary, "run", "--adapter", "caddyfile", "--config", str(config)], port, env=env,
                      log=work / "caddy.log")
    with process:
        yield port


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("encoding", [None, "gzip"])
def test_caddy_serves_the_tree_as_the_app_does(servers, caddy, path, encoding):
    app, app_port, _ = servers
    headers = {"Accept-Encoding": encoding} if encoding else {}
    direct, proxied = get(app_port, path, headers), get(caddy, path, headers)
    assert direct[0] == proxied[0] == 200, path
    assert proxied[2] == direct[2], path
    for name in ("Content-Type", "Cache-Control", "Content-Security-Policy", "X-Content-Type-Options",
                 "Referrer-Policy", "Content-Encoding"):
        assert proxied[1].get(name.lower()) == direct[1].get(name.lower()), (path, name)
    again = get(caddy, path, {**headers, "If-None-Match": proxied[1]["etag"]})
    assert again[0] == 304 and again[2] == b""


def test_caddy_clips_and_the_rest(servers, caddy):
    app, app_port, _ = servers
    path = clip_path(app)
    size = len(get(app_port, path)[2])
    for rng in ("bytes=0-1", "bytes=-100", f"bytes=-{size + 500}", f"bytes={size}-"):
        direct, proxied = get(app_port, path, {"Range": rng}), get(caddy, path, {"Range": rng})
        assert direct[0] == proxied[0], rng
        if direct[0] != 416:
            assert proxied[2] == direct[2], rng
    assert get(caddy, path)[1]["cache-control"] == "public, max-age=31536000, immutable"
    status, headers, _ = get(caddy, "/blogs/storm/?order=oldest")
    assert status == 301 and headers["location"].endswith("/blogs/storm/oldest/")
    assert get(caddy, "/api/blogs")[0] == 200
    assert get(caddy, "/blogs/nope/rss.xml")[0] == 404


def test_caddyfile_is_valid(tmp_path):
    caddy = shutil.which("caddy")
    if caddy is None:
        skip_or_fail("caddy is not installed (scripts/setup.sh --test installs it)", "SYNDICATE_REQUIRE_PROXY")
    done = subprocess.run([caddy, "validate", "--adapter", "caddyfile", "--config", str(ROOT / "deploy" / "Caddyfile")],
                          capture_output=True, text=True, timeout=60,
                          env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr[-2000:]


def test_the_shipped_configs_send_the_apps_csp():
    for name in ("nginx.conf", "Caddyfile"):
        assert views.CSP in (ROOT / "deploy" / name).read_text(encoding="utf-8"), name
