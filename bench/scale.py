"""Figure 4: the time to publish one new entry, at blog sizes from 10 to 10,000 entries.

Each blog lives in its own data dir, filled straight through the store (one transaction, no
speech, every entry marked as having a clip so the podcast feed is full). Publishing is
`Newsroom.add_entry`: the store write (and queueing its speech, which nothing runs here), then
`Publisher.publish`, which runs every output builder for the blog (every page of every feed and
of the text view, the text version, the cover, the transcripts) and writes the files whose
bytes changed into the published tree. Sizes are timed in turn within each round, so every size
sees the same machine noise.
"""
from __future__ import annotations

from .common import (Context, Report, Row, fmt_ratio, fmt_seconds, median, profile, ratio, say,
                     status, timed)
from .data import fill, make_app, new_entry, rebuild_costs, sample, services

TITLE = "Scale: publishing one entry"
METHOD = ("`Newsroom.add_entry` (store the entry, queue its speech, rebuild the blog's files and "
          "write those that changed into the published tree) on blogs of {sizes} entries, each in its own "
          "SQLite data dir, filled straight through the store with ready clips; no speech worker "
          "runs. Median of {runs} publishes per size after {warmup} untimed; sizes take turns "
          "within each round. Baseline: the same at {smallest} entries.")
SIZES = (10, 100, 1_000, 10_000)
QUICK_SIZES = (10, 50, 200, 500)  # a publish rebuilds the whole blog: keep the smoke run short
TARGET = 1.5


def count_statements(svc, fn) -> int:
    """SQL statements (BEGIN and COMMIT included) the store runs during `fn()`."""
    import sqlalchemy as sa

    count = [0]

    def seen(*_args, **_kwargs) -> None:
        count[0] += 1

    sa.event.listen(svc.store.engine, "before_cursor_execute", seen)
    try:
        fn()
    finally:
        sa.event.remove(svc.store.engine, "before_cursor_execute", seen)
    return count[0]


def run(ctx: Context) -> Report:
    sizes = QUICK_SIZES if ctx.quick else SIZES
    runs, warmup = (3, 1) if ctx.quick else (15, 2)
    source = sample()
    blogs = {}
    for size in sizes:
        say(f"scale: filling a blog of {size:,} entries")
        app = make_app(ctx.folder(f"scale/{size}"))
        svc = services(app)
        svc.newsroom.create_blog("scale", source.blog_fields(f"Scale {size}"))
        fill(svc.store, "scale", size, source)
        svc.publisher.publish("scale")
        blogs[size] = svc

    samples: dict[int, list[float]] = {size: [] for size in sizes}
    counter = iter(range(10**9))
    for round_ in range(warmup + runs):
        for size in sizes:
            svc = blogs[size]
            fields = new_entry(source, next(counter))
            seconds = timed(lambda: svc.newsroom.add_entry("scale", fields))
            if round_ >= warmup:
                samples[size].append(seconds)

    # Where the time goes, at both ends: the store write, then the rebuild.
    split = {}
    for size in (sizes[0], sizes[-1]):
        svc = blogs[size]
        store_t, publish_t = [], []
        for _ in range(max(3, runs // 3)):
            fields = new_entry(source, next(counter))
            store_t.append(timed(lambda: svc.store.add_entry("scale", fields)))
            publish_t.append(timed(lambda: svc.publisher.publish("scale")))
        split[size] = (median(store_t), median(publish_t))
    cover = rebuild_costs(blogs[sizes[-1]], "scale", 3)[1]
    # The queries a rebuild makes, and how many statements one publish runs.
    statements = count_statements(blogs[sizes[-1]], lambda: blogs[sizes[-1]].newsroom.add_entry(
        "scale", new_entry(source, next(counter))))
    queries = {}
    for size in (sizes[0], sizes[-1]):
        store = blogs[size].store
        feed_items = blogs[size].config["FEED_ITEMS"]
        queries[size] = (median(timed(lambda: store.count_entries("scale")) for _ in range(9)),
                         median(timed(lambda: store.list_entries("scale", limit=feed_items)) for _ in range(9)))
    if ctx.profile is not None:
        svc = blogs[sizes[-1]]
        profile(lambda: svc.newsroom.add_entry("scale", new_entry(source, next(counter))), 10,
                ctx.profile / f"scale-{sizes[-1]}")

    base = median(samples[sizes[0]])
    report = Report(TITLE, METHOD.format(runs=runs, warmup=warmup, sizes=", ".join(f"{s:,}" for s in sizes),
                                         smallest=sizes[0]))
    for size in sizes:
        value = median(samples[size])
        r = ratio(value, base)
        last = size == sizes[-1]
        report.rows.append(Row(
            f"4. Publish one entry, blog of {size:,} entries", fmt_seconds(value),
            fmt_seconds(base) + f" ({sizes[0]} entries)", fmt_ratio(r, TARGET if last else None),
            f"≤ {TARGET} × at 10" if last else "-", status(r <= TARGET) if last else "reported",
            f"median of {runs}; min {fmt_seconds(min(samples[size]))}, max {fmt_seconds(max(samples[size]))}"))
    for size, (store_s, publish_s) in split.items():
        report.details.append(f"at {size:,} entries: store write {fmt_seconds(store_s)}, "
                              f"rebuild of the outputs (`Publisher.publish`) {fmt_seconds(publish_s)}")
    feed_items = blogs[sizes[0]].config["FEED_ITEMS"]
    if len(sizes) > 2 and sizes[1] >= feed_items:
        report.details.append(
            f"feeds hold the newest {feed_items} items, so at {sizes[0]} entries they are smaller than at "
            f"{sizes[1]:,} and above; against {sizes[1]:,} entries (full first pages) the largest blog's "
            f"ratio is {fmt_ratio(ratio(median(samples[sizes[-1]]), median(samples[sizes[1]])))}")
    if cover > 0.001:
        report.details.append(f"of each rebuild, {fmt_seconds(cover)} is drawing and PNG-encoding the 1400 px "
                              f"cover again (it only depends on the blog's title and status), at every size")
    (count_small, list_small), (count_big, list_big) = queries[sizes[0]], queries[sizes[-1]]
    report.details.append(
        f"a publish runs {statements:.0f} SQL statements; counting the blog's entries (`count_entries`) takes "
        f"{fmt_seconds(count_small)} at {sizes[0]} entries and {fmt_seconds(count_big)} at {sizes[-1]:,}, "
        f"reading one feed page (`list_entries`) {fmt_seconds(list_small)} and {fmt_seconds(list_big)}")
    worst = median(samples[sizes[-1]])
    if ratio(worst, base) > TARGET:
        store_small, publish_small = split[sizes[0]]
        store_big, publish_big = split[sizes[-1]]
        report.misses.append(
            f"publishing at {sizes[-1]:,} entries took {fmt_ratio(ratio(worst, base))} × the time at "
            f"{sizes[0]}: store write {fmt_seconds(store_small)} → {fmt_seconds(store_big)}, rebuild "
            f"{fmt_seconds(publish_small)} → {fmt_seconds(publish_big)}. A publish runs every builder of the "
            f"blog: every page of the four feeds (FEED_ITEMS={feed_items} items each) and of the four text-view "
            f"variants, the text version and the transcripts, so its cost follows the size of the blog. Pages "
            f"are numbered from the newest entry, so a new entry moves every entry one place and every older "
            f"page's bytes change with it: no page can be skipped. What would reach it: number the older pages "
            f"from the oldest entry (RFC 5005 archived feeds: fixed archive pages, and a newest page that links "
            f"to the newest archive), so that a new entry changes the newest page and one archive page; key the "
            f"builders' work per page by the entries on it, so unchanged pages are not rendered again; and count "
            f"live entries on the blog row. Part of the small blog's cost is this machine's file system "
            f"(a rename takes over a millisecond here, two per changed file).")
    for svc in blogs.values():
        svc.store.close()
    return report
