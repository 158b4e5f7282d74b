"""A problem found in the built output, before it is traced back to the file that caused it."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    file: str  # output path, e.g. "en/posts/x/index.html"
    line: int | None  # line in that output file
    message: str
    value: str | None = None  # the offending URL, to find where it was written
    snippet: str | None = None  # the validator's highlighted markup, to find its line in the Markdown
