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
import math
import re
import uuid
from urllib.parse import urljoin

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from lxml import etree

from ..config import Language
from ..diagnostics import Diagnostics
from ..model import Doc, Site, Urls
from . import Output
from .feeds import EPOCH, add_post, episodes, feed_entries

ITUNES_NS = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST_NS = "https://podcastindex.org/namespace/1.0"
GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")  # Podcasting 2.0's, for podcast:guid
CHAPTERS_FILE = "chapters.json"
CHAPTERS_VERSION = "1.2.0"
EPISODE_TYPES = ("full", "trailer", "bonus")


def podcast_guid(feed_url: str) -> str:
    """podcast:guid as Podcasting 2.0 derives it: UUIDv5 of the feed URL without its scheme and
    trailing slashes. Pin it in site.yaml before moving the feed: it must never change."""
    bare = re.sub(r"^[A-Za-z][A-Za-z0-9+.-]*://", "", feed_url.strip()).rstrip("/")
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
        return {"itunes": ITUNES_NS, "podcast": PODCAST_NS}

    def extend_rss(self, feed):
        channel = feed[0]
        _sub(channel, ITUNES_NS, "image", href=self.image)
        _sub(channel, ITUNES_NS, "explicit", "true" if self.explicit else "false")
        _sub(channel, PODCAST_NS, "guid", self.guid)
        _sub(channel, PODCAST_NS, "locked", "yes" if self.locked else "no", owner=self.owner)
        return feed


class PodcastItem(BaseEntryExtension):
    """Item tags feedgen cannot write: itunes:image, itunes:explicit, podcast:transcript, podcast:chapters."""

    def __init__(self):
        self.image: str | None = None
        self.explicit: bool | None = None
        self.transcript: dict[str, str] | None = None
        self.chapters: str | None = None

    def extend_rss(self, item):
        if self.image:
            _sub(item, ITUNES_NS, "image", href=self.image)
        if self.explicit is not None:
            _sub(item, ITUNES_NS, "explicit", "true" if self.explicit else "false")
        if self.transcript:
            _sub(item, PODCAST_NS, "transcript", **self.transcript)
        if self.chapters:
            _sub(item, PODCAST_NS, "chapters", url=self.chapters, type="application/json+chapters")
        return item


def render_podcast(site: Site, root) -> tuple[Output, list]:
    diag = Diagnostics(root)
    config = site.config
    urls = Urls(config)
    out: Output = {}
    for entry in feed_entries(site):
        for doc in entry.docs.values():
            if "chapters" in doc.meta and "audio" not in doc.meta:  # a broken recording is reported already
                diag.error(doc.source.path, doc.source.lines.get("chapters"),
                           "'chapters' needs an 'audio:' recording in the same language")
    if config.podcast is None:
        narrated = sum(1 for e in feed_entries(site) for d in e.docs.values() if d.audio)
        if narrated:
            some = "1 post has" if narrated == 1 else f"{narrated} posts have"
            diag.warning(root / "site.yaml", None,
                         f"{some} audio, but site.yaml has no 'podcast:' section, so no podcast feed is made")
        return out, diag.items
    if not config.base_url.startswith("https://") and any(episodes(site, c) for c in config.codes):
        diag.warning(root / "site.yaml", config.line("base_url"),
                     "podcast apps expect https addresses; base_url is not https")
    for lang in config.languages:
        docs = episodes(site, lang.code)
        if not docs:
            continue
        chapter_urls: dict[int, str] = {}
        for doc in docs:
            chapters = parse_chapters(doc, diag)
            if not chapters:
                continue
            if CHAPTERS_FILE in doc.entry.assets:
                diag.error(doc.source.path, doc.source.lines.get("chapters"),
                           f"the post's folder has its own {CHAPTERS_FILE}, which the 'chapters' list would "
                           f"replace; rename the file or remove the list")
                continue
            out[doc.url + CHAPTERS_FILE] = chapters_json(chapters)
            chapter_urls[id(doc)] = urls.absolute(doc.url + CHAPTERS_FILE)
        fg = _generator(site, lang, docs, chapter_urls, diag)
        out[urls.feed(lang.code, "podcast")] = fg.rss_str(pretty=True)
    return out, diag.items


def chapters_json(chapters: list[dict]) -> bytes:
    """A Podcasting 2.0 JSON chapters file."""
    data = {"version": CHAPTERS_VERSION, "chapters": chapters}
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def parse_chapters(doc: Doc, diag: Diagnostics) -> list[dict] | None:
    """The post's `chapters:` list as JSON chapters, checked against the recording's duration."""
    raw = doc.meta.get("chapters")
    if raw is None:
        return None
    path, line = doc.source.path, doc.source.lines.get("chapters")
    if not isinstance(raw, list) or not raw:
        diag.error(path, line, "'chapters' must be a list of {start: \"m:ss\", title: ...}")
        return None
    out: list[dict] = []
    ok = True
    duration = doc.audio.duration
    for n, item in enumerate(raw, 1):
        if not isinstance(item, dict) or set(item) != {"start", "title"}:
            diag.error(path, line, f"chapter {n} must have exactly 'start' and 'title'")
            ok = False
            continue
        start, title = _seconds(item["start"]), str(item["title"] or "").strip()
        if start is None:
            diag.error(path, line, f"chapter {n} starts at '{item['start']}': write seconds or m:ss")
            ok = False
        elif out and start <= out[-1]["startTime"]:
            diag.error(path, line, f"chapter {n} starts at {clock(start)}, not after chapter {n - 1} "
                                   f"({clock(out[-1]['startTime'])}): list chapters in order")
            ok = False
        elif start >= duration:
            diag.error(path, line, f"chapter {n} starts at {clock(start)}, but the recording lasts "
                                   f"{clock(duration)}")
            ok = False
        if not title:
            diag.error(path, line, f"chapter {n} has no title")
            ok = False
        if ok:
            out.append({"startTime": start, "title": title})
    return out if ok else None


def _seconds(value) -> int | float | None:
    """Seconds from `95`, `"1:35"` or `"0:01:35"` (YAML itself reads an unquoted 1:35 as 95)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return value if value >= 0 and math.isfinite(value) else None  # YAML reads .inf and .nan
    match = re.fullmatch(r"(?:(\d+):)?(\d+):([0-5]\d(?:\.\d+)?)", str(value).strip())
    if not match:
        return None
    h, m, s = match.groups()
    total = int(h or 0) * 3600 + int(m) * 60 + float(s)
    return int(total) if total == int(total) else total


def clock(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


def _generator(site: Site, lang: Language, docs: list[Doc], chapter_urls: dict[int, str],
               diag: Diagnostics) -> FeedGenerator:
    config, urls, code = site.config, Urls(site.config), lang.code
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
        fe = add_post(fg, doc, config, "rss")
        page_url = urls.absolute(doc.url)
        fe.enclosure(urls.absolute(doc.audio.url), str(doc.audio.length), doc.audio.mime)
        fe.podcast.itunes_duration(doc.audio.seconds)
        for key in ("season", "episode"):
            if key in doc.entry.extra:
                getattr(fe.podcast, f"itunes_{key}")(doc.entry.extra[key])
        kind = doc.meta.get("episode_type", "full")
        if kind not in EPISODE_TYPES:
            diag.error(doc.source.path, doc.source.lines.get("episode_type"),
                       f"'episode_type' must be one of {', '.join(EPISODE_TYPES)}, not '{kind}'")
            kind = "full"
        fe.podcast.itunes_episode_type(kind)
        item = fe.podcastindex
        item.image = urls.absolute(doc.audio.art) if doc.audio.art else None
        item.explicit = doc.entry.extra.get("explicit")
        # the diary text is the transcript: the post's own page
        item.transcript = dict(url=page_url, type="text/html", language=lang.feed_language)
        item.chapters = chapter_urls.get(id(doc))
    return fg
