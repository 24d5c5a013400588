"""Hostile input, table-driven: every string field of blogs, entries, media and imports gets
control characters, non-characters, lone surrogates, invalid UTF-8, huge strings, deep
nesting, and script, event-handler, javascript: and data: payloads.

After each request: no 500; when it was refused, the export of every blog is unchanged; when
it was accepted, every feed of every blog still parses with a strict XML parser (the JSON
feed with a JSON parser), and neither the pages nor the feeds' HTML hold anything a browser
would run. One app serves the whole module: each case leaves what it was allowed to store,
which later cases must cope with too.
"""
from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote_from_bytes

import lxml.html
import pytest
from click.testing import CliRunner
from conftest import TOKEN
from lxml import etree

from syndicate import create_app
from syndicate.cli import main

AUTH = {"Authorization": f"Bearer {TOKEN}"}
JSON = {**AUTH, "Content-Type": "application/json"}

PAYLOADS: dict[str, Any] = {
    "controls": "a\x01b\x08c\x1fd\x0b",
    "nonchars": "a\ufffeb\uffff",
    "surrogate": "a\ud800b\udfff",
    "invalid-utf8": b"a\xed\xa0\x80b\xffc",  # raw bytes, spliced into the body
    "huge": "x" * 1_000_000,
    "long": "word " * 20_000,
    "deep": "DEEP",  # the value becomes 5,000 nested arrays
    "script": "<script>alert(1)</script>x",
    "handler": '<img src=x onerror="alert(1)"><p onclick="alert(1)">x</p>',
    "javascript": "javascript:alert(1)",
    "data-url": "data:text/html,<script>alert(1)</script>",
    "cite": '<blockquote cite="javascript:alert(1)">x</blockquote><q cite="data:text/html,x">y</q>',
    "svg": '<svg onload="alert(1)"><a xlink:href="javascript:alert(1)">x</a></svg>',
    "newline": "en\n",
    "null": None,
}
BLOG_FIELDS = ("slug", "title", "description", "language", "timezone", "author", "link", "status")
ENTRY_FIELDS = ("headline", "html", "text", "published")
MEDIA_FIELDS = ("kind", "caption", "credit", "url")

# (target, field): how a payload is sent
TARGETS = ([("create-blog", f) for f in BLOG_FIELDS] + [("patch-blog", f) for f in BLOG_FIELDS[1:]]
           + [("create-entry", f) for f in ENTRY_FIELDS] + [("patch-entry", f) for f in ENTRY_FIELDS]
           + [("media", f) for f in MEDIA_FIELDS]
           + [("import-text", "body"), ("import-query", "timezone")]
           + [("import-export", f"blog.{f}") for f in BLOG_FIELDS[1:]]
           + [("import-export", f"entries.{f}") for f in ("headline", "html", "media.caption", "media.url")]
           + [("import-jsonld", f) for f in ("headline", "inLanguage", "articleBody", "url")])
CASES = [(target, field, name) for target, field in TARGETS for name in PAYLOADS]

_DANGEROUS_TAGS = {"script", "iframe", "object", "embed", "frame", "frameset", "applet", "base", "svg", "math", "form"}
_URL_ATTRIBUTES = {"href", "src", "cite", "action", "formaction", "data", "poster", "background", "xlink:href"}


def _json_bytes(value: Any) -> bytes:
    return json.dumps(value).encode()


def _body(fields: dict[str, Any], field: str, name: str) -> bytes:
    """`fields` with `field` set to payload `name`, as the bytes of a JSON body."""
    payload = PAYLOADS[name]
    if name == "invalid-utf8":
        marker = "\u2603MARK\u2603"
        return _json_bytes(_set(fields, field, marker)).replace(json.dumps(marker)[1:-1].encode(), payload)
    if name == "deep":
        marker = "\u2603DEEP\u2603"
        return _json_bytes(_set(fields, field, marker)).replace(
            json.dumps(marker).encode(), b"[" * 5000 + b"]" * 5000)
    return _json_bytes(_set(fields, field, payload))


def _set(fields: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A deep copy of `fields` with the dotted `path` (through lists' first items) set."""
    data = json.loads(json.dumps(fields))
    node: Any = data
    *parents, last = path.split(".")
    for part in parents:
        node = node[part]
        if isinstance(node, list):
            node = node[0]
    node[last] = value
    return data


def _export(slug: str) -> dict[str, Any]:
    return {"syndicate_export": 1,
            "blog": {"slug": slug, "title": "Imported", "description": "d", "language": "en", "timezone": "UTC",
                     "author": "a", "link": "https://example.org/", "status": "live"},
            "entries": [{"id": "e" * 32, "published": "2026-02-26T08:30:00Z", "headline": "h", "html": "<p>x</p>",
                         "media": [{"kind": "photo", "caption": "c", "credit": "", "url": "https://example.org/a.jpg"}]}]}


def _request(client, target: str, field: str, name: str, state: dict) -> Any:
    if target == "create-blog":
        fields = {"slug": f"made-{state['n']}", "title": "Made"}
        return client.post("/api/blogs", data=_body(fields, field, name), headers=JSON)
    if target == "patch-blog":
        return client.patch("/api/blogs/hostile", data=_body({}, field, name), headers=JSON)
    if target == "create-entry":
        fields = {"text": "base"} if field != "text" else {}
        return client.post("/api/blogs/hostile/entries", data=_body(fields, field, name), headers=JSON)
    if target == "patch-entry":
        return client.patch(f"/api/blogs/hostile/entries/{state['entry']}", data=_body({}, field, name),
                            headers=JSON)
    if target == "media":
        fields = {"text": "base", "media": [{"kind": "photo", "caption": "c"}]}
        return client.post("/api/blogs/hostile/entries", data=_body(fields, f"media.{field}", name), headers=JSON)
    if target == "import-text":
        payload = PAYLOADS[name]
        raw = payload if isinstance(payload, bytes) else str(payload).encode("utf-8", "surrogatepass")
        body = b"Hostile live blog\n\n" + b"\xe2\x80\xa2 8:30 " + raw + b"\n\n\xe2\x80\xa2 9:00 Calm\n"
        return client.post("/api/blogs/hostile/import", data=body, headers={**AUTH, "Content-Type": "text/plain"})
    if target == "import-query":
        payload = PAYLOADS[name]
        raw = payload if isinstance(payload, bytes) else str(payload)[:5000].encode("utf-8", "surrogatepass")
        return client.post(f"/api/blogs/hostile/import?timezone={quote_from_bytes(raw)}", data="Live\n\n- one",
                           headers={**AUTH, "Content-Type": "text/plain"})
    if target == "import-export":
        return client.post("/api/blogs/hostile/import", data=_body(_export("hostile"), field, name), headers=JSON)
    if target == "import-jsonld":
        document = {"@context": "https://schema.org", "@type": "LiveBlogPosting", "headline": "Hostile",
                    "inLanguage": "en", "url": "https://example.org/live", "liveBlogUpdate": [
                        {"@type": "BlogPosting", "headline": "Update", "articleBody": "Body",
                         "datePublished": "2026-02-26T08:30:00Z", "url": "https://example.org/live#u1"}]}
        path = field if field in ("inLanguage", "url") else f"liveBlogUpdate.{field}"
        return client.post("/api/blogs/hostile/import", data=_body(document, path, name),
                           headers={**AUTH, "Content-Type": "application/ld+json"})
    raise AssertionError(target)


def _no_executable_markup(html: str, where: str) -> None:
    if not html.strip():
        return
    root = lxml.html.fromstring(html) if html.lstrip().startswith("<!") else lxml.html.fragment_fromstring(
        html, create_parent="div")
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.rsplit("}", 1)[-1].lower()
        assert tag not in _DANGEROUS_TAGS, (where, tag)
        for attribute, value in element.attrib.items():
            attribute = attribute.rsplit("}", 1)[-1].lower()
            assert not attribute.startswith("on"), (where, attribute, value)
            if attribute in _URL_ATTRIBUTES or attribute.endswith("href"):
                scheme = "".join(value.split()).lower().partition(":")[0]
                assert scheme not in ("javascript", "data", "vbscript"), (where, attribute, value)


def _holds_html(node: etree._Element) -> bool:
    """Whether a feed element's text is HTML to a reader: an RSS item's description and
    content:encoded, an Atom text construct of type "html" (other text is shown as text)."""
    local = etree.QName(node).localname
    parent = node.getparent()
    if local in ("description", "encoded") and parent is not None and etree.QName(parent).localname == "item":
        return True
    return node.get("type") == "html"


def _check_outputs(client) -> None:
    """Every blog's feeds parse strictly, and no page or feed HTML holds executable markup."""
    strict = etree.XMLParser(recover=False, resolve_entities=False)
    etree.fromstring(client.get("/feeds.opml").data, strict)
    for blog in client.get("/api/blogs").json["blogs"]:
        slug = blog["slug"]
        for name in ("rss.xml", "atom.xml", "podcast.xml"):
            response = client.get(f"/blogs/{slug}/{name}")
            assert response.status_code == 200, (slug, name)
            root = etree.fromstring(response.data, strict)
            for node in root.iter():
                if isinstance(node.tag, str) and node.text and _holds_html(node):
                    _no_executable_markup(node.text, f"{slug}/{name}")
        feed = json.loads(client.get(f"/blogs/{slug}/feed.json").data)
        for item in feed["items"]:
            _no_executable_markup(item.get("content_html", ""), f"{slug}/feed.json")
        _no_executable_markup(client.get(f"/blogs/{slug}/").get_data(as_text=True), f"{slug}/")
        assert client.get(f"/blogs/{slug}.txt").status_code == 200
    _no_executable_markup(client.get("/").get_data(as_text=True), "/")


def _exports(client) -> dict[str, bytes]:
    return {b["slug"]: client.get(f"/api/blogs/{b['slug']}/export").data
            for b in client.get("/api/blogs").json["blogs"]}


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("hostile")
    app = create_app({"TESTING": True, "DATA_DIR": str(data_dir), "API_TOKEN": TOKEN, "BASE_URL": "http://news.test",
                      "SPEECH_WORKERS": -1, "VERSION_CHECK_SECONDS": 0})
    client = app.test_client()
    assert client.post("/api/blogs", json={"slug": "hostile", "title": "Hostile", "timezone": "Europe/London"},
                       headers=AUTH).status_code == 201
    entry = client.post("/api/blogs/hostile/entries", json={"headline": "Base", "text": "base"}, headers=AUTH).json
    assert client.post("/api/blogs", json={"slug": "bystander", "title": "Bystander"}, headers=AUTH).status_code == 201
    client.post("/api/blogs/bystander/entries", json={"text": "Quiet"}, headers=AUTH)
    yield {"client": client, "entry": entry["id"], "n": 0, "data_dir": data_dir}
    app.extensions["syndicate"].store.close()


@pytest.mark.parametrize("target, field, name", CASES, ids=[f"{t}-{f}-{n}" for t, f, n in CASES])
def test_hostile_input(world, target, field, name):
    client = world["client"]
    world["n"] += 1
    before = _exports(client)
    response = _request(client, target, field, name, world)
    assert response.status_code < 500, response.data[:500]
    if response.status_code >= 400:
        assert response.is_json and response.json["error"] and response.json["message"]
        assert _exports(client) == before, "a refused request changed stored data"
    else:
        _check_outputs(client)
    made = f"made-{world['n']}"
    if response.status_code == 201 and target == "create-blog":
        client.delete(f"/api/blogs/{response.json['slug']}", headers=AUTH)  # keeps the module's blogs few
    assert client.get(f"/api/blogs/{made}").status_code == 404 or target != "create-blog"


@pytest.mark.parametrize("field", [f"blog.{f}" for f in BLOG_FIELDS[1:]] + ["entries.headline", "entries.html"])
def test_hostile_exports_through_the_command_line(world, tmp_path, field):
    """The CLI meets the same rules: each payload imports cleanly or fails with one line."""
    runner = CliRunner()
    env = {"SYNDICATE_DATA_DIR": str(world["data_dir"]), "SYNDICATE_SPEECH_WORKERS": "-1",
           "SYNDICATE_BASE_URL": "http://news.test"}
    for name in PAYLOADS:
        path = tmp_path / f"{name}.json"
        path.write_bytes(_body(_export("cli"), field, name))
        result = runner.invoke(main, ["import", str(path), "--blog", "cli"], env=env, catch_exceptions=False)
        assert "Traceback" not in result.output
        assert result.exit_code in (0, 1), (name, result.output)
        if result.exit_code == 1:
            assert result.output.startswith("Error: ") and result.output.count("\n") == 1, result.output
    _check_outputs(world["client"])
