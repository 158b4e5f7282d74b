"""Podcast feeds: per language, an RSS 2.0 feed of the posts narrated in it, with Apple's itunes:
tags and the Podcasting 2.0 podcast: tags, and a JSON chapters file beside each post that lists
chapters.

feedgen's podcast extension writes the itunes: tags it gets right (author, owner, category, type,
duration, episode, season, episodeType). It cannot write `itunes:explicit` as true/false (it takes
only the outdated yes/no/clean), it silently drops a channel `itunes:image` whose URL ends in
.jpeg and refuses any such URL on an episode, and it has no podcast: namespace. `PodcastChannel`
and `PodcastItem`, registered as a feedgen extension, write those elements instead.
"""
from __future__ import annotations

import json
import re
import uuid
from functools import partial
from urllib.parse import urljoin

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from lxml import etree

from ..chapters import Chapter
from ..config import Language
from ..constants import URL_SCHEME
from ..model import CHAPTERS_FILE, Doc, Site
from . import Lazy, Output
from .feeds import EPOCH, add_post
from .previous import Reads, framed

ITUNES_NS = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST_NS = "https://podcastindex.org/namespace/1.0"
PSC_NS = "http://podlove.org/simple-chapters"  # Podlove Simple Chapters: read by gPodder and others
GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")  # Podcasting 2.0's, for podcast:guid
CHAPTERS_VERSION = "1.2.0"


def podcast_guid(feed_url: str) -> str:
    """podcast:guid as Podcasting 2.0 derives it: UUIDv5 of the feed URL without its scheme and
    trailing slashes. Pin it in site.yaml before moving the feed: it must never change."""
    bare = re.sub(URL_SCHEME.pattern + "//", "", feed_url.strip()).rstrip("/")
    return str(uuid.uuid5(GUID_NAMESPACE, bare))


def _sub(parent, ns: str, name: str, text: str | None = None, **attrs: str):
    node = etree.SubElement(parent, f"{{{ns}}}{name}", attrs)
    if text is not None:
        node.text = text
    return node


class PodcastChannel(BaseExtension):
    """Channel tags feedgen cannot write: itunes:image, itunes:explicit, podcast:guid, podcast:locked."""

    def __init__(self):
        self.image = self.guid = self.owner = ""
        self.explicit = self.locked = False

    def extend_ns(self):
        return {"itunes": ITUNES_NS, "podcast": PODCAST_NS, "psc": PSC_NS}

    def extend_rss(self, feed):
        channel = feed[0]
        _sub(channel, ITUNES_NS, "image", href=self.image)
        _sub(channel, ITUNES_NS, "explicit", "true" if self.explicit else "false")
        _sub(channel, PODCAST_NS, "guid", self.guid)
        _sub(channel, PODCAST_NS, "locked", "yes" if self.locked else "no", owner=self.owner)
        return feed


class PodcastItem(BaseEntryExtension):
    """Item tags feedgen cannot write: itunes:image, itunes:explicit, podcast:transcript,
    podcast:chapters (a link to the JSON file) and the same chapters inline as psc:chapters."""

    def __init__(self):
        self.image: str | None = None
        self.explicit: bool | None = None
        self.transcript: dict[str, str] | None = None
        self.chapters: str | None = None
        self.inline: tuple[Chapter, ...] = ()

    def extend_rss(self, item):
        if self.image:
            _sub(item, ITUNES_NS, "image", href=self.image)
        if self.explicit is not None:
            _sub(item, ITUNES_NS, "explicit", "true" if self.explicit else "false")
        if self.transcript:
            _sub(item, PODCAST_NS, "transcript", **self.transcript)
        if self.chapters:
            _sub(item, PODCAST_NS, "chapters", url=self.chapters, type="application/json+chapters")
        if self.inline:
            chapters = _sub(item, PSC_NS, "chapters", version="1.2")
            for chapter in self.inline:
                _sub(chapters, PSC_NS, "chapter", start=npt(chapter.start), title=chapter.title)
        return item


def npt(seconds: float) -> str:
    """A Podlove start time (normal play time): HH:MM:SS, with milliseconds when there are any."""
    whole, ms = divmod(round(seconds * 1000), 1000)
    text = f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"
    return text + (f".{ms:03d}" if ms else "")


def render_podcast(site: Site, reads: Reads | None = None) -> Output:
    """Per language, the feed of its episodes and a chapters file beside each post that has chapters.
    With `reads`, a feed tells the writer its inputs: the site's frame and its episodes' text."""
    urls = site.urls
    out: Output = {}
    for lang in site.config.languages:
        docs = site.episodes(lang.code)
        if not docs:
            continue
        for doc in docs:
            if doc.chapters:
                out[doc.url + CHAPTERS_FILE] = chapters_json(doc.chapters)
        path = urls.feed(lang.code, "podcast")
        out[path] = Lazy(partial(_feed, site, lang, docs), partial(framed, reads, path, [d.entry.name for d in docs]))
    return out


def _feed(site: Site, lang: Language, docs: list[Doc]) -> tuple[bytes, tuple]:
    return _generator(site, lang, docs).rss_str(pretty=True), ()


def chapters_json(chapters: tuple[Chapter, ...]) -> bytes:
    """A Podcasting 2.0 JSON chapters file."""
    data = {"version": CHAPTERS_VERSION, "chapters": [{"startTime": c.start, "title": c.title} for c in chapters]}
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _generator(site: Site, lang: Language, docs: list[Doc]) -> FeedGenerator:
    config, urls, code = site.config, site.urls, lang.code
    podcast = config.podcast
    fg = FeedGenerator()
    fg.load_extension("podcast")
    fg.register_extension("podcastindex", PodcastChannel, PodcastItem, atom=False, rss=True)
    feed_url = urls.absolute(urls.feed(code, "podcast"))
    link = urljoin(config.base_url, podcast.link[code]) if podcast.link[code] else urls.absolute(urls.home(code))
    cover = urls.absolute(podcast.image)
    fg.title(podcast.title[code])
    fg.description(podcast.description[code])
    fg.link(href=feed_url, rel="self", type="application/rss+xml")
    fg.link(href=link, rel="alternate")  # last alternate: feedgen's RSS <link>
    fg.language(lang.feed_language)
    fg.generator("riji")
    fg.image(url=cover, title=podcast.title[code], link=link)
    fg.updated(max((d.updated or EPOCH for d in docs), default=EPOCH))
    if podcast.author[code]:
        fg.podcast.itunes_author(podcast.author[code])
    if podcast.owner_email:
        fg.podcast.itunes_owner(name=podcast.owner_name[code] or podcast.title[code], email=podcast.owner_email)
    if podcast.category:
        category = {"cat": podcast.category}
        if podcast.subcategory:
            category["sub"] = podcast.subcategory
        fg.podcast.itunes_category(category)
    fg.podcast.itunes_type(podcast.type)
    channel = fg.podcastindex
    channel.image, channel.explicit, channel.locked, channel.owner = (cover, podcast.explicit, podcast.locked,
                                                                     podcast.owner_email)
    channel.guid = podcast.guid.get(code) or podcast_guid(feed_url)

    for doc in docs:
        fe = add_post(fg, doc, site, "rss")
        page_url = urls.absolute(doc.url)
        fe.enclosure(urls.absolute(doc.audio.url), str(doc.audio.length), doc.audio.mime)
        fe.podcast.itunes_duration(doc.audio.seconds)
        for key in ("season", "episode"):
            if key in doc.entry.extra:
                getattr(fe.podcast, f"itunes_{key}")(doc.entry.extra[key])
        fe.podcast.itunes_episode_type(doc.episode_type)
        item = fe.podcastindex
        item.image = urls.absolute(doc.audio.art) if doc.audio.art else None
        item.explicit = doc.entry.extra.get("explicit")
        # the diary text is the transcript: the post's own page
        item.transcript = dict(url=page_url, type="text/html", language=lang.feed_language)
        item.chapters = urls.absolute(doc.url + CHAPTERS_FILE) if doc.chapters else None
        item.inline = doc.chapters or ()
    return fg
