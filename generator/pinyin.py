"""Pinyin over Chinese text for learners, with phrase-aware readings from pypinyin (重庆 chóng qìng,
银行 yín háng, 行长 háng zhǎng).

A document's readings are its Han runs, in text order, each with one reading per character: the
theme's pinyin.js puts them over the page's own text as ruby, one per character (so lines break
anywhere between characters, as in plain Chinese), with each reading in a `data-py` attribute that
the stylesheet shows with `rt::before { content: attr(data-py) }`: generated content is never
selected, copied or indexed, so copying a paragraph with pinyin shown copies only the characters.
Sending runs and readings rather than the text as ruby HTML keeps pinyin.json a quarter the size.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from pypinyin import Style, lazy_pinyin

from . import htmltext

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]+")


@lru_cache(maxsize=65536)
def readings(run: str) -> tuple[str, ...]:
    """Tone-marked pinyin of each character of a Han run, read as phrases."""
    out = tuple(lazy_pinyin(run, style=Style.TONE, errors=lambda chars: [""] * len(chars)))
    return out if len(out) == len(run) else tuple("" for _ in run)


Runs = tuple[tuple[str, str], ...]  # (Han run, its readings joined by spaces; "" for a character without)


def pinyin_runs(fragment: str, convert: Callable[[str], str] | None = None) -> Runs:
    """The Han runs of the text outside code and existing ruby, with their readings. With `convert`
    (to Traditional characters) the runs are converted and keep the readings of the source text,
    which pypinyin knows best, unless conversion changed a run's length."""
    out = []
    for part in htmltext.split(fragment):
        if part.markup or part.in_code or part.in_ruby or not (HAN.search(part.raw) or "&" in part.raw):
            continue
        for m in HAN.finditer(part.text):
            run = m.group()
            py = readings(run)
            if convert is not None:
                shown = convert(run)
                py, run = (py if len(shown) == len(run) else readings(shown)), shown
            out.append((run, " ".join(py)))
    return tuple(out)
