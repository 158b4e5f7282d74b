"""Typography of mixed Chinese and Latin text, applied to rendered HTML at build time.

- Spacing between Han and Latin letters or digits on Chinese pages ("我用Python 3数雪花" ->
  "我用 Python 3 数雪花"), by pangu. pangu's own HTML mode would also space attribute values and
  the inside of `<code>`, so it runs here on each text node alone; where a run of text crosses inline
  markup (`我用**Python**写`, a link, inline code) the space goes outside the element, so a link's
  underline never takes it. A space the author wrote is never doubled.
- Han runs inside text of a non-CJK language get `<span lang="zh-Hans">`, so browsers pick a Chinese
  face for them (without it Chromium draws "李华" in an English page with the Japanese forms).
- Blocks of a Chinese page that hold only Latin text (an English quotation) get the Latin language's
  `lang`, so their face, alignment and spacing follow their own language, not the page's.
"""
from __future__ import annotations

import html
import re
from functools import lru_cache

from . import htmltext
from .htmltext import Part

HAN = "\u2e80-\u2fdf\u3005\u3007\u3021-\u3029\u3038-\u303b\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
CJK_PUNCT = "\u3000-\u3004\u3008-\u3020\u30fb\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65\u00b7\u2014\u2026\u201c\u201d\u2018\u2019"
HAN_RUN = re.compile(f"[{HAN}][{HAN}{CJK_PUNCT}]*")
ANY_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uac00-\ud7af\U00020000-\U0003134f]")
LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")

# pangu spaces these as if they were Latin brackets or turns · into the Japanese ・; in Chinese text
# they are full-width marks that take no space, so they are hidden from it.
_GUARD = {"\u00b7": "\ue0f0", "\u201c": "\ue0f1", "\u201d": "\ue0f2", "\u2018": "\ue0f3", "\u2019": "\ue0f4"}
_HIDE = str.maketrans(_GUARD)
_SHOW = str.maketrans({v: k for k, v in _GUARD.items()})
# Every rule of pangu 6 needs a character of this class to match (ASCII marks, letters and digits, Latin,
# Greek, Hebrew quotes, general punctuation such as … and “, superscripts, letterlike symbols, dingbats,
# pangu's placeholders and the guards above); text without one, most Chinese prose, comes back unchanged.
_PANGU_ACTS = re.compile(r"[\x21-\x7e\u0080-\u03ff\u0590-\u05ff\u2000-\u27bf\ue000-\ue0ff]")

BLOCKS = frozenset({"p", "blockquote", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "dd", "dt",
                    "figcaption", "caption", "summary"})
# a boundary next to these is not spaced: a footnote mark "文[1]" sits tight, ruby is its own run
_TIGHT = frozenset({"sup", "sub", "ruby"})


@lru_cache(maxsize=1)
def pangu_spacing():
    """pangu's spacing, imported when Chinese is first spaced: its import takes 0.1 s that a build
    spacing no new Chinese (the memo remembers the rest) need not pay."""
    import pangu
    return pangu.space_text


def space_text(text: str) -> str:
    """Han/Latin spacing for one piece of plain text (a title, a summary, a text node)."""
    if not ANY_CJK.search(text):
        return text
    if not _PANGU_ACTS.search(text):
        return text
    return pangu_spacing()(text.translate(_HIDE)).translate(_SHOW)


@lru_cache(maxsize=4096)
def _needs_space(left: str, right: str) -> bool:
    if not left or not right or left.isspace() or right.isspace():
        return False
    return space_text(left + right) == left + " " + right


def space_html(fragment: str) -> str:
    """`space_text` on every text node outside code, and across inline markup between them."""
    return htmltext.join(_space_parts(htmltext.split(fragment)))


def _space_parts(parts: list[Part]) -> list[Part]:
    for p in parts:
        if not p.markup and not p.in_code:
            htmltext.set_text(p, space_text(p.text))
    inserts: list[int] = []  # part indexes before which a space goes
    last: int | None = None  # the last text part of the current run of inline text
    between: list[int] = []  # inline tags since that text
    for i, p in enumerate(parts):
        if p.markup:
            if p.tag in htmltext.INLINE and p.tag not in _TIGHT:
                between.append(i)
            elif p.tag or p.raw.startswith("<!"):
                if not p.tag and p.raw.startswith("<!--"):
                    continue  # a comment is invisible and does not end the run
                last, between = None, []
            continue
        if not p.raw:
            continue
        if last is not None and _needs_space(parts[last].text[-1], p.text[0]):
            closes = [j for j in between if parts[j].closing]
            at = closes[-1] + 1 if closes else last + 1
            if not parts[at - 1].in_code:
                inserts.append(at)
        last, between = i, []
    for at in reversed(inserts):
        parts.insert(at, Part(" "))
    return parts


def wrap_han(fragment: str, hreflang: str) -> str:
    """Han runs in text that names no language of its own get `<span lang=hreflang>`; not in code."""
    if not ANY_CJK.search(fragment):
        return fragment
    span = htmltext.add_attribute("<span>", "lang", hreflang)
    return htmltext.sub_text(fragment, HAN_RUN, lambda run: f"{span}{html.escape(run, quote=False)}</span>",
                             own_lang=True)


def mark_latin_blocks(fragment: str, hreflang: str) -> str:
    """On a CJK page, the outermost blocks whose text outside code is Latin with no CJK at all get
    `lang=hreflang`, so the Latin face and Latin alignment apply to them."""
    return htmltext.join(_mark_latin_parts(htmltext.split(fragment), hreflang))


def _mark_latin_parts(parts: list[Part], hreflang: str) -> list[Part]:
    i = 0
    while i < len(parts):
        p = parts[i]
        if p.markup and p.tag in BLOCKS and p.opening and not p.in_lang and not p.in_code:
            end = _matching_close(parts, i)
            text = "".join(q.text for q in parts[i + 1:end] if not q.markup and not q.in_code)
            if LATIN.search(text) and not ANY_CJK.search(text):
                p.raw = htmltext.add_attribute(p.raw, "lang", hreflang)
                i = end
        i += 1
    return parts


def _matching_close(parts: list[Part], start: int) -> int:
    name, depth = parts[start].tag, 0
    for j in range(start, len(parts)):
        q = parts[j]
        if q.markup and q.tag == name:
            depth += -1 if q.closing else 1 if q.opening else 0
            if depth == 0:
                return j
    return len(parts)


def finish(fragment: str, *, latin_lang: str = "", cjk_spacing: bool = False, han_lang: str = "") -> str:
    """The typography a language asks for, in the order that keeps each step's marks intact. Marking
    blocks changes only their tags' attributes, so spacing can work on the same split."""
    if latin_lang or cjk_spacing:
        parts = htmltext.split(fragment)
        if latin_lang:
            parts = _mark_latin_parts(parts, latin_lang)
        if cjk_spacing:
            parts = _space_parts(parts)
        fragment = htmltext.join(parts)
    if han_lang:
        fragment = wrap_han(fragment, han_lang)
    return fragment
