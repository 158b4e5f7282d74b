"""Renderers: each turns the site model into `{output path: bytes or source file to copy}`.

None of them writes; `writer` is the only code that touches the output folder.
"""
from __future__ import annotations

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


def materialize(files: Output) -> Output:
    """Render every lazy file; drop those that failed (their diagnostics say why)."""
    out: Output = {}
    for path, value in files.items():
        if isinstance(value, Lazy):
            value = value()
            if value is None:
                continue
        out[path] = value
    return out
