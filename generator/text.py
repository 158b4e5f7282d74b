"""Text measures that treat Chinese fairly: characters count as words, sentences end at 。！？ too."""
from __future__ import annotations

import math
import re
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
    if _width(text) <= limit:
        return text
    best = None
    for m in SENTENCE_END.finditer(text):
        end = m.end()
        if _width(text[:end]) > limit:
            break
        best = end
    if best:
        return text[:best].strip()
    cut = _cut_width(text, limit - 1)
    if not CJK.search(cut[-1:]) and " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,，、;；:：") + "…"


def _width(text: str) -> int:
    return len(text) + len(CJK.findall(text))


def _cut_width(text: str, limit: int) -> str:
    """The longest start of `text` at most `limit` wide. Every character is at least 1 wide, so only
    the first limit + 1 can matter; the wide ones among them are found by one regex scan."""
    head = text[:limit + 1]
    if not CJK.search(head):  # every character 1 wide
        return text[:limit] if len(head) > limit else text
    w = 0
    wide = {m.start() for m in CJK.finditer(head)}
    for i in range(len(head)):
        w += 2 if i in wide else 1
        if w > limit:
            return text[:i]
    return text
