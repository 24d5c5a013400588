"""Figure 4: the time to publish one new entry, at blog sizes from 10 to 10,000 entries.

Each blog lives in its own data dir, filled straight through the store (one transaction, no
speech, every entry marked as having a clip so the podcast feed is full). Publishing is
`Newsroom.add_entry`: the store write (and queueing its speech, which nothing runs here), then
`Publisher.publish`, which reads the entries it has not seen at their revision, runs every
output builder for the blog (each declares its files with a key of their inputs), renders the
files whose key changed and writes those whose bytes changed into the published tree. Sizes
are timed in turn within each round, so every size sees the same machine noise.
"""
from __future__ import annotations

from functools import partial

from .common import Context, Report, Row, fmt_ratio, fmt_seconds, median, profile, ratio, say, status, timed
from .data import fill, make_app, new_entry, rebuild_costs, sample, services

TITLE = "Scale: publishing one entry"
METHOD = ("`Newsroom.add_entry` (store the entry, queue its speech, rebuild the blog's files whose "
          "inputs changed and write those whose bytes changed into the published tree) on blogs of "
          "{sizes} entries, each in its own "
          "SQLite data dir, filled straight through the store with ready clips; no speech worker "
          "runs. Median of {runs} publishes per size after {warmup} untimed; sizes take turns "
          "within each round. Baseline: the same at {smallest} entries.")
SIZES = (10, 100, 1_000, 10_000)
QUICK_SIZES = (10, 100, 500, 2_000)  # filling the blogs is most of a quick run
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
            seconds = timed(partial(svc.newsroom.add_entry, "scale", fields))
            if round_ >= warmup:
                samples[size].append(seconds)

    # Where the time goes, at both ends: the store write, then the rebuild.
    split = {}
    for size in (sizes[0], sizes[-1]):
        svc = blogs[size]
        store_t, publish_t = [], []
        for _ in range(max(3, runs // 3)):
            fields = new_entry(source, next(counter))
            store_t.append(timed(partial(svc.store.add_entry, "scale", fields)))
            publish_t.append(timed(partial(svc.publisher.publish, "scale")))
        split[size] = (median(store_t), median(publish_t))
    cover = rebuild_costs(blogs[sizes[-1]], "scale", 3)[1]
    # The queries a rebuild makes, and how many statements one publish runs.
    big = blogs[sizes[-1]]
    fetched, rebuilt = big.publisher.entries.fetched, big.publisher.tree.rendered
    statements = count_statements(big, lambda: big.newsroom.add_entry("scale", new_entry(source, next(counter))))
    fetched, rebuilt = big.publisher.entries.fetched - fetched, big.publisher.tree.rendered - rebuilt
    queries = {}
    for size in (sizes[0], sizes[-1]):
        store = blogs[size].store
        feed_items = blogs[size].config["FEED_ITEMS"]
        queries[size] = (median(timed(partial(store.count_entries, "scale")) for _ in range(9)),
                         median(timed(partial(store.list_entries, "scale", limit=feed_items)) for _ in range(9)))
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
        f"at {sizes[-1]:,} entries one publish read {fetched} entr{'y' if fetched == 1 else 'ies'} in full "
        f"(the rest are the publisher's copies, checked by revision) and rendered {rebuilt} file(s); the other "
        f"files' keys matched the published ones")
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
            f"{fmt_seconds(publish_small)} → {fmt_seconds(publish_big)}. Older pages are fixed and unchanged "
            f"files are neither rendered nor read, so what still grows with the blog is: the whole-blog text "
            f"version (`blogs/<slug>.txt`, every entry in one file: joined, digested, gzipped and written on "
            f"each publish), the narrow (id, revision) read of every live entry, and a key per file (one per "
            f"page of the {feed_items}-item feeds and the text view, two per transcript) that the builders "
            f"declare and the tree compares. The front pages also hold more entries than at {sizes[0]} "
            f"({feed_items} feed items, PAGE_ENTRIES text-view entries). What would reach it: group files "
            f"into bundles keyed by their common inputs (all archives of a feed, all transcripts) so that an "
            f"unchanged bundle costs one key, and make the text version of a long blog from fixed parts (or "
            f"publish it after the answer).")
    for svc in blogs.values():
        svc.store.close()
    return report
