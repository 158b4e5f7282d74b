"""Python's cycle collector, paused while a build makes its model and pages.

A build allocates millions of objects that live until it ends, and makes almost no cyclic garbage
(a few hundred objects at 5,000 posts). Every full collection walks all of them: at 5,000 posts
that was 40% of the CPU of making the model. Forked workers collect for themselves; what they
inherit is frozen (parallel.py), so their collections stay small."""
from __future__ import annotations

import gc
from contextlib import contextmanager


@contextmanager
def collecting():
    """Collection inside (a forked worker's share of work done in the build's own process, whose
    inherited heap is frozen); afterwards as it was before."""
    was = gc.isenabled()
    gc.enable()
    try:
        yield
    finally:
        if not was:
            gc.disable()


@contextmanager
def paused():
    """No collection inside; afterwards as it was before (so pauses nest)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
