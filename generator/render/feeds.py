"""RSS and Atom feeds per language (and per tag), and podcast feeds: see issue on feeds."""
from __future__ import annotations

from types import SimpleNamespace

from ..diagnostics import Diagnostics
from ..model import Site, Tag, Urls
from . import Output


def feed_links(site: Site, strings: dict, code: str, tag: Tag | None = None) -> list[SimpleNamespace]:
    """The feeds a page in `code` advertises for autodiscovery and in its subscribe links."""
    urls = Urls(site.config)
    t = strings.get(code, {})
    title = site.config.title[code] + (f" · {tag.name(code)}" if tag else "")
    return [
        SimpleNamespace(type="application/rss+xml", url=urls.feed(code, "rss", tag), title=f"{title} (RSS)",
                        label=t.get("rss", "RSS")),
        SimpleNamespace(type="application/atom+xml", url=urls.feed(code, "atom", tag), title=f"{title} (Atom)",
                        label=t.get("atom", "Atom")),
    ]


def render_feeds(site: Site, diag: Diagnostics) -> Output:
    return {}
