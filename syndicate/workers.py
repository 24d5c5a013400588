"""Starting speech workers as processes, for `serve`, `demo` and `worker`, and making sure they
die with the process that started them.

Each worker is a fresh interpreter (`python -m syndicate.workers`), given its settings on stdin
(not on the command line, where other users could read the API token). It asks the kernel to
kill it when its parent dies (`PR_SET_PDEATHSIG`, SIGKILL of the parent included), and watches
its parent's pid as well (where that call does not exist, or the parent died first). So no
worker outlives `serve`, and restarts never pile workers up. Dying mid-clip loses nothing: the
job's lease lapses within seconds and another worker takes it; a clip written but not
recorded is removed as an orphan. SIGTERM (`stop_processes`) lets a worker finish its clip.

This module stays out of the speech package on purpose: the web process imports it to start
workers, and must not load the audio stack (numpy, scipy, lameenc: some 90 MB) that only the
workers use. Each worker process imports that stack itself.
"""
from __future__ import annotations

import contextlib
import ctypes
import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from typing import Any

PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
PARENT_CHECK_SECONDS = 0.5


def die_with_parent(parent: int, sig: int = signal.SIGKILL) -> None:
    """End this process when `parent` (the pid that started it) ends, however it ends."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0)
        except (OSError, AttributeError):
            pass  # the watch below still works
    if os.getppid() != parent:  # it died before the call above took effect
        os._exit(0)

    def watch() -> None:
        while True:
            time.sleep(PARENT_CHECK_SECONDS)
            if os.getppid() != parent:
                os.kill(os.getpid(), sig)
                os._exit(0)  # for a signal that was handled rather than fatal

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def run_worker(config: dict[str, Any], index: int) -> None:
    """Work the queue until interrupted or terminated."""
    from .speech.worker import SpeechWorker  # imported in the child, see the module docstring
    from .store import Store

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    store = Store(config["DATABASE_URL"])
    worker = SpeechWorker(store, config)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())  # finish the current step, then leave
    from .follow.poller import start_follower_thread  # follow: poll followed live pages here too
    start_follower_thread(config)  # follow
    try:
        worker.run(stop)
    except KeyboardInterrupt:
        pass
    finally:
        store.close()


class WorkerProcess:
    """A running worker process (the parts of `multiprocessing.Process` callers use)."""

    def __init__(self, popen: subprocess.Popen, name: str) -> None:
        self.popen = popen
        self.name = name

    @property
    def pid(self) -> int:
        return self.popen.pid

    @property
    def exitcode(self) -> int | None:
        return self.popen.poll()

    def is_alive(self) -> bool:
        return self.popen.poll() is None

    def terminate(self) -> None:
        if self.is_alive():
            self.popen.terminate()

    def kill(self) -> None:
        if self.is_alive():
            self.popen.kill()

    def join(self, timeout: float | None = None) -> None:
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.popen.wait(timeout)


def start_processes(config: Mapping[str, Any], count: int) -> list[WorkerProcess]:
    """Start `count` worker processes that end when this process ends."""
    settings = json.dumps({k: v for k, v in config.items() if isinstance(v, (str, int, float, bool, type(None)))})
    processes = []
    for index in range(count):
        popen = subprocess.Popen([sys.executable, "-m", "syndicate.workers", str(os.getpid()), str(index)],
                                 stdin=subprocess.PIPE, close_fds=True)
        assert popen.stdin is not None
        popen.stdin.write(settings.encode())
        popen.stdin.close()
        processes.append(WorkerProcess(popen, f"syndicate-speech-{index}"))
    return processes


class WorkerPool:
    """Speech worker processes kept running: one that dies (killed, out of memory) is started
    again, so a crash costs one clip's lease, never a worker for good."""

    CHECK_SECONDS = 0.5

    def __init__(self, config: Mapping[str, Any], count: int) -> None:
        self.config = dict(config)
        self.count = count
        self.processes: list[WorkerProcess] = []
        self.restarts = 0
        self._stopping = threading.Event()  # no more restarts
        self._stopped = threading.Event()  # the workers have ended: the watch may end too
        self._watch: threading.Thread | None = None

    def start(self) -> WorkerPool:
        """Start the workers, and a thread that restarts any that dies."""
        self.processes = start_processes(self.config, self.count)
        if self.count:
            self._watch = threading.Thread(target=self._keep_running, name="speech-workers", daemon=True)
            self._watch.start()
        return self

    def _keep_running(self) -> None:
        # Workers started here die with this thread (PR_SET_PDEATHSIG follows the thread that
        # started a process), so it lives until they have ended.
        while not self._stopped.wait(self.CHECK_SECONDS):
            for index, process in enumerate(self.processes):
                if not process.is_alive() and not self._stopping.is_set():
                    logging.getLogger(__name__).warning(
                        "workers: speech worker %d (pid %d) ended with %s; starting another",
                        index, process.pid, process.exitcode)
                    [self.processes[index]] = start_processes(self.config, 1)
                    self.restarts += 1

    def stop(self, timeout: float = 10.0) -> None:
        """Stop restarting, and stop the workers (see `stop_processes`)."""
        self._stopping.set()
        try:
            stop_processes(self.processes, timeout)
        finally:
            self._stopped.set()
            if self._watch is not None:
                self._watch.join()


def stop_processes(processes: list[WorkerProcess], timeout: float = 10.0) -> None:
    """Ask workers to stop (SIGTERM), then kill those still running after `timeout` seconds."""
    for process in processes:
        process.terminate()
    deadline = time.monotonic() + timeout
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
        if process.is_alive():
            process.kill()
            process.join(5)


def main(argv: list[str]) -> None:
    parent, index = int(argv[0]), int(argv[1])
    die_with_parent(parent)
    config = json.loads(sys.stdin.read())
    run_worker(config, index)


if __name__ == "__main__":
    main(sys.argv[1:])
