"""HTML pages for every language, the root chooser and the bilingual 404, rendered with Jinja2.

The model lists the pages (`model.page_plans`); here each kind has one function that turns its plan
into the template's values (the views of `views.py`), and `render_html` makes each page lazily.
"""
from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import replace
from functools import lru_cache, partial
from types import SimpleNamespace

import jinja2
import lxml.html
from babel import Locale
from babel.dates import format_skeleton, get_date_format, parse_pattern

from ..config import Language
from ..constants import URL_SCHEME
from ..diagnostics import Diagnostics
from ..inputs import digest
from ..model import Doc, Entry, Listed, PagePlan, Site, Tag, page_plans
from ..text import CJK
from ..theme import Theme
from . import TEMPLATE_ERROR, Lazy, Output
from .. import diary
from .feeds import root_feed_links
from .pinyin import NAME as PINYIN_FILE
from .previous import Reads, card_read
from ..search import shards_of
from .side_by_side import Aligned
from .views import (Alternate, CalendarCell, CalendarYear, Card, CardDoc, DocView, FeedLink, Link, Mention, Nav,
                    Neighbour, Notice, PageView, SiteView, SwitchOption, TagLink, TocItem)


class Context:
    """What every page of one language shares; worked out once per language, not per page."""

    def __init__(self, site: Site, theme: Theme, lang: Language, asset_urls: dict[str, str],
                 static_names: set[str], feeds: list[FeedLink], extra_body: str):
        self.site, self.theme, self.lang, self.urls = site, theme, lang, site.urls
        config, urls = site.config, site.urls
        self.locale = Locale.parse(lang.locale)
        self.locale.languages  # noqa: B018 - Babel's data, loaded here once, not in every forked worker
        self.tz = config.tz
        self.made_cards: dict[tuple[int, bool], tuple[Doc, Card]] = {}
        strings = {**theme.strings.get(config.default_language, {}), **theme.strings.get(lang.code, {})}
        self.values = {
            "site": SiteView(config.title[lang.code], config.description[lang.code], config.author,
                             config.copyright.get(lang.code, "")),
            "lang": lang,
            "languages": config.languages,
            "t": partial(self.tr, lang.code),
            "tr": self.tr,
            "url": urls.path,
            "abs_url": urls.absolute,
            "asset": lambda name: urls.path(asset_urls[name]),
            "format_date": self.format_date,
            "extra_body": extra_body,
            "root": False,
            "ui": SimpleNamespace(**strings),  # ui.key: a UI string of the language
            "nav": Nav(
                home=urls.path(urls.home(lang.code)), archive=urls.path(urls.archive(lang.code)),
                tags=urls.path(urls.tags(lang.code)),
                search=urls.path(urls.search(lang.code)) if config.search["enabled"] else None,
                homes={c: urls.path(urls.home(c)) for c in config.codes},
                searches={c: urls.path(urls.search(c)) for c in config.codes} if config.search["enabled"] else {},
                menu=tuple(Link(item.title, self.menu_url(item.url)) for item in config.menu.get(lang.code, [])),
                feeds=tuple(feeds),
                style=urls.path(asset_urls["style.css"]), code_style=urls.path(asset_urls["code.css"]),
                script=urls.path(asset_urls["riji.js"]),
                icon=urls.path("favicon.svg") if "favicon.svg" in static_names
                else urls.path(asset_urls["favicon.svg"]),
                on_this_day=urls.path(urls.on_this_day(lang.code)),
                root_feeds=tuple(root_feed_links(site))),
        }

    def tr(self, code: str, key: str, **kw) -> str:
        strings = self.theme.strings
        text = strings.get(code, {}).get(key)
        if text is None:
            text = strings.get(self.site.config.default_language, {}).get(key, key)
        return text.format(**kw) if kw else text

    def menu_url(self, url: str) -> str:
        if URL_SCHEME.match(url) or url.startswith("//"):
            return url
        if url.startswith("/"):  # the site's root, which may be a sub-path of the host
            base = self.urls.path("")
            return url if url.startswith(base) else self.urls.path(url.lstrip("/"))
        return self.urls.path(self.urls.home(self.lang.code) + url.lstrip("./"))

    def format_date(self, value, code: str | None = None, form: str = "long") -> str:
        locale = self.locale if code is None else self.site.config.language(code).locale
        return _format_day(value.astimezone(self.tz).date(), str(locale), form)

    # -- views shared by the page kinds ------------------------------------------------------------

    def page(self, kind: str, url: str, title: str, description: str, alternates_by: dict[str, str],
             image: str | None = None, doc: DocView | None = None, noindex: bool = False) -> PageView:
        config, urls, lang = self.site.config, self.urls, self.lang
        alternates = [Alternate(other, other.hreflang, alternates_by[other.code])
                      for other in config.languages if other.code in alternates_by]
        if len(alternates) > 1:
            alternates.append(Alternate(None, "x-default", alternates_by.get(config.default_language) or url))
        switcher = []
        for other in config.languages:
            there = alternates_by.get(other.code)
            name_here = language_name(other, config.languages, self.locale, other.name)
            switcher.append(SwitchOption(
                other, other.code == lang.code, there, urls.home(other.code), name_here,
                urls.path(there or urls.home(other.code)),
                self.tr(lang.code, "read_in" if there else "no_translation", language=name_here)))
        return PageView(kind, url, urls.path(url), url, title, description or config.description[lang.code],
                        tuple(alternates) if len(alternates) > 1 else (), tuple(switcher), image, doc,
                        noindex, has_code=doc is not None and "<pre" in doc.html)

    def cards(self, items) -> list[Card]:
        """Posts in a list; every label is in the list's language ("Chinese only · 2 min read"),
        only a post's own title and summary are in its language. A post is in many lists (pages
        of the home, of each of its tags, the archive): its card is made once per language."""
        out = []
        read = getattr(_reading, "entries", None)
        for item in items:
            if read is not None:
                read.add(card_read(item.doc.entry.name))
            key = (id(item.doc), item.other_language)
            hit = self.made_cards.get(key)
            if hit is None or hit[0] is not item.doc:
                hit = self.made_cards[key] = (item.doc, self._card(item))
            out.append(hit[1])
        return out

    def _card(self, item: Listed) -> Card:
        here = self.lang.code
        lang = self.site.config.language(item.doc.lang)
        doc = card_doc(item.doc)
        name = language_name(lang, self.site.config.languages, self.locale, lang.name)
        badge = self.tr(here, "only_in", language=name) if item.other_language else ""
        return Card(doc, item.other_language, lang, badge, self.urls.path(doc.url),
                    self.format_date(doc.date), self.tr(here, "minutes_read", n=doc.reading_minutes),
                    self.tr(here, "listen") if doc.audio else "",
                    doc.date.astimezone(self.tz).year if doc.date else 0)

    def calendar(self, docs: list[Doc]) -> list[CalendarYear]:
        code = self.lang.code
        out = []
        for year in diary.calendar(docs, self.tz):
            rows = []
            for row in year.rows:
                cells = []
                for day in row:
                    if day is None:
                        cells.append(None)
                        continue
                    when = _format_day(day.day, str(self.locale), "long")
                    titles = "; ".join(d.title for d in day.docs)
                    label = self.tr(code, "colon", text=when) + titles if titles else when
                    cells.append(CalendarCell(day.day.isoformat(), label,
                                              self.urls.path(day.docs[0].url) if day.docs else None,
                                              len(day.docs)))
                rows.append(tuple(cells))
            key = "calendar_year_one" if year.written == 1 else "calendar_year"
            out.append(CalendarYear(year.year, self.tr(code, key, year=year.year, n=year.written),
                                    tuple(rows)))
        return out

    def tag_link(self, tag: Tag) -> TagLink:
        return TagLink(tag.name(self.lang.code), self.urls.path(self.urls.tag(self.lang.code, tag.slug)))


SKELETONS = {"short_md": "MMMd", "year": "y"}  # forms each locale writes its own way: 3月1日, 2026年


@lru_cache(maxsize=4096)
def _format_day(day, locale: str, form: str) -> str:
    if form in SKELETONS:
        return format_skeleton(SKELETONS[form], day, locale=locale)
    pattern, parsed = _date_pattern(locale, form)
    return pattern.apply(day, parsed)


@lru_cache(maxsize=64)
def _date_pattern(locale: str, form: str):
    """What babel's format_date works out on every call (the locale, its pattern) once per form:
    the archive's calendar formats every day of every year."""
    parsed = Locale.parse(locale)
    named = form in ("full", "long", "medium", "short")  # else a pattern of its own, as format_date takes
    return parse_pattern(get_date_format(form, locale=parsed) if named else form), parsed


@lru_cache(maxsize=256)
def language_name(lang: Language, languages, in_locale: Locale, fallback: str) -> str:
    """The language's name in the page's language; with its script when the site has the same
    language twice ("Chinese (Simplified)", "Chinese (Traditional)"). Asked for on every card and
    switcher of every page, hence remembered."""
    base = lang.code.split("-")[0]
    if base not in in_locale.languages:
        return fallback
    own = Locale.parse(lang.locale)
    if own.script and sum(other.code.split("-")[0] == base for other in languages) > 1:
        return Locale(own.language, script=own.script).get_display_name(in_locale) or fallback
    return in_locale.languages[base]


_VIEWS: dict[int, tuple[Doc, DocView]] = {}  # each document's view, made once per build (cleared by render_html)
_reading = threading.local()  # `entries`: the names of the entries a page's values read, while digested


def doc_view(doc: Doc | None) -> DocView | None:
    if doc is None:
        return None
    read = getattr(_reading, "entries", None)
    if read is not None:
        read.add(doc.entry.name)
    hit = _VIEWS.get(id(doc))
    if hit is not None and hit[0] is doc:
        return hit[1]
    view = _VIEWS[id(doc)] = (doc, _make_view(doc))
    return view[1]


def card_doc(doc: Doc) -> CardDoc:
    """What a list shows of a post; the list notes that it read the post's card (`Context.cards`)."""
    return CardDoc(doc.lang, doc.title, doc.url, doc.summary, doc.description, doc.date, doc.updated,
                   doc.reading_minutes, doc.audio, doc.entry.visibility)


def _make_view(doc: Doc) -> DocView:
    return DocView(doc.lang, doc.title, doc.url, doc.html, doc.summary, doc.description, doc.date, doc.updated,
                   doc.reading_minutes, tuple(doc.headings), doc.audio, _toc(doc.toc), doc.toc_at,
                   doc.entry.visibility,
                   pinyin=PINYIN_FILE if doc.pinyin else "")


def _toc(headings) -> tuple[TocItem, ...]:
    """Flat (level, id, text) headings nested under the nearest higher one."""
    def nest(items: list, level: int) -> tuple[TocItem, ...]:
        out = []
        while items and items[0][0] >= level:
            lvl, ident, text = items.pop(0)
            out.append(TocItem(ident, text, nest(items, lvl + 1)))
        return tuple(out)

    items = list(headings)
    return nest(items, min((h[0] for h in items), default=0))


# -- one function per page kind: (template, values) ---------------------------------------------------

def home_page(ctx: Context, plan: PagePlan) -> dict:
    code, pagination, urls = ctx.lang.code, plan.pagination, ctx.urls
    first = pagination.number == 1
    alts = {c: urls.home(c) for c in ctx.site.config.codes} if first else {code: plan.url}
    title = "" if first else ctx.tr(code, "page_n", n=pagination.number, total=pagination.total)
    items = ctx.cards(plan.items)
    if first and items:  # the newest post, given more weight: its text read, not only its card
        items[0] = replace(items[0], lead=lead_paragraph(doc_view(plan.items[0].doc).html))
    return dict(page=ctx.page("home", plan.url, title, "", alts), items=items, pagination=pagination)


LEAD_LENGTH = 160  # visible units, a CJK character counting 2 (as text.shorten counts)


def lead_paragraph(html: str) -> str:
    """A post's opening, to show on the home page: its first paragraph, and the next one too when
    the first is only a line. As text: footnote markers dropped (their notes are on the post's page),
    links kept as their words; a paragraph holding an image is passed over (a bundle's image is
    relative to the post)."""
    taken, length = [], 0
    for node in lxml.html.fragments_fromstring(html) if html.strip() else []:
        if isinstance(node, str) or node.tag != "p" or node.find(".//img") is not None:
            if taken:
                break
            continue
        for ref in node.find_class("footnote-ref"):
            ref.drop_tree()
        for link in list(node.iter("a")):  # the card links to the post; its links are read there
            link.drop_tag()
        taken.append(lxml.html.tostring(node, encoding="unicode").strip())
        text = node.text_content()
        length += len(text) + len(CJK.findall(text))
        if length >= LEAD_LENGTH or len(taken) == 2:
            break
    return "\n".join(taken)


def _doc_page(ctx: Context, entry: Entry, doc: Doc) -> PageView:
    return ctx.page(entry.kind, doc.url, doc.title, doc.description, {c: d.url for c, d in entry.docs.items()},
                    image=_absolute_image(doc, ctx.urls), doc=doc_view(doc), noindex=not entry.listed)


def _translation(ctx: Context, entry: Entry, doc: Doc) -> dict:
    """What a post or page says of its translations: the outdated notice, the side-by-side link."""
    notice = None
    original = entry.docs.get(doc.outdated_from) if doc.outdated_from else None
    if original is not None and ctx.site.config.translations["outdated_notice"]:
        code = ctx.lang.code
        source = ctx.site.config.language(original.lang)
        language = language_name(source, ctx.site.config.languages, ctx.locale, source.name)
        text = (ctx.tr(code, "outdated_notice", language=language, date=ctx.format_date(entry.updated))
                if entry.updated else ctx.tr(code, "outdated_notice_undated", language=language))
        notice = Notice(text, ctx.tr(code, "read_original"), ctx.urls.path(original.url),
                        ctx.site.config.language(original.lang).hreflang)
    partner = ctx.site.partner(entry, doc.lang)
    parallel = ctx.urls.path(ctx.urls.parallel(entry.kind, doc.lang, entry.slug)) if partner else None
    return dict(notice=notice, parallel=parallel)


def post_page(ctx: Context, plan: PagePlan) -> dict:
    site, entry = ctx.site, plan.entry
    doc = entry.docs[plan.lang]
    older, newer = site.neighbours(doc)
    return dict(page=_doc_page(ctx, entry, doc), doc=doc_view(doc), older=_neighbour(older), newer=_neighbour(newer),
                tags=[ctx.tag_link(site.tags[t]) for t in entry.tags if t in site.tags],
                chapters=list(doc.chapters),
                on_this_day=[Mention(_neighbour(d), ctx.urls.path(d.url), d.date.astimezone(ctx.tz).year)
                             for d in site.on_this_day(doc)] if entry.listed else [],
                **_translation(ctx, entry, doc))


def _neighbour(doc: Doc | None) -> Neighbour | None:
    return None if doc is None else Neighbour(doc.lang, doc.title, doc.url, doc.date)


def page_page(ctx: Context, plan: PagePlan) -> dict:
    doc = plan.entry.docs[plan.lang]
    return dict(page=_doc_page(ctx, plan.entry, doc), doc=doc_view(doc), **_translation(ctx, plan.entry, doc))


def parallel_page(ctx: Context, plan: PagePlan) -> dict:
    """A post or page beside its translation: not indexed, its canonical the post itself."""
    site, entry, urls, code = ctx.site, plan.entry, ctx.urls, ctx.lang.code
    doc, other = entry.docs[code], entry.docs[plan.other]
    other_lang = site.config.language(plan.other)
    partner = site.partner(entry, code)
    text = doc_view(doc) if doc.audio is None else replace(doc_view(doc), audio=None)  # the text, not the player
    view = ctx.page("parallel", plan.url, ctx.tr(code, "parallel_title", title=doc.title), doc.description,
                    {c: urls.parallel(entry.kind, c, entry.slug) for c in entry.docs}, doc=text, noindex=True)
    view = replace(view, canonical=doc.url, alternates=(), has_code=view.has_code or "<pre" in other.html)
    pairings = [Link(ctx.tr(code, "parallel_with", language=language_name(site.config.language(c), site.config.languages,
                                                                       ctx.locale, site.config.language(c).name)),
                     urls.path(urls.parallel(entry.kind, code, entry.slug, None if c == partner else c)))
                for c in site.config.codes if c in entry.docs and c not in (code, plan.other)]
    return dict(page=view, doc=doc_view(doc), other=doc_view(other), other_lang=other_lang,
                aligned=Aligned(doc, ctx.lang, other, other_lang, urls.path, (doc_view(doc), doc_view(other))),
                post=urls.path(doc.url), pairings=pairings)


def tag_page(ctx: Context, plan: PagePlan) -> dict:
    site, tag, pagination, code = ctx.site, plan.tag, plan.pagination, ctx.lang.code
    title = ctx.tr(code, "tag_title", name=tag.name(code))
    if pagination.number > 1:
        title = f"{title} · {ctx.tr(code, 'page_n', n=pagination.number, total=pagination.total)}"
    tagged = site.posts_tagged(tag.key)
    alts = ({c: ctx.urls.tag(c, tag.slug) for c in site.config.codes if site.listing(c, tagged)}
            if pagination.number == 1 else {})
    return dict(page=ctx.page("tag", plan.url, title, "", alts), tag=ctx.tag_link(tag),
                items=ctx.cards(plan.items), pagination=pagination, tag_feeds=ctx.tag_feeds(tag))


def tags_page(ctx: Context, plan: PagePlan) -> dict:
    code, urls = ctx.lang.code, ctx.urls
    return dict(page=ctx.page("tags", plan.url, ctx.tr(code, "tags"), "",
                              {c: urls.tags(c) for c in ctx.site.config.codes}),
                tag_counts=[(ctx.tag_link(tag), n) for tag, n in ctx.site.tags_in(code)])


def archive_page(ctx: Context, plan: PagePlan) -> dict:
    years: dict[int, list[Card]] = defaultdict(list)
    for card in ctx.cards(plan.items):
        years[card.doc.date.astimezone(ctx.tz).year].append(card)
    page = ctx.page("archive", plan.url, ctx.tr(ctx.lang.code, "archive_title"), "",
                    {c: ctx.urls.archive(c) for c in ctx.site.config.codes})
    weekdays = [ctx.locale.days["format"]["abbreviated"][i] for i in range(7)]
    return dict(page=page, years=sorted(years.items(), reverse=True),
                calendar=ctx.calendar(ctx.site.posts_in(ctx.lang.code)), weekdays=weekdays)


def search_page(ctx: Context, plan: PagePlan) -> dict:
    return dict(page=ctx.page("search", plan.url, ctx.tr(ctx.lang.code, "search_title"), "",
                              {c: ctx.urls.search(c) for c in ctx.site.config.codes}),
                shards=" ".join(shards_of(ctx.site, ctx.lang.code)))


NOT_FOUND_RECENT = 3  # newest posts of each language on the 404 page


def not_found_page(ctx: Context, plan: PagePlan) -> dict:
    site = ctx.site
    return dict(page=ctx.page("404", plan.url, ctx.tr(ctx.lang.code, "not_found_title"), "", {}),
                recent={c: ctx.cards([x for x in site.listing(c) if not x.other_language][:NOT_FOUND_RECENT])
                        for c in site.config.codes})


def redirect_page(ctx: Context, plan: PagePlan) -> dict:
    doc = plan.entry.docs[plan.lang]
    page = ctx.page("redirect", doc.url, doc.title, doc.description, {}, noindex=True)
    return dict(page=page, target=doc_view(doc))


PAGE_KINDS = {"home": home_page, "post": post_page, "page": page_page, "tag": tag_page, "tags": tags_page,
              "archive": archive_page, "search": search_page, "404": not_found_page, "redirect": redirect_page,
              "parallel": parallel_page}


def render_html(site: Site, theme: Theme, site_root, *, asset_urls: dict[str, str],
                static_names: set[str], feeds_for, extra_body: str = "", inputs: bytes | None = None,
                reads: Reads | None = None) -> Output:
    """Every page of `model.page_plans`, as a Lazy: its values are only worked out when it is
    rendered, so the preview pays for the pages a browser asks for, not for all of them.

    With `inputs` (a digest of the settings, strings, templates and code every page shares) each
    page can also tell the writer the digest of its own inputs: those plus the values its template
    receives. With `reads` (`render.previous`) it also tells which entries its values read, and
    takes last build's digest where that still holds."""
    contexts = {}
    for lang in site.config.languages:
        ctx = Context(site, theme, lang, asset_urls, static_names, feeds_for(lang.code), extra_body)
        ctx.tag_feeds = (partial(feeds_for, lang.code) if site.config.feeds.get("tag_feeds")
                         else lambda _tag: [])
        # the preview's script changes with each rebuild; `inputs` says whether there is one
        ctx.inputs = inputs and digest(inputs, {k: v for k, v in ctx.values.items()
                                                if not callable(v) and k != "extra_body"})
        contexts[lang.code] = ctx
    # (plan, values) worked out for a digest, which a render right after reuses: one tuple, read once,
    # since search's thread digests pages while a request's thread renders one
    last: list = [None]
    known: dict = {}  # each document view's digest, worked out once
    _VIEWS.clear()  # the last build's documents are let go

    def values_of(plan: PagePlan) -> dict:
        hit = last[0]
        if hit is not None and hit[0] is plan:
            last[0] = None
            return hit[1]
        return {**PAGE_KINDS[plan.kind](contexts[plan.lang], plan), "root": plan.root}

    def page_inputs(plan: PagePlan):
        ctx = contexts[plan.lang]
        if ctx.inputs is None:
            return None
        if reads is not None and (hit := reads.kept(plan.output)) is not None:
            return hit
        read = _reading.entries = set() if reads is not None and reads.basis() is not None else None
        last[0] = None  # worked out afresh, so that every read is noted
        try:
            values = values_of(plan)
        except Exception:  # noqa: BLE001 - rendering will report it
            return None
        finally:
            _reading.entries = None
        last[0] = (plan, values)
        found = digest(ctx.inputs, plan.kind, values, known=known, shared=(DocView, Card, Language))
        if read is None or found is None:
            return found
        if plan.entry is not None:
            read.add(plan.entry.name)
        return found, tuple(sorted(read))

    def page_bytes(plan: PagePlan):
        """(the page, its diagnostics): a page's own problems travel with it."""
        ctx, template = contexts[plan.lang], f"{plan.kind}.html"
        try:
            values = {**ctx.values, **values_of(plan)}
            return theme.env.get_template(template).render(**values).encode("utf-8"), ()
        except jinja2.TemplateSyntaxError as exc:
            where = (exc.filename or theme.template_path(template), exc.lineno)
            problem = f"template syntax error: {exc.message}"
        except Exception as exc:  # a theme's bug must not crash the build: report where it is
            where = _template_frame(exc) or (theme.template_path(template), None)
            problem = f"{type(exc).__name__}: {exc}"
        own = Diagnostics(site_root)
        own.error(where[0], where[1], f"{TEMPLATE_ERROR}{plan.url}: {problem}")
        return None, own.items

    return {plan.output: Lazy(page_bytes, page_inputs, plan) for plan in page_plans(site)}


def _absolute_image(doc: Doc, urls) -> str | None:
    image = doc.meta.get("image")
    if not image:
        return None
    image = str(image)
    if URL_SCHEME.match(image):
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
