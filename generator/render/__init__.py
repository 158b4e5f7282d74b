"""Renderers: each turns the site model into `{output path: bytes or source file to copy}`.

None of them writes; `writer` is the only code that touches the output folder.
"""
from __future__ import annotations

from pathlib import Path

Output = dict[str, "bytes | Path"]
