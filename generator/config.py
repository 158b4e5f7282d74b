"""site.yaml: one validated, immutable description of the site; every language setting lives here."""
from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from functools import cached_property
from urllib.parse import urlsplit
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError

from . import constants
from .constants import SITE_FILE
from .diagnostics import Diagnostics, did_you_mean
from .podcast_categories import CATEGORIES
from .yamlfile import Located, YamlError, load

# Sensible forms of the languages riji knows well; others are derived from their code.
KNOWN_LANGUAGES = {
    "en": dict(name="English", locale="en", hreflang="en", feed_language="en", og_locale="en_US"),
    "zh": dict(name="中文", locale="zh_Hans_CN", hreflang="zh-Hans", feed_language="zh-cn",
               og_locale="zh_CN"),
}


@dataclass(frozen=True)
class Language:
    code: str
    name: str
    locale: str
    prefix: str
    hreflang: str
    feed_language: str
    og_locale: str

    @property
    def is_cjk(self) -> bool:
        return self.code.split("-")[0] in ("zh", "ja", "ko")


@dataclass(frozen=True)
class MenuItem:
    title: str
    url: str


@dataclass(frozen=True)
class Podcast:
    """site.yaml's `podcast:` section, checked; its texts are per language like the site's own."""

    title: dict[str, str]
    description: dict[str, str]
    author: dict[str, str]
    owner_name: dict[str, str]
    owner_email: str
    image: str  # a file in static/, as a site-relative path, e.g. "podcast-cover.png"
    category: str
    subcategory: str  # "" for none
    explicit: bool
    type: str  # "episodic" or "serial"
    guid: dict[str, str]  # podcast:guid pinned per language; the others are derived from the feed URL
    locked: bool
    link: dict[str, str]  # "" means the language's home page


@dataclass
class Config:
    root: Path
    base_url: str
    languages: tuple[Language, ...]
    default_language: str
    title: dict[str, str]
    description: dict[str, str]
    author: dict[str, str]
    theme: str = "default"
    posts_per_page: int = 10
    timezone: str = "UTC"
    missing_translation: str = "mark"
    menu: dict[str, list[MenuItem]] = field(default_factory=dict)
    tags: dict[str, dict[str, str]] = field(default_factory=dict)
    feeds: dict = field(default_factory=dict)
    podcast: "Podcast | None" = None  # None: no podcast feed
    publish: list = field(default_factory=list)
    check: dict = field(default_factory=dict)
    hosting: dict = field(default_factory=dict)
    copyright: dict[str, str] = field(default_factory=dict)
    lines: Located | None = None

    @property
    def codes(self) -> list[str]:
        return [lang.code for lang in self.languages]

    def language(self, code: str) -> Language:
        for lang in self.languages:
            if lang.code == code:
                return lang
        raise KeyError(code)

    @cached_property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @cached_property  # asked for by every link of every page
    def base_path(self) -> str:
        """The URL path the site lives under: '/' or e.g. '/diary/' for a project page."""
        return constants.base_path(self.base_url)

    def line(self, *keys) -> int | None:
        return self.lines.line(*keys) if self.lines else None


TOP_KEYS = {
    "base_url", "title", "description", "author", "languages", "default_language", "theme",
    "posts_per_page", "timezone", "missing_translation", "menu", "tags", "feeds", "podcast",
    "publish", "check", "copyright", "hosting",
}
PREFIX = re.compile(r"^[a-z0-9][a-z0-9-]*(/[a-z0-9][a-z0-9-]*)*$")  # each language has a folder
LANGUAGE_KEYS = {"code", "name", "locale", "prefix", "hreflang", "feed_language", "og_locale"}
FEED_KEYS = {"full_content": True, "items": 20, "tag_feeds": True}
PODCAST_KEYS = {"title", "description", "author", "owner", "image", "category", "subcategory", "explicit",
                "type", "guid", "locked", "link"}
PODCAST_TEXT_LIMIT = 255  # Apple's limit for channel texts, in characters
PODCAST_DESCRIPTION_BYTES = 4000  # Apple counts bytes: a Chinese character takes 3
CHECK_KEYS = {"allowed_hosts": [], "validate_html": True}
HOSTING_KEYS = {"redirects": False, "headers": False}  # Netlify/Cloudflare _redirects and _headers


def per_language(value, codes, diag, path, line, what, required=True) -> dict[str, str]:
    """A text given once for all languages or as {en: ..., zh: ...}."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            diag.error(path, line, f"'{what}' is required")
        return {c: "" for c in codes}
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return {c: str(value) for c in codes}
    if isinstance(value, dict):
        out = {}
        for k in value:
            if k not in codes:
                diag.error(path, line, f"'{what}' has unknown language '{k}'{did_you_mean(str(k), codes)}")
        for c in codes:
            v = value.get(c)
            if v is None or (isinstance(v, str) and not v.strip()):
                if required:
                    diag.error(path, line, f"'{what}' has no text for language '{c}'")
                v = ""
            out[c] = str(v)
        return out
    diag.error(path, line, f"'{what}' must be text or a mapping of language to text")
    return {c: "" for c in codes}


def _unknown_keys(data: dict, allowed, diag, path, located: Located, *prefix) -> None:
    for key in data:
        if key not in allowed:
            where = ".".join(map(str, prefix + (key,)))
            diag.error(path, located.line(*prefix, key),
                       f"unknown key '{where}'{did_you_mean(str(key), allowed)}")


def _languages(raw, diag, path, located) -> tuple[Language, ...]:
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
        return _languages(None, Diagnostics(), path, located)
    if len({lang.code for lang in out}) != len(out):
        diag.error(path, located.line("languages"), "a language code is listed twice")
    return tuple(out)


def _menu(raw, codes, diag, path, located) -> dict[str, list[MenuItem]]:
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


def _section(raw, defaults: dict, name, diag, path, located) -> dict:
    if raw is None:
        return dict(defaults)
    if not isinstance(raw, dict):
        diag.error(path, located.line(name), f"'{name}' must be a mapping")
        return dict(defaults)
    _unknown_keys(raw, defaults, diag, path, located, name)
    return {**defaults, **raw}


def _switches(section: dict, defaults: dict, name: str, diag, path, located) -> dict:
    """Keep a section's on/off settings honest: `redirects: yes please` is a mistake, not true."""
    for key, value in section.items():
        if isinstance(value, bool) or not isinstance(defaults.get(key), bool):
            continue
        diag.error(path, located.line(name, key), f"'{name}.{key}' must be true or false")
        section[key] = False
    return section


def _host_list(section: dict, diag, path, located) -> dict:
    hosts = section.get("allowed_hosts")
    if hosts is None:
        hosts = []
    if not isinstance(hosts, list) or not all(isinstance(h, str) and h.strip() for h in hosts):
        diag.error(path, located.line("check", "allowed_hosts"),
                   "'check.allowed_hosts' must be a list of host names, e.g. [fonts.example.com]")
        hosts = []
    section["allowed_hosts"] = [h.strip().lower() for h in hosts]
    return section


def _feeds(section: dict, diag, path, located) -> dict:
    for key in ("full_content", "tag_feeds"):
        if not isinstance(section[key], bool):
            diag.error(path, located.line("feeds", key), f"'feeds.{key}' must be true or false")
            section[key] = FEED_KEYS[key]
    items = section["items"]
    if not isinstance(items, int) or isinstance(items, bool) or items < 1:
        diag.error(path, located.line("feeds", "items"), "'feeds.items' must be a whole number from 1")
        section["items"] = FEED_KEYS["items"]
    return section


def _podcast(raw, codes, title, description, author, diag, path, located) -> Podcast | None:
    """The podcast channel: what Apple, Spotify and the Podcasting 2.0 apps require, checked here."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        diag.error(path, located.line("podcast"), "'podcast' must be a mapping (title, owner, image, category, ...)")
        return None
    _unknown_keys(raw, PODCAST_KEYS, diag, path, located, "podcast")

    def line(*keys):
        return located.line("podcast", *keys)

    def texts(value, key, default):
        given = per_language(value, codes, diag, path, line(*key), "podcast." + ".".join(key), required=False)
        return {c: (given[c] or default[c]).strip() for c in codes}

    def flag(key, default):
        value = raw.get(key, default)
        if not isinstance(value, bool):
            diag.error(path, line(key), f"'podcast.{key}' must be true or false")
            return default
        return value

    site_author = {c: str(author.get("name") or "") for c in codes}
    p_title = texts(raw.get("title"), ("title",), title)
    p_description = texts(raw.get("description"), ("description",), description)
    p_author = texts(raw.get("author"), ("author",), site_author)
    for c in codes:
        for key, value in (("title", p_title[c]), ("author", p_author[c])):
            if len(value) > PODCAST_TEXT_LIMIT:
                diag.error(path, line(key), f"'podcast.{key}' for '{c}' has {len(value)} characters; "
                                            f"podcast apps take at most {PODCAST_TEXT_LIMIT}")
        size = len(p_description[c].encode("utf-8"))
        if not p_description[c]:
            diag.error(path, line("description") or line(), f"the podcast needs a description for '{c}': "
                       "set 'podcast.description' (or the site's 'description')")
        elif size > PODCAST_DESCRIPTION_BYTES:
            diag.error(path, line("description"), f"'podcast.description' for '{c}' is {size} bytes; podcast "
                       f"apps take at most {PODCAST_DESCRIPTION_BYTES} (a Chinese character is 3 bytes)")

    owner = raw.get("owner")
    owner_name, owner_email = dict(p_author), ""
    if owner is not None and not isinstance(owner, dict):
        diag.error(path, line("owner"), "'podcast.owner' must be {name: ..., email: ...}")
    elif owner is not None:
        _unknown_keys(owner, {"name", "email"}, diag, path, located, "podcast", "owner")
        owner_name = texts(owner.get("name"), ("owner", "name"), p_author)
        owner_email = str(owner.get("email") or "").strip()
    if not owner_email:
        diag.error(path, line("owner", "email") if owner else line(),
                   "'podcast.owner.email' is required: Apple and Spotify send ownership codes there, "
                   "and YouTube rejects a podcast without it")
    elif "@" not in owner_email or " " in owner_email:
        diag.error(path, line("owner", "email"), f"'podcast.owner.email' '{owner_email}' is not an email address")

    image = raw.get("image")
    if image is None:
        diag.error(path, line(), "'podcast.image' is required: a square JPEG or PNG cover in static/, "
                                 "1400 to 3000 pixels a side")
        image = ""
    elif not isinstance(image, str) or not image.strip() or "://" in image or image.startswith("//"):
        diag.error(path, line("image"), "'podcast.image' must name a file in static/, e.g. podcast-cover.png")
        image = ""
    image = image.strip().lstrip("/")

    category = raw.get("category")
    subcategory = raw.get("subcategory") or ""
    if category is None:
        diag.error(path, line(), "'podcast.category' is required: one of Apple's categories, "
                                 "e.g. 'Society & Culture'")
        category = ""
    elif str(category) not in CATEGORIES:
        diag.error(path, line("category"), f"unknown podcast category '{category}'"
                   f"{did_you_mean(str(category), CATEGORIES)}; use one of Apple's: {', '.join(CATEGORIES)}")
        category = ""
    elif subcategory and str(subcategory) not in CATEGORIES[category]:
        subs = CATEGORIES[category]
        hint = did_you_mean(str(subcategory), subs) + (f"; '{category}' has: {', '.join(subs)}" if subs
                                                       else f"; '{category}' has no subcategories")
        diag.error(path, line("subcategory"), f"unknown subcategory '{subcategory}' of '{category}'{hint}")
        subcategory = ""

    kind = raw.get("type", "episodic")
    if kind not in ("episodic", "serial"):
        diag.error(path, line("type"), f"'podcast.type' must be 'episodic' or 'serial', not '{kind}'")
        kind = "episodic"

    guid: dict[str, str] = {}
    raw_guid = raw.get("guid")
    if raw_guid is not None and not isinstance(raw_guid, dict):
        diag.error(path, line("guid"), "'podcast.guid' must map each language to its feed's GUID "
                                       "({en: ..., zh: ...}): every language is its own podcast")
    elif raw_guid:
        for c, value in raw_guid.items():
            if c not in codes:
                diag.error(path, line("guid", c),
                           f"'podcast.guid' has unknown language '{c}'{did_you_mean(str(c), codes)}")
                continue
            try:
                guid[c] = str(uuid.UUID(str(value)))
            except ValueError:
                diag.error(path, line("guid", c), f"'podcast.guid.{c}' '{value}' is not a UUID")

    return Podcast(
        title=p_title, description=p_description, author=p_author, owner_name=owner_name,
        owner_email=owner_email, image=image, category=str(category), subcategory=str(subcategory),
        explicit=flag("explicit", False), type=kind, guid=guid, locked=flag("locked", False),
        link=texts(raw.get("link"), ("link",), {c: "" for c in codes}),
    )


def _good_base_url(value) -> bool:
    if not isinstance(value, str) or not value.startswith(("http://", "https://")):
        return False
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError:
        return False
    return bool(parts.hostname) and not parts.query and not parts.fragment and " " not in value


def load_config(root: Path, diag: Diagnostics) -> Config | None:
    """Read and check `root/site.yaml`; report every problem, return None only if unusable."""
    path = root / SITE_FILE
    try:
        text = path.read_bytes().decode("utf-8-sig").replace("\r\n", "\n")
    except FileNotFoundError:
        diag.error(path, None, "no site.yaml here; run 'riji init DIR' to start a site, or pass --site DIR")
        return None
    except (OSError, UnicodeDecodeError) as exc:
        diag.error(path, None, f"cannot read site.yaml: {exc}")
        return None
    try:
        located = load(text)
    except YamlError as exc:
        diag.error(path, exc.line, exc.message)
        return None
    raw = located.data or {}
    if not isinstance(raw, dict):
        diag.error(path, 1, "site.yaml must be a mapping of settings")
        return None
    _unknown_keys(raw, TOP_KEYS, diag, path, located)

    languages = _languages(raw.get("languages"), diag, path, located)
    codes = [lang.code for lang in languages]
    default = raw.get("default_language", codes[0] if codes else "en")
    if default not in codes:
        diag.error(path, located.line("default_language"),
                   f"default_language '{default}' is not one of {codes}{did_you_mean(str(default), codes)}")
        default = codes[0]

    base_url = raw.get("base_url")
    if not _good_base_url(base_url):
        diag.error(path, located.line("base_url"),
                   "'base_url' must be an absolute http(s) URL such as https://example.org/ or "
                   "https://me.github.io/diary/, without query or fragment")
        base_url = "http://localhost/"
    if not base_url.endswith("/"):
        base_url += "/"

    author = raw.get("author") or {}
    if isinstance(author, str):
        author = {"name": author}
    if not isinstance(author, dict):
        diag.error(path, located.line("author"), "'author' must be a name or {name, email}")
        author = {}
    _unknown_keys(author, {"name", "email", "url"}, diag, path, located, "author")

    timezone = str(raw.get("timezone", "UTC"))
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        diag.error(path, located.line("timezone"), f"unknown timezone '{timezone}' (e.g. Asia/Shanghai)")
        timezone = "UTC"

    per_page = raw.get("posts_per_page", 10)
    if not isinstance(per_page, int) or isinstance(per_page, bool) or per_page < 1:
        diag.error(path, located.line("posts_per_page"), "'posts_per_page' must be a positive whole number")
        per_page = 10

    policy = raw.get("missing_translation", "mark")
    if policy not in ("mark", "hide"):
        diag.error(path, located.line("missing_translation"),
                   f"'missing_translation' must be 'mark' or 'hide', not '{policy}'")
        policy = "mark"

    tags: dict[str, dict[str, str]] = {}
    raw_tags = raw.get("tags") or {}
    if not isinstance(raw_tags, dict):
        diag.error(path, located.line("tags"), "'tags' must map a tag to its names per language")
        raw_tags = {}
    for tag, names in raw_tags.items():
        tags[str(tag)] = per_language(names, codes, diag, path, located.line("tags", tag), f"tags.{tag}")

    publish = raw.get("publish") or []
    if isinstance(publish, dict) and all(isinstance(v, dict) or v is None for v in publish.values()):
        publish = [dict(v or {}, name=k) for k, v in publish.items()]  # {name: {type: ...}} form
    if not isinstance(publish, list):
        diag.error(path, located.line("publish"), "'publish' must be a list of targets")
        publish = []

    title = per_language(raw.get("title"), codes, diag, path, located.line("title"), "title")
    description = per_language(raw.get("description"), codes, diag, path, located.line("description"),
                               "description", required=False)
    podcast = _podcast(raw.get("podcast"), codes, title, description, author, diag, path, located)

    theme = str(raw.get("theme", "default"))
    return Config(
        root=root,
        base_url=base_url,
        languages=languages,
        default_language=default,
        title=title,
        description=description,
        author={k: str(v) for k, v in author.items()},
        theme=theme,
        posts_per_page=per_page,
        timezone=timezone,
        missing_translation=policy,
        menu=_menu(raw.get("menu"), codes, diag, path, located),
        tags=tags,
        feeds=_feeds(_section(raw.get("feeds"), FEED_KEYS, "feeds", diag, path, located), diag, path, located),
        podcast=podcast,
        publish=publish,
        check=_host_list(_switches(_section(raw.get("check"), CHECK_KEYS, "check", diag, path, located),
                                   CHECK_KEYS, "check", diag, path, located), diag, path, located),
        hosting=_switches(_section(raw.get("hosting"), HOSTING_KEYS, "hosting", diag, path, located),
                          HOSTING_KEYS, "hosting", diag, path, located),
        copyright=per_language(raw.get("copyright"), codes, diag, path, located.line("copyright"),
                               "copyright", required=False),
        lines=located,
    )
