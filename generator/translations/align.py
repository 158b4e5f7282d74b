"""Section-by-section alignment of two block lists: the one piece of code behind both the status
(an original then and now, or the original beside its translation) and the parallel reading view.

Headings start sections. Sections are paired first, then blocks within each pair of sections, each
time by the longest common run of keys, so an extra paragraph in one language leaves one empty
cell beside it instead of shifting every later pair.
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


def _matches(a: Sequence[str], b: Sequence[str]) -> list[tuple[int, int]]:
    """The longest common run of keys, matched as early as possible, so that where one language
    has an extra block of the same kind, the gap falls after the block both share."""
    if a == b:  # the same shape in both languages, as most translations are: each block faces its own
        return [(i, i) for i in range(len(a))]
    return _common_run(a, b)


def _common_run(a: Sequence[str], b: Sequence[str]) -> list[tuple[int, int]]:
    if len(a) * len(b) > 250_000:  # a long document without headings: difflib, which is linear-ish
        return [(m.a + k, m.b + k) for m in SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks()
                for k in range(m.size)]
    n, m = len(a), len(b)
    rest = [[0] * (m + 1) for _ in range(n + 1)]  # rest[i][j]: longest common run of a[i:], b[j:]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            rest[i][j] = rest[i + 1][j + 1] + 1 if a[i] == b[j] else max(rest[i + 1][j], rest[i][j + 1])
    out, i, j = [], 0, 0
    while i < n and j < m:
        if a[i] == b[j] and rest[i][j] == rest[i + 1][j + 1] + 1:
            out.append((i, j))
            i, j = i + 1, j + 1
        elif rest[i + 1][j] >= rest[i][j + 1]:
            i += 1
        else:
            j += 1
    return out


def _pairs(a: Sequence[str], b: Sequence[str]) -> list[Pair]:
    """Matched keys side by side; between two matches, what is left pairs up in order and the
    longer side's extra blocks face empty cells."""
    out: list[Pair] = []
    i = j = 0
    for mi, mj in [*_matches(a, b), (len(a), len(b))]:
        n = min(mi - i, mj - j)
        out.extend((i + k, j + k) for k in range(n))
        out.extend((x, None) for x in range(i + n, mi))
        out.extend((None, y) for y in range(j + n, mj))
        if mi < len(a):
            out.append((mi, mj))
        i, j = mi + 1, mj + 1
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
    if [key(x) for x in a] == [key(y) for y in b] and [x.heading for x in a] == [y.heading for y in b]:
        # the same sections of the same keys, as most translations are: each block faces its own,
        # as `by_sections` would pair them, without its two levels of pairing
        return [(i, i) for i in range(len(a))]
    return by_sections(a, b, key)


def by_sections(a: Sequence[Block], b: Sequence[Block], key: Callable[[Block], str]) -> list[Pair]:
    """Sections paired by their headings' keys, then the blocks of each pair of sections."""
    sa, sb = sections(a), sections(b)
    rows: list[Pair] = []
    for i, j in _pairs([_section_key(a, s, key) for s in sa], [_section_key(b, s, key) for s in sb]):
        left = sa[i] if i is not None else []
        right = sb[j] if j is not None else []
        for x, y in _pairs([key(a[k]) for k in left], [key(b[k]) for k in right]):
            rows.append((None if x is None else left[x], None if y is None else right[y]))
    return rows
