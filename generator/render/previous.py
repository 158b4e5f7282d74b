"""What a `riji build` keeps of its pages' inputs for the next one, so that a one-post edit need not
work out the values of all 5,000 pages again only to find their digests unchanged.

A page's inputs digest covers every value its template receives. Working those out, the page reads
a few entries' documents (its own, the cards of a list): which entries is recorded as it is
digested (`html.doc_view` and `Context.cards` note each). The next build reuses a page's digest,
without working out its values, when the site's *frame* is unchanged (the inputs every page shares,
and every entry's fields but its documents' text, what is made of it and what only its own pages
show: dates, tags, titles, URLs, translations, so every plan, list and neighbour is the same) and so
is the text of each entry the page read. A list reads of the posts it shows only their cards
(`card_read`): what a card shows of the text (summary, description, reading time) is all that must
be unchanged, so a list stands when a post's text changed below its summary. The preview does the
same between the builds its search indexes.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, fields
from operator import attrgetter

from ..inputs import digest
from ..model import Doc, Entry, Site
from ..sources import SourceDoc
from . import Lazy
from .views import CardDoc

# what a document's text (with the frame) makes: left out of the frame, and stood for by the digest
# of its text and its HTML (which alone shows what else it read, e.g. a bundle image's size)
BODY = frozenset({"html", "summary", "description", "reading_minutes", "headings", "toc", "toc_at", "pinyin",
                  "blocks", "spans", "notes", "code_classes", "text_key"})
# what only a document's own pages show (its translation's outdated notice), which read it whole: kept
# with its text, so that an edit that outdates a translation, or a sync, leaves the frame standing
OWN = ("outdated_from",)
_OWN = attrgetter(*OWN)
_DOC = attrgetter(*(f.name for f in fields(Doc) if f.name not in BODY and f.name not in ("entry", "source", *OWN)))
_SOURCE = attrgetter(*(f.name for f in fields(SourceDoc) if f.name not in ("body", "head")))
_ENTRY = attrgetter(*(f.name for f in fields(Entry) if f.name not in ("docs", "cache")))
# what a post's card shows that its text makes
_CARD = attrgetter(*(f.name for f in fields(CardDoc) if f.name in BODY))
CARD = "\0"  # before an entry's name among a page's reads: only its card was read (no name holds NUL)


def card_read(name: str) -> str:
    return CARD + name


@dataclass(frozen=True)
class Basis:
    frame: bytes
    bodies: dict[str, bytes]  # entry name -> digest of its documents' bodies
    cards: dict[str, bytes]  # card_read(entry name) -> digest of what its cards show of them


@dataclass(frozen=True)
class Previous:
    basis: Basis
    pages: dict[str, tuple[bytes, tuple[str, ...]]]  # output path -> (inputs digest, entries it read)


def _parts(entry: Entry) -> tuple[tuple, tuple]:
    docs = entry.docs.items()
    return ((_ENTRY(entry), [(code, _DOC(doc), _SOURCE(doc.source)) for code, doc in docs]),
            # a text's cache key stands for the text and the HTML made of it alone: neither hashed again
            tuple((code, _OWN(doc), doc.text_key) if doc.text_key else (code, _OWN(doc), doc.source.body, doc.html)
                  for code, doc in docs))


def basis(site: Site, inputs: bytes | None) -> Basis | None:
    """The site's frame and each entry's body digest; None when a digest cannot be made."""
    if inputs is None:
        return None
    frames, bodies, cards = [], {}, {}
    for entry in site.entries:
        frame, body = _parts(entry)
        frames.append(frame)
        # cache keys, and a card's titles and summaries, are no page text: CPython's pickler alone (inputs.digest)
        bodies[entry.name] = digest(body, text=not all(doc.text_key for doc in entry.docs.values()))
        cards[card_read(entry.name)] = digest([(code, _CARD(doc)) for code, doc in entry.docs.items()], text=False)
    names = [[e.name for e in group] for group in (site.posts, site.pages, site.unlisted)]
    frame = digest(inputs, frames, names, site.tags, text=False)
    if frame is None or None in bodies.values() or None in cards.values():
        return None
    return Basis(frame, bodies, cards)


def reuse(previous: Previous | None, now: Basis | None):
    """`(output path) -> (inputs digest, entries read)` of last build's page when it still holds,
    else None; None when nothing of last build can hold."""
    if previous is None or now is None or previous.basis.frame != now.frame:
        return None
    before, bodies, pages = previous.basis.bodies, now.bodies, previous.pages
    cards_before, cards = previous.basis.cards, now.cards

    def same(name: str) -> bool:
        if name[:1] == CARD:
            return cards_before.get(name) == cards.get(name)
        return before.get(name) == bodies.get(name)

    def hit(path: str):
        known = pages.get(path)
        if known is None or not all(same(name) for name in known[1]):
            return None
        return known

    return hit


def framed(reads: "Reads | None", path: str, names=()):
    """The inputs digest of a file made of nothing but the site's frame and the text of the entries
    `names` (the sitemap: none; the root feeds: their posts), with those as the entries it read;
    None without a basis (the file is then made)."""
    now = reads.basis() if reads is not None else None
    if now is None:
        return None
    names = tuple(sorted(set(names)))
    return digest(now.frame, path, [now.bodies.get(name) for name in names]), names


def recorded(reads: "Reads | None", path: str, names, work):
    """A file's inputs digest and the entries it reads (`names`), or last build's where that still
    holds; `work()` digests it afresh. For the outputs whose reads are known before their values
    (a feed's posts, a document's pinyin), so nothing need note them as they are read."""
    if reads is not None and (hit := reads.kept(path)) is not None:
        return hit
    found = work()
    return found if reads is None or found is None else (found, tuple(sorted(set(names))))


class Reads:
    """A build's side of it: its basis, worked out when first asked for (`riji build` asks at once,
    before its writer forks; the preview's search thread asks, off the path to the screen), and
    last build's record. `kept(path)`: last build's (digest, entries read) of a page, where it holds."""

    def __init__(self, site: Site, inputs: bytes | None, previous: Previous | None):
        self._args, self.previous = (site, inputs), previous
        self._lock = threading.Lock()
        self._done: tuple | None = None  # (basis, its reuse function)

    def _work_out(self) -> tuple:
        with self._lock:
            if self._done is None:
                now = basis(*self._args)
                self._done = (now, reuse(self.previous, now))
            return self._done

    def basis(self) -> Basis | None:
        return self._work_out()[0]

    def kept(self, path: str):
        hit = self._work_out()[1]
        return None if hit is None else hit(path)

    def pages(self, files) -> Previous | None:
        """What this build can tell the next one of its pages (`files`, those digested so far)."""
        now = self.basis()
        if now is None:
            return None
        return Previous(now, {path: (page.digest, page.deps) for path, page in files.items()
                              if isinstance(page, Lazy) and page.deps is not None and isinstance(page.digest, bytes)})
