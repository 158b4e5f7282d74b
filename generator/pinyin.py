"""Pinyin over Chinese text for learners, as ruby, with phrase-aware readings from pypinyin
(重庆 chóng qìng, 银行 yín háng, 行长 háng zhǎng).

The reading sits in a `data-py` attribute that the stylesheet shows with `rt::before { content:
attr(data-py) }`: generated content is never selected, copied or indexed, so copying a paragraph
with pinyin shown copies only the characters. One ruby per character lets lines break anywhere
between characters, as in plain Chinese text.
"""
from __future__ import annotations

import html
import re
from functools import lru_cache

from pypinyin import Style, lazy_pinyin

from . import htmltext

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]+")


@lru_cache(maxsize=65536)
def readings(run: str) -> tuple[str, ...]:
    """Tone-marked pinyin of each character of a Han run, read as phrases."""
    out = tuple(lazy_pinyin(run, style=Style.TONE, errors=lambda chars: [""] * len(chars)))
    return out if len(out) == len(run) else tuple("" for _ in run)


def _ruby(run: str) -> str:
    return "".join(f'<ruby>{ch}<rt data-py="{html.escape(py)}"></rt></ruby>' if py else html.escape(ch)
                   for ch, py in zip(run, readings(run)))


def ruby_html(fragment: str) -> str:
    """Every Han character outside code, links' attributes and existing ruby, in ruby with its reading."""
    return htmltext.sub_text(fragment, HAN, _ruby, ruby=True)
