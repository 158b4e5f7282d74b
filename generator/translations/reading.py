"""What `riji status` and `riji new --translate` read: the site's documents and its record.

A source-reading step like `sources` (which it calls): the files are read here and handed on as
values, so `status` itself stays pure.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from .. import collector, markdown
from ..build import markdown_job, markdown_key, markdown_settings
from ..config import Config, load_config
from ..diagnostics import Diagnostic, Diagnostics
from ..memo import BuildMemo, load_memo, memo_path
from ..sources import SourceEntry, read_entries
from ..theme import load_theme
from .lock import Lock, from_text, read_lock, read_text
from .status import Document, SitePaths, Status, document, of_lock_text


@dataclass
class Reading:
    root: Path
    config: Config | None
    entries: list[SourceEntry] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)
    lock: Lock | None = None
    source_problems: list[Diagnostic] = field(default_factory=list)  # site.yaml and content/
    lock_problems: list[Diagnostic] = field(default_factory=list)
    status: Status | None = None  # read without the documents and the whole record (`read_site`)

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
def read_site(root: Path, whole: bool = True) -> Reading:
    """The site's documents and its record, which a sync or a new translation changes; or, not
    `whole`, only the status (`riji status`), with what the last build kept of each document's
    where it still holds: the record is then read only in the parts of documents that changed."""
    root = root.resolve()
    diag = Diagnostics(root)
    config = load_config(root, diag)
    reading = Reading(root, config)
    read = None  # translations.lock's text and problems, once read
    if config is not None:
        memo = load_memo(memo_path(root))  # read, never saved: status leaves the build's cache as it was
        reading.entries = read_entries(root, config, diag, memo)
        bodies = _bodies(root, config, reading.entries, reading.languages, memo)
        if not whole:
            read = read_text(root)
            kept = None if read[1] else of_lock_text(reading.entries, bodies, read[0], reading.languages, root,
                                                     memo.status)
            if kept is not None:
                reading.status = kept[0]
                reading.source_problems = list(diag.items)
                return reading
        relative = SitePaths(root)
        reading.documents = [document(e, root, {c: list(bodies[e.name, c].blocks) for c in e.docs
                                                if (e.name, c) in bodies}, reading.languages, relative)
                             for e in reading.entries]
    reading.source_problems = list(diag.items)  # a copy: nothing shares this collector's list
    reading.lock, reading.lock_problems = from_text(*read) if read is not None else read_lock(root)
    return reading


class _Body(NamedTuple):
    blocks: object  # a sequence of Block
    key: str  # the build's Markdown cache key; "" for blocks split here


def _bodies(root: Path, config: Config, entries: list[SourceEntry], languages: list[str],
            memo: BuildMemo) -> dict[tuple[str, str], _Body]:
    """(entry name, language) -> the document's blocks: those the last build found, when its memo
    has the document's Markdown as it is now (at 5,000 posts parsing them all again took 30 s), else
    split here as the build would split them."""
    theme, _problems = load_theme(root, config.theme, config.codes, config.generated)  # the build reports them
    settings = markdown_settings(config, theme.strings)
    bodies = {}
    for entry in entries:
        for code, doc in entry.docs.items():
            if code not in languages:
                continue
            text, offset, own = job = markdown_job(doc, settings[code])
            key = markdown_key(*job)
            known = memo.markdown.get(key)
            bodies[entry.name, code] = _Body(known.blocks, key) if known is not None else \
                _Body(markdown.split_blocks(text, offset, own["smart_quotes"]), "")
    return bodies
