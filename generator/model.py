"""The site model: every document, language, tag and page, resolved and checked in memory with no
I/O. Whatever can be wrong with content is found here, so renderers only format.

Language is a parameter of every lookup; nothing here treats `en` or `zh` specially.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, fields
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

from . import slugs, text
from .chapters import Chapter, parse_chapters
from .config import Config
from .diagnostics import Diagnostic, Diagnostics
from .markdown import PLACEHOLDER, Rendered, html_to_text
from .sources import SourceDoc, SourceEntry
from .urls import Urls

RESERVED_PAGE_SLUGS = {"posts", "tags", "archive", "page", "assets", "feed.xml", "atom.xml"}
CHAPTERS_FILE = "chapters.json"  # written beside a post with chapters, for podcast apps
EPISODE_TYPES = ("full", "trailer", "bonus")
_MORE = re.compile(r"<!--\s*more\s*-->")
_FIRST_P = re.compile(r"<p>(.*?)</p>", re.DOTALL)
_FOOTNOTE_REF = re.compile(r'<sup class="footnote-ref">.*?</sup>', re.DOTALL)
_PLACEHOLDER = re.compile(re.escape(PLACEHOLDER) + r'([^"]*)')


@dataclass
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

    @property
    def date(self) -> datetime | None:
        return self.entry.date

    @property
    def updated(self) -> datetime | None:
        return self.entry.updated or self.entry.date



@dataclass
class Entry(SourceEntry):
    """A published post or page: its source's fields (kind, slug, date, tags, bundle...), with
    `docs` holding each language's Doc, ready to render, instead of the SourceDoc."""

    @classmethod
    def of(cls, src: SourceEntry) -> "Entry":
        return cls(**{f.name: getattr(src, f.name) for f in fields(SourceEntry) if f.name != "docs"})

    def doc(self, lang: str) -> Doc | None:
        return self.docs.get(lang)


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


@dataclass(frozen=True)
class Pagination:
    """One page of a paginated list: its number, how many there are, and the neighbours' URLs."""

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
    posts: list[Entry]  # published, newest first
    pages: list[Entry]
    tags: dict[str, Tag]
    _position: dict = field(default_factory=dict, repr=False)

    def paginate(self, listing: list, url_of) -> list[tuple[list, Pagination]]:
        """`listing` cut into pages of `posts_per_page` (one empty page when there is nothing);
        `url_of(n)` is page n's URL."""
        per_page = self.config.posts_per_page
        chunks = [listing[i:i + per_page] for i in range(0, len(listing), per_page)] or [[]]
        total = len(chunks)
        return [(chunk, Pagination(n, total, url_of(n), url_of(n - 1) if n > 1 else None,
                                   url_of(n + 1) if n < total else None))
                for n, chunk in enumerate(chunks, 1)]

    def feed_posts(self) -> list[Entry]:
        """The posts feeds carry, newest first: never a draft, not even in a --drafts preview."""
        return [e for e in self.posts if not e.draft]

    def episodes(self, code: str) -> list[Doc]:
        """The documents in `code` that are podcast episodes: narrated, published, with a podcast set up."""
        if self.config.podcast is None:
            return []
        return [e.docs[code] for e in self.feed_posts() if code in e.docs and e.docs[code].audio]

    def listing(self, lang: str, posts: list[Entry] | None = None) -> list[Listed]:
        out = []
        for entry in self.posts if posts is None else posts:
            if lang in entry.docs:
                out.append(Listed(entry.docs[lang], False))
            elif self.config.missing_translation == "mark":
                out.append(Listed(self.fallback_doc(entry, lang), True))
        return out

    def fallback_doc(self, entry: Entry, lang: str) -> Doc:
        if lang in entry.docs:
            return entry.docs[lang]
        for code in [self.config.default_language, *self.config.codes]:
            if code in entry.docs:
                return entry.docs[code]
        raise KeyError(lang)

    def posts_in(self, lang: str) -> list[Doc]:
        return [e.docs[lang] for e in self.posts if lang in e.docs]

    def posts_tagged(self, tag: str) -> list[Entry]:
        return [e for e in self.posts if tag in e.tags]

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

    def tags_in(self, lang: str) -> list[tuple[Tag, int]]:
        counts = []
        for tag in self.tags.values():
            n = len(self.listing(lang, self.posts_tagged(tag.key)))
            if n:
                counts.append((tag, n))
        return sorted(counts, key=lambda tc: (-tc[1], tc[0].name(lang).lower()))



@dataclass(frozen=True)
class PagePlan:
    """One HTML page to build: its kind, language and URL, and what it shows. The renderer turns
    each into a page view for its template."""

    kind: str  # home, post, page, tag, tags, archive or 404
    lang: str
    url: str  # site-relative; "404.html" for the 404 page
    entry: Entry | None = None  # post and page
    tag: Tag | None = None  # tag
    items: tuple[Listed, ...] = ()  # home, tag and archive
    pagination: Pagination | None = None  # home and tag
    root: bool = False  # the default language's home, also served at the site's root

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
        for entry in site.posts + site.pages:
            doc = entry.docs.get(code)
            if doc is not None:
                plans.append(PagePlan(entry.kind, code, doc.url, entry=entry))
        plans.append(PagePlan("tags", code, urls.tags(code)))
        for tag, _count in site.tags_in(code):
            tagged = site.listing(code, site.posts_tagged(tag.key))
            for chunk, pagination in site.paginate(tagged, lambda n: urls.tag(code, tag.slug, n)):
                plans.append(PagePlan("tag", code, pagination.url, tag=tag, items=tuple(chunk),
                                      pagination=pagination))
        plans.append(PagePlan("archive", code, urls.archive(code), items=tuple(listing)))
    plans.append(PagePlan("404", config.default_language, "404.html"))
    return plans


def markdown_jobs(entries: list[SourceEntry]) -> list[tuple[tuple[str, str], str, str, int]]:
    """What `build` must render: ((entry, lang), text, lang, first line)."""
    return [((entry.name, code), doc.body, code, doc.body_line - 1)
            for entry in entries for code, doc in entry.docs.items()]


def _summary(meta: dict, html: str) -> str:
    if meta.get("summary"):
        return str(meta["summary"]).strip()
    html = _FOOTNOTE_REF.sub("", html)  # a summary stands alone: its note markers lead nowhere
    more = _MORE.search(html)
    if more:
        return " ".join(html_to_text(html[:more.start()]).split())
    first = _FIRST_P.search(html)
    return text.shorten(html_to_text(first.group(1)), 240) if first else ""


def build_site(config: Config, urls: Urls, sources: list[SourceEntry], rendered: dict[tuple[str, str], Rendered],
               root: Path, *, now: datetime, drafts: bool = False, future: bool = False,
               media: dict | None = None, images: dict | None = None) -> tuple[Site, list[Diagnostic]]:
    """(the site, what is wrong with its content); `media` maps (entry name, language) to the
    recording the media stage measured. `root` only makes the messages' paths relative."""
    diag = Diagnostics(root)
    by_path = _link_targets(sources)
    published = {e.name for e in sources if (drafts or not e.draft) and
                 (future or e.date is None or e.date <= now)}

    entries: list[Entry] = []
    seen_urls: dict[str, Path] = {}
    for src in sources:
        if src.name not in published:
            continue
        entry = Entry.of(src)
        if src.kind == "page" and src.slug in RESERVED_PAGE_SLUGS:
            path, line = src.lines.get("slug", (src.path, None))
            diag.error(path, line, f"page slug '{src.slug}' is reserved for riji's own pages; choose another")
        for code, sdoc in src.docs.items():
            url = urls.document(src.kind, code, src.slug)
            if url in seen_urls:
                path, line = src.lines.get("slug", (sdoc.path, 2))
                diag.error(path, line,
                           f"same URL /{url} as {diag._rel(seen_urls[url])}; give one of them another 'slug:'")
                continue
            seen_urls[url] = sdoc.path
            r = rendered[(src.name, code)]
            html = _resolve_links(r, sdoc, src, code, by_path, published, urls, diag)
            if images and src.bundle is not None:
                html = _size_images(html, sdoc.path.parent, images)
            summary = _summary(sdoc.meta, html)
            description = str(sdoc.meta.get("description") or text.shorten(summary, 160))
            audio = (media or {}).get((src.name, code))
            entry.docs[code] = Doc(entry, code, str(sdoc.meta["title"]).strip(), url, html, summary,
                                   description, text.minutes(r.words, r.cjk), r.headings,
                                   sdoc.meta, sdoc, audio=audio, chapters=_chapters(src, sdoc, audio, diag),
                                   episode_type=_episode_type(sdoc, diag))
        if entry.docs:
            entries.append(entry)

    posts = sorted((e for e in entries if e.kind == "post"),
                   key=lambda e: (e.date or now, e.slug), reverse=True)
    pages = sorted((e for e in entries if e.kind == "page"),
                   key=lambda e: (e.extra.get("weight", 0), e.slug))
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
    tags = dict(sorted(tags.items()))
    site = Site(config, urls, entries, posts, pages, tags)
    _check_podcast(site, root, diag)
    return site, diag.items


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


def _resolve_links(r: Rendered, sdoc: SourceDoc, src: SourceEntry, lang: str, by_path, published,
                   urls: Urls, diag: Diagnostics) -> str:
    """Check the document's local links and swap `.md` placeholders for real URLs."""
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
        target = by_path.get(_norm(base_dir / path))
        frag = urlsplit(href).fragment
        if target is None:
            diag.error(sdoc.path, line, f"link to '{path}', which is not a post or page")
            continue
        if target.name not in published:
            diag.error(sdoc.path, line, f"link to '{path}', which is a draft or not yet published")
            continue
        code = lang if lang in target.docs else next(iter(target.docs))
        url = urls.document(target.kind, code, target.slug)
        targets[href] = urls.path(url) + (f"#{frag}" if frag else "")
    if not targets:
        return r.html
    return _PLACEHOLDER.sub(lambda m: targets.get(m.group(1), "#"), r.html)


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


def _link_targets(sources: list[SourceEntry]) -> dict[Path, SourceEntry]:
    """Every file name a link may use for a document: each real file, the split pair's name without
    its language (`x.md` for `x.en.md`), and a bundle's `index.md`."""
    out: dict[Path, SourceEntry] = {}
    for entry in sources:
        for path in entry.paths:
            path = _norm(path)
            out[path] = entry
            stem, _, lang = path.name[:-3].rpartition(".")
            if stem and lang in entry.docs:
                out.setdefault(path.with_name(stem + ".md"), entry)
    return out
