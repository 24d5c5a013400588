"""The harness every figure shares: medians, result rows, machine notes and the Markdown table."""
from __future__ import annotations

import logging
import os
import resource
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger("bench")
ROOT = Path(__file__).resolve().parents[1]

MET, MISSED, REPORTED, SKIPPED = "met", "missed", "reported", "not measured"


# -- timing ---------------------------------------------------------------------------------

def median(values: Iterable[float]) -> float:
    values = list(values)
    return statistics.median(values) if values else float("nan")


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) by the nearest-rank method."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def timed(fn: Callable[[], object]) -> float:
    """Wall-clock seconds one call of `fn` takes."""
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def median_time(fn: Callable[[], object], runs: int, *, warmup: int = 1) -> tuple[float, list[float]]:
    """Median wall-clock seconds of `runs` calls of `fn`, after `warmup` untimed calls."""
    for _ in range(warmup):
        fn()
    samples = [timed(fn) for _ in range(runs)]
    return median(samples), samples


def cpu_seconds_self() -> float:
    """CPU time (user + system) this process has used so far."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def cpu_seconds_of(pid: int) -> float:
    """CPU time of a live process and of the children it has waited for (flite, for example)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = sum(int(fields[i]) for i in (11, 12, 13, 14))  # utime stime cutime cstime
    return ticks / os.sysconf("SC_CLK_TCK")


def proc_status(pid: int, key: str) -> int:
    """A size from /proc/<pid>/status (VmRSS, VmHWM, ...) in bytes; 0 when gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


# -- formatting -----------------------------------------------------------------------------

def fmt_seconds(seconds: float) -> str:
    if seconds != seconds:  # NaN
        return "n/a"
    if seconds < 0.001:
        return f"{seconds * 1e6:.0f} µs"
    if seconds < 1:
        return f"{seconds * 1000:.1f} ms"
    return f"{seconds:.2f} s"


def fmt_ratio(ratio: float, target: float | None = None) -> str:
    """Two decimals; three when two would round onto the target and hide which side it is on."""
    if ratio != ratio:
        return "n/a"
    return f"{ratio:.3f}" if target is not None and round(ratio, 2) == target and ratio != target else f"{ratio:.2f}"


def fmt_mb(size: int | float) -> str:
    return f"{size / 1e6:.1f} MB"


def ratio(value: float, baseline: float) -> float:
    return value / baseline if baseline else float("nan")


# -- results --------------------------------------------------------------------------------

@dataclass
class Row:
    """One line of the table."""

    figure: str
    value: str
    baseline: str = "-"
    ratio: str = "-"
    target: str = "-"
    status: str = REPORTED
    notes: str = ""


@dataclass
class Report:
    """What one figure module measured: rows, how it measured them, and why a target was missed."""

    title: str
    method: str
    rows: list[Row] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)
    details: list[str] = field(default_factory=list)
    seconds: float = 0.0


def skipped(title: str, method: str, figures: Sequence[str], reason: str) -> Report:
    """A report whose rows say why they were not measured."""
    rows = [Row(figure, f"not measured: {reason}", status=SKIPPED) for figure in figures]
    return Report(title, method, rows)


def status(met: bool) -> str:
    return MET if met else MISSED


def say(message: str) -> None:
    """Progress on stderr (the table goes to the file)."""
    print(f"bench: {message}", file=sys.stderr, flush=True)


@dataclass
class Context:
    """What every figure module gets: the mode, a scratch folder, and figures already measured."""

    quick: bool
    work: Path
    profile: Path | None = None  # write cProfile output of the measured paths here
    shared: dict = field(default_factory=dict)

    def folder(self, name: str) -> Path:
        path = self.work / name
        path.mkdir(parents=True, exist_ok=True)
        return path


def profile(fn: Callable[[], object], runs: int, path: Path) -> None:
    """Run `fn` `runs` times under cProfile; write `path`.prof and a readable `path`.txt."""
    import cProfile
    import io
    import pstats

    profiler = cProfile.Profile()
    for _ in range(runs):
        profiler.enable()
        try:
            fn()
        finally:
            profiler.disable()
    path.parent.mkdir(parents=True, exist_ok=True)
    profiler.dump_stats(str(path.with_suffix(".prof")))
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(40)
    stats.sort_stats("tottime").print_stats(25)
    path.with_suffix(".txt").write_text(out.getvalue())


@contextmanager
def stderr_to(path: Path) -> Iterator[None]:
    """Send this process's file descriptor 2 (and that of children started meanwhile) to a file."""
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(path, "ab") as out:
            os.dup2(out.fileno(), 2)
        yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)


def machine_cpu_seconds() -> float:
    """CPU seconds all processes on the machine have used since boot (from /proc/stat)."""
    try:
        fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    except OSError:
        return float("nan")
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(x) for x in fields[:8])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def context_switches(pid: int) -> int:
    """Context switches so far of every thread of a process (voluntary and not)."""
    total = 0
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return 0
    for task in tasks:
        try:
            for line in (task / "status").read_text().splitlines():
                if line.endswith("ctxt_switches:") or "ctxt_switches:" in line:
                    total += int(line.split()[1])
        except (OSError, ValueError, IndexError):
            continue
    return total
