"""Files that static hosts read instead of serving (Netlify, Cloudflare Pages): `_redirects` sends the
bare root to the reader's language, `_headers` lets browsers keep fingerprinted assets for a year.

Both are opt-in (`hosting: {redirects: true, headers: true}` in site.yaml) because GitHub Pages and
plain web servers would publish them as ordinary files.
"""
from __future__ import annotations

from ..constants import IMMUTABLE_CACHE
from ..model import Site
from ..theme import FINGERPRINTED
from . import Output


def render_hosting(site: Site, asset_urls: dict[str, str]) -> Output:
    config = site.config
    out: Output = {}
    if config.hosting.get("redirects"):
        out["_redirects"] = language_redirects(site).encode()
    if config.hosting.get("headers"):
        out["_headers"] = asset_headers(site, asset_urls).encode()
    return out


def language_redirects(site: Site) -> str:
    """One forced 302 per language not already served at the root. The root page itself is the
    default language's home, so a reader whose language matches no rule simply stays there;
    hosts without language conditions (Cloudflare Pages) ignore these lines, and the theme's
    script still offers the reader's language."""
    config, urls = site.config, site.urls
    root = urls.path("")
    lines = ["# Send the site's root to the reader's language (Netlify reads Accept-Language).",
             "# Written by riji from site.yaml; edit the languages there, not here."]
    for lang in config.languages:
        home = urls.path(urls.home(lang.code))
        if lang.code == config.default_language or home == root:
            continue
        names = list(dict.fromkeys(n.lower() for n in (lang.code, lang.hreflang)))
        # `!` forces the rule although index.html exists at the root
        lines.append(f"{root}  {home}  302!  Language={','.join(names)}")
    moved = sorted((urls.path(alias), urls.path(doc.url)) for entry in site.entries
                   for doc in entry.docs.values() for alias in doc.aliases)
    if moved:
        lines.append("# Old addresses from 'aliases:' (each also has a page that redirects).")
        lines += [f"{old}  {new}  301" for old, new in moved]
    return "\n".join(lines) + "\n"


def asset_headers(site: Site, asset_urls: dict[str, str]) -> str:
    """Fingerprinted files change name whenever their content changes, so they never go stale."""
    urls = site.urls
    lines = ["# Fingerprinted theme assets: a new version gets a new name, so cache them forever."]
    for name, url in sorted(asset_urls.items(), key=lambda item: item[1]):
        if name.endswith(FINGERPRINTED):
            lines += [urls.path(url), f"  Cache-Control: {IMMUTABLE_CACHE}"]
    return "\n".join(lines) + "\n"
