"""Work split over forked processes that inherit the parent's memory, so the site model and its
lazy pages are never pickled; only the (small) results travel back.

Workers end with their parent: after a `kill -9` of the build they would otherwise live on for a
minute, holding ~100 MB each and still writing into a folder nobody will swap in."""
from __future__ import annotations

import ctypes
import multiprocessing as mp
import os
import signal
import sys
from concurrent.futures import ProcessPoolExecutor
from typing import Callable, Sequence

_SHARED: object = None  # what forked workers inherit; set only around a fork_map call
_PARENT: int | None = None  # in a worker: the pid of the build that forked it
PR_SET_PDEATHSIG = 1


def _die_with_parent(parent: int) -> None:
    """Worker initializer: the kernel kills this process when the parent dies (Linux), and a
    parent that died before that was set up is caught by its pid."""
    global _PARENT
    _PARENT = parent
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    exit_if_orphaned()


def exit_if_orphaned() -> None:
    """In a worker whose parent is gone, stop at once, before writing anything more."""
    if _PARENT is not None and os.getppid() != _PARENT:
        os._exit(1)


def _run(args):
    fn, chunk = args
    exit_if_orphaned()
    return fn(_SHARED, chunk)


def fork_map(fn: Callable, items: Sequence, shared, workers: int, min_items: int) -> tuple[list, bool]:
    """([fn(shared, chunk) for each chunk], forked?). With too few items, or where fork is not
    available, it runs `fn` once here on all items: then side effects happen in this process."""
    if workers <= 1 or len(items) < min_items or "fork" not in mp.get_all_start_methods():
        return [fn(shared, list(items))], False
    global _SHARED
    _SHARED = shared
    try:
        n = workers * 4  # interleaved chunks: pages of one kind (costly tag pages) spread out
        chunks = [list(items[i::n]) for i in range(n)]
        with ProcessPoolExecutor(workers, mp_context=mp.get_context("fork"), initializer=_die_with_parent,
                                 initargs=(os.getpid(),)) as pool:
            return list(pool.map(_run, [(fn, c) for c in chunks])), True
    finally:
        _SHARED = None
