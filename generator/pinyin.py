"""Pinyin over Chinese text for learners, with phrase-aware readings from pypinyin (重庆 chóng qìng,
银行 yín háng, 行长 háng zhǎng).

A document's readings are its Han runs, in text order, each with one reading per character: the
theme's pinyin.js puts them over the page's own text as ruby, one per character (so lines break
anywhere between characters, as in plain Chinese), with each reading in a `data-py` attribute that
the stylesheet shows with `rt::before { content: attr(data-py) }`: generated content is never
selected, copied or indexed, so copying a paragraph with pinyin shown copies only the characters.
Sending runs and readings rather than the text as ruby HTML keeps pinyin.json a fifth of the size.

pypinyin cuts a run into words (forward maximum matching over its phrase dictionary) and reads each
word on its own, whatever stands around it; so readings are cached per word, where a corpus repeats
itself, rather than per run, where it hardly ever does.
"""
from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import lru_cache

from . import htmltext
from .packed import pack

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]+")


@lru_cache(maxsize=1)
def dictionary():
    """pypinyin, its phrases and every prefix of them, loaded when Chinese is first read: about
    0.3 s that a build reading no Chinese (an English post edited) need not pay."""
    from pypinyin import Style, lazy_pinyin
    from pypinyin.constants import PHRASES_DICT, RE_HANS
    from pypinyin.core import Pinyin
    from pypinyin.seg import mmseg

    prefixes = getattr(mmseg.p_set, "_set", None)  # pypinyin's segmenter holds them already (4 MB)
    if not isinstance(prefixes, (set, frozenset)):
        prefixes = frozenset(word[:end] for word in PHRASES_DICT for end in range(1, len(word) + 1))
    # the segmentation lazy_pinyin itself runs on a string
    return Style, lazy_pinyin, PHRASES_DICT, RE_HANS, Pinyin().seg, prefixes


def _words(run: str) -> list[str]:
    """pypinyin's segmentation of `run`; for an all-Han run (nearly all), its forward maximum matching
    (pypinyin/seg/mmseg.py, strict about phrases) without its generator and string copies."""
    _style, _lazy, phrases, all_han, seg, prefixes = dictionary()
    if not all_han.match(run):
        return seg(run)
    out: list[str] = []
    start, n = 0, len(run)
    while start < n:
        end, last = start + 1, 0  # last: the end of the longest phrase from `start` so far
        while end <= n:
            prefix = run[start:end]
            if prefix not in prefixes:
                break
            if prefix in phrases:
                last = end
            end += 1
        if last:
            out.append(run[start:last])
            start = last
        elif end <= n:  # no phrase starts here: one character, then match again from the next
            out.append(run[start])
            start += 1
        else:  # the rest is the start of a phrase but none: mmseg gives it character by character
            out.extend(run[start:])
            start = n
    return out


def _blank(chars: str) -> list[str]:
    return [""] * len(chars)


@lru_cache(maxsize=1 << 17)
def _word_readings(word: str) -> tuple[str, ...]:
    style, lazy_pinyin = dictionary()[:2]
    return tuple(lazy_pinyin(word, style=style.TONE, errors=_blank))


def readings(run: str) -> tuple[str, ...]:
    """Tone-marked pinyin of each character of a Han run, read as phrases."""
    out = tuple(py for word in _words(run) for py in _word_readings(word))
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


def readings_file(runs: Runs) -> bytes:
    """`pinyin.json` of the runs: `{"han": [run, ...], "py": [readings, ...]}`. A document keeps
    its runs as this file, packed (a third of its size), one object rather than two strings a run."""
    data = {"han": [han for han, _ in runs], "py": [py for _, py in runs]}
    return pack(json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
