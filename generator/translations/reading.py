"""What `riji status` and `riji new --translate` read: the site's documents and its record.

A source-reading step like `sources` (which it calls): the files are read here and handed on as
values, so `status` itself stays pure.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .. import collector, markdown
from ..build import markdown_key, markdown_settings
from ..config import Config, load_config
from ..diagnostics import Diagnostic, Diagnostics
from ..memo import BuildMemo, load_memo, memo_path
from ..sources import SourceEntry, read_entries
from ..theme import load_theme
from .blocks import Block
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


@collector.paused()  # as in a build: the memo is a million objects and no garbage
def read_site(root: Path) -> Reading:
    root = root.resolve()
    diag = Diagnostics(root)
    config = load_config(root, diag)
    reading = Reading(root, config)
    if config is not None:
        memo = load_memo(memo_path(root))  # read, never saved: status leaves the build's cache as it was
        reading.entries = read_entries(root, config, diag, memo)
        relative = SitePaths(root)
        bodies = _bodies(root, config, reading.entries, reading.languages, memo)
        reading.documents = [document(e, root, bodies[e.name], reading.languages, relative) for e in reading.entries]
    reading.source_problems = list(diag.items)  # a copy: nothing shares this collector's list
    reading.lock, reading.lock_problems = read_lock(root)
    return reading


def _bodies(root: Path, config: Config, entries: list[SourceEntry], languages: list[str],
            memo: BuildMemo) -> dict[str, dict[str, list[Block]]]:
    """Each document's blocks: those the last build found, when its memo has the document's Markdown
    as it is now (at 5,000 posts parsing them all again took 30 s), else split here as it would."""
    theme, _problems = load_theme(root, config.theme, config.codes, config.generated)  # the build reports them
    settings = markdown_settings(config, theme.strings)
    bodies = {}
    for entry in entries:
        bodies[entry.name] = found = {}
        for code, doc in entry.docs.items():
            if code not in languages:
                continue
            job = (doc.body, doc.body_line - 1, settings[code])
            rendered = memo.markdown.get(markdown_key(*job))
            found[code] = list(rendered.blocks) if rendered is not None else \
                markdown.split_blocks(doc.body, doc.body_line - 1, settings[code]["smart_quotes"])
    return bodies
