"""The pinyin readings of each Chinese document, as `pinyin.json` beside its page, loaded by the
theme's 拼音 toggle only when a reader asks for it: `{"han": [run, ...], "py": [readings, ...]}`,
the Han runs of the page's text in order and, for each, one reading per character, joined by spaces
(an empty one for a character pypinyin does not know)."""
from __future__ import annotations

import json
from collections.abc import Iterable
from functools import partial

from . import Lazy

NAME = "pinyin.json"


def render_pinyin(docs: Iterable[tuple[str, tuple]]) -> dict[str, Lazy]:
    """{`<url>pinyin.json`: readings} for each (site-relative page URL, pinyin.Runs) with any; lazy,
    so the preview makes only the files a reader asks for and a build makes them on every core."""
    return {url + NAME: Lazy(partial(_readings, runs)) for url, runs in docs if runs}


def _readings(runs: tuple) -> tuple[bytes, tuple]:
    data = {"han": [han for han, _ in runs], "py": [py for _, py in runs]}
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), ()
