"""What templates receive: plain frozen values, worked out before a template runs. Templates get no
live model objects and no URL scheme; the README's list of template variables is this module.

Every page: `site` (SiteView), `lang` and `languages` (config.Language), `page` (PageView), `ui`
(each UI string of the page's language as an attribute), `nav` (Nav), `root`, `extra_body`, and the
functions `t`, `tr`, `url`, `abs_url`, `asset`, `format_date`. Each kind adds its own:

- home: `items` (Card; on the first page the newest has its `lead` paragraph), `pagination`
  (model.Pagination)
- post: `doc` (DocView), `older`, `newer` (DocView or None), `tags` (TagLink), `chapters` (Chapter),
  `on_this_day` (Card: the same day in other years), `notice` (Notice or None: this translation is
  outdated), `parallel` (href of the side-by-side view or None)
- page: `doc`, `notice`, `parallel`
- parallel: `doc`, `other` (DocView shown beside it), `other_lang` (config.Language), `pairs` (Pair),
  `notes` (Pair or None: each language's footnotes), `post` (href of the post), `pairings` (Link:
  the same view beside each further language)
- tag: `tag` (TagLink), `items`, `pagination`, `tag_feeds` (FeedLink)
- tags: `tag_counts` ((TagLink, count))
- archive: `years` ((year, [Card])), `calendar` (CalendarYear), `weekdays` (short names, Monday first)
- 404: `recent` (language code -> the newest Cards of that language)
- redirect (an old URL from `aliases:`): `target` (DocView)
"""
from __future__ import annotations

from dataclasses import dataclass, field
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
    search: str | None  # the language's search page; None when search is off
    homes: dict  # language code -> that language's home (the 404 page links each)
    menu: tuple[Link, ...]
    feeds: tuple[FeedLink, ...]
    style: str
    code_style: str  # the code colours, loaded only by pages that show code (PageView.has_code)
    script: str
    icon: str
    on_this_day: str = ""  # the language's "on this day" index (render.diary), root-relative
    root_feeds: tuple[FeedLink, ...] = ()  # every language in one feed; the root page links them
    searches: dict = field(default_factory=dict)  # language code -> its search page (the 404 page has a field for each)


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
class Neighbour:
    """The post before or after a post, as its page links to it: no text, so an edit to one post's
    text leaves its neighbours' pages as they are."""

    lang: str
    title: str
    url: str
    date: datetime | None


@dataclass(frozen=True)
class Mention:
    """A post named on another's page ("on this day"): no text either, for the same reason."""

    doc: Neighbour
    href: str
    year: int  # of its date, in the site's time zone


@dataclass(frozen=True)
class CardDoc:
    """A post in a list: what its card shows, not its text, so a list page reads of a post's text
    only what is made of it here (render.previous keeps the list when those are unchanged)."""

    lang: str
    title: str
    url: str
    summary: str
    description: str
    date: datetime | None
    updated: datetime | None
    reading_minutes: int
    audio: object  # media.Audio or None
    visibility: str = "public"


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
    toc: tuple = ()  # TocItem: the table of contents, nested; () for none
    toc_at: int | None = None  # where in `html` the contents go (a `[TOC]` paragraph); None: the top
    visibility: str = "public"  # public, unlisted or private
    pinyin: str = ""  # URL of the document's pinyin readings (render/pinyin.py); "" for none

    @property
    def html_parts(self) -> tuple[str, str]:
        """`html` cut where the table of contents goes."""
        at = self.toc_at or 0
        return self.html[:at], self.html[at:]


@dataclass(frozen=True)
class TocItem:
    id: str
    text: str
    children: tuple["TocItem", ...] = ()


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
    noindex: bool = False  # <meta name="robots" content="noindex">: unlisted entries, redirects
    has_code: bool = False  # the page shows a code block, so it loads nav.code_style


@dataclass(frozen=True)
class TagLink:
    name: str  # in the page's language
    href: str


@dataclass(frozen=True)
class Card:
    """A post in a list. Its labels are in the list's language; `lang` is the post's, for its title."""

    doc: CardDoc
    other_language: bool
    lang: Language
    badge: str
    href: str
    date_text: str
    minutes_text: str
    listen_text: str
    year: int = 0  # of its date, in the site's time zone
    lead: str = ""  # the post's first paragraph (HTML), for the newest post on the home page


@dataclass(frozen=True)
class CalendarCell:
    """A day of the writing calendar: its date, a label for screen readers, and the post written
    that day (the first, when there are several) or None."""

    date: str  # ISO
    label: str
    href: str | None
    count: int


@dataclass(frozen=True)
class CalendarYear:
    year: int
    label: str  # e.g. "2025: 12 days written"
    rows: tuple[tuple[CalendarCell | None, ...], ...]  # Monday to Sunday, a cell per week


@dataclass(frozen=True)
class Notice:
    """An outdated translation tells its reader, in its own language, and links the original."""

    text: str
    link: str  # the link's words
    href: str
    hreflang: str


@dataclass(frozen=True)
class Cell:
    """One language's block in the side-by-side view (`html` empty for a gap)."""

    lang: Language
    html: str

    @property
    def empty(self) -> bool:
        return not self.html


@dataclass(frozen=True)
class Pair:
    """Aligned blocks: the page's language first."""

    cells: tuple[Cell, Cell]
