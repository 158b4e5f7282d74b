"""The site model: every document, language, tag and URL, resolved in memory with no I/O.

Language is a parameter of every lookup; nothing here treats `en` or `zh` specially.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

from . import slugs, text
from .config import Config
from .diagnostics import Diagnostic, Diagnostics
from .markdown import PLACEHOLDER, Rendered, html_to_text
from .sources import SourceDoc, SourceEntry

RESERVED_PAGE_SLUGS = {"posts", "tags", "archive", "page", "assets", "feed.xml", "atom.xml"}
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

    @property
    def date(self) -> datetime | None:
        return self.entry.date

    @property
    def updated(self) -> datetime | None:
        return self.entry.updated or self.entry.date



@dataclass
class Entry:
    kind: str
    name: str
    slug: str
    date: datetime | None
    updated: datetime | None
    tags: tuple[str, ...]
    draft: bool
    extra: dict
    bundle: Path | None
    assets: tuple[str, ...]
    paths: list[Path]
    docs: dict[str, Doc] = field(default_factory=dict)
    lines: dict[str, tuple[Path, int | None]] = field(default_factory=dict)  # shared key -> where

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


@dataclass
class Site:
    config: Config
    entries: list[Entry]
    posts: list[Entry]  # published, newest first
    pages: list[Entry]
    tags: dict[str, Tag]
    _position: dict = field(default_factory=dict, repr=False)

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



class Urls:
    """Site-relative URL of everything, per language; the only place URL shapes are decided."""

    def __init__(self, config: Config):
        self.config = config
        self.prefix = {lang.code: lang.prefix for lang in config.languages}

    def _p(self, lang: str, rest: str = "") -> str:
        p = self.prefix[lang]
        return f"{p}/{rest}" if p else rest

    def home(self, lang: str, page: int = 1) -> str:
        return self._p(lang, "" if page == 1 else f"page/{page}/")

    def post(self, lang: str, slug: str) -> str:
        return self._p(lang, f"posts/{slug}/")

    def page(self, lang: str, slug: str) -> str:
        return self._p(lang, f"{slug}/")

    def tags(self, lang: str) -> str:
        return self._p(lang, "tags/")

    def tag(self, lang: str, tag: Tag, page: int = 1) -> str:
        return self._p(lang, f"tags/{tag.slug}/" + ("" if page == 1 else f"page/{page}/"))

    def archive(self, lang: str) -> str:
        return self._p(lang, "archive/")

    def feed(self, lang: str, kind: str = "rss", tag: Tag | None = None) -> str:
        name = {"rss": "feed.xml", "atom": "atom.xml", "podcast": "podcast.xml"}[kind]
        return self._p(lang, (f"tags/{tag.slug}/" if tag else "") + name)

    def absolute(self, url: str) -> str:
        return self.config.base_url + url

    def path(self, url: str) -> str:
        """Root-relative form, honouring a base_url with a sub-path."""
        return self.config.base_path + url


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


def build_site(config: Config, sources: list[SourceEntry], rendered: dict[tuple[str, str], Rendered],
               root: Path, *, now: datetime, drafts: bool = False, future: bool = False,
               media: dict | None = None, images: dict | None = None) -> tuple[Site, list[Diagnostic]]:
    """(the site, what is wrong with its content); `media` maps (entry name, language) to the
    recording the media stage measured. `root` only makes the messages' paths relative."""
    diag = Diagnostics(root)
    urls = Urls(config)
    by_path = _link_targets(sources)
    published = {e.name for e in sources if (drafts or not e.draft) and
                 (future or e.date is None or e.date <= now)}

    entries: list[Entry] = []
    seen_urls: dict[str, Path] = {}
    for src in sources:
        if src.name not in published:
            continue
        entry = Entry(src.kind, src.name, src.slug, src.date, src.updated, src.tags, src.draft,
                      src.extra, src.bundle, src.assets, src.paths, lines=src.lines)
        if src.kind == "page" and src.slug in RESERVED_PAGE_SLUGS:
            path, line = src.lines.get("slug", (src.path, None))
            diag.error(path, line, f"page slug '{src.slug}' is reserved for riji's own pages; choose another")
        for code, sdoc in src.docs.items():
            url = (urls.post if src.kind == "post" else urls.page)(code, src.slug)
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
            entry.docs[code] = Doc(entry, code, str(sdoc.meta["title"]).strip(), url, html, summary,
                                   description, text.minutes(r.words, r.cjk), r.headings,
                                   sdoc.meta, sdoc, audio=(media or {}).get((src.name, code)))
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
    return Site(config, entries, posts, pages, tags), diag.items


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
        url = (urls.post if target.kind == "post" else urls.page)(code, target.slug)
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
