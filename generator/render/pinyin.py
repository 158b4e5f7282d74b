"""The pinyin readings of each Chinese document, as `pinyin.json` beside its page: the page's
`.prose` HTML with ruby, loaded by the theme's 拼音 toggle only when a reader asks for it."""
from __future__ import annotations

import json
from collections.abc import Iterable

NAME = "pinyin.json"


def render_pinyin(docs: Iterable[tuple[str, str]]) -> dict[str, bytes]:
    """{`<url>pinyin.json`: {"html": ruby}} for each (site-relative page URL, ruby HTML) with ruby."""
    return {url + NAME: json.dumps({"html": ruby}, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
            for url, ruby in docs if ruby}
