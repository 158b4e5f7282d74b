"""Renderers: each turns the site model into `{output path: bytes or source file to copy}`.

None of them writes; `writer` is the only code that touches the output folder.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from ..parallel import fork_map


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


def _render_chunk(shared, keys: list[str]) -> tuple[dict[str, bytes | None], list]:
    files, problems = shared
    before = len(problems)
    return {k: files[k]() for k in keys}, problems[before:]


def materialize(files: Output, problems: list | None = None, workers: int = 1) -> Output:
    """Render every lazy file, on `workers` forked processes when there are many; drop those that
    failed (their diagnostics, appended to `problems`, say why)."""
    lazy = [k for k, v in files.items() if isinstance(v, Lazy)]
    parts, forked = fork_map(_render_chunk, lazy, (files, problems if problems is not None else []),
                             workers if problems is not None else 1, 400)
    rendered: dict[str, bytes | None] = {}
    for part, new_problems in parts:
        rendered.update(part)
        if forked:
            problems.extend(new_problems)
    out: Output = {}
    for path, value in files.items():
        if isinstance(value, Lazy):
            value = rendered[path]
            if value is None:
                continue
        out[path] = value
    return out
