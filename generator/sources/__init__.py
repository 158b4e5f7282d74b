"""Read `content/`: find documents in their three forms, split front-matter and language sections.

This is the only stage that reads content files; it hands plain values to `model`. `discovery`
groups files into documents, `frontmatter` reads one file, `languages` splits it into language
versions, `merge` makes one entry of a document's files, and `entries` holds what comes out.
"""
from __future__ import annotations

from ..config import Config
from ..constants import CONTENT_DIR, IGNORED
from ..diagnostics import Diagnostics
from .discovery import discover, list_files
from .entries import LANG_KEYS, SHARED_KEYS, SourceDoc, SourceEntry
from .frontmatter import UnclosedFrontMatter, read_text, split_front_matter
from .merge import read_entry

__all__ = ["IGNORED", "LANG_KEYS", "SHARED_KEYS", "SourceDoc", "SourceEntry", "UnclosedFrontMatter",
           "list_files", "read_entries", "read_text", "split_front_matter"]


def read_entries(config: Config, diag: Diagnostics, memo=None) -> list[SourceEntry]:
    """`memo` (the preview's) may hand back an unchanged entry instead of reading it again."""
    content = config.root / CONTENT_DIR
    if not content.is_dir():
        diag.error(content, None, "no content/ folder")
        return []
    entries = []
    if memo is not None:
        memo.begin()
    for kind, folder in (("post", "posts"), ("page", "pages")):
        for name, paths, bundle in discover(content / folder):
            args = (kind, f"{folder}/{name}", name, paths, bundle, config, diag)
            entry = read_entry(*args) if memo is None else memo.read_entry(read_entry, *args)
            if entry is not None:
                entries.append(entry)
    if memo is not None:
        memo.forget_unseen()
    return entries
