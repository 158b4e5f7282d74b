"""Work split over forked processes that inherit the parent's memory, so the site model and its
lazy pages are never pickled; only the (small) results travel back."""
from __future__ import annotations

import multiprocessing as mp
from concurrent.futures import ProcessPoolExecutor
from typing import Callable, Sequence

_SHARED: object = None  # what forked workers inherit; set only around a fork_map call


def _run(args):
    fn, chunk = args
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
        with ProcessPoolExecutor(workers, mp_context=mp.get_context("fork")) as pool:
            return list(pool.map(_run, [(fn, c) for c in chunks])), True
    finally:
        _SHARED = None
