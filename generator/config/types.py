"""What the rest of riji reads of site.yaml: frozen values, tuples and read-only mappings, so no
stage can change the settings another stage sees."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from zoneinfo import ZoneInfo

from .. import constants
from ..yamlfile import Located

def freeze(value):
    """A parsed YAML value made read-only all the way down: mappings and lists become
    read-only mappings and tuples."""
    if isinstance(value, Mapping):
        return MappingProxyType({k: freeze(v) for k, v in value.items()})
    if isinstance(value, (list, tuple)):
        return tuple(freeze(v) for v in value)
    return value


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

    title: Mapping[str, str]
    description: Mapping[str, str]
    author: Mapping[str, str]
    owner_name: Mapping[str, str]
    owner_email: str
    image: str  # a file in static/, as a site-relative path, e.g. "podcast-cover.png"
    category: str
    subcategory: str  # "" for none
    explicit: bool
    type: str  # "episodic" or "serial"
    guid: Mapping[str, str]  # podcast:guid pinned per language; the others are derived from the feed URL
    locked: bool
    link: Mapping[str, str]  # "" means the language's home page


@dataclass(frozen=True)
class Config:
    """Built only by `load_config`; every field is required so none is forgotten there."""

    root: Path
    base_url: str
    languages: tuple[Language, ...]
    default_language: str
    title: Mapping[str, str]
    description: Mapping[str, str]
    author: Mapping[str, str]
    theme: str
    posts_per_page: int
    timezone: str
    missing_translation: str
    menu: Mapping[str, tuple[MenuItem, ...]]
    tags: Mapping[str, Mapping[str, str]]
    feeds: Mapping
    podcast: Podcast | None  # None: no podcast feed
    publish: tuple  # the targets as written (each a read-only mapping); `targets` checks them
    publish_lines: tuple[Mapping[str, int], ...]  # per target: "" -> its own line, key -> key's line
    check: Mapping
    hosting: Mapping
    copyright: Mapping[str, str]
    toc: Mapping  # {"min_headings": n}: posts with n or more headings get contents; None: only on request
    lines: Located = field(compare=False)  # where each key was written

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
        return self.lines.line(*keys)
