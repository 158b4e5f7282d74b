"""The pinyin readings of each Chinese document, as `pinyin.json` beside its page, loaded by the
theme's 拼音 toggle only when a reader asks for it: `{"han": [run, ...], "py": [readings, ...]}`,
the Han runs of the page's text in order and, for each, one reading per character, joined by spaces
(an empty one for a character pypinyin does not know)."""
from __future__ import annotations

from collections.abc import Iterable

from ..inputs import digest
from ..packed import unpacked
from . import Lazy
from .previous import Reads, recorded

NAME = "pinyin.json"


def render_pinyin(docs: Iterable[tuple[str, bytes, str]], inputs: bytes | None = None,
                  reads: Reads | None = None) -> dict[str, Lazy]:
    """{`<url>pinyin.json`: readings} for each (site-relative page URL, its pinyin.json as the
    Markdown made it, packed, entry name) with any; lazy, so the preview makes only the files a
    reader asks for and a build makes them on every core. With `inputs` (what every output shares)
    each file's inputs are those and its readings, so a build keeps last build's file without
    making it again; with `reads`, without even digesting the readings of an entry whose text is
    unchanged."""
    inputs_of = None if inputs is None else _inputs
    return {url + NAME: Lazy(_readings, inputs_of, runs, inputs, url + NAME, name, reads)
            for url, runs, name in docs if runs}


def _inputs(runs: bytes, inputs: bytes, path: str, name: str, reads: Reads | None):
    return recorded(reads, path, (name,), lambda: digest(inputs, runs))


def _readings(data: bytes, *_inputs) -> tuple[bytes, tuple]:
    return unpacked(data), ()
