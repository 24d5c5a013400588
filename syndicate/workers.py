"""Starting speech workers as processes, for `serve`, `demo` and `worker`.

This module stays out of the speech package on purpose: the web process imports it to start
workers, and must not load the audio stack (numpy, scipy, lameenc: some 90 MB) that only the
workers use. Each worker process imports that stack itself.
"""
from __future__ import annotations

import logging
import multiprocessing
import os
import socket
import threading
from typing import Any, Mapping


def run_worker(config: dict[str, Any], index: int) -> None:
    """Entry point of a worker process: work the queue until interrupted."""
    from .publish import Publisher  # imported in the child, see the module docstring
    from .speech.worker import SpeechWorker
    from .store import Store

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    store = Store(config["DATABASE_URL"])
    publisher = Publisher(store, config, static_base=config.get("STATIC_BASE", ""))
    worker = SpeechWorker(store, config, publisher, name=f"{socket.gethostname()}:{os.getpid()}:{index}")
    from .follow.poller import start_follower_thread  # follow: poll followed live pages here too
    start_follower_thread(config)  # follow
    try:
        worker.run(threading.Event())
    except KeyboardInterrupt:
        pass


def start_processes(config: Mapping[str, Any], count: int) -> list[multiprocessing.Process]:
    """Start `count` worker processes (daemonic: they end with the parent)."""
    context = multiprocessing.get_context("spawn")
    processes = []
    for index in range(count):
        process = context.Process(target=run_worker, args=(dict(config), index),
                                  name=f"syndicate-speech-{index}", daemon=True)
        process.start()
        processes.append(process)
    return processes
