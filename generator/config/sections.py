"""The sections of site.yaml beyond plain values: languages, menu, feeds, checks, publish targets."""
from __future__ import annotations

import re
from dataclasses import replace
from urllib.parse import urlsplit

from .. import locales
from ..conversion import CONFIGS as CONVERSIONS
from ..diagnostics import Diagnostics, did_you_mean
from ..yamlfile import Located
from .types import Language, MenuItem

PREFIX = re.compile(r"^[a-z0-9][a-z0-9-]*(/[a-z0-9][a-z0-9-]*)*$")  # each language has a folder
LANGUAGE_KEYS = {"code", "name", "locale", "prefix", "hreflang", "feed_language", "og_locale", "from", "convert",
                 "typography"}
FEED_KEYS = {"full_content": True, "items": 20, "tag_feeds": True}
CHECK_KEYS = {"allowed_hosts": [], "validate_html": True}
HOSTING_KEYS = {"redirects": False, "headers": False}  # Netlify/Cloudflare _redirects and _headers
TOC_KEYS = {"min_headings": None}  # None: contents only where a post asks (toc: true or [TOC])
SEARCH_KEYS = {"enabled": True}  # Pagefind's index and a search page per language
TRANSLATION_KEYS = {"outdated_notice": True}  # tell readers when a translation fell behind its original


def languages(raw, diag, path, located) -> tuple[Language, ...]:
    if raw is None:
        raw = [{"code": "en"}, {"code": "zh"}]
    if not isinstance(raw, list) or not raw:
        diag.error(path, located.line("languages"), "'languages' must be a non-empty list")
        raw = [{"code": "en"}, {"code": "zh"}]
    items = [{"code": item} if isinstance(item, str) else item for item in raw]
    codes = [item["code"] for item in items if isinstance(item, dict) and isinstance(item.get("code"), str)]
    out, seen_prefix, sources = [], set(), {}
    for i, item in enumerate(items):
        def line(*keys):
            return located.line("languages", i, *keys)

        if not isinstance(item, dict) or not isinstance(item.get("code"), str):
            diag.error(path, line(), f"language #{i + 1} needs a 'code'")
            continue
        for key in item:
            if key not in LANGUAGE_KEYS:
                diag.error(path, line(key), f"unknown language key '{key}'{did_you_mean(str(key), LANGUAGE_KEYS)}")
        code = item["code"]
        locale_name = str(item.get("locale", locales.default_locale(code)))
        babel_locale = locales.parse(locale_name)
        if babel_locale is None:
            diag.error(path, line("locale"), f"unknown locale '{locale_name}' for language '{code}'")
            babel_locale = locales.parse("en")
        tags = locales.derive(babel_locale)
        for key in locales.TAGS:
            if key in item:
                tags[key] = str(item[key])
                problem = locales.contradiction(key, tags[key], babel_locale)
                if problem:
                    diag.warning(path, line(key), f"language '{code}': {problem}")
        prefix = str(item.get("prefix", code.lower())).strip("/")
        if not PREFIX.match(prefix):
            diag.error(path, line("prefix"),
                       f"prefix '{prefix}' of language '{code}' must be a folder name such as '{code}': "
                       f"lowercase letters, digits and dashes")
            prefix = re.sub(r"[^a-z0-9-]+", "-", code.lower()).strip("-") or "lang"
        if prefix in seen_prefix:
            diag.error(path, line("prefix"), f"two languages share the URL prefix '{prefix}'")
            while prefix in seen_prefix:  # reported once here, not again as every page's URL clash
                prefix += "-" + re.sub(r"[^a-z0-9-]+", "-", code.lower()).strip("-")
        seen_prefix.add(prefix)
        source, convert = _generated(item, code, codes, diag, path, line)
        if source:
            sources[code] = (source, line("from"))
        chinese = code.lower().split("-")[0] == "zh"
        typography = _typography(item.get("typography"), code, chinese, diag, path, line)
        out.append(Language(
            code=code, name=str(item.get("name", locales.name(code, babel_locale))), locale=str(babel_locale),
            prefix=prefix, source=source, convert=convert, **tags, **typography))
    order, cyclic = locales.generation_order({c: s for c, (s, _line) in sources.items()})
    for code in cyclic:
        diag.error(path, sources[code][1], f"language '{code}' is generated from '{sources[code][0]}', which is "
                                           f"generated from it in turn (a cycle): write one of them by hand")
    if cyclic:
        out = [replace(lang, source="", convert="") if lang.code in cyclic else lang for lang in out]
    if not out:  # every entry was broken (and reported): carry on with the defaults
        return languages(None, Diagnostics(), path, located)
    if len({lang.code for lang in out}) != len(out):
        diag.error(path, located.line("languages"), "a language code is listed twice")
    return tuple(out)


def _generated(item, code, codes, diag, path, line) -> tuple[str, str]:
    """`from:` and `convert:` of a language made by OpenCC from another, checked; ("", "") if none."""
    if "from" not in item and "convert" not in item:
        return "", ""
    source, convert = str(item.get("from", "")), str(item.get("convert", ""))
    others = [c for c in codes if c != code]
    if source not in others:
        diag.error(path, line("from") or line(), f"language '{code}' is generated from unknown language "
                   f"'{source}'{did_you_mean(source, others)}; 'from:' names another language of the site")
        return "", ""
    if convert not in CONVERSIONS:
        diag.error(path, line("convert") or line(), f"language '{code}': unknown conversion '{convert}'"
                   f"{did_you_mean(convert, CONVERSIONS)}; OpenCC has {', '.join(CONVERSIONS)}")
        return "", ""
    return source, convert


def _typography(raw, code, chinese, diag, path, line) -> dict[str, bool]:
    out = {"cjk_spacing": chinese, "pinyin": chinese}
    if raw is None:
        return out
    if not isinstance(raw, dict):
        diag.error(path, line("typography"), f"'typography' of language '{code}' must be a mapping such as "
                                             "{cjk_spacing: true, pinyin: true}")
        return out
    for key, value in raw.items():
        if key not in out:
            diag.error(path, line("typography", key),
                       f"unknown typography key '{key}'{did_you_mean(str(key), list(out))}")
        elif not isinstance(value, bool):
            diag.error(path, line("typography", key), f"'typography.{key}' must be true or false")
        else:
            out[key] = value
    return out


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
