"""Extraction worker processes that never outlive their parent.

Both process pools — the crawl's (WORKERCRAWL_EXTRACT_WORKERS) and `workercrawl reextract`'s —
come from `pool()`: spawned (forking a process that runs a reactor and thread pools is unsafe),
deaf to Ctrl-C (the parent handles it), and watching their parent: when it dies, even by
SIGKILL, a worker exits within a second instead of waiting forever on a queue nobody feeds
(70–130 MB each).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from concurrent.futures import ProcessPoolExecutor

PARENT_CHECK_SECONDS = 0.5


def _watch(parent: int) -> None:
    while True:
        time.sleep(PARENT_CHECK_SECONDS)
        if os.getppid() != parent:  # re-parented: our parent is gone
            os._exit(1)


def _init(parent: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_watch, args=(parent,), name="parent-watch", daemon=True).start()


def pool(workers: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_init, initargs=(os.getpid(),))
