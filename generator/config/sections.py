"""The sections of site.yaml beyond plain values: languages, menu, feeds, checks, publish targets."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from babel import Locale, UnknownLocaleError

from ..diagnostics import Diagnostics, did_you_mean
from ..yamlfile import Located
from .types import Language, MenuItem

# Sensible forms of the languages riji knows well; others are derived from their code.
KNOWN_LANGUAGES = {
    "en": dict(name="English", locale="en", hreflang="en", feed_language="en", og_locale="en_US"),
    "zh": dict(name="中文", locale="zh_Hans_CN", hreflang="zh-Hans", feed_language="zh-cn",
               og_locale="zh_CN"),
}
PREFIX = re.compile(r"^[a-z0-9][a-z0-9-]*(/[a-z0-9][a-z0-9-]*)*$")  # each language has a folder
LANGUAGE_KEYS = {"code", "name", "locale", "prefix", "hreflang", "feed_language", "og_locale"}
FEED_KEYS = {"full_content": True, "items": 20, "tag_feeds": True}
CHECK_KEYS = {"allowed_hosts": [], "validate_html": True}
HOSTING_KEYS = {"redirects": False, "headers": False}  # Netlify/Cloudflare _redirects and _headers
TOC_KEYS = {"min_headings": None}  # None: contents only where a post asks (toc: true or [TOC])


def languages(raw, diag, path, located) -> tuple[Language, ...]:
    if raw is None:
        raw = [{"code": "en"}, {"code": "zh"}]
    if not isinstance(raw, list) or not raw:
        diag.error(path, located.line("languages"), "'languages' must be a non-empty list")
        raw = [{"code": "en"}, {"code": "zh"}]
    out, seen_prefix = [], set()
    for i, item in enumerate(raw):
        if isinstance(item, str):
            item = {"code": item}
        if not isinstance(item, dict) or not isinstance(item.get("code"), str):
            diag.error(path, located.line("languages"), f"language #{i + 1} needs a 'code'")
            continue
        for key in item:
            if key not in LANGUAGE_KEYS:
                diag.error(path, located.line("languages"),
                           f"unknown language key '{key}'{did_you_mean(str(key), LANGUAGE_KEYS)}")
        code = item["code"]
        known = KNOWN_LANGUAGES.get(code, {})
        locale = str(item.get("locale", known.get("locale", code)))
        try:
            babel_locale = Locale.parse(locale)
        except (UnknownLocaleError, ValueError):
            diag.error(path, located.line("languages"), f"unknown locale '{locale}' for language '{code}'")
            babel_locale = Locale.parse("en")
        prefix = str(item.get("prefix", code.lower())).strip("/")
        if not PREFIX.match(prefix):
            diag.error(path, located.line("languages"),
                       f"prefix '{prefix}' of language '{code}' must be a folder name such as '{code}': "
                       f"lowercase letters, digits and dashes")
            prefix = re.sub(r"[^a-z0-9-]+", "-", code.lower()).strip("-") or "lang"
        if prefix in seen_prefix:
            diag.error(path, located.line("languages"), f"two languages share the URL prefix '{prefix}'")
            while prefix in seen_prefix:  # reported once here, not again as every page's URL clash
                prefix += "-" + re.sub(r"[^a-z0-9-]+", "-", code.lower()).strip("-")
        seen_prefix.add(prefix)
        out.append(Language(
            code=code,
            name=str(item.get("name", known.get("name") or babel_locale.get_display_name(babel_locale))),
            locale=locale,
            prefix=prefix,
            hreflang=str(item.get("hreflang", known.get("hreflang", code))),
            feed_language=str(item.get("feed_language", known.get("feed_language", code.lower()))),
            og_locale=str(item.get("og_locale", known.get("og_locale", str(babel_locale)))),
        ))
    if not out:  # every entry was broken (and reported): carry on with the defaults
        return languages(None, Diagnostics(), path, located)
    if len({lang.code for lang in out}) != len(out):
        diag.error(path, located.line("languages"), "a language code is listed twice")
    return tuple(out)


def menu(raw, codes, diag, path, located) -> dict[str, list[MenuItem]]:
    menu: dict[str, list[MenuItem]] = {c: [] for c in codes}
    if raw is None:
        return menu
    if not isinstance(raw, dict):
        diag.error(path, located.line("menu"), "'menu' must map each language to a list of {title, url}")
        return menu
    for code, items in raw.items():
        if code not in codes:
            diag.error(path, located.line("menu", code),
                       f"menu for unknown language '{code}'{did_you_mean(str(code), codes)}")
            continue
        if items is not None and not isinstance(items, list):
            diag.error(path, located.line("menu", code), f"'menu.{code}' must be a list of {{title, url}}")
            continue
        for item in items or []:
            if not isinstance(item, dict) or "title" not in item or "url" not in item:
                diag.error(path, located.line("menu", code), "each menu item needs 'title' and 'url'")
                continue
            try:
                urlsplit(str(item["url"]))
            except ValueError:
                diag.error(path, located.line("menu", code), f"menu URL '{item['url']}' is not a valid URL")
                continue
            menu[code].append(MenuItem(str(item["title"]), str(item["url"])))
    return menu



def host_list(section: dict, diag, path, located) -> dict:
    hosts = section.get("allowed_hosts")
    if hosts is None:
        hosts = []
    if not isinstance(hosts, list) or not all(isinstance(h, str) and h.strip() for h in hosts):
        diag.error(path, located.line("check", "allowed_hosts"),
                   "'check.allowed_hosts' must be a list of host names, e.g. [fonts.example.com]")
        hosts = []
    section["allowed_hosts"] = [h.strip().lower() for h in hosts]
    return section


def feeds(section: dict, diag, path, located) -> dict:
    for key in ("full_content", "tag_feeds"):
        if not isinstance(section[key], bool):
            diag.error(path, located.line("feeds", key), f"'feeds.{key}' must be true or false")
            section[key] = FEED_KEYS[key]
    items = section["items"]
    if not isinstance(items, int) or isinstance(items, bool) or items < 1:
        diag.error(path, located.line("feeds", "items"), "'feeds.items' must be a whole number from 1")
        section["items"] = FEED_KEYS["items"]
    return section


def toc(section: dict, diag, path, located) -> dict:
    n = section["min_headings"]
    if n is not None and (not isinstance(n, int) or isinstance(n, bool) or n < 1):
        diag.error(path, located.line("toc", "min_headings"),
                   "'toc.min_headings' must be a whole number from 1 (posts with that many headings get contents)")
        section["min_headings"] = None
    return section




def publish(raw, diag, path, located) -> list:
    """The targets as written, in list form; `targets` checks each, knowing what each type needs."""
    publish = raw or []
    if isinstance(publish, dict) and all(isinstance(v, dict) or v is None for v in publish.values()):
        publish = [dict(v or {}, name=k) for k, v in publish.items()]  # {name: {type: ...}} form
    if not isinstance(publish, list):
        diag.error(path, located.line("publish"), "'publish' must be a list of targets")
        publish = []
    return publish


def publish_lines(located: Located) -> list[dict]:
    """Line of each publish target ("") and of its keys, so `targets` can point at them."""
    items: dict = {}
    for path, line in located.lines.items():
        if len(path) in (2, 3) and path[0] == "publish":
            items.setdefault(path[1], {}).setdefault(path[2:], line)
    out = []
    for item, lines in items.items():
        inner = {k[0]: line for k, line in lines.items() if k}
        # a list item starts at its own line; a {name: {...}} target where its settings start
        start = lines[()] if isinstance(item, int) or not inner else min(inner.values())
        out.append({"": start, **{k: line for k, line in inner.items() if isinstance(k, str)}})
    return out
