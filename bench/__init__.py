"""Benchmarks of syndicate: `python -m bench` measures every figure and writes BENCHMARKS.md.

One module per figure (speech, batch, serving, scale, memory), sharing a small harness:
`common` (medians, CPU and process counters, result rows), `machine` (machine notes),
`markdown` (the table and BENCHMARKS.md), `data` (blogs built fast), `servers` (the production
server, the bare endpoint of `bare`, nginx and wrk as subprocesses).

A benchmark reports figures; it never fails because a target was missed. The test suite only
runs `python -m bench --quick` as a smoke run that proves the harness still works.
"""
