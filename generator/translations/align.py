"""Section-by-section alignment of two block lists: the one piece of code behind both the status
(an original then and now, or the original beside its translation) and the parallel reading view.

Headings start sections. Sections are paired first, then blocks within each pair of sections, each
time by the longest common run of keys (difflib), so an extra paragraph in one language leaves one
empty cell beside it instead of shifting every later pair.
"""
from __future__ import annotations

from difflib import SequenceMatcher
from typing import Callable, Sequence

from .blocks import Block

Pair = tuple[int | None, int | None]  # indices into the two lists; None is an empty cell


def by_shape(block: Block) -> str:
    """Key for two languages: their words differ, their structure should not."""
    return block.kind


def by_text(block: Block) -> str:
    """Key for one language over time: the same text is the same block."""
    return f"{block.kind} {block.fingerprint}"


def _pairs(a: Sequence[str], b: Sequence[str]) -> list[Pair]:
    out: list[Pair] = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal" or op == "replace":
            n = min(i2 - i1, j2 - j1)
            out.extend((i1 + k, j1 + k) for k in range(n))
            out.extend((i, None) for i in range(i1 + n, i2))
            out.extend((None, j) for j in range(j1 + n, j2))
        else:
            out.extend((i, None) for i in range(i1, i2))
            out.extend((None, j) for j in range(j1, j2))
    return out


def sections(blocks: Sequence[Block]) -> list[list[int]]:
    """Indices of each section: the lead (possibly empty), then one per heading; footnotes and
    front-matter texts never start one."""
    out: list[list[int]] = [[]]
    for i, block in enumerate(blocks):
        if block.heading:
            out.append([])
        out[-1].append(i)
    return out


def _section_key(blocks: Sequence[Block], section: list[int], key) -> str:
    if section and blocks[section[0]].heading:
        return key(blocks[section[0]])
    return "lead"


def align(a: Sequence[Block], b: Sequence[Block], key: Callable[[Block], str] = by_shape) -> list[Pair]:
    sa, sb = sections(a), sections(b)
    rows: list[Pair] = []
    for i, j in _pairs([_section_key(a, s, key) for s in sa], [_section_key(b, s, key) for s in sb]):
        left = sa[i] if i is not None else []
        right = sb[j] if j is not None else []
        for x, y in _pairs([key(a[k]) for k in left], [key(b[k]) for k in right]):
            rows.append((None if x is None else left[x], None if y is None else right[y]))
    return rows
