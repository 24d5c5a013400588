"""Figure 2: importing a 200-entry blog with all its audio, with the default number of speech
workers against one, and the audio produced per CPU second.

Each run starts from an empty data dir and real worker processes (`start_processes`, as
`syndicate serve` starts them). The clock starts once every worker is polling the queue (it has
the database open), so process start-up is not counted; it starts before `Newsroom.import_blog`
and stops when the queue is empty. CPU time is that of the worker processes (with the flite
processes they ran) and of this process, from the start to the end of the import.
"""
from __future__ import annotations

import threading
import time
from pathlib import Path

from .common import (
    Context,
    Report,
    Row,
    cpu_seconds_of,
    cpu_seconds_self,
    fmt_ratio,
    fmt_seconds,
    machine_cpu_seconds,
    median,
    ratio,
    say,
    status,
    stderr_to,
)
from .data import make_app, parsed_blog, rebuild_costs, sample, services

TITLE = "Batch import with audio"
METHOD = ("`Newsroom.import_blog` of a {count}-entry blog (the sample blog's entries, numbered so that "
          "every clip is distinct) into an empty data dir, with {default} worker processes (the "
          "default: one per core) and with 1, until the queue is empty. Workers are started, and "
          "warmed up on a few clips of another blog (a worker's first clip loads the audio stack), "
          "before the clock starts. Median of {runs} runs each, alternating. Audio seconds per "
          "CPU second: seconds of audio made over the CPU time of the workers, their flite children "
          "and the importing process; baseline: the same for figure 1's raw pipeline.")


def _ready(processes, database: Path, timeout: float = 60.0) -> None:
    """Wait until every worker process has opened the database (it is polling the queue)."""
    deadline = time.monotonic() + timeout
    pending = {p.pid for p in processes}
    while pending and time.monotonic() < deadline:
        for pid in list(pending):
            try:
                links = [str(Path(f"/proc/{pid}/fd", fd).readlink()) for fd in
                         (p.name for p in Path(f"/proc/{pid}/fd").iterdir())]
            except OSError:
                links = []
            if any(link.startswith(str(database)) for link in links):
                pending.discard(pid)
        if any(not p.is_alive() for p in processes):
            raise RuntimeError("batch: a speech worker process died at start-up")
        time.sleep(0.05)
    if pending:
        raise RuntimeError(f"batch: workers {sorted(pending)} did not open the database in {timeout:g} s")


def _drained(store, timeout: float = 1800.0) -> None:
    deadline = time.monotonic() + timeout
    while store.queue_stats()["queued"]:
        if time.monotonic() > deadline:
            raise TimeoutError(f"batch: the speech queue was not empty after {timeout:g} s")
        time.sleep(0.02)


def one_run(ctx: Context, name: str, workers: int, count: int) -> dict[str, float]:
    try:
        from syndicate.workers import start_processes
    except ImportError:  # where it lived first
        from syndicate.workers import start_processes

    source = sample()
    app = make_app(ctx.folder(f"batch/{name}"))
    svc = services(app)
    slug = "batch"
    svc.newsroom.create_blog(slug, source.blog_fields())
    parsed = parsed_blog(source, count)
    with stderr_to(ctx.work / "batch-workers.log"):  # each worker logs every clip
        processes = start_processes(dict(app.config), workers)
    try:
        _ready(processes, Path(app.config["DATA_DIR"]) / "syndicate.db")
        # Warm up, as in a running service: a worker's first clip also loads the audio stack.
        svc.newsroom.create_blog("warm-up", source.blog_fields())
        svc.newsroom.import_blog("warm-up", parsed_blog(source, 2 * workers))
        _drained(svc.store)
        svc.publisher.publish_changed()
        # As in `serve`: the publisher's watch publishes what the workers change.
        stop = threading.Event()
        watcher = svc.publisher.watch(stop, interval=app.config["PUBLISH_INTERVAL"])
        rebuilds0 = svc.publisher.rebuilds
        cpu0 = sum(cpu_seconds_of(p.pid) for p in processes) + cpu_seconds_self()
        machine0 = machine_cpu_seconds()
        start = time.perf_counter()
        svc.newsroom.import_blog(slug, parsed)
        _drained(svc.store)
        elapsed = time.perf_counter() - start
        cpu = sum(cpu_seconds_of(p.pid) for p in processes) + cpu_seconds_self() - cpu0
        others = machine_cpu_seconds() - machine0 - cpu
        stop.set()
        watcher.join(timeout=60)
        svc.publisher.publish_changed()  # the last clips' change, had the watch not seen it yet
        rebuilds = svc.publisher.rebuilds - rebuilds0
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.join(timeout=15)
            if process.is_alive():
                process.kill()
                process.join(timeout=5)
    ready = svc.store.list_entries(slug, audio_ready=True)
    audio = sum(e.audio.duration or 0 for e in ready)
    errors = [e.audio.error for e in svc.store.list_entries(slug) if e.audio and e.audio.status == "failed"]
    rebuild, cover = rebuild_costs(svc, slug, 3)
    svc.store.close()
    return {"seconds": elapsed, "cpu": cpu, "audio": audio, "ready": len(ready), "count": count,
            "others": max(0.0, others), "rebuild": rebuild, "cover": cover, "workers": workers,
            "rebuilds": rebuilds, "interval": app.config["PUBLISH_INTERVAL"],
            "error": errors[0] if errors else ""}


def run(ctx: Context) -> Report:
    from syndicate.config import speech_workers

    count = 6 if ctx.quick else 200
    runs = 1 if ctx.quick else 2
    default = max(1, speech_workers({"SPEECH_WORKERS": 0}))
    results: dict[int, list[dict[str, float]]] = {default: [], 1: []}
    for r in range(runs):
        for workers in ((1, default) if r % 2 == 0 else (default, 1)):
            say(f"batch: run {r + 1}/{runs}, {count} entries with {workers} worker(s)")
            results[workers].append(one_run(ctx, f"{workers}w-{r}", workers, count))
    value = median(x["seconds"] for x in results[default])
    base = median(x["seconds"] for x in results[1])
    speedup = ratio(base, value)
    per_cpu = median(x["audio"] / x["cpu"] for x in results[default] + results[1] if x["cpu"])
    raw_per_cpu = ctx.shared.get("raw_audio_per_cpu")
    failed = sum(x["count"] - x["ready"] for xs in results.values() for x in xs)
    audio = median(x["audio"] for x in results[default])
    cores = default
    # The ceiling: N workers can be at most as much faster than one as the CPU they could have
    # (the cores, less what other processes on the machine used meanwhile) is larger than the
    # CPU one worker used (more than a core: flite renders an entry's pieces in parallel).
    busy_one = median(x["cpu"] / x["seconds"] for x in results[1])
    others = median(x["others"] / x["seconds"] for x in results[default])
    available = max(cores - others, 0.0)
    ceiling = min(float(cores), available / busy_one) if busy_one > 0 else float(cores)
    report = Report(TITLE, METHOD.format(count=count, default=default, runs=runs))
    report.rows.append(Row(
        f"2. Batch: import {count} entries with audio, {default} workers vs 1", fmt_seconds(value),
        fmt_seconds(base) + " (1 worker)", fmt_ratio(speedup) + " × faster",
        f"close to the ceiling, {ceiling:.2f} ({available:.2f} of {cores} cores free / {busy_one:.2f} "
        "used by one worker)",
        status(speedup >= 0.9 * ceiling),
        f"median of {runs}; {audio:.0f} s of audio; {count / value:.1f} clips/s"
        + (f"; {failed} clip(s) failed" if failed else "")))
    report.rows.append(Row(
        "2. Batch: audio seconds produced per CPU second", f"{per_cpu:.1f}",
        f"{raw_per_cpu:.1f} (raw pipeline, figure 1)" if raw_per_cpu else "-",
        fmt_ratio(ratio(per_cpu, raw_per_cpu)) if raw_per_cpu else "-", "reported", "reported",
        "all runs; workers + flite + importer CPU"))
    for workers, xs in results.items():
        report.details.append(f"{workers} worker(s): " + ", ".join(
            f"{fmt_seconds(x['seconds'])} wall, {x['cpu']:.1f} CPU s ({x['cpu'] / x['seconds']:.2f} cores busy), "
            f"other processes {x['others']:.1f} CPU s" for x in xs))
    every = results[default] + results[1]
    rebuild, cover = median(x["rebuild"] for x in every), median(x["cover"] for x in every)
    report.details.append(
        f"workers do not rebuild the blog's outputs: the publisher's watch in the web process (every "
        f"{every[0]['interval']:g} s) did, " + ", ".join(
            f"{x['rebuilds']} time(s) for {x['count']} entries with {x['workers']} worker(s)" for x in every)
        + f"; one rebuild of this blog costs {fmt_seconds(rebuild)}"
        + (f" ({fmt_seconds(cover)} of it the unchanged cover PNG)" if cover > 0.001 else ""))
    if failed:
        error = next((x["error"] for xs in results.values() for x in xs if x["error"]), "no error recorded")
        for row in report.rows:
            row.notes = f"{row.value}; {row.notes}"
            row.value, row.ratio, row.status = f"not measured: {failed} clip(s) failed", "-", "not measured"
        report.details.append(f"first clip error: {error}"[:400])
        return report
    if speedup < 0.9 * ceiling:
        cpu_1 = median(x["cpu"] for x in results[1])
        cpu_n = median(x["cpu"] for x in results[default])
        busy = median(x["cpu"] / x["seconds"] for x in results[default])
        others = median(x["others"] / x["seconds"] for x in results[default])
        busy_1 = median(x["cpu"] / x["seconds"] for x in results[1])
        bound = cores / busy_1 if busy_1 else float("nan")
        text = f"{default} workers were {fmt_ratio(speedup)} × as fast as one (ceiling: {ceiling:.2f}). "
        if cpu_n > 1.1 * cpu_1:
            text += (f"The work grew with more workers ({cpu_1:.0f} → {cpu_n:.0f} CPU s), so they get in each "
                     f"other's way (the database's write lock, or rebuilding the same outputs). ")
        else:
            text += (f"The work itself did not grow ({cpu_1:.0f} CPU s with 1 worker, {cpu_n:.0f} with "
                     f"{default}), and the {default} workers kept {busy:.2f} of the {cores} cores busy. ")
        if busy_1 > 1.05:
            text += (f"One worker alone already kept {busy_1:.2f} cores busy (flite renders an entry's pieces "
                     f"in parallel processes), so on {cores} cores the best speed-up is about {bound:.2f}. ")
        if others > 0.1:
            text += (f"Other processes on this shared machine used {others:.2f} cores on average during the "
                     f"{default}-worker runs, which took the rest; on an otherwise idle machine the speed-up "
                     f"should come close to {min(cores, bound):.2f}. ")
        report.misses.append(text)
    return report
