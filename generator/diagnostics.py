"""Errors as values: each stage returns its own diagnostics instead of raising, so one run reports
everything and no list is shared between stages."""
from __future__ import annotations

import functools
import os

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, order=True)
class Diagnostic:
    path: str
    line: int | None
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.severity}: {self.message}"


def _inside(a: str, b: str) -> str | None:
    """`a` relative to `b`, as a POSIX path, when it lies below it; else None."""
    return Path(os.path.relpath(a, b)).as_posix() if a.startswith(b.rstrip(os.sep) + os.sep) else None


@functools.lru_cache(maxsize=4096)
def _below(path: str, root: str) -> str | None:
    """`path` relative to `root` when it lies below it as written; a pure function of the two strings,
    so remembered: a site with a hundred warnings asks it for a hundred paths every rebuild."""
    return _inside(os.path.abspath(path), os.path.abspath(root))


@dataclass
class Diagnostics:
    """One stage's collector, local to it (its `items` are what the stage returns); `root` makes
    paths relative for messages."""

    root: Path | None = None
    items: list[Diagnostic] = field(default_factory=list)

    def _rel(self, path: Path | str | None) -> str:
        if path is None:
            return "site"
        if self.root is not None:  # the path as written, not its link's target (nor a loop's error)
            rel = _below(str(path), str(self.root))
            if rel is None:  # realpath (a stat per part) only if needed
                rel = _inside(os.path.realpath(path), os.path.realpath(self.root))
            if rel is not None:
                return rel
        return Path(path).as_posix()

    def error(self, path: Path | str | None, line: int | None, message: str) -> None:
        self.items.append(Diagnostic(self._rel(path), line, message))

    def warning(self, path: Path | str | None, line: int | None, message: str) -> None:
        self.items.append(Diagnostic(self._rel(path), line, message, "warning"))

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "error"]

    def __bool__(self) -> bool:
        return bool(self.errors)

    def sorted(self) -> list[Diagnostic]:
        return in_order(self.items)


def in_order(problems) -> list[Diagnostic]:
    """By file and line, each once: how a run reports its diagnostics."""
    seen, out = set(), []
    for d in sorted(problems, key=lambda d: (d.path, d.line or 0, d.message)):
        if d not in seen:
            seen.add(d)
            out.append(d)
    return out


def did_you_mean(word: str, choices) -> str:
    import difflib

    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def not_utf8(exc: UnicodeDecodeError) -> tuple[int, str]:
    """(line, message) for a file that is not UTF-8: the line of the bad byte, not its offset."""
    line = exc.object[:exc.start].count(b"\n") + 1
    return line, f"not UTF-8 text ({exc.reason}); save the file as UTF-8"
