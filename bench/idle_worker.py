"""A speech worker process that counts its own database work: `python -m bench.idle_worker
DATABASE_URL DATA_DIR SECONDS` runs the real worker loop (`SpeechWorker.run`) for SECONDS and
prints one JSON line: transactions that took the write lock, reads, and statements that wrote.
The count is an SQLAlchemy event listener on the worker's own engine; nothing else differs from
the workers `syndicate serve` starts."""
from __future__ import annotations

import json
import resource
import sys
import threading
import time


def main(argv: list[str]) -> None:
    import sqlalchemy as sa

    from syndicate import config as settings
    from syndicate.speech.worker import SpeechWorker
    from syndicate.store import Store

    url, data_dir, seconds = argv[0], argv[1], float(argv[2])
    store = Store(url)
    counts = {"write_locks": 0, "reads": 0, "writes": 0}

    def count(_conn, _cursor, statement: str, *_args) -> None:
        head = statement.lstrip().upper()
        if "IMMEDIATE" in head:
            counts["write_locks"] += 1
        elif head.startswith("SELECT"):
            counts["reads"] += 1
        elif head.startswith(("INSERT", "UPDATE", "DELETE")):
            counts["writes"] += 1

    sa.event.listen(store.engine, "before_cursor_execute", count)
    config = settings.load({"DATA_DIR": data_dir, "DATABASE_URL": url}, environ={})
    worker = SpeechWorker(store, config, name="bench-idle")
    stop = threading.Event()
    threading.Timer(seconds, stop.set).start()
    print("ready", flush=True)
    usage, start = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
    worker.run(stop)
    wall, after = time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF)
    cpu = after.ru_utime + after.ru_stime - usage.ru_utime - usage.ru_stime
    print(json.dumps({**counts, "cpu": cpu, "wall": wall}), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
