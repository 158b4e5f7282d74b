"""One locale table: every language tag a page, a feed or the search index carries comes from the
language's Babel locale, unless site.yaml overrides that one tag.

    locale zh_Hant_TW -> <html lang> / hreflang / Atom xml:lang / search  zh-Hant
                         og:locale zh_TW, RSS <language> zh-tw, dates in Babel's zh_Hant_TW

An override that names another language or script than the locale is most likely a mistake
(hreflang zh-Hans with locale zh_Hant_TW), so it is reported, and kept.
"""
from __future__ import annotations

from babel import Locale, UnknownLocaleError
from babel.core import get_global

# what riji assumes for codes it knows when site.yaml says nothing more
KNOWN = {
    "en": {"name": "English", "locale": "en"},
    "zh": {"name": "中文", "locale": "zh_Hans_CN"},
    "zh-hans": {"name": "简体中文", "locale": "zh_Hans_CN"},
    "zh-hant": {"name": "繁體中文", "locale": "zh_Hant_TW"},
    "zh-tw": {"name": "繁體中文（台灣）", "locale": "zh_Hant_TW"},
    "zh-hk": {"name": "繁體中文（香港）", "locale": "zh_Hant_HK"},
}
TAGS = ("hreflang", "og_locale", "feed_language")  # the tags a language entry may override


def default_locale(code: str) -> str:
    return KNOWN.get(code.lower(), {}).get("locale") or code.replace("-", "_")


def parse(locale: str) -> Locale | None:
    try:
        return Locale.parse(locale.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return None


def _full(locale: Locale) -> Locale:
    """zh -> zh_Hans_CN, en -> en_Latn_US: CLDR's likely subtags."""
    likely = get_global("likely_subtags")
    for key in (str(locale), f"{locale.language}_{locale.script}" if locale.script else "",
                f"{locale.language}_{locale.territory}" if locale.territory else "", locale.language):
        if key and key in likely:
            found = Locale.parse(likely[key])
            return Locale(locale.language, locale.territory or found.territory, locale.script or found.script)
    return locale


def derive(locale: Locale) -> dict[str, str]:
    """The tags of one language from its locale. hreflang names the script when the locale does (for
    Chinese the written form is what differs) and the territory only when it is not the usual one
    (en_GB -> en-GB, zh_Hant_HK -> zh-Hant-HK, but zh_Hans_CN -> zh-Hans)."""
    full = _full(locale)
    usual = _full(Locale(locale.language, script=locale.script)).territory
    hreflang = "-".join(filter(None, (locale.language, locale.script,
                                      locale.territory if locale.territory != usual else None)))
    # RSS <language> is RFC 1766: no script, so Chinese names its territory (zh-cn, zh-tw)
    territory = locale.territory or (full.territory if locale.language == "zh" else None)
    feed = f"{locale.language}-{territory.lower()}" if territory else locale.language
    og = f"{full.language}_{full.territory}" if full.territory else full.language
    return {"hreflang": hreflang, "og_locale": og, "feed_language": feed}


def name(code: str, locale: Locale) -> str:
    known = KNOWN.get(code.lower(), {}).get("name")
    return known or (locale.get_display_name(locale) or code)


def contradiction(key: str, value: str, locale: Locale) -> str | None:
    """A message when the override `key: value` names another language or script than `locale`."""
    other = parse(value)
    if other is None:
        return None
    mine, theirs = _full(locale), _full(other)
    if mine.language != theirs.language or (mine.script and theirs.script and mine.script != theirs.script):
        return (f"{key} '{value}' does not match locale '{locale}' (which gives "
                f"'{derive(locale)[key]}'); drop it to use the locale's, or fix the locale")
    return None


def generation_order(sources: dict[str, str]) -> tuple[list[str], list[str]]:
    """Generated languages ({code: from}) in an order where each comes after the one it is made
    from, and the codes caught in a cycle (zh-hant from zh-hk from zh-hant)."""
    order: list[str] = []
    cyclic: list[str] = []
    for code in sources:
        path, at = [], code
        while at in sources and at not in order and at not in path:
            path.append(at)
            at = sources[at]
        if at in path:  # came back round
            cyclic += [c for c in path[path.index(at):] if c not in cyclic]
            path = path[:path.index(at)]
        order += [c for c in reversed(path) if c not in order and c not in cyclic]
    return order, cyclic
