"""Work split over forked processes that inherit the parent's memory, so the site model and its
lazy pages are never pickled; only the (small) results travel back.

Workers end with their parent: after a `kill -9` of the build they would otherwise live on for a
minute, holding ~100 MB each and still writing into a folder nobody will swap in."""
from __future__ import annotations

import ctypes
import gc
import multiprocessing as mp
import os
import pickle
import signal
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from typing import Callable, Generic, Sequence, TypeVar

from .collector import collecting

T = TypeVar("T")

_SHARED: object = None  # what forked workers inherit; set only around a fork_map call
# and their chunks of the items, inherited too: pickling them to send would also make every
# non-ASCII string among them keep a UTF-8 copy of itself in this process for good (CPython's
# pickle caches it in the string)
_CHUNKS: list = []
_PARENT: int | None = None  # in a worker: the pid of the build that forked it
PR_SET_PDEATHSIG = 1


def _die_with_parent(parent: int) -> None:
    """Worker initializer: the kernel kills this process when the parent dies (Linux), and a
    parent that died before that was set up is caught by its pid."""
    global _PARENT
    _PARENT = parent
    gc.enable()  # a worker's own garbage is collected; the build that forked it pauses collecting
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
    fn, i = args
    exit_if_orphaned()
    return fn(_SHARED, _CHUNKS[i])


def fork_map(fn: Callable, items: Sequence, shared, workers: int, min_items: int,
             share: bool = True) -> tuple[list, bool]:
    """([fn(shared, chunk) for each chunk], forked?). With too few items, or where fork is not
    available, it runs `fn` once here on all items: then side effects happen in this process.

    Otherwise, with `share`, `workers - 1` forked children take chunks from the front while this
    process takes them from the back: a child costs the memory it touches (every page of the heap
    holding an object whose count it changes is copied), and this process's pages are its own
    already. Without, `workers` children do it all, and this process, idle, unpickles what they
    send back: for results as big as the items."""
    if workers <= 1 or len(items) < min_items or "fork" not in mp.get_all_start_methods():
        return [fn(shared, list(items))], False
    global _SHARED, _CHUNKS
    _SHARED = shared
    gc.freeze()  # what the workers inherit is never walked (nor copied, by being touched) by a collection
    try:
        n = workers * 8  # interleaved chunks: pages of one kind (costly tag pages) spread out
        chunks = _CHUNKS = [list(items[i::n]) for i in range(n)]
        mine: dict[int, object] = {}
        children = workers - 1 if share else workers
        with ProcessPoolExecutor(children, mp_context=mp.get_context("fork"), initializer=_die_with_parent,
                                 initargs=(os.getpid(),)) as pool:
            futures = [pool.submit(_run, (fn, i)) for i in range(n)]
            with collecting():  # as a worker does: this process's own garbage, not the frozen heap
                for i in reversed(range(n) if share else ()):
                    if not futures[i].cancel():  # a child has it: it has all those before it too
                        break
                    mine[i] = fn(shared, chunks[i])
            return [mine[i] if i in mine else futures[i].result() for i in range(n)], True
    finally:
        _SHARED, _CHUNKS = None, []
        gc.unfreeze()


def _answer(fn: Callable) -> tuple[bool, object]:
    try:
        return True, fn()
    except Exception as exc:  # noqa: BLE001 - handed to whoever waits for it, who reports it
        return False, f"{type(exc).__name__}: {exc}"


class Forked(Generic[T]):
    """`fn()` worked out in a forked child while this process goes on (Pagefind indexing beside
    the writer); calling the Forked waits for it and returns its value, or raises what it raised,
    as a RuntimeError. Without fork, `fn` runs here at once. The child is forked while no thread
    runs here, writes its answer to a file it shares with this process and exits; it dies with
    its parent."""

    def __init__(self, fn: Callable[[], T]):
        self.pid: int | None = None
        if "fork" not in mp.get_all_start_methods():
            self.answer = _answer(fn)
            return
        self.file = tempfile.TemporaryFile()
        parent = os.getpid()
        gc.freeze()  # as in fork_map
        pid = os.fork()
        if pid == 0:  # the child: never returns into the caller's code
            code = 1
            try:
                _die_with_parent(parent)
                self.file.write(pickle.dumps(_answer(fn), protocol=pickle.HIGHEST_PROTOCOL))
                self.file.flush()
                code = 0
            finally:
                os._exit(code)
        gc.unfreeze()
        self.pid = pid

    def __call__(self) -> T:
        if self.pid is not None:
            _pid, status = os.waitpid(self.pid, 0)
            self.pid = None
            self.file.seek(0)
            data = self.file.read()
            self.file.close()
            code = os.waitstatus_to_exitcode(status)
            stopped = f"killed by signal {-code}" if code < 0 else f"it exited with code {code}"
            self.answer = pickle.loads(data) if code == 0 and data else (False, stopped)
        ok, value = self.answer
        if not ok:
            raise RuntimeError(value)
        return value
