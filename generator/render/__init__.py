"""Renderers: each turns the site model into `{output path: bytes or source file to copy}`.

None of them writes; `writer` is the only code that touches the output folder.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterable

from ..diagnostics import Diagnostic
from ..packed import Packed, pack, unpacked
from ..parallel import fork_map

PARALLEL_FILES = 400  # below this many files, forking workers costs more than it saves

_UNKNOWN = object()  # a Lazy's digest not yet worked out
Made = tuple["bytes | None", tuple[Diagnostic, ...]]  # a lazy file's bytes (None: failed) and its problems


class Lazy:
    """Bytes made when first asked for, so the preview renders only the pages a browser requests.

    The function returns (bytes, diagnostics); bytes is None when it failed, and the diagnostics
    say why. Both are kept, so asking twice reports the same problems, not new ones.

    `inputs`, when given, returns a digest of everything the bytes are made from (or None when it
    cannot tell): the writer keeps last build's file instead of rendering when it is unchanged.
    `inputs_of` works it out once (search asks first, then the writer's forked workers). It may
    also return (digest, the entries the values read): kept as `deps`, for the next build
    (`render.previous`).

    Both functions are called with `args`: `Lazy(page, digest, plan)` rather than two partials,
    for a preview rebuild that makes one per page."""

    __slots__ = ("fn", "made", "inputs", "digest", "deps", "args")

    def __init__(self, fn: Callable[..., Made], inputs: Callable[..., "bytes | None"] | None = None, *args):
        self.fn, self.made, self.inputs, self.digest, self.deps, self.args = fn, None, inputs, _UNKNOWN, None, args

    def __call__(self) -> Made:
        if self.made is None:
            value, problems = self.fn(*self.args)
            self.made = (value, tuple(problems))
        value, problems = self.made
        return (unpacked(value), problems) if type(value) is Packed else self.made


Output = dict[str, "bytes | Path | Lazy"]


def inputs_of(value) -> "bytes | None":
    """The digest of what a lazy file is made from, or None when it cannot tell (or is not lazy)."""
    if not isinstance(value, Lazy) or value.inputs is None:
        return None
    if value.digest is _UNKNOWN:
        found = value.inputs(*value.args)
        value.digest, value.deps = found if isinstance(found, tuple) else (found, None)
    return value.digest


def _digest_chunk(files: Output, keys: list[str]) -> list[tuple[str, "bytes | None", tuple | None]]:
    return [(k, inputs_of(files[k]), files[k].deps) for k in keys]


def work_out_inputs(files: Output, paths, workers: int = 1) -> None:
    """Each lazy file's inputs digest (`inputs_of`), worked out on `workers` forked processes when
    there are many, and kept on the file: search asks for those of every page it offers, at once."""
    todo = sorted(p for p in paths if isinstance(files[p], Lazy) and files[p].inputs is not None
                  and files[p].digest is _UNKNOWN)
    parts, _forked = fork_map(_digest_chunk, todo, files, workers, PARALLEL_FILES)
    for part in parts:
        for path, value, deps in part:
            files[path].digest, files[path].deps = value, deps


def gather(problems: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Diagnostics of many pages (in output-path order) as one list: a broken template fails every
    page made with it, and is reported once, at the first such page."""
    seen, out = set(), []
    for d in problems:
        key = (d.path, d.line, d.message.split(": ", 1)[-1]) if d.message.startswith(TEMPLATE_ERROR) else d
        if key not in seen:
            seen.add(key)
            out.append(d)
    return out


TEMPLATE_ERROR = "template error while rendering /"


def _render_chunk(files: Output, keys: list[str]) -> list[tuple[str, Made]]:
    return [(k, files[k]()) for k in keys]


def _packed_chunk(files: Output, keys: list[str]) -> list[tuple[str, Made]]:
    out = []
    for k in keys:
        page = files[k]
        unmade = page.made is None
        value, problems = page()
        if unmade:
            page.made = None  # kept packed by the caller, rendered here or in a worker alike
        out.append((k, (None if value is None else pack(value), problems)))
    return out


def materialize(files: Output, workers: int = 1, packed: bool = False) -> tuple[Output, list[Diagnostic]]:
    """(every lazy file rendered, on `workers` forked processes when there are many, with those that
    failed left out; their diagnostics). With `packed`, those rendered are `packed.Packed`."""
    lazy = sorted(k for k, v in files.items() if isinstance(v, Lazy))
    parts, _forked = fork_map(_packed_chunk if packed else _render_chunk, lazy, files, workers, PARALLEL_FILES)
    made = dict(pair for part in parts for pair in part)
    out: Output = {}
    for path, value in files.items():
        if isinstance(value, Lazy):
            value = made[path][0]
            if value is None:
                continue
        out[path] = value
    return out, gather(d for path in lazy for d in made[path][1])
