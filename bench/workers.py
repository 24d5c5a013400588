"""Figure 6: speech workers when there is nothing to do, and when one is killed mid-clip.

Idle: the default number of worker processes (one per core), each running the real worker loop
(`bench.idle_worker`, which counts its own database statements), on a data dir whose queue is
empty; each reports its CPU time and how many transactions took SQLite's write lock.

Recovery: a worker kept running by `WorkerPool` (as `syndicate serve` keeps its workers) is
speaking a long entry when it is killed with SIGKILL; the pool starts another, which takes the
job once the dead worker's lease lapses. The time from the kill until the entry's clip is
ready again, against what the same took with the fixed 300 s lease workers held before
(300 s plus the time to speak the entry).
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

from .common import ROOT, Context, Report, Row, fmt_ratio, fmt_seconds, median, ratio, say, status, stderr_to
from .data import make_app, sample, services

TITLE = "Speech workers: idle, and recovery after a kill"
OLD_LEASE = 300.0
METHOD = ("Idle: {workers} worker processes (the default: one per core) run the real worker loop "
          "for {seconds:g} s on a data dir with an empty queue; each counts its own statements (an "
          "SQLAlchemy event on its engine) and reports its CPU time. Recovery: a worker kept running "
          "by `WorkerPool` (as `serve` keeps them) is killed with SIGKILL while it speaks a "
          "{chars}-character entry; the pool starts another. Value: from the kill to the entry's clip "
          "being ready; baseline: the {old:g} s lease workers held before plus the time the new "
          "worker took to speak the entry. Median of {runs} kills.")


def figures() -> list[str]:
    return ["6. Workers: idle CPU per worker", "6. Workers: idle write-lock takes per worker",
            "6. Workers: killed mid-clip → clip ready again"]


def _idle(ctx: Context, workers: int, seconds: float) -> list[dict]:
    app = make_app(ctx.folder("workers/idle"))
    svc = services(app)
    svc.newsroom.create_blog("idle", sample().blog_fields())
    url, data_dir = app.config["DATABASE_URL"], app.config["DATA_DIR"]
    svc.store.close()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    children = [subprocess.Popen([sys.executable, "-m", "bench.idle_worker", url, data_dir, str(seconds)],
                                 stdout=subprocess.PIPE, text=True, env=env, cwd=ROOT) for _ in range(workers)]
    results = []
    for child in children:
        assert child.stdout is not None
        if child.stdout.readline().strip() != "ready":
            raise RuntimeError("workers: an idle worker did not start")
    for child in children:
        out, _ = child.communicate(timeout=seconds + 60)
        results.append(json.loads(out.strip().splitlines()[-1]))
    return results


def _recovery(ctx: Context, runs: int) -> tuple[list[float], list[float], int]:
    import sqlalchemy as sa

    from syndicate.store.schema import jobs
    from syndicate.workers import WorkerPool

    app = make_app(ctx.folder("workers/recovery"))
    svc = services(app)
    source = sample()
    svc.newsroom.create_blog("recovery", source.blog_fields())
    text = " ".join(e.html for e in source.entries[:6])
    recovered, spoken = [], []
    with stderr_to(ctx.work / "workers-recovery.log"):
        pool = WorkerPool(app.config, 1).start()
    try:
        for run in range(runs):
            say(f"workers: recovery run {run + 1}/{runs}")
            entry = svc.newsroom.add_entry("recovery", {"html": f"<p>Run {run + 1}.</p>{text}",
                                                        "text": f"Run {run + 1}. {text}"})
            attempts = _wait(lambda entry=entry: _attempts(svc.store, jobs, sa, entry.id) or None, 120)
            victim = pool.processes[0]
            os.kill(victim.pid, signal.SIGKILL)
            killed = time.perf_counter()
            _wait(lambda entry=entry, attempts=attempts:
                  (_attempts(svc.store, jobs, sa, entry.id) or 0) > attempts or None, 120)
            claimed = time.perf_counter()
            _wait(lambda entry=entry: svc.store.get_entry("recovery", entry.id).audio.status == "ready" or None, 120)
            ready = time.perf_counter()
            recovered.append(ready - killed)
            spoken.append(ready - claimed)
    finally:
        pool.stop()
        svc.store.close()
    return recovered, spoken, len(text)


def _attempts(store, jobs, sa, entry_id: str) -> int | None:
    """How many times the entry's job was leased (None when it has no job)."""
    with store.read() as conn:
        return conn.execute(sa.select(jobs.c.attempts).where(jobs.c.entry_id == entry_id,
                                                              jobs.c.locked_by.is_not(None))).scalar()


def _wait(condition, timeout: float):
    deadline = time.monotonic() + timeout
    while (value := condition()) is None:
        if time.monotonic() > deadline:
            raise TimeoutError(f"workers: nothing happened within {timeout:g} s")
        time.sleep(0.01)
    return value


def run(ctx: Context) -> Report:
    from syndicate.config import speech_workers
    from syndicate.store import LEASE_SECONDS

    workers = max(1, speech_workers({"SPEECH_WORKERS": 0}))
    seconds = 3.0 if ctx.quick else 20.0
    runs = 1 if ctx.quick else 3
    say(f"workers: {workers} idle worker(s) for {seconds:g} s")
    idle = _idle(ctx, workers, seconds)
    recovered, spoken, chars = _recovery(ctx, runs)
    report = Report(TITLE, METHOD.format(workers=workers, seconds=seconds, chars=chars, old=OLD_LEASE, runs=runs))
    cpu = [x["cpu"] / x["wall"] * 100 for x in idle]
    locks = [x["write_locks"] / x["wall"] for x in idle]
    reads = [x["reads"] / x["wall"] for x in idle]
    report.rows.append(Row(figures()[0], f"{max(cpu):.2f} % of a core", notes=(
        f"largest of {workers}; each {', '.join(f'{c:.2f} %' for c in cpu)}"), target="< 1 %",
        status=status(max(cpu) < 1.0)))
    report.rows.append(Row(figures()[1], f"{max(locks):.2f} /s", target="< 1 /s", status=status(max(locks) < 1.0),
                           notes=f"{sum(x['writes'] for x in idle)} writing statements; "
                                 f"{median(reads):.1f} reads/s each (a look at the queue)"))
    value, base = median(recovered), OLD_LEASE + median(spoken)
    report.rows.append(Row(figures()[2], fmt_seconds(value), f"{fmt_seconds(base)} (300 s lease + speaking)",
                           fmt_ratio(ratio(value, base)), f"≤ {LEASE_SECONDS:g} s lease + speaking",
                           status(value <= LEASE_SECONDS + median(spoken) + 2.0),
                           f"lease {LEASE_SECONDS:g} s, renewed every {LEASE_SECONDS / 4:g} s; the new worker "
                           f"spoke the entry in {fmt_seconds(median(spoken))} (median)"))
    return report
