"""The side-by-side view's body: two documents' blocks, aligned by `translations.align` (the same
alignment `riji status` uses), each cell the block's own finished HTML.

Both columns sit in one page, so each column's ids (headings, footnotes) get its language as a
prefix, and links within a column follow. A code block or image that is the same in both
languages is shown once, in the page language's column.
"""
from __future__ import annotations

import re

from ..config import Language
from ..constants import URL_SCHEME
from ..model import Doc
from ..translations.align import align
from .views import Cell, Pair

_ID = re.compile(r'(\s(?:id|aria-labelledby|aria-describedby)=")|(\shref="#)')
_SRC = re.compile(r'\ssrc="([^"]*)"')
_RELATIVE = re.compile(r'(\s(?:src|href|poster)=")(?!' + URL_SCHEME.pattern.lstrip("^") + r'|/|#|")')
_SAME_ONCE = ("code", "image")


def prefix_ids(html: str, prefix: str) -> str:
    return _ID.sub(lambda m: m.group(0) + prefix, html)


def _cell(html: str, lang: Language, base: str) -> str:
    """A block moved into the view: its ids its language's own, its relative links (a bundle's
    images) still leading where they did from the post, which is one folder up."""
    if '="' not in html:  # no attribute to change: most paragraphs
        return html
    return _RELATIVE.sub(lambda m: m.group(1) + base, prefix_ids(html, f"{lang.code}-"))


def _body(doc: Doc) -> list[tuple[object, str]]:
    """(block, its HTML) of the body, footnotes left out (they are shown whole, once)."""
    return [(b, doc.html[s:e]) for b, (s, e) in zip(doc.blocks, doc.spans) if b.kind != "note"]


def _same(a, a_html: str, b, b_html: str) -> bool:
    if a.kind != b.kind or a.kind not in _SAME_ONCE:
        return False
    if a.kind == "code":
        return a.fingerprint == b.fingerprint
    return _SRC.findall(a_html) == _SRC.findall(b_html)


def pairs(doc: Doc, lang: Language, other: Doc, other_lang: Language, path) -> tuple[list[Pair], Pair | None]:
    """`path(url)` makes a site-relative URL root-relative (urls.Urls.path). Reads only the fields
    `_read` names."""
    left, right = _body(doc), _body(other)
    out = []
    for i, j in align([b for b, _ in left], [b for b, _ in right]):
        a = left[i][1] if i is not None else ""
        b = right[j][1] if j is not None else ""
        if i is not None and j is not None and _same(left[i][0], a, right[j][0], b):
            b = ""
        out.append(Pair((Cell(lang, _cell(a, lang, path(doc.url))),
                         Cell(other_lang, _cell(b, other_lang, path(other.url))))))
    notes = None
    if doc.notes or other.notes:
        notes = Pair(tuple(Cell(language, _cell(d.html[slice(*d.notes)], language, path(d.url)) if d.notes else "")
                           for d, language in ((doc, lang), (other, other_lang))))
    return out, notes


def _read(doc: Doc, view) -> tuple:
    """What `pairs` reads of a document: its view holds its URL and HTML."""
    return view, tuple((b.kind, b.fingerprint) for b in doc.blocks), doc.spans, doc.notes


def _aligned(*_made_of):
    raise TypeError("an Aligned is pickled only to be digested")


class Aligned:
    """The side-by-side body (`rows`, the aligned blocks, and `notes`, the footnotes or None), made
    when the template first reads it. Aligning costs more than the rest of the page, and a build
    that only asks whether the page changed digests its values: for that, this pickles as what
    it is made from, so an unchanged page is never aligned at all."""

    __slots__ = ("args", "views", "_made")

    def __init__(self, doc: Doc, lang: Language, other: Doc, other_lang: Language, path, views: tuple):
        """`views`: the two documents' views, which a digest reads once per build."""
        self.args, self.views, self._made = (doc, lang, other, other_lang, path), views, None

    def _pairs(self) -> tuple[list[Pair], Pair | None]:
        if self._made is None:
            self._made = pairs(*self.args)
        return self._made

    @property
    def rows(self) -> list[Pair]:
        return self._pairs()[0]

    @property
    def notes(self) -> Pair | None:
        return self._pairs()[1]

    def __reduce__(self):
        doc, lang, other, other_lang, path = self.args
        return _aligned, (_read(doc, self.views[0]), lang, _read(other, self.views[1]), other_lang,
                          path(doc.url), path(other.url))
