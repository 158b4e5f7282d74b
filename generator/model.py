"""The site model: every document, language, tag and page, resolved and checked in memory with no
I/O. Whatever can be wrong with content is found here, so renderers only format.

Language is a parameter of every lookup; nothing here treats `en` or `zh` specially.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, fields
from functools import cache
from datetime import datetime
from typing import Callable
from pathlib import Path
from urllib.parse import unquote, urlsplit

from . import diary, slugs, text, typography
from .chapters import Chapter, parse_chapters
from .config import Config
from .diagnostics import Diagnostic, Diagnostics, did_you_mean
from .markdown import PLACEHOLDER, Rendered, Spans, by_block, lead
from .markdown_diary import TOC_MARK
from .sources import SourceDoc, SourceEntry
from .urls import Urls

RESERVED_PAGE_SLUGS = {"posts", "tags", "archive", "page", "assets", "search", "feed.xml", "atom.xml"}
CHAPTERS_FILE = "chapters.json"  # written beside a post with chapters, for podcast apps
EPISODE_TYPES = ("full", "trailer", "bonus")
_PLACEHOLDER = re.compile(re.escape(PLACEHOLDER) + r'([^"]*)')


@dataclass(slots=True)
class Doc:
    """One language version of a post or page, ready to render."""

    entry: "Entry"
    lang: str
    title: str
    url: str  # site-relative, e.g. "en/posts/slug/"
    html: str
    summary: str
    description: str
    reading_minutes: int
    headings: list
    meta: dict
    source: SourceDoc
    audio: object = None  # media.Audio when the document has a recording
    chapters: tuple[Chapter, ...] = ()  # of the recording, checked against its duration
    episode_type: str = "full"  # as a podcast episode: one of EPISODE_TYPES
    toc: tuple = ()  # the headings its table of contents lists; () for none
    toc_at: int | None = None  # where in `html` a `[TOC]` paragraph put it; None: at the top
    aliases: tuple[str, ...] = ()  # old site-relative URLs that redirect here
    pinyin: bytes = b""  # pinyin.json for the theme's pinyin toggle (pinyin.readings_file); b"": none
    # the body's blocks (translations.blocks) and where each is in `html`; `notes`: the footnotes
    blocks: tuple = ()  # Rendered.blocks (translations.blocks.Blocks): iterate for Block tuples
    spans: Spans | tuple = ()  # where each block is in `html` (markdown.Spans)
    notes: tuple[int, int] | None = None
    outdated_from: str | None = None  # the language whose later change this translation lacks
    code_classes: tuple[str, ...] = ()  # the Pygments token classes of its code blocks (Rendered's)
    # the Markdown cache key of its text (Rendered.key) when `html` is made of that alone, else ""
    text_key: str = ""

    @property
    def date(self) -> datetime | None:
        return self.entry.date

    @property
    def updated(self) -> datetime | None:
        return self.entry.updated or self.entry.date



@dataclass(slots=True)
class Entry(SourceEntry):
    """A published post or page: its source's fields (kind, slug, date, tags, bundle...), with
    `docs` holding each language's Doc, ready to render, instead of the SourceDoc."""

    # what the model works out of it per language (its pages, how lists show it), kept with it: a
    # preview's next build hands the same entry back while neither it nor site.yaml changed
    cache: dict = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def of(cls, src: SourceEntry) -> "Entry":
        return cls(**{name: getattr(src, name) for name in _SOURCE_FIELDS})

    def doc(self, lang: str) -> Doc | None:
        return self.docs.get(lang)

    @property
    def listed(self) -> bool:
        """Whether lists, feeds, the sitemap and search may show it (an unlisted entry is only at its URL)."""
        return self.visibility != "unlisted"


_SOURCE_FIELDS = tuple(f.name for f in fields(SourceEntry) if f.name != "docs")


@dataclass(frozen=True)
class Tag:
    key: str
    slug: str
    names: dict[str, str]

    def name(self, lang: str) -> str:
        return self.names.get(lang) or self.key


@dataclass
class Listed:
    """A post as a language's lists show it: in that language, or marked as only in another."""

    doc: Doc
    other_language: bool


@dataclass(unsafe_hash=True)
class Pagination:
    """One page of a paginated list: its number, how many there are, and the neighbours' URLs.
    Never changed once made; not frozen, for the reason PagePlan is not (a preview rebuild of a
    5,000-post diary makes 5,000)."""

    number: int
    total: int
    url: str
    newer: str | None
    older: str | None


@dataclass
class Site:
    config: Config
    urls: Urls  # the site's one URL scheme
    entries: list[Entry]
    posts: list[Entry]  # published and listed, newest first
    pages: list[Entry]  # listed pages
    tags: dict[str, Tag]
    unlisted: list[Entry] = field(default_factory=list)  # built at their URLs, linked from nowhere
    _position: dict = field(default_factory=dict, repr=False)
    _days: dict = field(default_factory=dict, repr=False)
    _tagged: dict = field(default_factory=dict, repr=False)  # tag key -> its posts; the model is not changed once built
    _tag_counts: dict = field(default_factory=dict, repr=False)
    _feed_tags: set = field(default_factory=set, repr=False)

    def paginate(self, listing: list, url_of) -> list[tuple[list, Pagination]]:
        """`listing` cut into pages of `posts_per_page` (one empty page when there is nothing);
        `url_of(n)` is page n's URL."""
        per_page = self.config.posts_per_page
        chunks = [listing[i:i + per_page] for i in range(0, len(listing), per_page)] or [[]]
        total = len(chunks)
        urls = [None, *(url_of(n) for n in range(1, total + 1)), None]  # each page's URL, made once
        return [(chunk, Pagination(n, total, urls[n], urls[n - 1], urls[n + 1]))
                for n, chunk in enumerate(chunks, 1)]

    def feed_posts(self) -> list[Entry]:
        """The posts feeds carry, newest first: never a draft, not even in a --drafts preview
        (`feed_docs` leaves out a language that is a draft on its own)."""
        return [e for e in self.posts if not e.draft]

    def feed_docs(self, code: str, posts: list[Entry] | None = None) -> list[Doc]:
        """The documents in `code` that feeds carry, newest first."""
        return [e.docs[code] for e in (self.feed_posts() if posts is None else posts)
                if code in e.docs and not e.docs[code].source.draft]

    def episodes(self, code: str) -> list[Doc]:
        """The documents in `code` that are podcast episodes: narrated, published, with a podcast set up."""
        if self.config.podcast is None:
            return []
        return [d for d in self.feed_docs(code) if d.audio]

    def listing(self, lang: str, posts: list[Entry] | None = None) -> list[Listed]:
        out, key = [], ("listed", lang)
        for entry in self.posts if posts is None else posts:
            listed = entry.cache.get(key)
            if listed is None:
                if lang in entry.docs:
                    listed = Listed(entry.docs[lang], False)
                elif self.config.missing_translation == "mark":
                    listed = Listed(self.fallback_doc(entry, lang), True)
                else:
                    listed = False  # not in this language's lists
                entry.cache[key] = listed
            if listed:
                out.append(listed)
        return out

    def fallback_doc(self, entry: Entry, lang: str) -> Doc:
        if lang in entry.docs:
            return entry.docs[lang]
        for code in [self.config.default_language, *self.config.codes]:
            if code in entry.docs:
                return entry.docs[code]
        raise KeyError(lang)

    def partner(self, entry: Entry, lang: str) -> str | None:
        """The language a side-by-side view of `lang` shows beside it: the default language, or
        for the default language the first other one; None when there is no other."""
        order = [self.config.default_language, *self.config.codes]
        return next((c for c in order if c != lang and c in entry.docs), None)

    def posts_in(self, lang: str) -> list[Doc]:
        return [e.docs[lang] for e in self.posts if lang in e.docs]

    def posts_tagged(self, tag: str) -> list[Entry]:
        """Every tag page, feed and count asks: the index is made once, in one pass over the posts."""
        if not self._tagged and self.posts:
            for e in self.posts:
                for key in dict.fromkeys(e.tags):
                    self._tagged.setdefault(key, []).append(e)
        return list(self._tagged.get(tag, ()))

    def feed_tags(self) -> set[tuple[str, str]]:
        """(language, tag key) for each tag a post that feeds carry has in that language: made once,
        every tag's feed, page and link asks."""
        if not self._feed_tags:
            by_code: dict[str, set] = {}  # a set per language, then the pairs: 5,000 posts make 40,000
            for e in self.feed_posts():
                if e.tags:
                    for code in e.docs:
                        by_code.setdefault(code, set()).update(e.tags)
            self._feed_tags.update((code, key) for code, keys in by_code.items() for key in keys)
        return self._feed_tags

    def neighbours(self, doc: Doc) -> tuple[Doc | None, Doc | None]:
        """(older, newer) posts in the same language."""
        if doc.lang not in self._position:  # once per language: every post page asks
            same = self.posts_in(doc.lang)
            self._position[doc.lang] = (same, {id(d): i for i, d in enumerate(same)})
        same, position = self._position[doc.lang]
        i = position.get(id(doc))
        if i is None:
            return None, None
        older = same[i + 1] if i + 1 < len(same) else None
        newer = same[i - 1] if i > 0 else None
        return older, newer

    def on_this_day(self, doc: Doc) -> list[Doc]:
        """The posts in the document's language from its month and day in other years, newest first."""
        return diary.on_this_day(doc, self.days(doc.lang), self.config.tz)

    def days(self, lang: str) -> dict[str, list[Doc]]:
        """Every listed post in `lang` by "MM-DD", for the reader's "on this day"."""
        if lang not in self._days:
            self._days[lang] = diary.by_month_day(self.posts_in(lang), self.config.tz)
        return self._days[lang]

    def tags_in(self, lang: str) -> list[tuple[Tag, int]]:
        if lang not in self._tag_counts:  # once per language: every tag page and feed list asks
            counts = []
            marked = self.config.missing_translation == "mark"  # as `listing` counts them
            for tag in self.tags.values():
                tagged = self.posts_tagged(tag.key)
                n = len(tagged) if marked else sum(1 for e in tagged if lang in e.docs)
                if n:
                    counts.append((tag, n))
            self._tag_counts[lang] = sorted(counts, key=lambda tc: (-tc[1], tc[0].name(lang).lower()))
        return list(self._tag_counts[lang])



@dataclass(unsafe_hash=True)
class PagePlan:
    """One HTML page to build: its kind, language and URL, and what it shows. The renderer turns
    each into a page view for its template. Nothing changes a plan once made; it is not declared
    frozen only because a frozen dataclass is made about eight times slower, and every preview
    rebuild makes one per page (5,000 on a 1,000-post diary)."""

    kind: str  # home, post, page, tag, tags, archive, search, 404, redirect (an alias of a post or page) or parallel
    lang: str
    url: str  # site-relative; "404.html" for the 404 page
    entry: Entry | None = None  # post, page and redirect
    tag: Tag | None = None  # tag
    items: tuple[Listed, ...] = ()  # home, tag and archive
    pagination: Pagination | None = None  # home and tag
    root: bool = False  # the default language's home, also served at the site's root
    other: str | None = None  # parallel: the language shown beside `lang`

    @property
    def output(self) -> str:
        """The file it is written to."""
        if self.root:
            return "index.html"
        return self.url + "index.html" if self.url.endswith("/") or not self.url else self.url


def page_plans(site: Site) -> list[PagePlan]:
    """Every HTML page of the site, per language, then the one bilingual 404."""
    config, urls = site.config, site.urls
    plans: list[PagePlan] = []
    for code in config.codes:
        listing = site.listing(code)
        for chunk, pagination in site.paginate(listing, lambda n: urls.home(code, n)):
            plans.append(PagePlan("home", code, pagination.url, items=tuple(chunk), pagination=pagination))
            if pagination.number == 1 and code == config.default_language:
                plans.append(PagePlan("home", code, pagination.url, items=tuple(chunk), pagination=pagination,
                                      root=True))
        for entry in site.posts + site.pages + site.unlisted:
            if code in entry.docs:
                plans += entry.cache.get(("plans", code)) or _entry_plans(site, entry, code)
        plans.append(PagePlan("tags", code, urls.tags(code)))
        for tag, _count in site.tags_in(code):
            tagged = site.listing(code, site.posts_tagged(tag.key))
            for chunk, pagination in site.paginate(tagged, lambda n: urls.tag(code, tag.slug, n)):
                plans.append(PagePlan("tag", code, pagination.url, tag=tag, items=tuple(chunk),
                                      pagination=pagination))
        plans.append(PagePlan("archive", code, urls.archive(code), items=tuple(listing)))
        if config.search["enabled"]:
            plans.append(PagePlan("search", code, urls.search(code)))
    plans.append(PagePlan("404", config.default_language, "404.html"))
    return plans


def _entry_plans(site: Site, entry: Entry, code: str) -> list[PagePlan]:
    """The pages of an entry's document in `code`: its own, its side-by-side views, the redirects
    of its old URLs. Kept on the entry, but not for one with aliases, which the model may still
    take away."""
    urls, doc = site.urls, entry.docs[code]
    plans = [PagePlan(entry.kind, code, doc.url, entry=entry)]
    partner = site.partner(entry, code)
    others = ([partner] if partner else []) + [c for c in entry.docs if c not in (code, partner)]
    views = {other: None if other == partner else other for other in others}
    for alias in doc.aliases:  # an old URL, and the side-by-side views that were below it
        plans.append(PagePlan("redirect", code, alias, entry=entry))
        plans.extend(PagePlan("redirect", code, urls.parallel_of(alias, view), entry=entry)
                     for view in views.values() if alias.endswith("/"))
    for other, view in views.items():
        plans.append(PagePlan("parallel", code, urls.parallel(entry.kind, code, entry.slug, view),
                              entry=entry, other=other))
    if not any(d.source.meta.get("aliases") for d in entry.docs.values()):
        entry.cache[("plans", code)] = plans
    return plans


def _summary(meta: dict, html: str) -> str:
    if meta.get("summary"):
        return str(meta["summary"]).strip()
    return lead(html)


def build_site(config: Config, urls: Urls, sources: list[SourceEntry], rendered: dict[tuple[str, str], Rendered],
               root: Path, *, now: datetime, drafts: bool = False, future: bool = False,
               private: bool = False, media: dict | None = None, images: dict | None = None,
               outdated: dict[tuple[str, str], str] | None = None,
               space: Callable[[str], str] = typography.space_text,
               known: dict | None = None) -> tuple[Site, list[Diagnostic]]:
    """(the site, what is wrong with its content); `media` maps (entry name, language) to the
    recording the media stage measured; `outdated` (entry name, language) to the language whose
    change that translation lacks; `space` is Han/Latin spacing of titles and summaries (the
    build's memo remembers it between builds). `root` only makes the messages' paths relative. Private
    entries are left out unless `private` (the preview, `riji build --private`). `known` (the
    preview's memo) keeps each entry as made, with what it was made from, the problems found
    making it and its documents' URLs, for the next build to hand back: most entries have no
    local link, alias or sized image, so nothing else of the site goes into them, and a save
    remakes one entry of thousands."""
    diag = Diagnostics(root)
    by_path = cache(lambda: _link_targets(sources))  # made when a first link asks
    published = {e.name for e in sources if (drafts or not e.draft) and
                 (future or e.date is None or e.date <= now) and (private or e.visibility != "private")}
    if known is not None and known.get(_SETTINGS) != (config, drafts, root):
        known.clear()  # another site.yaml (or --drafts): every document is made again
    made: dict = {_SETTINGS: (config, drafts, root)}
    # the memo's spacing keeps a handed-back entry's {text: spaced} at once; plain spacing keeps nothing
    keep = getattr(space, "keep", lambda _texts: None)

    entries: list[Entry] = []
    seen_urls: dict[str, Path] = {}
    aliases: dict[str, tuple[Path, int | None]] = {}  # alias URL -> where it was written
    for src in sources:
        if src.name not in published:
            continue
        if src.kind == "page" and src.slug in RESERVED_PAGE_SLUGS:
            path, line = src.lines.get("slug", (src.path, None))
            diag.error(path, line, f"page slug '{src.slug}' is reserved for riji's own pages; choose another")
        old = known.get(src.name) if known is not None else None
        inputs = None
        if old is not None and not _unchanged(old[0], src, rendered, media, outdated, images):
            inputs = _entry_inputs(src, rendered, media, outdated, images)  # compared by value, then kept
            if inputs is None or not _same(old[0], inputs):
                old = None
        if old is not None and old[4].keys().isdisjoint(seen_urls.keys()):
            entry, problems, texts = old[1], old[2], old[3]
            diag.items.extend(problems)
            keep(texts)  # the spacing memo keeps what this build asked for
            seen_urls.update(old[4])
            made[src.name] = old
            entries.append(entry)
            continue
        entry = Entry.of(src)
        own, texts, alone = Diagnostics(root), {}, True  # its own problems, kept with it

        def spacing(t: str) -> str:
            texts[t] = out = space(t)
            return out

        for code, sdoc in src.docs.items():
            if sdoc.draft and not drafts:
                continue
            url = urls.document(src.kind, code, src.slug)
            if url in seen_urls:
                path, line = src.lines.get("slug", (sdoc.path, 2))
                own.error(path, line,
                          f"same URL /{url} as {own._rel(seen_urls[url])}; give one of them another 'slug:'")
                alone = False
                continue
            seen_urls[url] = sdoc.path
            r = rendered[(src.name, code)]
            resolve = _resolve_links(r, sdoc, src, code, by_path, published, urls, own, drafts)
            sizes = images if images and src.bundle is not None else None
            spaced = spacing if config.language(code).cjk_spacing else str
            html, spans, notes, toc, toc_at, title, summary, description, key = _body(r, sdoc, src, config, resolve,
                                                                                      sizes, spaced)
            audio = (media or {}).get((src.name, code))
            entry.docs[code] = Doc(entry, code, title, url, html, summary,
                                   description, text.minutes(r.words, r.cjk), r.headings,
                                   sdoc.meta, sdoc, audio=audio, chapters=_chapters(src, sdoc, audio, own),
                                   episode_type=_episode_type(sdoc, own), toc=toc, toc_at=toc_at, pinyin=r.pinyin,
                                   blocks=r.blocks, spans=spans, notes=notes,
                                   outdated_from=(outdated or {}).get((src.name, code)),
                                   code_classes=r.code_classes, text_key=key)
        diag.items.extend(own.items)
        if known is not None and inputs is None:
            inputs = _entry_inputs(src, rendered, media, outdated, images)
        if inputs is not None and alone:
            made[src.name] = (inputs, entry, tuple(own.items), texts,
                              {doc.url: doc.source.path for doc in entry.docs.values()})
        if entry.docs:
            _aliases(entry, config, urls, aliases, diag)
            entries.append(entry)

    posts = sorted((e for e in entries if e.kind == "post" and e.listed),
                   key=lambda e: (e.date or now, e.slug), reverse=True)
    pages = sorted((e for e in entries if e.kind == "page" and e.listed),
                   key=lambda e: (e.extra.get("weight", 0), e.slug))
    unlisted = sorted((e for e in entries if not e.listed), key=lambda e: (e.kind, e.slug))
    tags: dict[str, Tag] = {}
    tag_slugs: dict[str, str] = {}
    for entry in posts:
        for key in entry.tags:
            if key in tags:
                continue
            slug = slugs.slugify(key) or "tag"
            if slug in tag_slugs and tag_slugs[slug] != key:
                path, line = entry.lines.get("tags", (entry.paths[0], None))
                diag.error(path, line, f"tags '{key}' and '{tag_slugs[slug]}' would share the URL "
                                       f"tags/{slug}/; merge or rename one")
            tag_slugs[slug] = key
            tags[key] = Tag(key, slug, dict(config.tags.get(key) or {}))
            _check_tag_names(tags[key], entry, config, diag)
    tags = dict(sorted(tags.items()))
    if known is not None:
        known.clear()
        known.update(made)
    site = Site(config, urls, entries, posts, pages, tags, unlisted)
    _check_podcast(site, root, diag)
    _check_alias_clashes(site, aliases, seen_urls, diag)
    return site, diag.items


_SETTINGS = object()  # the key under which `known` holds what its entries were made with


def _entry_inputs(src: SourceEntry, rendered: dict, media: dict | None, outdated: dict | None,
                  images: dict | None) -> tuple | None:
    """What an entry, once made, is made of when nothing else of the site goes into it, or None when
    something does: a local link (its target's URL and state), a bundle's image sizes, an alias
    (checked against every other page)."""
    if images and src.bundle is not None:
        return None
    out, name = [src], src.name
    for code, sdoc in src.docs.items():
        key = (name, code)
        r = rendered[key]
        if r.links or "aliases" in sdoc.meta:
            return None
        out += (r, media.get(key) if media else None, outdated.get(key) if outdated else None)
    return tuple(out)


def _unchanged(old: tuple, src: SourceEntry, rendered: dict, media: dict | None, outdated: dict | None,
               images: dict | None) -> bool:
    """`_same(old, _entry_inputs(...))` without making the tuple, where every part is the very
    object it was (the memo hands back unchanged sources and Markdown): a save remakes one entry,
    and the other 4,999 are only looked at. False where that cannot be told so."""
    if old[0] is not src or (images and src.bundle is not None) or len(old) != 1 + 3 * len(src.docs):
        return False
    name, i = src.name, 1
    for code in src.docs:
        key = (name, code)
        if old[i] is not rendered[key]:
            return False
        m = media.get(key) if media else None
        o = outdated.get(key) if outdated else None
        if not (old[i + 1] is m or old[i + 1] == m) or not (old[i + 2] is o or old[i + 2] == o):
            return False
        i += 3
    return True


def _same(old: tuple, new: tuple) -> bool:
    return len(old) == len(new) and all(a is b or a == b for a, b in zip(old, new))


def _body(r: Rendered, sdoc: SourceDoc, src: SourceEntry, config: Config, resolve: Callable[[str], str],
          sizes: dict | None, spaced: Callable[[str], str]) -> tuple:
    """A document's finished HTML (links resolved, images sized, without its `[TOC]` mark), block
    spans, notes, contents and where they go, title, summary, description, and the Markdown cache
    key of its text when the HTML is made of that alone."""
    def finish(piece: str) -> str:
        piece = resolve(piece)
        return _size_images(piece, sdoc.path.parent, sizes) if sizes else piece

    as_rendered = resolve is str and not sizes  # nothing to change: most documents
    if as_rendered:
        html, spans, notes = r.html, r.spans, r.notes
    else:
        html, spans, notes = by_block(r.html, r.spans, r.notes, finish)
    marks = [(m.start(), len(m.group())) for m in re.finditer(re.escape(TOC_MARK) + "\n?", html)]
    html, toc, toc_at = _contents(html, r.headings, src, config)
    spans, notes = _without_marks(spans, notes, marks)
    made = as_rendered and not sdoc.meta.get("summary")  # as Markdown rendering made them
    summary = r.summary if made else spaced(_summary(sdoc.meta, html))
    given = sdoc.meta.get("description")
    description = spaced(str(given)) if given else r.description if made else spaced(text.shorten(summary, 160))
    return (html, spans, notes, toc, toc_at, spaced(str(sdoc.meta["title"]).strip()), summary, description,
            r.key if as_rendered else "")


def _contents(html: str, headings, src: SourceEntry, config: Config) -> tuple[str, tuple, int | None]:
    """(the HTML without its `[TOC]` mark, the headings of its contents, where the mark stood).
    A `[TOC]` paragraph or `toc: true` asks for contents; `toc: false` refuses them; otherwise the
    site's `toc: {min_headings: n}` gives them to posts with n headings or more."""
    at = html.find(TOC_MARK)
    if at >= 0:
        html = html.replace(TOC_MARK + "\n", "").replace(TOC_MARK, "")
    minimum = config.toc.get("min_headings")
    wanted = src.toc if src.toc is not None else (at >= 0 or (minimum is not None and src.kind == "post"
                                                                and len(headings) >= minimum))
    if not wanted or not headings:
        return html, (), None
    return html, tuple(headings), at if at >= 0 else None


def _aliases(entry: Entry, config: Config, urls: Urls, seen: dict, diag: Diagnostics) -> None:
    """Give each document its old URLs, checked; a root-relative alias written once for every
    language (a shared key) belongs to the default language's document, or the first one there is."""
    if not any(doc.source.meta.get("aliases") for doc in entry.docs.values()):
        return
    owners = sorted(entry.docs.values(), key=lambda d: (d.lang != config.default_language,
                                                         config.codes.index(d.lang)))
    mine: set[str] = set()
    for doc in owners:
        found = []
        line = doc.source.lines.get("aliases")
        for written in doc.source.meta.get("aliases") or ():
            url = urls.alias(doc.lang, str(written))
            if url is None:
                diag.error(doc.source.path, line, f"alias '{written}' is not an address on this site: write an "
                                                  f"old path such as /posts/old-name/ or posts/old-name/, "
                                                  f"without '..', a host, a query or a fragment")
                continue
            if url in mine:
                continue  # the same old URL given for every language
            if url in seen:
                path, other_line = seen[url]
                where = diag._rel(path) + (f":{other_line}" if other_line else "")
                diag.error(doc.source.path, line, f"alias '{written}' (/{url}) is also an alias in {where}")
                continue
            seen[url] = (doc.source.path, line)
            mine.add(url)
            found.append(url)
        doc.aliases = tuple(found)


def _check_alias_clashes(site: Site, aliases: dict, doc_urls: dict, diag: Diagnostics) -> None:
    """An alias must not take the place of a page the site makes. Listing the pages costs a pass
    over the site, so a site without aliases skips it."""
    if not aliases:
        return
    taken = {plan.output: plan.url for plan in page_plans(site) if plan.kind != "redirect"}
    for url, (path, line) in aliases.items():
        output = PagePlan("redirect", "", url).output
        if url in doc_urls or output in taken:
            diag.error(path, line, f"alias /{url} is the address of a page of the site; remove it from 'aliases'")
            for entry in site.entries:
                for doc in entry.docs.values():
                    if url in doc.aliases:
                        doc.aliases = tuple(a for a in doc.aliases if a != url)


def _check_tag_names(tag: Tag, entry: Entry, config: Config, diag: Diagnostics) -> None:
    """A tag without a name in a language shows its raw key on that language's pages: say so once
    per tag and language, at the first post that uses it."""
    missing = [code for code in config.codes if not tag.names.get(code)]
    if not missing:
        return
    path, line = entry.lines.get("tags", (entry.paths[0], None))
    hint = did_you_mean(tag.key, list(config.tags)) if tag.key not in config.tags else ""
    for code in missing:
        diag.warning(path, line, f"tag '{tag.key}' has no {code} name in site.yaml, so {code} pages show "
                                 f"'{tag.key}'{hint}; add it under tags: {tag.key}: {{{code}: ...}}")


def _chapters(src: SourceEntry, sdoc: SourceDoc, audio, diag: Diagnostics) -> tuple[Chapter, ...]:
    if "chapters" not in sdoc.meta:
        return ()
    line = sdoc.lines.get("chapters")
    if audio is None:
        if "audio" not in sdoc.meta:  # a broken recording is reported already
            diag.error(sdoc.path, line, "'chapters' needs an 'audio:' recording in the same language")
        return ()
    chapters = parse_chapters(sdoc.meta["chapters"], audio.duration, sdoc.path, line, diag)
    if chapters and CHAPTERS_FILE in src.assets:
        diag.error(sdoc.path, line, f"the post's folder has its own {CHAPTERS_FILE}, which the 'chapters' list "
                                    f"would replace; rename the file or remove the list")
        return ()
    return chapters


def _episode_type(sdoc: SourceDoc, diag: Diagnostics) -> str:
    kind = sdoc.meta.get("episode_type", "full")
    if kind not in EPISODE_TYPES:
        diag.error(sdoc.path, sdoc.lines.get("episode_type"),
                   f"'episode_type' must be one of {', '.join(EPISODE_TYPES)}, not '{kind}'")
        return "full"
    return kind


def _check_podcast(site: Site, root: Path, diag: Diagnostics) -> None:
    """What site.yaml's podcast set-up lacks for the recordings the posts have."""
    config = site.config
    if config.podcast is None:
        narrated = sum(1 for e in site.feed_posts() for d in e.docs.values() if d.audio)
        if narrated:
            some = "1 post has" if narrated == 1 else f"{narrated} posts have"
            diag.warning(root / "site.yaml", None,
                         f"{some} audio, but site.yaml has no 'podcast:' section, so no podcast feed is made")
    elif not config.base_url.startswith("https://") and any(site.episodes(c) for c in config.codes):
        diag.warning(root / "site.yaml", config.line("base_url"),
                     "podcast apps expect https addresses; base_url is not https")


def _without_marks(spans, notes, marks: list[tuple[int, int]]):
    """Block positions once the `[TOC]` marks, (where, how long), are taken out of the HTML."""
    if not marks:
        return spans, notes

    def moved(n: int) -> int:
        return n - sum(length for at, length in marks if at < n)

    return (Spans((moved(a), moved(b)) for a, b in spans),
            (moved(notes[0]), moved(notes[1])) if notes else None)


def _resolve_links(r: Rendered, sdoc: SourceDoc, src: SourceEntry, lang: str, by_path, published,
                   urls: Urls, diag: Diagnostics, drafts: bool) -> Callable[[str], str]:
    """Check the document's local links; the function it returns swaps `.md` placeholders for real
    URLs in the document's HTML (and in its pinyin version)."""
    targets: dict[str, str] = {}
    base_dir = sdoc.path.parent
    for href, line in r.links:
        path = unquote(urlsplit(href).path)
        if not path.endswith(".md"):
            if not _in_bundle(_norm(base_dir / path), src):
                where = f"in the bundle folder {diag._rel(src.bundle)}/" if src.bundle else \
                    "beside the post (make it a bundle: <name>/index.<lang>.md)"
                diag.error(sdoc.path, line, f"'{href}' points at nothing; put the file {where}")
            continue
        target = by_path().get(os.path.normpath(os.path.join(base_dir, path)))
        frag = urlsplit(href).fragment
        if target is None:
            diag.error(sdoc.path, line, f"link to '{path}', which is not a post or page")
            continue
        if target.visibility == "private" and src.visibility != "private":
            diag.error(sdoc.path, line, f"link to '{path}', which is private: it would be a dead link once "
                                        f"published; remove the link or make this entry private too")
            continue
        if target.name not in published:
            diag.error(sdoc.path, line, f"link to '{path}', which is a draft or not yet published")
            continue
        built = [c for c, d in target.docs.items() if drafts or not d.draft]
        code = lang if lang in built else built[0]
        url = urls.document(target.kind, code, target.slug)
        targets[href] = urls.path(url) + (f"#{frag}" if frag else "")
    if not targets:
        return str
    return lambda html: _PLACEHOLDER.sub(lambda m: targets.get(m.group(1), "#"), html)


_IMG = re.compile(r'<img src="([^"]+)"(?![^>]*\swidth=)')


def _size_images(html: str, base_dir: Path, sizes: dict[Path, tuple[int, int]]) -> str:
    """Give local images their width and height (CSS keeps them fluid)."""
    def add(m: re.Match) -> str:
        src = m.group(1)
        try:
            parts = urlsplit(src)
        except ValueError:  # a malformed URL in raw HTML: leave it as written
            return m.group(0)
        if parts.scheme or src.startswith("/"):
            return m.group(0)
        size = sizes.get(_norm(base_dir / unquote(parts.path)))
        return f'{m.group(0)} width="{size[0]}" height="{size[1]}"' if size else m.group(0)

    return _IMG.sub(add, html)


def _norm(path: Path) -> Path:
    """Lexical normal form (no file system access: the model does no I/O); sources are absolute."""
    return Path(os.path.normpath(path))


def _in_bundle(target: Path, src: SourceEntry) -> bool:
    if src.bundle is None:
        return False
    try:
        return target.relative_to(_norm(src.bundle)).as_posix() in src.assets
    except ValueError:
        return False


def _link_targets(sources: list[SourceEntry]) -> dict[str, SourceEntry]:
    """Every file name a link may use for a document, lexically normal (as `os.path.normpath`
    writes it): each real file, the split pair's name without its language (`x.md` for `x.en.md`),
    and a bundle's `index.md`. Strings, not Paths: this runs over every file of every build."""
    out: dict[str, SourceEntry] = {}
    for entry in sources:
        for path in entry.paths:
            path = os.path.normpath(path)
            out[path] = entry
            stem, _, lang = path[:-3].rpartition(".")
            if lang in entry.docs and not stem.endswith(os.sep):
                out.setdefault(stem + ".md", entry)
    return out
