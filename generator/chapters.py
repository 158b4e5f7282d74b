"""A post's `chapters:` list, checked against its recording: part of the model, so the page that
lists chapters and the podcast feed that publishes them only format what is already valid."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

from .diagnostics import Diagnostics


@dataclass(frozen=True)
class Chapter:
    start: int | float  # seconds into the recording
    title: str

    @property
    def clock(self) -> str:
        return clock(self.start)


def parse_chapters(raw, duration: float, path, line: int | None, diag: Diagnostics) -> tuple[Chapter, ...]:
    """The chapters, or () when any is wrong (each mistake reported at the front matter's line)."""
    if not isinstance(raw, list) or not raw:
        diag.error(path, line, "'chapters' must be a list of {start: \"m:ss\", title: ...}")
        return ()
    out: list[Chapter] = []
    ok = True
    for n, item in enumerate(raw, 1):
        if not isinstance(item, dict) or set(item) != {"start", "title"}:
            diag.error(path, line, f"chapter {n} must have exactly 'start' and 'title'")
            ok = False
            continue
        start, title = _seconds(item["start"]), str(item["title"] or "").strip()
        if start is None:
            diag.error(path, line, f"chapter {n} starts at '{item['start']}': write seconds or m:ss")
            ok = False
        elif out and start <= out[-1].start:
            diag.error(path, line, f"chapter {n} starts at {clock(start)}, not after chapter {n - 1} "
                                   f"({clock(out[-1].start)}): list chapters in order")
            ok = False
        elif start >= duration:
            diag.error(path, line, f"chapter {n} starts at {clock(start)}, but the recording lasts "
                                   f"{clock(duration)}")
            ok = False
        if not title:
            diag.error(path, line, f"chapter {n} has no title")
            ok = False
        if ok:
            out.append(Chapter(start, title))
    return tuple(out) if ok else ()


def _seconds(value) -> int | float | None:
    """Seconds from `95`, `"1:35"` or `"0:01:35"` (YAML itself reads an unquoted 1:35 as 95)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return value if value >= 0 and math.isfinite(value) else None  # YAML reads .inf and .nan
    match = re.fullmatch(r"(?:(\d+):)?(\d+):([0-5]\d(?:\.\d+)?)", str(value).strip())
    if not match:
        return None
    h, m, s = match.groups()
    total = int(h or 0) * 3600 + int(m) * 60 + float(s)
    return int(total) if total == int(total) else total


def clock(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 60}:{whole % 60:02d}"
