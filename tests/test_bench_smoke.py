"""A smoke run of the benchmarks (`python -m bench --quick`): it proves the harness still works
and writes a row for every figure. It checks no figure's value: benchmarks report, they do not
pass or fail."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIGURES = (
    "| 1. Speech: post → clip in podcast feed",
    "| 2. Batch: import",
    "| 2. Batch: audio seconds produced per CPU second",
    "| 3. Serving: podcast feed, 200",
    "| 3. Serving: podcast feed, 304",
    "| 3. Serving: text view, 200",
    "| 3. Serving: audio, 64 KiB range (206)",
    "| 3. Serving vs nginx static export: podcast feed, 200",
    "| 4. Publish one entry, blog of 10 entries",
    "| 5. Memory: peak RSS",
    "| 6. Workers: idle CPU per worker",
    "| 7. Catch-up episode of 5 entries",
)


@pytest.mark.skipif(not (shutil.which("flite") or shutil.which("espeak-ng")) and
                    not os.environ.get("SYNDICATE_REQUIRE_BENCH"), reason="no offline voice installed")
def test_quick_benchmark_writes_every_figure(tmp_path: Path) -> None:
    out = tmp_path / "BENCHMARKS.md"
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--strict", "--out", str(out), "--work", str(tmp_path / "work")],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
        env={**os.environ, "PYTHONPATH": str(ROOT), "PYTHONWARNINGS": "ignore"},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    text = out.read_text(encoding="utf-8")
    for figure in FIGURES:
        assert figure in text, f"no row for {figure!r}"
    for heading in ("## How each figure is measured", "## Results", "## Machine", "## Closing notes"):
        assert heading in text
    figures = ("| 1.", "| 2.", "| 3.", "| 4.", "| 5.", "| 6.", "| 7.")
    rows = [line for line in text.splitlines() if line.startswith(figures)]
    assert all(line.count(" | ") >= 6 for line in rows)  # figure, value, baseline, ratio, target, status, notes
    if shutil.which("wrk") is None:
        assert "not measured: wrk missing" in text
    else:
        assert "wrk missing" not in text
