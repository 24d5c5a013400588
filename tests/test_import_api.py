"""Imports through the API: detection, counts, idempotence, updates in place, deletions,
JSON-LD, and the export round trip."""
from __future__ import annotations

import json

from storm_text import STORM

from syndicate import create_app

# The same page with an older entry below the two of STORM, and background after them.
V1 = STORM + """
  • 08h50

    Forecasters raise the warning to amber.

The storm formed over the Atlantic on Tuesday.
"""
# A newer version of the page: one new entry on top, one corrected, one withdrawn.
V2 = V1.replace("  • 09h30", "  • 09h45\n\n    The coast road is closed in both directions.\n\n  • 09h30") \
       .replace("Trees are down", "Two trees are down") \
       .replace("  • 08h50\n\n    Forecasters raise the warning to amber.\n\n", "")

TEXT = {"Content-Type": "text/plain"}


def entries(client):
    return client.get("/api/blogs/storm/entries").json["entries"]


def test_import_counts_and_idempotence(client, auth, blog):
    first = client.post("/api/blogs/storm/import", data=V1, headers={**auth, **TEXT})
    assert first.status_code == 200
    assert first.json == {"created": 3, "updated": 0, "unchanged": 0, "deleted": 0, "skipped": 0, "adjusted": 0,
                          "format": "text"}
    listed = entries(client)
    assert [e["text"] for e in listed] == ["Trees are down on the coast road.", "",
                                          "Forecasters raise the warning to amber."]
    assert listed[0]["published"] == "2026-03-01T09:30:00Z"  # the blog's zone: Europe/London (GMT)
    # a paragraph that ends in a credit is a caption, not body text
    assert listed[1]["media"] == [
        {"kind": "photo", "caption": "The ferry is cancelled.", "credit": "Sam Lee", "url": ""}]
    version = client.get("/blogs/storm/rss.xml").headers["ETag"]
    again = client.post("/api/blogs/storm/import", data=V1, headers={**auth, **TEXT}).json
    assert again["unchanged"] == 3 and again["created"] == again["updated"] == again["deleted"] == 0
    assert entries(client) == listed
    assert client.get("/blogs/storm/rss.xml").headers["ETag"] == version


def test_newer_version_updates_in_place(client, auth, blog):
    client.post("/api/blogs/storm/import", data=V1, headers={**auth, **TEXT})
    before = {e["published"]: e for e in entries(client)}
    counts = client.post("/api/blogs/storm/import", data=V2, headers={**auth, **TEXT}).json
    assert counts == {"created": 1, "updated": 1, "unchanged": 1, "deleted": 0, "skipped": 0, "adjusted": 0,
                      "format": "text"}
    after = {e["published"]: e for e in entries(client)}
    corrected = after["2026-03-01T09:30:00Z"]
    assert corrected["id"] == before["2026-03-01T09:30:00Z"]["id"]
    assert corrected["text"].startswith("Two trees") and corrected["updated"] > corrected["published"]
    # 08:50 is older than anything the new version covers, so it is kept, not deleted
    assert "2026-03-01T08:50:00Z" in after


def test_withdrawn_entries_inside_the_span_are_deleted(client, auth, blog):
    client.post("/api/blogs/storm/import", data=V1, headers={**auth, **TEXT})
    withdrawn = V1.replace("  • 09h10\n\n    The ferry is cancelled. Photo by Sam Lee\n\n", "")
    counts = client.post("/api/blogs/storm/import", data=withdrawn, headers={**auth, **TEXT}).json
    assert counts["deleted"] == 1 and counts["unchanged"] == 2
    assert [e["published"] for e in entries(client)] == ["2026-03-01T09:30:00Z", "2026-03-01T08:50:00Z"]


def test_timezone_option_and_background(client, auth, blog):
    client.post("/api/blogs/storm/import?timezone=Asia/Ho_Chi_Minh", data=V1, headers={**auth, **TEXT})
    assert entries(client)[0]["published"] == "2026-03-01T02:30:00Z"
    page = client.get("/blogs/storm/").text
    assert "The storm formed over the Atlantic on Tuesday." in page


def test_jsonld_in_html(client, auth, blog):
    page = """<html><head><script type="application/ld+json">{
      "@context": "https://schema.org", "@type": "LiveBlogPosting", "headline": "Storm Ana",
      "liveBlogUpdate": [
        {"@type": "BlogPosting", "headline": "Storm Ana", "datePublished": "2026-03-01T09:30:00Z",
         "articleBody": "<p>Trees down.<script>alert(1)<\\/script></p>", "url": "https://x.test/live#p2"},
        {"@type": "BlogPosting", "headline": "Ferry off", "datePublished": "2026-03-01T09:10:00Z",
         "dateModified": "2026-03-01T09:20:00Z", "articleBody": "No sailings.", "url": "https://x.test/live#p1"}
      ]}</script></head><body></body></html>"""
    counts = client.post("/api/blogs/storm/import", data=page, headers={**auth, "Content-Type": "text/html"}).json
    assert counts["created"] == 2 and counts["format"] == "jsonld"
    first, second = entries(client)
    assert first["headline"] == "" and "script" not in first["html"] and first["text"] == "Trees down."
    assert second["headline"] == "Ferry off" and second["updated"] == "2026-03-01T09:20:00Z"


def test_bad_imports_change_nothing(client, auth, blog):
    client.post("/api/blogs/storm/import", data=V1, headers={**auth, **TEXT})
    before = entries(client)
    for data, query, headers in (
        ("", "", TEXT),
        ("{not json", "?format=jsonld", {"Content-Type": "application/json"}),
        (V1, "?format=yaml", TEXT),
        (V1, "?timezone=Nowhere/Land", TEXT),
        ('{"@type": "NewsArticle"}', "", {"Content-Type": "application/ld+json"}),
    ):
        response = client.post(f"/api/blogs/storm/import{query}", data=data, headers={**auth, **headers})
        assert response.status_code == 400, (query, response.json)
        assert response.json["message"]
    assert client.post("/api/blogs/nope/import", data=V1, headers={**auth, **TEXT}).status_code == 404
    assert entries(client) == before


def test_export_round_trips(client, auth, blog, tmp_path):
    client.post("/api/blogs/storm/import", data=V1, headers={**auth, **TEXT})
    client.post("/api/blogs/storm/entries", json={"headline": "By hand", "html": "<p>A <em>new</em> line.</p>",
                                                  "key_event": True, "pinned": True}, headers=auth)
    exported = client.get("/api/blogs/storm/export")
    assert exported.status_code == 200 and "attachment" in exported.headers["Content-Disposition"]

    other = create_app({"DATA_DIR": str(tmp_path / "other"), "API_TOKEN": "t", "SPEECH_WORKERS": -1}).test_client()
    other.post("/api/blogs", json={"slug": "copy", "title": "Copy", "timezone": "Europe/London"},
               headers={"Authorization": "Bearer t"})
    counts = other.post("/api/blogs/copy/import", data=json.dumps(exported.json),
                        headers={"Authorization": "Bearer t", "Content-Type": "application/json"}).json
    assert counts["created"] == 4 and counts["format"] == "export"

    def comparable(items):
        return [{k: v for k, v in e.items() if k != "audio"} for e in items]

    assert comparable(other.get("/api/blogs/copy/entries").json["entries"]) == comparable(entries(client))
    again = other.post("/api/blogs/copy/import", data=json.dumps(exported.json),
                       headers={"Authorization": "Bearer t", "Content-Type": "application/json"}).json
    assert again["unchanged"] == 4


def test_skipped_updates_still_protect_their_entries(client, auth, blog, app):
    client.post("/api/blogs/storm/import", data=V1, headers={**auth, **TEXT})
    app.extensions["syndicate"].newsroom.max_entry_chars = 20  # two updates are now too long
    counts = client.post("/api/blogs/storm/import", data=V1, headers={**auth, **TEXT}).json
    assert counts["skipped"] == 2 and counts["deleted"] == 0 and len(entries(client)) == 3


def test_a_blogs_own_export_changes_nothing_in_it(client, auth, blog):
    client.post("/api/blogs/storm/import", data=V1, headers={**auth, **TEXT})
    client.post("/api/blogs/storm/entries", json={"headline": "Posted here"}, headers=auth)
    export = client.get("/api/blogs/storm/export").data
    counts = client.post("/api/blogs/storm/import", data=export,
                         headers={**auth, "Content-Type": "application/json"}).json
    assert counts == {"created": 0, "updated": 0, "unchanged": 4, "deleted": 0, "skipped": 0, "adjusted": 0,
                      "format": "export"}


def test_imports_never_delete_posted_entries(client, auth, blog):
    client.post("/api/blogs/storm/entries", json={"headline": "Posted here", "published": "2026-03-01T09:20:00Z"},
                headers=auth)
    client.post("/api/blogs/storm/import", data=V1, headers={**auth, **TEXT})
    assert "Posted here" in [e["headline"] for e in entries(client)]


def test_last_updated_of_an_imported_blog_is_its_newest_entry(client, auth, blog):
    assert client.post("/api/blogs/storm/import", data=V1, headers={**auth, **TEXT}).status_code == 200
    newest = entries(client)[0]["updated"]  # 2026-03-01T09:30:00Z, not the time of the import
    assert newest == "2026-03-01T09:30:00Z"
    text = client.get("/blogs/storm.txt").get_data(as_text=True)
    assert "Last updated 09:30 GMT, Sunday 1 March 2026." in text
    page = client.get("/blogs/storm/").get_data(as_text=True)
    assert '<time datetime="2026-03-01T09:30:00Z">' in page.split("Last updated", 1)[1][:80]
    home = client.get("/").get_data(as_text=True)
    assert '<time datetime="2026-03-01T09:30:00Z">' in home.split("Last updated", 1)[1][:80]
