"""Renderers: each turns the site model into `{output path: bytes or source file to copy}`.

None of them writes; `writer` is the only code that touches the output folder.
"""
from __future__ import annotations

import multiprocessing as mp
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Callable


class Lazy:
    """Bytes made when first asked for, so the preview renders only the pages a browser requests.

    The function returns None when it failed (having reported a diagnostic)."""

    __slots__ = ("fn", "value", "done")

    def __init__(self, fn: Callable[[], bytes | None]):
        self.fn, self.value, self.done = fn, None, False

    def __call__(self) -> bytes | None:
        if not self.done:
            self.value, self.done = self.fn(), True
        return self.value


Output = dict[str, "bytes | Path | Lazy"]


_FORKED: tuple = ()  # (files, diagnostics) inherited by forked workers; never pickled


def _render_chunk(keys: list[str]) -> tuple[dict[str, bytes | None], list]:
    files, diag = _FORKED
    before = len(diag.items)
    return {k: files[k]() for k in keys}, diag.items[before:]


def materialize(files: Output, diag=None, workers: int = 1) -> Output:
    """Render every lazy file, on `workers` forked processes when there are many; drop those that
    failed (their diagnostics say why). Forking shares the site model without pickling it."""
    global _FORKED
    lazy = [k for k, v in files.items() if isinstance(v, Lazy)]
    rendered: dict[str, bytes | None] = {}
    if workers > 1 and diag is not None and len(lazy) >= 400 and "fork" in mp.get_all_start_methods():
        _FORKED = (files, diag)
        try:
            chunks = [lazy[i::workers * 4] for i in range(workers * 4)]
            with ProcessPoolExecutor(workers, mp_context=mp.get_context("fork")) as pool:
                for part, problems in pool.map(_render_chunk, chunks):
                    rendered.update(part)
                    diag.items.extend(problems)
        finally:
            _FORKED = ()
    else:
        rendered = {k: files[k]() for k in lazy}
    out: Output = {}
    for path, value in files.items():
        if isinstance(value, Lazy):
            value = rendered[path]
            if value is None:
                continue
        out[path] = value
    return out
