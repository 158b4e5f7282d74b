"""What the reader hands to the next stages: each document's language versions as plain values."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

SHARED_KEYS = {"date", "updated", "slug", "tags", "visibility", "toc", "episode", "season", "explicit", "weight"}
VISIBILITY = ("public", "unlisted", "private")
# `draft` is per language: a translation may be a draft while its original is published
LANG_KEYS = {"title", "summary", "description", "audio", "chapters", "guid", "image", "image_alt",
             "episode_type", "episode_image", "aliases", "draft"}


@dataclass(slots=True)
class SourceDoc:
    """One language version of a document, with where each part came from."""

    lang: str
    path: Path
    meta: dict
    lines: dict[str, int]
    body: str
    body_line: int  # file line of the body's first line
    # the file's text before the body when the body ends it (a file of one language), else all of it
    head: str
    draft: bool = False
    whole: bool = False  # `head` is the whole file (a file of several languages' sections)

    @classmethod
    def of(cls, lang: str, path: Path, meta: dict, lines: dict[str, int], body: str, body_line: int,
           text: str) -> "SourceDoc":
        """A document read from `text`, which keeps its body once."""
        if body and text.endswith(body):
            return cls(lang, path, meta, lines, body, body_line, text[:len(text) - len(body)])
        return cls(lang, path, meta, lines, body, body_line, text, whole=True)

    @property
    def text(self) -> str:
        """The whole file as read: later stages (checks) find lines in it without reading it again."""
        return self.head if self.whole else self.head + self.body


@dataclass(slots=True)
class SourceEntry:
    kind: str  # "post" or "page"
    name: str  # identity without language, e.g. "posts/tiktok-refugees"
    paths: list[Path]
    bundle: Path | None
    assets: tuple[str, ...]
    slug: str
    date: datetime | None
    updated: datetime | None
    tags: tuple[str, ...]
    draft: bool  # every language is a draft
    extra: dict
    visibility: str = "public"  # one of VISIBILITY
    toc: bool | None = None  # front-matter `toc:`; None: the site's default decides
    docs: dict[str, SourceDoc] = field(default_factory=dict)
    lines: dict[str, tuple[Path, int | None]] = field(default_factory=dict)  # shared key -> where

    @property
    def path(self) -> Path:
        return self.paths[0]
