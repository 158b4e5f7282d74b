"""Chinese script conversion by OpenCC (Simplified -> Traditional, with Taiwan or Hong Kong forms and
phrasing: s2twp turns 互联网 into 網際網路, 信息 into 資訊, 视频 into 影片).

Only text a reader sees is converted: in HTML never code, an attribute, a comment, or a URL written
in the text, so links, slugs and code samples stay exactly the same in every language.
"""
from __future__ import annotations

import re
from functools import lru_cache

import opencc

from . import htmltext

CONFIGS = tuple(sorted(name.removesuffix(".json") for name in opencc.CONFIGS))
_URL = re.compile(r"(?:https?|ftp|mailto):[^\s<>\"'\u3000-\u303f\uff00-\uffef]+")


@lru_cache(maxsize=None)
def _converter(config: str) -> opencc.OpenCC:
    if config not in CONFIGS:
        raise ValueError(f"unknown OpenCC conversion '{config}'")
    return opencc.OpenCC(config)


@lru_cache(maxsize=65536)
def convert_text(text: str, config: str) -> str:
    """Plain text (a title, a tag name, a UI string), with any URL in it left as it is."""
    if not text or text.isascii():
        return text
    conv = _converter(config).convert
    out, pos = [], 0
    for m in _URL.finditer(text):
        out += [conv(text[pos:m.start()]), m.group()]
        pos = m.end()
    out.append(conv(text[pos:]))
    return "".join(out)


def convert_html(fragment: str, config: str) -> str:
    """An HTML fragment with only its text nodes outside code converted."""
    return htmltext.map_text(fragment, lambda text: convert_text(text, config))
