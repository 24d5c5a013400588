"""The real service in a real browser: the bundled demo blog with real clips, served by the
production server on 127.0.0.1, read by headless Chromium and checked with axe-core."""
from __future__ import annotations

import re
import threading

import pytest
from browser import AXE_RUN

from syndicate import create_app, ingest
from syndicate.samples import DEMO_FILE, DEMO_LANGUAGE, DEMO_SLUG, DEMO_TIMEZONE
from syndicate.speech.worker import SpeechWorker


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    import waitress.server

    data = tmp_path_factory.mktemp("live")
    # Listen first: as `serve` does, the published links use the address listened on.
    server = waitress.server.create_server(lambda environ, start: [], host="127.0.0.1", port=0, threads=4)
    app = create_app({"DATA_DIR": str(data), "SPEECH_WORKERS": -1, "API_TOKEN": "t",
                      "LISTEN_URL": f"http://127.0.0.1:{server.effective_port}"})
    server.application = app
    services = app.extensions["syndicate"]
    services.newsroom.create_blog(DEMO_SLUG, {"title": "Demo", "language": DEMO_LANGUAGE,
                                              "timezone": DEMO_TIMEZONE})
    parsed = ingest.parse(DEMO_FILE.read_bytes(), timezone=DEMO_TIMEZONE)
    services.newsroom.import_blog(DEMO_SLUG, parsed)
    SpeechWorker(services.store, app.config).drain(limit=3)
    services.publisher.publish_changed()
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}"
    server.close()
    services.store.close()


@pytest.mark.parametrize("path", ["/", f"/blogs/{DEMO_SLUG}/", f"/blogs/{DEMO_SLUG}/?order=oldest&key=1"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_axe_violations_and_reflow(browser, service, axe_source, path, scheme):
    context = browser.new_context(color_scheme=scheme, viewport={"width": 320, "height": 700})
    try:
        page = context.new_page()
        errors = []
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        response = page.goto(service + path)
        assert response.ok and response.headers["content-security-policy"].startswith("default-src 'none'")
        page.evaluate(axe_source)
        violations = page.evaluate(AXE_RUN)["violations"]
        assert violations == [], [(v["id"], v["help"]) for v in violations]
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
        assert errors == []
    finally:
        context.close()


def test_listen_links_reach_real_clips(browser, service):
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(f"{service}/blogs/{DEMO_SLUG}/")
        listen = page.get_by_role("link", name=re.compile(r"^Listen to this update \(MP3, .+ seconds?, .+ kB\)$"))
        assert listen.count() == 3
        href = listen.first.get_attribute("href")
        probe = page.request.get(href, headers={"Range": "bytes=0-1"})
        assert probe.status == 206 and len(probe.body()) == 2
        transcript = page.get_by_role("link", name="Read the transcript").first.get_attribute("href")
        assert page.request.get(transcript).status == 200
        snapshot = page.aria_snapshot()
        assert re.search(r'heading "\d\d:\d\d GMT', snapshot)
    finally:
        context.close()
