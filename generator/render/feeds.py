"""RSS 2.0 and Atom 1.0 feeds per language and per tag, written with feedgen.

feedgen 1.0 writes most of each feed. What it gets wrong is put right here without editing its
output text: every date is set from the content (its defaults are the build clock), entries are
appended (it prepends by default), one generator is made per format (it shares one language value
and one content type between RSS and Atom, which use different vocabularies for both), and Atom
entry links go through the `AtomLinks` extension (it drops their attributes).
"""
from __future__ import annotations

import uuid
from dataclasses import fields
from datetime import datetime, timezone
from functools import lru_cache, partial
from itertools import islice
from urllib.parse import urljoin, urlsplit

import lxml.html
from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from lxml import etree

from ..config import Config, Language
from ..constants import CONTROL, URL_SCHEME
from ..inputs import digest
from ..model import Doc, Site, Tag
from . import Lazy, Output
from .previous import Reads, framed, recorded
from .views import FeedLink

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)  # the date of a feed with nothing in it yet
MIME = {"rss": "application/rss+xml", "atom": "application/atom+xml", "podcast": "application/rss+xml"}


def feed_links(site: Site, strings: dict, code: str, tag: Tag | None = None) -> list[FeedLink]:
    """The feeds a page in `code` advertises for autodiscovery and in its subscribe links."""
    urls, slug = site.urls, tag.slug if tag else None
    if tag is not None and not has_tag_feed(site, code, tag):
        return []
    t = strings.get(code, {})
    title = site.config.title[code] + (f" · {tag.name(code)}" if tag else "")

    def link(kind: str, url: str, title: str, label: str) -> FeedLink:
        return FeedLink(MIME[kind], url, urls.path(url), urls.absolute(url), title, label)

    aside = t.get("aside", " ({text})")  # the language's own brackets: （RSS） in Chinese
    links = [link("rss", urls.feed(code, "rss", slug), title + aside.format(text="RSS"), t.get("rss", "RSS")),
             link("atom", urls.feed(code, "atom", slug), title + aside.format(text="Atom"), t.get("atom", "Atom"))]
    if tag is None and site.episodes(code):
        label = t.get("podcast", "Podcast")
        links.append(link("podcast", urls.feed(code, "podcast"),
                          site.config.podcast.title[code] + aside.format(text=label), label))
    return links


def has_root_feeds(site: Site) -> bool:
    """Every language's feed at the root, unless a language is served there (its feeds are)."""
    return "" not in site.urls.prefix.values()


def root_title(config: Config) -> str:
    return " · ".join(dict.fromkeys(config.title[c] for c in config.codes))


def root_feed_links(site: Site) -> list[FeedLink]:
    """The feeds of every language at once, which the site's root page advertises."""
    if not has_root_feeds(site):
        return []
    urls, config = site.urls, site.config
    title = root_title(config)
    return [FeedLink(MIME[kind], urls.root_feed(kind), urls.path(urls.root_feed(kind)),
                     urls.absolute(urls.root_feed(kind)), f"{title} ({label})", label)
            for kind, label in (("rss", "RSS"), ("atom", "Atom"))]


def has_tag_feed(site: Site, code: str, tag: Tag) -> bool:
    """A tag has a feed in a language when a post of that language carries it. Its page may list
    only the other language's posts (missing_translation: mark); a feed holds one language, and
    would be empty: neither is made nor linked then."""
    return (code, tag.key) in site.feed_tags()


def entry_guid(doc: Doc, config: Config) -> str:
    """A post's permanent id in every feed: front-matter `guid:` wins; otherwise a tag: URI (RFC 4151)
    of the site's host, the publication day, the language and the slug, so that neither a rebuild
    nor a new title changes it."""
    given = doc.meta.get("guid")
    if given is not None and str(given).strip():
        return str(given).strip()
    site = urlsplit(config.base_url)
    day = (doc.date or EPOCH).astimezone(config.tz).date().isoformat()
    return f"tag:{site.hostname},{day}:{site.path.rstrip('/')}/{doc.lang}/{doc.entry.slug}"


def atom_id(guid: str) -> str:
    """Atom ids must be IRIs: a front-matter guid that is not one is wrapped, always the same way."""
    if URL_SCHEME.match(guid):
        return guid
    try:
        return uuid.UUID(guid).urn
    except ValueError:
        return uuid.uuid5(uuid.NAMESPACE_URL, guid).urn


@lru_cache(maxsize=4096)  # a post sits in its language's feeds and each of its tags', in RSS and Atom
def absolute_html(html: str, base: str) -> str:
    """The post's HTML with every link and image made absolute: readers resolve relative URLs
    against the feed's address, where they point at nothing."""
    if not html.strip():
        return html
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    root.make_links_absolute(base, resolve_base_href=False, handle_failures="ignore")
    for node in root.iter("img", "source"):  # lxml leaves srcset alone
        if node.get("srcset"):
            node.set("srcset", ", ".join(_absolute_candidate(c, base) for c in node.get("srcset").split(",")))
    text = lxml.html.tostring(root, encoding="unicode")[len("<div>"):-len("</div>")]
    # raw HTML may write `&#7;`: lxml reads it as the character, which XML cannot hold; give the
    # reader the same reference the page has
    return CONTROL.sub(lambda m: f"&#{ord(m.group())};", text)


def _absolute_candidate(candidate: str, base: str) -> str:
    """One `url [descriptor]` of a srcset."""
    parts = candidate.split()
    if parts:
        parts[0] = urljoin(base, parts[0])
    return " ".join(parts)


def html_content(html: str) -> dict:
    """feedgen `content()` arguments for RSS: CDATA reads best, but CDATA cannot hold ']]>'."""
    return {"content": html, "type": "CDATA" if "]]>" not in html else None}


class AtomLinks(BaseEntryExtension):
    """Atom entry links with all their attributes.

    feedgen's `atom_entry` rebinds its loop variable to the new element before reading rel, type,
    hreflang and length from it (feedgen issue #135), so each entry link comes out as a bare href
    and an enclosure turns into an alternate link. This replaces those bare links with full ones.
    """

    def __init__(self):
        self.links: list[dict[str, str]] = []
        self.lang: str | None = None  # xml:lang of the entry, in a feed of several languages

    def extend_atom(self, entry):
        for bare in entry.findall("link"):
            entry.remove(bare)
        for attrs in self.links:
            etree.SubElement(entry, "link", attrs)
        if self.lang:
            entry.set("{http://www.w3.org/XML/1998/namespace}lang", self.lang)
        return entry


def render_feeds(site: Site, inputs: bytes | None = None, reads: Reads | None = None) -> Output:
    """Each language's feeds, and each tag's; with `inputs` (what every output shares, as a digest)
    each feed can tell the writer the digest of its own inputs; with `reads`, last build's digest
    of a feed whose posts are unchanged, without working it out."""
    config, urls = site.config, site.urls
    entry_digests: dict[int, bytes | None] = {}

    def work(lang: Language, tag: Tag | None, chosen: list[Doc], others: list[Language], fmt: str):
        for doc in chosen:  # a post's whole entry: every field and translation a feed item may show
            if id(doc.entry) not in entry_digests:
                entry_digests[id(doc.entry)] = digest(*_entry_fields(doc.entry))
        return digest(inputs, lang.code, tag, fmt, [o.code for o in others], site.tags,
                      [entry_digests[id(d.entry)] for d in chosen],
                      None if any(d.updated for d in chosen) else _newest(site))

    def feed_inputs(path: str, lang: Language, tag: Tag | None, chosen: list[Doc], others: list[Language], fmt: str):
        if inputs is None:
            return None
        return recorded(reads, path, [d.entry.name for d in chosen], lambda: work(lang, tag, chosen, others, fmt))

    limit = config.feeds["items"]
    posts = site.feed_posts()
    tag_langs = {(code, tag.key) for code in config.codes for tag, _n in site.tags_in(code)
                 if has_tag_feed(site, code, tag)}
    out: Output = {}
    for lang in config.languages:
        docs = site.feed_docs(lang.code, posts)
        tags: list[Tag | None] = [None]
        if config.feeds["tag_feeds"]:
            tags += [tag for tag, _n in site.tags_in(lang.code) if has_tag_feed(site, lang.code, tag)]
        for tag in tags:
            chosen = docs[:limit] if tag is None else \
                list(islice((d for e in site.posts_tagged(tag.key) if not e.draft and (d := e.docs.get(lang.code))
                             is not None and not d.source.draft), limit))  # `docs` with the tag, newest first
            others = [other for other in config.languages if other.code != lang.code and
                      (tag is None or (other.code, tag.key) in tag_langs)]
            for fmt in ("rss", "atom"):
                args = (lang, tag, chosen, others, fmt)
                path = urls.feed(lang.code, fmt, tag and tag.slug)
                out[path] = Lazy(partial(_feed, site, *args), partial(feed_inputs, path, *args))
    return out


def _feed(site: Site, lang: Language, tag: Tag | None, docs: list[Doc], others: list[Language],
          fmt: str) -> tuple[bytes, tuple]:
    """One feed's XML, made when asked for: the preview then builds only the feeds a reader opens."""
    fg = _generator(site, lang, tag, docs, others, fmt)
    return (fg.rss_str(pretty=True) if fmt == "rss" else fg.atom_str(pretty=True)), ()


def _generator(site: Site, lang: Language, tag: Tag | None, docs: list[Doc], others: list[Language],
               fmt: str) -> FeedGenerator:
    config, urls, code = site.config, site.urls, lang.code
    slug = tag.slug if tag else None
    fg = FeedGenerator()
    fg.register_extension("riji", BaseExtension, AtomLinks, atom=True, rss=False)
    if fmt == "rss" and any(d.audio for d in docs):  # for itunes:duration
        fg.load_extension("podcast", atom=False, rss=True)
    title = config.title[code] + (f" · {tag.name(code)}" if tag else "")
    page = urls.absolute(urls.tag(code, slug) if tag else urls.home(code))
    self_url = urls.absolute(urls.feed(code, fmt, slug))
    fg.id(self_url)
    fg.title(title)
    fg.subtitle(config.description[code] or title)  # RSS requires a channel description
    fg.author(name=config.author.get("name") or title, email=config.author.get("email") or None)
    fg.generator("riji")
    # RSS <language> takes RFC 1766 codes (zh-cn), Atom's xml:lang BCP 47 tags (zh-Hans)
    fg.language(lang.feed_language if fmt == "rss" else lang.hreflang)
    fg.link(href=self_url, rel="self", type=MIME[fmt])
    if fmt == "atom":
        for other in others:
            fg.link(href=urls.absolute(urls.feed(other.code, "atom", slug)), rel="alternate", type=MIME["atom"],
                    hreflang=other.hreflang)
    # last: feedgen's RSS <link> is the last alternate link given
    fg.link(href=page, rel="alternate", type="text/html", hreflang=lang.hreflang)
    fg.updated(max((d.updated for d in docs if d.updated), default=_newest(site)))

    for doc in docs:
        _text_entry(fg, doc, site, fmt)
    return fg


def _text_entry(fg: FeedGenerator, doc: Doc, site: Site, fmt: str):
    """An entry of a text feed: the post, its tags in its language, its translations and recording."""
    config, urls = site.config, site.urls
    lang = config.language(doc.lang)
    fe = add_post(fg, doc, site, fmt)
    page_url = urls.absolute(doc.url)
    for key in doc.entry.tags:
        if key in site.tags:
            fe.category(term=site.tags[key].slug, label=site.tags[key].name(lang.code))
    # the entry's one alternate page is its own: feedparser takes the last alternate link and
    # podcastparser the first, so a translation as a second alternate sent readers to it
    links = [dict(href=page_url, rel="alternate", type="text/html", hreflang=lang.hreflang)]
    for other in config.languages:
        translation = doc.entry.docs.get(other.code)
        if other.code != lang.code and translation is not None:
            links.append(dict(href=urls.absolute(translation.url), rel="related", type="text/html",
                              hreflang=other.hreflang, title=translation.title))
    if doc.audio:
        audio_url = urls.absolute(doc.audio.url)
        fe.enclosure(audio_url, str(doc.audio.length), doc.audio.mime)
        if fmt == "rss":  # podcast clients read an enclosure's length in time from itunes:duration only
            fe.podcast.itunes_duration(doc.audio.seconds)
        links.append(dict(href=audio_url, rel="enclosure", type=doc.audio.mime, length=str(doc.audio.length)))
    fe.riji.links = links
    return fe


def render_root_feeds(site: Site, reads: Reads | None = None) -> Output:
    """`/feed.xml` and `/atom.xml`: every language's posts in one feed, newest first, each entry
    marked with its language. Not made when a language is served at the root (its feeds are there).
    With `reads`, each tells the writer its inputs: the site's frame and its posts' text."""
    if not has_root_feeds(site):
        return {}
    entries = site.feed_posts()[:site.config.feeds["items"]]
    docs = [e.docs[c] for e in entries for c in site.config.codes if c in e.docs]
    names = [e.name for e in entries]
    return {(path := site.urls.root_feed(fmt)): Lazy(partial(_root_feed, site, docs, fmt),
                                                     partial(framed, reads, path, names))
            for fmt in ("rss", "atom")}


def _root_feed(site: Site, docs: list[Doc], fmt: str) -> tuple[bytes, tuple]:
    config, urls = site.config, site.urls
    fg = FeedGenerator()
    fg.register_extension("riji", BaseExtension, AtomLinks, atom=True, rss=False)
    if fmt == "rss":
        fg.load_extension("dc", atom=False, rss=True)
        if any(d.audio for d in docs):  # for itunes:duration
            fg.load_extension("podcast", atom=False, rss=True)
        # RSS has one channel language: the default one; each item says its own in dc:language
        fg.language(config.language(config.default_language).feed_language)
    title = root_title(config)
    self_url = urls.absolute(urls.root_feed(fmt))
    fg.id(self_url)
    fg.title(title)
    fg.subtitle(" · ".join(dict.fromkeys(config.description[c] for c in config.codes if config.description[c]))
                or title)
    fg.author(name=config.author.get("name") or title, email=config.author.get("email") or None)
    fg.generator("riji")
    fg.link(href=self_url, rel="self", type=MIME[fmt])
    for lang in config.languages:
        fg.link(href=urls.absolute(urls.feed(lang.code, fmt)), rel="alternate", type=MIME[fmt],
                hreflang=lang.hreflang)
    fg.link(href=urls.absolute(""), rel="alternate", type="text/html")  # last: RSS <link>
    fg.updated(max((d.updated for d in docs if d.updated), default=_newest(site)))
    for doc in docs:
        fe = _text_entry(fg, doc, site, fmt)
        lang = config.language(doc.lang)
        if fmt == "rss":
            fe.dc.dc_language(lang.feed_language)
        else:
            fe.riji.lang = lang.hreflang
    return (fg.rss_str(pretty=True) if fmt == "rss" else fg.atom_str(pretty=True)), ()


def add_post(fg: FeedGenerator, doc: Doc, site: Site, fmt: str):
    """A feed entry with what every feed (text or podcast) says of a post: id, title, link, dates,
    summary and, if the site wants it, the full content with absolute links."""
    config = site.config
    fe = fg.add_entry(order="append")  # feedgen prepends by default
    page_url = site.urls.absolute(doc.url)
    guid = entry_guid(doc, config)
    if fmt == "atom":
        fe.id(atom_id(guid))
    else:
        fe.guid(guid, permalink=False)
    fe.title(doc.title)
    fe.link(href=page_url, rel="alternate")
    fe.published(doc.date or EPOCH)
    fe.updated(doc.updated or EPOCH)
    # never empty: feedgen would move the full content into an empty RSS description
    fe.summary(doc.summary or doc.description or doc.title)
    if config.feeds["full_content"]:
        html = absolute_html(doc.html, page_url)
        if fmt == "atom":
            fe.content(html, type="html")  # feedgen would copy "CDATA" into Atom's type attribute
        else:
            fe.content(**html_content(html))
    return fe


def _entry_fields(entry) -> tuple[dict, dict]:
    """An entry's fields and its documents' fields, without the documents' links back to it (nor
    what the model keeps with it, which is made of it)."""
    own = {f.name: getattr(entry, f.name) for f in fields(entry) if f.name not in ("docs", "cache")}
    return own, {code: {f.name: getattr(doc, f.name) for f in fields(doc) if f.name != "entry"}
                 for code, doc in entry.docs.items()}


def _newest(site: Site) -> datetime:
    stamps = [e.updated or e.date for e in site.feed_posts() if e.updated or e.date]
    return max(stamps, default=EPOCH)
