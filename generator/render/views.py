"""What templates receive: plain frozen values, worked out before a template runs. Templates get no
live model objects and no URL scheme; the README's list of template variables is this module.

Every page: `site` (SiteView), `lang` and `languages` (config.Language), `page` (PageView), `ui`
(each UI string of the page's language as an attribute), `nav` (Nav), `root`, `extra_body`, and the
functions `t`, `tr`, `url`, `abs_url`, `asset`, `format_date`. Each kind adds its own:

- home: `items` (Card), `pagination` (model.Pagination)
- post: `doc` (DocView), `older`, `newer` (DocView or None), `tags` (TagLink), `chapters` (Chapter)
- page: `doc`
- tag: `tag` (TagLink), `items`, `pagination`, `tag_feeds` (FeedLink)
- tags: `tag_counts` ((TagLink, count))
- archive: `years` ((year, [Card]))
- 404: nothing more
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..config import Language


@dataclass(frozen=True)
class SiteView:
    title: str
    description: str
    author: dict
    copyright: str


@dataclass(frozen=True)
class Link:
    title: str
    href: str


@dataclass(frozen=True)
class FeedLink:
    """A feed a page advertises: `url` site-relative, `href` root-relative, `absolute` with the host."""

    type: str
    url: str
    href: str
    absolute: str
    title: str
    label: str


@dataclass(frozen=True)
class Nav:
    """Links that are the same on every page of a language."""

    home: str
    archive: str
    tags: str
    homes: dict  # language code -> that language's home (the 404 page links each)
    menu: tuple[Link, ...]
    feeds: tuple[FeedLink, ...]
    style: str
    script: str
    icon: str


@dataclass(frozen=True)
class Alternate:
    lang: Language | None  # None for x-default
    hreflang: str
    url: str


@dataclass(frozen=True)
class SwitchOption:
    """One language in the switcher: the page in it, or (url None) its home."""

    lang: Language
    current: bool
    url: str | None
    home: str
    name_here: str
    href: str
    label: str


@dataclass(frozen=True)
class DocView:
    """A post or page in one language."""

    lang: str
    title: str
    url: str
    html: str
    summary: str
    description: str
    date: datetime | None
    updated: datetime | None  # the last edit, or the date when there is none
    reading_minutes: int
    headings: tuple
    audio: object  # media.Audio or None


@dataclass(frozen=True)
class PageView:
    kind: str
    url: str
    href: str
    canonical: str
    title: str
    description: str
    alternates: tuple[Alternate, ...]
    switcher: tuple[SwitchOption, ...]
    image: str | None = None
    doc: DocView | None = None


@dataclass(frozen=True)
class TagLink:
    name: str  # in the page's language
    href: str


@dataclass(frozen=True)
class Card:
    """A post in a list, in the list's language or marked as only in another one."""

    doc: DocView
    other_language: bool
    lang: Language
    badge: str
    href: str
    date_text: str
    minutes_text: str
    listen_text: str
