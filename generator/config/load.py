"""Read site.yaml once and tie its sections into one frozen `Config`."""
from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .. import generated
from ..constants import SITE_FILE, base_path
from ..diagnostics import Diagnostics, did_you_mean, not_utf8
from ..yamlfile import Located, YamlError, load
from . import sections
from .podcast import podcast_channel
from .types import Config, freeze, generation_plan
from .values import good_base_url, per_language, section, switches, unknown_keys

TOP_KEYS = {
    "base_url", "title", "description", "author", "languages", "default_language", "theme",
    "posts_per_page", "timezone", "missing_translation", "menu", "tags", "feeds", "podcast",
    "publish", "check", "copyright", "hosting", "toc", "search", "translations",
}


def load_config(root: Path, diag: Diagnostics) -> Config | None:
    """Read and check `root/site.yaml`; report every problem, return None only if unusable."""
    path = root / SITE_FILE
    try:
        text = path.read_bytes().decode("utf-8-sig").replace("\r\n", "\n")
    except FileNotFoundError:
        diag.error(path, None, "no site.yaml here; run 'riji init DIR' to start a site, or pass --site DIR")
        return None
    except UnicodeDecodeError as exc:
        diag.error(path, *not_utf8(exc))
        return None
    except OSError as exc:
        diag.error(path, None, f"cannot read site.yaml: {exc.strerror}")
        return None
    try:
        located = load(text)
    except YamlError as exc:
        for line, message in exc.problems:  # every duplicate key, not only the first
            diag.error(path, line, message)
        return None
    raw = located.data or {}
    if not isinstance(raw, dict):
        diag.error(path, 1, "site.yaml must be a mapping of settings")
        return None
    unknown_keys(raw, TOP_KEYS, diag, path, located)

    languages = sections.languages(raw.get("languages"), diag, path, located)
    codes = [lang.code for lang in languages]
    raw = generated.fill_texts(raw, generation_plan(languages), codes)  # made languages get their texts
    default = raw.get("default_language", codes[0] if codes else "en")
    if default not in codes:
        diag.error(path, located.line("default_language"),
                   f"default_language '{default}' is not one of {codes}{did_you_mean(str(default), codes)}")
        default = codes[0]

    base_url = raw.get("base_url")
    if not good_base_url(base_url):
        diag.error(path, located.line("base_url"),
                   "'base_url' must be an absolute http(s) URL such as https://example.org/ or "
                   "https://me.github.io/diary/, without query or fragment")
        base_url = "http://localhost/"
    if not base_url.endswith("/"):
        base_url += "/"
    sub_path = base_path(base_url)
    if sub_path != "/":
        root_url = base_url[:len(base_url) - len(sub_path)] + "/"
        diag.warning(path, located.line("base_url"),
                     f"the site lives under {sub_path}, so riji writes no robots.txt: crawlers read it only "
                     f"at {root_url}robots.txt; to list the sitemap there, add 'Sitemap: "
                     f"{base_url}sitemap.xml' to that file")

    author = raw.get("author") or {}
    if isinstance(author, str):
        author = {"name": author}
    if not isinstance(author, dict):
        diag.error(path, located.line("author"), "'author' must be a name or {name, email, url, avatar}")
        author = {}
    unknown_keys(author, {"name", "email", "url", "avatar"}, diag, path, located, "author")

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

    publish = sections.publish(raw.get("publish"), diag, path, located)
    toc = sections.toc(section(raw.get("toc"), sections.TOC_KEYS, "toc", diag, path, located), diag, path, located)

    title = per_language(raw.get("title"), codes, diag, path, located.line("title"), "title")
    description = per_language(raw.get("description"), codes, diag, path, located.line("description"),
                               "description", required=False)
    podcast = podcast_channel(raw.get("podcast"), codes, title, description, author, diag, path, located)

    settings = dict(  # checked in this order, so messages keep theirs
        base_url=base_url,
        languages=languages,
        default_language=default,
        title=title,
        description=description,
        author={k: str(v) for k, v in author.items()},
        theme=str(raw.get("theme", "default")),
        posts_per_page=per_page,
        timezone=timezone,
        missing_translation=policy,
        menu=sections.menu(raw.get("menu"), codes, diag, path, located),
        tags=tags,
        feeds=sections.feeds(section(raw.get("feeds"), sections.FEED_KEYS, "feeds", diag, path, located),
                             diag, path, located),
        podcast=podcast,
        publish=publish,
        publish_lines=sections.publish_lines(located),
        check=sections.host_list(switches(section(raw.get("check"), sections.CHECK_KEYS, "check", diag, path,
                                                  located), sections.CHECK_KEYS, "check", diag, path, located),
                                 diag, path, located),
        hosting=switches(section(raw.get("hosting"), sections.HOSTING_KEYS, "hosting", diag, path, located),
                         sections.HOSTING_KEYS, "hosting", diag, path, located),
        search=switches(section(raw.get("search"), sections.SEARCH_KEYS, "search", diag, path, located),
                        sections.SEARCH_KEYS, "search", diag, path, located),
        translations=switches(section(raw.get("translations"), sections.TRANSLATION_KEYS, "translations", diag,
                                      path, located), sections.TRANSLATION_KEYS, "translations", diag, path, located),
        copyright=per_language(raw.get("copyright"), codes, diag, path, located.line("copyright"),
                               "copyright", required=False),
        toc=toc,
    )
    return Config(**{name: freeze(value) for name, value in settings.items()},
                  lines=Located(None, freeze(located.lines)))
