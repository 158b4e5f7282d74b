"""The URL scheme: where every page and feed of each language lives. The only place URL shapes are
decided; it knows slugs and language prefixes, nothing of the model, so the media stage can use it
before the model exists. One instance per site (`Site.urls`)."""
from __future__ import annotations

from typing import Mapping

from .constants import base_path

FEED_FILES = {"rss": "feed.xml", "atom": "atom.xml", "podcast": "podcast.xml"}


class Urls:
    """Site-relative URLs (e.g. "en/posts/slug/"), per language code."""

    def __init__(self, prefixes: Mapping[str, str], base_url: str):
        self.prefix = dict(prefixes)  # language code -> its folder ("" for one served at the root)
        self.base_url = base_url
        self.base_path = base_path(base_url)

    def _p(self, lang: str, rest: str = "") -> str:
        p = self.prefix[lang]
        return f"{p}/{rest}" if p else rest

    def home(self, lang: str, page: int = 1) -> str:
        return self._p(lang, "" if page == 1 else f"page/{page}/")

    def post(self, lang: str, slug: str) -> str:
        return self._p(lang, f"posts/{slug}/")

    def page(self, lang: str, slug: str) -> str:
        return self._p(lang, f"{slug}/")

    def document(self, kind: str, lang: str, slug: str) -> str:
        """A post's or a page's URL."""
        return (self.post if kind == "post" else self.page)(lang, slug)

    def parallel(self, kind: str, lang: str, slug: str, other: str | None = None) -> str:
        """The side-by-side view of a post or page: with its usual partner, or with `other`."""
        return self.parallel_of(self.document(kind, lang, slug), other)

    @staticmethod
    def parallel_of(url: str, other: str | None = None) -> str:
        """The side-by-side view below a document's URL (or below an old URL of it)."""
        return url + "parallel/" + (f"{other}/" if other else "")

    def tags(self, lang: str) -> str:
        return self._p(lang, "tags/")

    def tag(self, lang: str, slug: str, page: int = 1) -> str:
        return self._p(lang, f"tags/{slug}/" + ("" if page == 1 else f"page/{page}/"))

    def archive(self, lang: str) -> str:
        return self._p(lang, "archive/")

    def search(self, lang: str) -> str:
        return self._p(lang, "search/")

    def feed(self, lang: str, kind: str = "rss", tag: str | None = None) -> str:
        """`tag` is a tag's slug, for that tag's feed."""
        return self._p(lang, (f"tags/{tag}/" if tag else "") + FEED_FILES[kind])

    def root_feed(self, kind: str = "rss") -> str:
        """The feed of every language at once, at the site's root."""
        return FEED_FILES[kind]

    def on_this_day(self, lang: str) -> str:
        return self._p(lang, "on-this-day.json")

    def alias(self, lang: str, written: str) -> str | None:
        """Where an old URL from `aliases:` lives, site-relative; None when it cannot be one of this
        site's pages. `/x/` is the site's root (its base path may be written or not), `x/` is
        under the language's prefix."""
        written = written.strip()
        if (not written or "\\" in written or "?" in written or "#" in written or written.startswith("//")
                or ":" in written.split("/", 1)[0]):
            return None
        if written.startswith("/"):
            rest = written[len(self.base_path):] if written.startswith(self.base_path) else written[1:]
        else:
            rest = self._p(lang, written)
        parts = rest.split("/")
        if any(p in (".", "..") for p in parts) or not rest.strip("/"):
            return None
        return rest if rest.endswith(("/", ".html", ".htm")) else rest + "/"

    def absolute(self, url: str) -> str:
        return self.base_url + url

    def path(self, url: str) -> str:
        """Root-relative form, honouring a base_url with a sub-path."""
        return self.base_path + url


def site_urls(config) -> Urls:
    """The URL scheme of a site as site.yaml describes it."""
    return Urls({lang.code: lang.prefix for lang in config.languages}, config.base_url)
