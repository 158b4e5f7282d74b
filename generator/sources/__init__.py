"""Read `content/`: find documents in their three forms, split front-matter and language sections.

This is the only stage that reads content files; it hands plain values to `model`. `discovery`
groups files into documents, `frontmatter` reads one file, `languages` splits it into language
versions, `merge` makes one entry of a document's files, and `entries` holds what comes out.
"""
from __future__ import annotations

from pathlib import Path

from ..config import Config
from ..constants import CONTENT_DIR, IGNORED
from ..diagnostics import Diagnostics
from ..generated import add_versions
from .discovery import discover, list_files
from .entries import LANG_KEYS, SHARED_KEYS, SourceDoc, SourceEntry
from .frontmatter import UnclosedFrontMatter, read_text, split_front_matter
from .merge import read_entry

__all__ = ["IGNORED", "LANG_KEYS", "SHARED_KEYS", "SourceDoc", "SourceEntry", "UnclosedFrontMatter",
           "list_files", "read_entries", "read_text", "split_front_matter"]


def read_entries(root: Path, config: Config, diag: Diagnostics, memo=None) -> list[SourceEntry]:
    """The entries of the site in `root`. `memo` (the preview's) may hand back an unchanged entry,
    with the problems it had, instead of reading it again; when its watcher's report allows, it
    also spares listing content/ and looking at the files of entries the report does not name."""
    content = root / CONTENT_DIR
    if not content.is_dir():
        diag.error(content, None, "no content/ folder")
        return []
    entries = []
    plan = None
    if memo is not None:
        memo.begin()
        plan = memo.plan(root, content)
    groups = plan[0] if plan is not None else \
        [(kind, folder, discover(content / folder)) for kind, folder in (("post", "posts"), ("page", "pages"))]
    for kind, folder, found in groups:
        for name, paths, bundle in found:
            ident = f"{folder}/{name}"
            args = (kind, ident, name, paths, bundle, root, config)
            if memo is None:
                entry = read_entry(*args, diag)
            else:
                entry, problems = memo.read_entry(read_entry, *args,
                                                  unchanged=plan is not None and ident not in plan[1])
                diag.items += problems
            if entry is not None:
                entries.append(entry)
    if memo is not None:
        memo.forget_unseen()
        memo.read(root, content, groups)
    return add_versions(entries, config.generated)  # languages made by OpenCC get their versions
