"""`python -m bench`: measure every figure and write BENCHMARKS.md.

    python -m bench                 # every figure but quality, a few minutes on a 2-core machine
    python -m bench --quick         # tiny sizes (a smoke run); writes to --out
    python -m bench --only scale,memory --out /tmp/b.md
    python -m bench --only quality  # voices judged by two recognisers and DNSMOS: only when named
                                    # (pip install -e ".[bench]")
    python -m bench --profile prof/ # also write cProfile output of the measured paths

The machine notes name the git commit measured; set BENCH_SOURCE to name the source when
running from a snapshot that is not a git checkout.
"""
from __future__ import annotations

import argparse
import importlib
import logging
import shutil
import sys
import tempfile
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path

from .common import ROOT, SKIPPED, Context, Report, Row, say
from .machine import machine_notes
from .markdown import render, write

# Figure modules in table order; speech runs before batch, which reuses its raw baseline.
FIGURES = ("speech", "batch", "serving", "scale", "memory", "workers", "catchup", "quality")
# Run only when named in --only: the speech-quality judges are optional packages and take ~25 min.
OPTIONAL = ("quality",)
ROW_NAMES = {
    "speech": ["1. Speech: post → clip in podcast feed"],
    "batch": ["2. Batch: import with audio", "2. Batch: audio seconds produced per CPU second"],
    "serving": None,  # from serving.figures()
    "scale": ["4. Publish one entry"],
    "memory": ["5. Memory: peak RSS"],
    "workers": None,  # from workers.figures()
    "catchup": ["7. Catch-up episode"],
    "quality": None,  # from quality.figures()
}


def _failed(name: str, module, exc: BaseException) -> Report:
    names = ROW_NAMES.get(name) or module.figures()
    reason = f"not measured: {type(exc).__name__}: {exc}"[:300]
    return Report(getattr(module, "TITLE", name), "(failed, see the error)",
                  [Row(figure, reason, status=SKIPPED) for figure in names])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description="Benchmarks of syndicate.")
    parser.add_argument("--quick", action="store_true", help="tiny sizes: proves the harness works (~30 s)")
    parser.add_argument("--out", type=Path, default=None, help="Markdown file to write (default: BENCHMARKS.md; "
                                                              "with --quick, nothing unless given)")
    parser.add_argument("--only", default="", help=f"comma-separated figures: {', '.join(FIGURES)}")
    parser.add_argument("--work", type=Path, default=None, help="scratch folder (default: a temporary one, removed)")
    parser.add_argument("--profile", type=Path, default=None, help="write cProfile output here")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a figure fails with an error")
    args = parser.parse_args(argv)

    chosen = [f for f in FIGURES if f in args.only.split(",") or (not args.only and f not in OPTIONAL)]
    unknown = set(filter(None, args.only.split(","))) - set(FIGURES)
    if unknown:
        parser.error(f"unknown figure(s): {', '.join(sorted(unknown))}")
    out = args.out or (None if args.quick else ROOT / "BENCHMARKS.md")
    logging.basicConfig(level=logging.WARNING, format="%(name)s: %(message)s")
    for handler in logging.getLogger().handlers:  # the app logs each clip and import at INFO
        handler.setLevel(logging.WARNING)

    work = args.work or Path(tempfile.mkdtemp(prefix="syndicate-bench-"))
    ctx = Context(quick=args.quick, work=work, profile=args.profile)
    started = datetime.now(UTC)
    clock = time.perf_counter()
    machine = machine_notes()
    reports: list[Report] = []
    errors = 0
    try:
        for name in chosen:
            module = importlib.import_module(f"bench.{name}")
            say(f"{name}: starting")
            begin = time.perf_counter()
            try:
                report = module.run(ctx)
            except Exception as exc:  # noqa: BLE001 - one broken figure must not hide the others
                traceback.print_exc()
                report = _failed(name, module, exc)
                errors += 1
            report.seconds = time.perf_counter() - begin
            say(f"{name}: done in {report.seconds:.1f} s")
            reports.append(report)
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    duration = time.perf_counter() - clock
    command = " ".join(["", *(argv if argv is not None else sys.argv[1:])]).rstrip()
    text = render(reports, machine, args=command, started=started, duration=duration, quick=args.quick)
    if out is not None:
        write(out, text)
        say(f"wrote {out}")
    print(text)
    return 1 if (errors and args.strict) else 0


if __name__ == "__main__":
    sys.exit(main())
