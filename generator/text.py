"""Text measures that treat Chinese fairly: characters count as words, sentences end at 。！？ too."""
from __future__ import annotations

import math
import re
from bisect import bisect_left
from functools import lru_cache

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af]")
LATIN_WORD = re.compile(r"[A-Za-z0-9\u00c0-\u024f]+(?:['’-][A-Za-z0-9\u00c0-\u024f]+)*")
CLOSE = "\"'”’」』）)"  # marks that may follow a sentence's end before the space
SENTENCE_END = re.compile(rf"(?<=[.!?。！？…])[{re.escape(CLOSE)}]*(?=\s|$)|(?<=[。！？])")

WORDS_PER_MINUTE = 230
CJK_CHARS_PER_MINUTE = 400


def count(text: str) -> tuple[int, int]:
    """(latin words, CJK characters)."""
    spaced, cjk = CJK.subn(" ", text)
    return len(LATIN_WORD.findall(spaced)), cjk


def minutes(words: int, cjk: int) -> int:
    return max(1, math.ceil(words / WORDS_PER_MINUTE + cjk / CJK_CHARS_PER_MINUTE))


@lru_cache(maxsize=8192)  # pure and called for every summary: `riji serve` rebuilds them on each save
def shorten(text: str, limit: int = 160) -> str:
    """Cut `text` at a sentence end within `limit` visible units (a CJK character counts 2)."""
    # Every character is at least 1 wide, so what is kept, and each sentence end that could be, lies in
    # the first `limit` characters: the rest of a long paragraph need not be measured. The cut must not
    # end in closing marks, which would end a sentence there as the text's end does.
    text = " ".join(text.split())
    end = limit + 2
    while end < len(text) and text[end - 1] in CLOSE:
        end += 1
    return _shorten(text[:end], limit)


def _shorten(text: str, limit: int) -> str:
    # the width of text[:end] is end plus the wide characters before it: found by one regex scan,
    # then counted by bisection, for each sentence end and for the cut
    wide = [m.start() for m in CJK.finditer(text)]
    if len(text) + len(wide) <= limit:
        return text
    best = None
    for m in SENTENCE_END.finditer(text):
        end = m.end()
        if end + bisect_left(wide, end) > limit:
            break
        best = end
    if best:
        return text[:best].strip()
    cut = text[:_cut_width(len(text), wide, limit - 1)]
    if not CJK.search(cut[-1:]) and " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,，、;；:：") + "…"


def _cut_width(length: int, wide: list[int], limit: int) -> int:
    """The longest start of a text of `length` characters at most `limit` wide, the positions of
    its wide characters being `wide`: every character is at least 1 wide, so it is at most `limit`."""
    lo, hi = 0, min(length, limit)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if mid + bisect_left(wide, mid) <= limit:
            lo = mid
        else:
            hi = mid - 1
    return lo
