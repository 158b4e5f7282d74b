"""HTML pages for every language, the root chooser and the bilingual 404, rendered with Jinja2."""
from __future__ import annotations

import re
from collections import defaultdict
from functools import lru_cache, partial
from types import SimpleNamespace

import jinja2
from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.dates import format_skeleton

from ..config import Language
from ..diagnostics import Diagnostics
from ..model import Doc, Listed, Site, Urls
from ..theme import Theme
from . import TEMPLATE_ERROR, Lazy, Output
from .podcast import clock, parse_chapters


class Context:
    """Per-language helpers handed to templates; computed once per language, not per page."""

    def __init__(self, site: Site, theme: Theme, lang: Language, urls: Urls, asset_urls: dict[str, str],
                 static_names: set[str], feeds: list):
        self.site, self.theme, self.lang, self.urls = site, theme, lang, urls
        config = site.config
        self.locale = Locale.parse(lang.locale)
        self.tz = config.tz
        self.values = {
            "site": SimpleNamespace(
                title=config.title[lang.code], description=config.description[lang.code],
                author=config.author, menu=config.menu.get(lang.code, []),
                copyright=config.copyright.get(lang.code, ""), config=config),
            "lang": lang,
            "languages": config.languages,
            "urls": urls,
            "t": partial(self.tr, lang.code),
            "tr": self.tr,
            "url": urls.path,
            "abs_url": urls.absolute,
            "menu_url": self.menu_url,
            "asset": lambda name: urls.path(asset_urls[name]),
            "format_date": self.format_date,
            "feeds": feeds,
            "extra_body": "",
            "root": False,
        }
        # The same on every page of a language: worked out once here, not by template calls on each
        # page (templates may still use t(), url() and asset() for anything else).
        strings = {**theme.strings.get(config.default_language, {}), **theme.strings.get(lang.code, {})}
        self.values["ui"] = SimpleNamespace(**strings)
        self.values["nav"] = SimpleNamespace(
            home=urls.path(urls.home(lang.code)), archive=urls.path(urls.archive(lang.code)),
            tags=urls.path(urls.tags(lang.code)),
            menu=[SimpleNamespace(title=item.title, href=self.menu_url(item.url))
                  for item in config.menu.get(lang.code, [])],
            style=urls.path(asset_urls["style.css"]), script=urls.path(asset_urls["riji.js"]),
            icon=urls.path("favicon.svg") if "favicon.svg" in static_names else urls.path(asset_urls["favicon.svg"]),
            feeds=[SimpleNamespace(href=urls.path(f.url), absolute=urls.absolute(f.url), type=f.type,
                                   title=f.title, label=f.label) for f in feeds])

    def tr(self, code: str, key: str, **kw) -> str:
        strings = self.theme.strings
        text = strings.get(code, {}).get(key)
        if text is None:
            text = strings.get(self.site.config.default_language, {}).get(key, key)
        return text.format(**kw) if kw else text

    def menu_url(self, url: str) -> str:
        if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", url) or url.startswith("//"):
            return url
        if url.startswith("/"):  # the site's root, which may be a sub-path of the host
            base = self.urls.path("")
            return url if url.startswith(base) else self.urls.path(url.lstrip("/"))
        return self.urls.path(self.urls.home(self.lang.code) + url.lstrip("./"))

    def format_date(self, value, code: str | None = None, form: str = "long") -> str:
        locale = self.locale if code is None else self.site.config.language(code).locale
        return _format_day(value.astimezone(self.tz).date(), str(locale), form)


@lru_cache(maxsize=4096)
def _format_day(day, locale: str, form: str) -> str:
    if form == "short_md":
        return format_skeleton("MMMd", day, locale=locale)
    return babel_format_date(day, format=form, locale=locale)


def language_name(code: str, in_locale: Locale, fallback: str) -> str:
    return in_locale.languages.get(code.split("-")[0], fallback)


def render_html(site: Site, theme: Theme, site_root, *, asset_urls: dict[str, str],
                static_names: set[str], feeds_for, extra_body: str = "") -> Output:
    config = site.config
    urls = Urls(config)
    out: Output = {}
    contexts = {lang.code: Context(site, theme, lang, urls, asset_urls, static_names, feeds_for(lang.code))
                for lang in config.languages}
    for ctx in contexts.values():
        ctx.values["extra_body"] = extra_body

    def page_ns(ctx: Context, kind: str, url: str, title: str, description: str, alternates_by: dict,
                **extra) -> SimpleNamespace:
        lang = ctx.lang
        alternates = []
        for other in config.languages:
            if other.code in alternates_by:
                alternates.append(SimpleNamespace(lang=other, hreflang=other.hreflang,
                                                  url=alternates_by[other.code]))
        if len(alternates) > 1:
            default = alternates_by.get(config.default_language) or url
            alternates.append(SimpleNamespace(lang=None, hreflang="x-default", url=default))
        switcher = []
        for other in config.languages:
            there = alternates_by.get(other.code)
            name_here = language_name(other.code, ctx.locale, other.name)
            switcher.append(SimpleNamespace(
                lang=other, current=other.code == lang.code, url=there, home=urls.home(other.code),
                name_here=name_here, href=urls.path(there or urls.home(other.code)),
                label=ctx.tr(lang.code, "read_in" if there else "no_translation", language=name_here)))
        return SimpleNamespace(kind=kind, url=url, href=urls.path(url), canonical=url, title=title,
                               description=description or config.description[lang.code],
                               alternates=alternates if len(alternates) > 1 else [],
                               switcher=switcher, image=extra.pop("image", None), **extra)

    def page_bytes(ctx: Context, template: str, path: str, root: bool, make_values):
        """(the page, its diagnostics): a page's own problems travel with it."""
        try:
            values = {**ctx.values, **make_values(), "root": root}
            return theme.env.get_template(template).render(**values).encode("utf-8"), ()
        except jinja2.TemplateSyntaxError as exc:
            where = (exc.filename or theme.template_path(template), exc.lineno)
            problem = f"template syntax error: {exc.message}"
        except Exception as exc:  # a theme's bug must not crash the build: report where it is
            where = _template_frame(exc) or (theme.template_path(template), None)
            problem = f"{type(exc).__name__}: {exc}"
        own = Diagnostics(site_root)
        own.error(where[0], where[1], f"{TEMPLATE_ERROR}{path}: {problem}")
        return None, own.items

    def emit(ctx: Context, template: str, path: str, make_values, _root: bool = False):
        """Register a page; its template values are only worked out when it is rendered, so the
        preview pays for the pages a browser asks for, not for all of them on every save."""
        key = "index.html" if _root else (path + "index.html" if path.endswith("/") or not path else path)
        out[key] = Lazy(partial(page_bytes, ctx, template, path, _root, make_values))

    every = {c: None for c in config.codes}

    def all_langs(fn) -> dict[str, str]:
        return {c: fn(c) for c in every}

    def listed(ctx: Context, items: list[Listed]) -> list[SimpleNamespace]:
        out_items = []
        for item in items:
            lang = config.language(item.doc.lang)
            badge = ctx.tr(lang.code, "only_in", language=lang.name) if item.other_language else ""
            doc = item.doc
            out_items.append(SimpleNamespace(
                doc=doc, other_language=item.other_language, lang=lang, badge=badge, href=urls.path(doc.url),
                date_text=ctx.format_date(doc.date, lang.code),
                minutes_text=ctx.tr(lang.code, "minutes_read", n=doc.reading_minutes),
                listen_text=ctx.tr(lang.code, "listen") if doc.audio else ""))
        return out_items

    def paginate(listing: list[Listed], url_of) -> list[tuple[list[Listed], SimpleNamespace]]:
        per_page = config.posts_per_page
        chunks = [listing[i:i + per_page] for i in range(0, len(listing), per_page)] or [[]]
        total = len(chunks)
        return [(chunk, SimpleNamespace(number=n, total=total, url=url_of(n),
                                        newer=url_of(n - 1) if n > 1 else None,
                                        older=url_of(n + 1) if n < total else None))
                for n, chunk in enumerate(chunks, 1)]

    def home_values(ctx, chunk, pagination):
        code, n, url = ctx.lang.code, pagination.number, pagination.url
        alts = all_langs(urls.home) if n == 1 else {code: url}
        title = "" if n == 1 else ctx.tr(code, "page_n", n=n, total=pagination.total)
        return dict(page=page_ns(ctx, "home", url, title, "", alts), items=listed(ctx, chunk),
                    pagination=pagination)

    def doc_values(ctx, entry, doc):
        alts = {c: d.url for c, d in entry.docs.items()}
        page = page_ns(ctx, entry.kind, doc.url, doc.title, doc.description, alts,
                       image=_absolute_image(doc, urls), doc=doc)
        if entry.kind != "post":
            return dict(page=page, doc=doc)
        older, newer = site.neighbours(doc)
        # chapters are listed under the player; their mistakes are reported by the podcast feed
        chapters = parse_chapters(doc, Diagnostics()) if doc.audio is not None else None
        return dict(page=page, doc=doc, older=older, newer=newer,
                    tags=[site.tags[t] for t in entry.tags if t in site.tags],
                    chapters=[SimpleNamespace(start=c["startTime"], clock=clock(c["startTime"]), title=c["title"])
                              for c in chapters or []])

    def tag_values(ctx, tag, tagged, chunk, pagination, tag_feeds):
        code, n = ctx.lang.code, pagination.number
        title = ctx.tr(code, "tag_title", name=tag.name(code))
        if n > 1:
            title = f"{title} · {ctx.tr(code, 'page_n', n=n, total=pagination.total)}"
        alts = {c: urls.tag(c, tag) for c in config.codes if site.listing(c, tagged)} if n == 1 else {}
        return dict(page=page_ns(ctx, "tag", pagination.url, title, "", alts), tag=tag,
                    items=listed(ctx, chunk), pagination=pagination, tag_feeds=tag_feeds)

    def archive_values(ctx, listing):
        years: dict[int, list] = defaultdict(list)
        for item in listed(ctx, listing):
            years[item.doc.date.astimezone(config.tz).year].append(item)
        page = page_ns(ctx, "archive", urls.archive(ctx.lang.code), ctx.tr(ctx.lang.code, "archive_title"), "",
                       all_langs(urls.archive))
        return dict(page=page, years=sorted(years.items(), reverse=True))

    def tags_values(ctx, tag_counts):
        code = ctx.lang.code
        return dict(page=page_ns(ctx, "tags", urls.tags(code), ctx.tr(code, "tags"), "", all_langs(urls.tags)),
                    tag_counts=tag_counts)

    def not_found_values(ctx):
        page = page_ns(ctx, "404", "404.html", ctx.tr(ctx.lang.code, "not_found_title"), "", {})
        page.alternates = []
        return dict(page=page)

    for code, ctx in contexts.items():
        listing = site.listing(code)
        for chunk, pagination in paginate(listing, partial(urls.home, code)):
            make = partial(home_values, ctx, chunk, pagination)
            emit(ctx, "home.html", pagination.url, make)
            if pagination.number == 1 and code == config.default_language:
                emit(ctx, "home.html", pagination.url, make, _root=True)

        for entry in site.posts + site.pages:
            doc = entry.docs.get(code)
            if doc is not None:
                emit(ctx, f"{entry.kind}.html", doc.url, partial(doc_values, ctx, entry, doc))

        tag_counts = site.tags_in(code)
        emit(ctx, "tags.html", urls.tags(code), partial(tags_values, ctx, tag_counts))
        for tag, _count in tag_counts:
            tagged = site.posts_tagged(tag.key)
            tag_feeds = feeds_for(code, tag) if config.feeds.get("tag_feeds") else []
            for chunk, pagination in paginate(site.listing(code, tagged), partial(urls.tag, code, tag)):
                emit(ctx, "tag.html", pagination.url, partial(tag_values, ctx, tag, tagged, chunk, pagination,
                                                               tag_feeds))

        emit(ctx, "archive.html", urls.archive(code), partial(archive_values, ctx, listing))

    emit(contexts[config.default_language], "404.html", "404.html",
         partial(not_found_values, contexts[config.default_language]))
    return out


def _absolute_image(doc: Doc, urls: Urls) -> str | None:
    image = doc.meta.get("image")
    if not image:
        return None
    image = str(image)
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", image):
        return image
    if image.startswith("/"):
        return urls.absolute(image.lstrip("/"))
    return urls.absolute(doc.url + image)


def _template_frame(exc: Exception) -> tuple[str, int] | None:
    """The innermost template file and line in the traceback (Jinja maps frames to template lines)."""
    tb, found = exc.__traceback__, None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.endswith((".html", ".xml", ".j2")):
            found = (tb.tb_frame.f_code.co_filename, tb.tb_lineno)
        tb = tb.tb_next
    return found
