"""sitemap.xml with xhtml:link alternates for every translation, and robots.txt pointing at it.

A site under a sub-path gets no robots.txt: crawlers look for it only at the host's root (the
config says so in a warning). Drafts are never listed, not even in a --drafts build."""
from __future__ import annotations

from functools import partial
from xml.sax.saxutils import quoteattr

from ..model import Site
from . import Lazy, Output
from .previous import Reads, framed


def render_sitemap(site: Site, reads: Reads | None = None) -> Output:
    """With `reads`, the sitemap tells the writer its inputs: the site's frame (URLs, dates, tags,
    languages), which a text edit leaves as it was."""
    urls = site.urls
    # made when asked for, not on every save
    out: Output = {"sitemap.xml": Lazy(partial(_sitemap, site), partial(framed, reads, "sitemap.xml"))}
    if site.config.base_path == "/":
        out["robots.txt"] = f"User-agent: *\nAllow: /\n\nSitemap: {urls.absolute('sitemap.xml')}\n".encode()
    return out


def _sitemap(site: Site) -> tuple[bytes, tuple]:
    config, urls = site.config, site.urls
    groups: list[tuple[dict[str, str], str | None]] = []  # ({lang: url}, lastmod)
    posts = [e for e in site.posts if not e.draft]
    groups.append(({c: urls.home(c) for c in config.codes}, _lastmod(posts)))
    for entry in posts + [e for e in site.pages if not e.draft]:
        stamp = entry.updated or entry.date
        groups.append(({c: d.url for c, d in entry.docs.items()}, stamp.date().isoformat() if stamp else None))
    groups.append(({c: urls.archive(c) for c in config.codes}, _lastmod(posts)))
    groups.append(({c: urls.tags(c) for c in config.codes}, None))
    for tag in site.tags.values():
        tagged = [e for e in site.posts_tagged(tag.key) if not e.draft]
        present = {c: urls.tag(c, tag.slug) for c in config.codes if site.listing(c, tagged)}
        groups.append((present, _lastmod(tagged)))

    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
             'xmlns:xhtml="http://www.w3.org/1999/xhtml">']
    for by_lang, lastmod in groups:
        for code, url in by_lang.items():
            lines.append("  <url>")
            lines.append(f"    <loc>{_esc(urls.absolute(url))}</loc>")
            if lastmod:
                lines.append(f"    <lastmod>{lastmod}</lastmod>")
            if len(by_lang) > 1:
                for other in config.languages:
                    if other.code in by_lang:
                        lines.append(f'    <xhtml:link rel="alternate" hreflang={quoteattr(other.hreflang)} '
                                     f'href={quoteattr(urls.absolute(by_lang[other.code]))}/>')
                default = by_lang.get(config.default_language)
                if default:
                    lines.append(f'    <xhtml:link rel="alternate" hreflang="x-default" '
                                 f'href={quoteattr(urls.absolute(default))}/>')
            lines.append("  </url>")
    lines.append("</urlset>\n")
    return "\n".join(lines).encode(), ()


def _lastmod(entries) -> str | None:
    stamps = [e.updated or e.date for e in entries if (e.updated or e.date)]
    return max(stamps).date().isoformat() if stamps else None


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
