"""The pinyin readings of each Chinese document, as `pinyin.json` beside its page, loaded by the
theme's 拼音 toggle only when a reader asks for it: `{"han": [run, ...], "py": [readings, ...]}`,
the Han runs of the page's text in order and, for each, one reading per character, joined by spaces
(an empty one for a character pypinyin does not know)."""
from __future__ import annotations

import json
from collections.abc import Iterable

from ..inputs import digest
from . import Lazy

NAME = "pinyin.json"


def render_pinyin(docs: Iterable[tuple[str, tuple]], inputs: bytes | None = None) -> dict[str, Lazy]:
    """{`<url>pinyin.json`: readings} for each (site-relative page URL, pinyin.Runs) with any; lazy,
    so the preview makes only the files a reader asks for and a build makes them on every core.
    With `inputs` (what every output shares) each file's inputs are those and its runs, so a build
    keeps last build's file without making it again."""
    inputs_of = None if inputs is None else _inputs
    return {url + NAME: Lazy(_readings, inputs_of, runs, inputs) for url, runs in docs if runs}


def _inputs(runs: tuple, inputs: bytes) -> bytes | None:
    return digest(inputs, runs)


def _readings(runs: tuple, _shared: bytes | None = None) -> tuple[bytes, tuple]:
    data = {"han": [han for han, _ in runs], "py": [py for _, py in runs]}
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), ()
