"""What `riji status` and `riji new --translate` read: the site's documents and its record.

A source-reading step like `sources` (which it calls): the files are read here and handed on as
values, so `status` itself stays pure.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..config import Config, load_config
from ..diagnostics import Diagnostic, Diagnostics
from ..sources import SourceEntry, read_entries
from .lock import Lock, read_lock
from .status import Document, SitePaths, document


@dataclass
class Reading:
    root: Path
    config: Config | None
    entries: list[SourceEntry] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)
    lock: Lock | None = None
    source_problems: list[Diagnostic] = field(default_factory=list)  # site.yaml and content/
    lock_problems: list[Diagnostic] = field(default_factory=list)

    @property
    def languages(self) -> list[str]:
        """The languages written by hand: a generated one (`from:` in site.yaml) follows by itself."""
        return [lang.code for lang in self.config.languages if not lang.source] if self.config else []

    def named(self, path: Path) -> tuple[Document, SourceEntry] | None:
        """The document one of whose files is `path` (from here, or else from the site root)."""
        targets = {path.resolve(), (self.root / path).resolve()}
        for entry, doc in zip(self.entries, self.documents):
            if any(Path(p).resolve() in targets for p in entry.paths):
                return doc, entry
        return None


def read_site(root: Path) -> Reading:
    root = root.resolve()
    diag = Diagnostics(root)
    config = load_config(root, diag)
    reading = Reading(root, config)
    if config is not None:
        reading.entries = read_entries(root, config, diag)
        relative = SitePaths(root)
        reading.documents = [document(e, root, languages=reading.languages, relative=relative) for e in reading.entries]
    reading.source_problems = list(diag.items)  # a copy: nothing shares this collector's list
    reading.lock, reading.lock_problems = read_lock(root)
    return reading
