"""Which translations fell behind: every document compared with its record in `translations.lock`.

Pure: documents and the record in, values out. A language whose text differs from its record has
changed; if only one has, the others are outdated with respect to it, and the changes are named
block by block (line and first words in the changed file, and where the translation of each sits).
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Sequence

from ..diagnostics import Diagnostic
from .align import align, by_shape, by_text
from ..markdown import split_blocks
from .blocks import Block, document_blocks
from . import lock as lockfile
from .lock import Lock, Record, Recorded

MISSING, OUTDATED, BOTH_EDITED, ORPHANED, UNTRACKED = "missing", "outdated", "both_edited", "orphaned", "untracked"
STATES = (OUTDATED, BOTH_EDITED, ORPHANED, MISSING, UNTRACKED)  # the order `riji status` lists them in
LABELS = {MISSING: "missing", OUTDATED: "outdated", BOTH_EDITED: "both edited", ORPHANED: "orphaned",
          UNTRACKED: "untracked"}
STRICT = (MISSING, OUTDATED, BOTH_EDITED, ORPHANED)  # what `--strict` fails on


@dataclass(frozen=True)
class Version:
    """One language of a document as it is now."""

    file: str  # relative to the site root
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Document:
    name: str
    kind: str
    slug: str
    versions: dict[str, Version]


@dataclass(frozen=True)
class Change:
    what: str  # "changed", "added" or "removed"
    block: Block  # as it is now, or for a removed block as it was recorded
    line: int | None  # in the changed file; for a removed block, the line of the block before it
    target: int | None  # in the translation: the line of the matching text, or the one to add after


@dataclass(frozen=True)
class Item:
    state: str
    name: str
    lang: str | None  # the translation concerned (missing: the absent language)
    file: str  # the file to open
    line: int | None
    other: str | None = None  # outdated: the changed language; missing: one it exists in; orphaned: the one gone
    other_file: str | None = None
    changes: tuple[Change, ...] = ()
    langs: tuple[str, ...] = ()  # both edited: the languages that changed


@dataclass
class Status:
    items: list[Item]
    in_sync: int
    has_record: bool

    def count(self, state: str) -> int:
        return len([i for i in self.items if i.state == state])

    @property
    def strict_failures(self) -> int:
        return len([i for i in self.items if i.state in STRICT])

    def of(self, name: str, lang: str, state: str = OUTDATED) -> Item | None:
        return next((i for i in self.items if i.name == name and i.lang == lang and i.state == state), None)


def document(entry, root: Path, body: dict[str, list[Block]] | None = None, languages=None,
             relative: Callable[[Path], str] | None = None) -> Document:
    """A `sources.SourceEntry` as status sees it; `body` may bring blocks already split by the
    Markdown stage, so a build parses nothing twice. Only `languages` count (not a generated one).
    `relative` (a `SitePaths`) names files, shared by the documents of one site."""
    relative = relative or SitePaths(root)
    versions = {}
    for code, doc in entry.docs.items():
        if languages is not None and code not in languages:
            continue
        blocks = (body or {}).get(code)
        if blocks is None:
            blocks = split_blocks(doc.body, doc.body_line - 1)
        summary = doc.meta.get("summary")
        versions[code] = Version(
            relative(doc.path),
            tuple(document_blocks(str(doc.meta.get("title") or ""), doc.lines.get("title"),
                                  str(summary) if summary else None, doc.lines.get("summary"), blocks)))
    return Document(entry.name, entry.kind, entry.slug, versions)


class SitePaths:
    """A file's path relative to the site folder, as translations.lock records it (links resolved).
    Each folder is resolved once: a site has thousands of documents in a few folders. Strings and
    os.path, not pathlib, which took a tenth of a second for 10,000 documents."""

    def __init__(self, root: Path):
        self.root, self.folders = os.path.join(os.path.realpath(root), ""), {}  # "/site/", or "/"

    def __call__(self, path: Path) -> str:
        path = os.fspath(path)
        if os.path.islink(path):
            real = os.path.realpath(path)
        else:
            folder, name = os.path.split(path)
            if folder not in self.folders:
                self.folders[folder] = os.path.realpath(folder)
            real = os.path.join(self.folders[folder], name)
        if real.startswith(self.root):
            return real[len(self.root):].replace(os.sep, "/")
        return Path(path).as_posix()


def match(documents: Iterable[Document], lock: Lock) -> dict[str, Record]:
    """Document name -> its record: by name, else (renamed file) by kind and slug. A record whose
    slug changed is still found by its name."""
    documents = list(documents)
    found = {d.name: lock[d.name] for d in documents if d.name in lock}
    used = {r.name for r in found.values()}
    by_slug = {(r.kind, r.slug): r for r in lock.values() if r.name not in used}
    for d in documents:
        if d.name not in found and (r := by_slug.pop((d.kind, d.slug), None)) is not None:
            found[d.name] = r
    return found


def _same(recorded: Recorded, version: Version) -> bool:
    return recorded.blocks is not None and [(b.kind, b.fingerprint) for b in recorded.blocks] == \
        [(b.kind, b.fingerprint) for b in version.blocks]


def changes(recorded: Sequence[Block], now: Sequence[Block], translation: Sequence[Block]) -> tuple[Change, ...]:
    """What changed between an original's record and its text now, each with where its
    translation sits (aligned against the record, which the translation still follows)."""
    target = {i: j for i, j in align(recorded, translation, by_shape) if i is not None and j is not None}
    out = []
    before_now: int | None = None  # line of the last current block seen, for removed ones
    before_old: int | None = None  # index of the last recorded block seen, for added ones
    for i, j in align(recorded, now, by_text):
        if i is not None and j is not None:
            if recorded[i].fingerprint != now[j].fingerprint or recorded[i].kind != now[j].kind:
                t = target.get(i)
                out.append(Change("changed", now[j], now[j].line, None if t is None else translation[t].line))
        elif j is not None:
            t = target.get(before_old) if before_old is not None else None
            out.append(Change("added", now[j], now[j].line, None if t is None else translation[t].end))
        else:
            t = target.get(i)
            out.append(Change("removed", recorded[i], before_now, None if t is None else translation[t].line))
        if j is not None:
            before_now = now[j].end or now[j].line or before_now
        if i is not None:
            before_old = i
    return tuple(out)


def status(documents: Iterable[Document], lock: Lock | None, languages: Sequence[str],
           known: dict | None = None) -> Status:
    """`languages`: every language a document should be written in (generated ones excluded).
    `known` remembers each document's items with the Document and Record they came from, for a
    next call with the same languages to reuse."""
    documents = list(documents)
    order = {code: n for n, code in enumerate(languages)}
    records = match(documents, lock or {})
    items: list[Item] = []
    in_sync = 0
    made = {}
    for doc in documents:
        record = records.get(doc.name)
        old = known.get(doc.name) if known is not None else None
        if old is not None and old[0] is doc and old[1] is record:
            found, synced = old[2], old[3]
        else:
            found, synced = _items(doc, record, languages, order)
        made[doc.name] = (doc, record, found, synced)
        items.extend(found)
        in_sync += synced
    if known is not None:
        known.clear()
        known.update(made)
    return Status(items, in_sync, lock is not None)


def _items(doc: Document, record: Record | None, languages: Sequence[str], order: dict) -> tuple[list[Item], bool]:
    """(a document's items, whether it is a pair in sync)."""
    present = sorted(doc.versions, key=lambda c: order.get(c, len(order)))
    found = _document_items(doc, present, record, languages)
    return found, len(present) > 1 and not [i for i in found if i.state != MISSING]


def _document_items(doc: Document, present: list[str], record: Record | None,
                    languages: Sequence[str]) -> list[Item]:
    v = doc.versions
    first = v[present[0]]
    items = []
    gone = [c for c in (record.langs if record else {}) if c not in v and c in languages]
    for code in gone:
        items.append(Item(ORPHANED, doc.name, present[0], first.file, _first_line(first), other=code,
                          other_file=record.langs[code].file))
    for code in languages:
        if code not in v and code not in gone:
            items.append(Item(MISSING, doc.name, code, first.file, None, other=present[0]))
    if len(present) < 2:
        return items
    if record is None:
        items.append(Item(UNTRACKED, doc.name, None, first.file, None))
        return items
    recorded = {c: record.langs[c] for c in present if c in record.langs}
    for code in present:
        if code not in recorded:
            items.append(Item(UNTRACKED, doc.name, code, v[code].file, None))
    changed = [c for c in recorded if recorded[c].blocks is not None and not _same(recorded[c], v[c])]
    if len(changed) > 1:
        first_change = changes(recorded[changed[0]].blocks, v[changed[0]].blocks, ())
        items.append(Item(BOTH_EDITED, doc.name, None, v[changed[0]].file,
                          next((c.line for c in first_change if c.line), None), langs=tuple(changed)))
    for code in recorded:
        if code in changed:
            continue
        if changed:
            source = changed[0]
            found = changes(recorded[source].blocks, v[source].blocks, v[code].blocks)
            line = next((c.target for c in found if c.target), None)
            items.append(Item(OUTDATED, doc.name, code, v[code].file, line, other=source,
                              other_file=v[source].file, changes=found))
        elif recorded[code].blocks is None:
            items.append(Item(UNTRACKED, doc.name, code, v[code].file, None))
    return items


def _first_line(version: Version) -> int | None:
    return next((b.line for b in version.blocks if b.line), None)


def sync(documents: Iterable[Document], lock: Lock | None, names: Iterable[str] | None = None) -> Lock:
    """The record with the given documents (all when `names` is None, or when there is no record
    yet) declared in sync as they are now. A document in one language only has nothing to pair."""
    documents = list(documents)
    if lock is None or names is None:
        chosen, out = documents, {}
    else:
        wanted = set(names)
        chosen = [d for d in documents if d.name in wanted]
        out = dict(lock)
    records = match(documents, lock or {})
    for doc in chosen:
        old = records.get(doc.name)
        if old is not None:
            out.pop(old.name, None)
        out.pop(doc.name, None)
        if len(doc.versions) > 1:
            out[doc.name] = record(doc)
    return out


def record(doc: Document, pending: Iterable[str] = ()) -> Record:
    pending = set(pending)
    return Record(doc.name, doc.slug, {
        code: Recorded(version.file, None if code in pending else version.blocks)
        for code, version in sorted(doc.versions.items())})


def started(doc: Document, lock: Lock, lang: str, version: Version) -> Record:
    """The record once `lang` is begun from `doc`: what was recorded stays (or, for a document
    not yet recorded, its text now), and `lang` is pending until synced."""
    old = match([doc], lock).get(doc.name)
    base = old.langs if old is not None else record(doc).langs
    langs = {code: base.get(code, Recorded(v.file, v.blocks)) for code, v in doc.versions.items()}
    langs[lang] = Recorded(version.file, None)
    return Record(doc.name, doc.slug, dict(sorted(langs.items())))


def describe(item: Item) -> str:
    """One line for a person: what is wrong and what to do."""
    if item.state == MISSING:
        return f"only in {item.other}; no {item.lang} translation (riji new --translate {item.file} --to {item.lang})"
    if item.state == ORPHANED:
        return (f"its {item.other} version {item.other_file} is gone; if it was renamed, rename this file "
                f"to match, else run riji status --sync {item.file}")
    if item.state == BOTH_EDITED:
        return (f"{' and '.join(item.langs)} both changed since the last sync; review them side by side, "
                f"then run riji status --sync {item.file}")
    if item.state == UNTRACKED:
        which = f"the {item.lang} translation" if item.lang else "this translation pair"
        return f"{which} is not synced yet; check it, then run riji status --sync {item.file}"
    n = len(item.changes)
    what = f"{n} block{'s' if n != 1 else ''} changed" if n else "it changed"
    return f"{item.lang} translation is outdated: {what} in the {item.other} version {item.other_file}"


def describe_change(change: Change, item: Item) -> str:
    where = f"{item.other_file}:{change.line}" if change.line else item.other_file
    if change.what == "removed":
        where = f"{where} (after that line)" if change.line else where
    label = change.block.label
    words = f' "{change.block.words}"' if change.block.words else ""
    goes = ""
    if change.target:
        goes = f" -> {item.lang} line {change.target}" if change.what != "added" else \
            f" -> {item.lang} after line {change.target}"
    return f"{where}: {change.what} {label}{words}{goes}"


def of_build(entries, rendered: dict, lock: Lock | None, languages: Sequence[str], root: Path,
             known: dict | None = None) -> Status:
    """The status from what a build has at hand: its sources and the blocks its Markdown stage found.
    `known` (the preview's memo keeps it) remembers each entry's Document with the very objects it
    was made from, so a rebuild makes Documents only for the entries it read or rendered again."""
    relative = SitePaths(root)
    wanted = tuple(languages)
    remembered, items = ({}, None) if known is None else known.get((root, wanted), ({}, {}))
    made = {}
    documents = []
    for e in entries:
        old = remembered.get(e.name)
        if old is not None and old[4] is e and all(rendered.get((e.name, c)) is r for c, _d, r in old[2]):
            made[e.name] = old  # the very entry the memo handed back, rendered as it was
            documents.append(old[3])
            continue
        made_from = tuple((c, d, rendered.get((e.name, c))) for c, d in e.docs.items() if c in wanted)
        if old is not None and (old[0], old[1], len(old[2])) == (e.kind, e.slug, len(made_from)) and \
                all(a[0] == b[0] and a[1] is b[1] and a[2] is b[2] for a, b in zip(old[2], made_from)):
            doc = old[3]
        else:
            doc = document(e, root, {c: list(r.blocks) for c, _d, r in made_from if r is not None}, languages, relative)
        made[e.name] = (e.kind, e.slug, made_from, doc, e)
        documents.append(doc)
    if known is not None:
        known.clear()
        known[(root, wanted)] = made, items
    return status(documents, lock, languages, items)


def of_lock_text(entries, rendered: dict, text: str | None, languages: Sequence[str], root: Path,
                 kept: dict) -> tuple[Status, dict] | None:
    """What `of_build` says of translations.lock's `text`, with only the documents whose text or
    record changed since the build that left `kept` worked out (the rest as it found them), and
    what to keep for the next build. Of the file, the parts those documents' records are in are
    read, and the records no document has by name (usually none: a deleted document's), so that
    each problem is still found. On a large diary all of it took a second and a half of a one-post
    build. None when the file is not as `dump` writes it, or a part has a problem: then `read_lock`
    reads it whole, for its messages at their lines."""
    found = {} if text is None else lockfile.parts(text)
    if found is None:
        return None
    wanted, relative = tuple(languages), SitePaths(root)
    order = {code: n for n, code in enumerate(languages)}
    # the records no document has by name, read first; any other is read when its document needs
    # it and not kept: together they would hold the whole file as objects at once (27 MiB at 1,000
    # posts), which the process then keeps as free but unreturned memory for the rest of the build
    records: dict[str, Record] = {}
    named = {e.name for e in entries}
    by_slug = {}
    for name in found:
        if name not in named:
            if (record := lockfile.part(*found[name], name)) is None:
                return None
            records[name] = by_slug[(record.kind, record.slug)] = record  # as `match` finds a renamed file's record
    items: list[Item] = []
    in_sync = 0
    now = {}
    for e in entries:
        name = e.name if e.name in found else getattr(by_slug.pop((e.kind, e.slug), None), "name", None)
        docs = [(c, d, rendered.get((e.name, c))) for c, d in e.docs.items() if c in wanted]
        key = None
        if all(r is not None and r.key for _c, _d, r in docs):
            digest = hashlib.blake2b(repr((e.kind, e.slug, wanted, [
                (c, relative(d.path), r.key, str(d.meta.get("title") or ""), d.lines.get("title"),
                 str(d.meta.get("summary") or ""), d.lines.get("summary")) for c, d, r in docs])).encode(), digest_size=16)
            digest.update(b"\0" + found[name][1].encode() if name else b"")  # its part of the lock, not repr'd
            key = digest.digest()
        old = kept.get(e.name)
        if key is not None and old is not None and old[0] == key:
            _key, listed, synced = old
        else:
            record = (records.pop(name, None) or lockfile.part(*found[name], name)) if name else None
            if name and record is None:
                return None
            doc = document(e, root, {c: list(r.blocks) for c, _d, r in docs if r is not None}, languages, relative)
            listed, synced = _items(doc, record, languages, order)
        if key is not None:
            now[e.name] = (key, listed, synced)
        items.extend(listed)
        in_sync += synced
    return Status(items, in_sync, text is not None), now


def outdated(result: Status) -> dict[tuple[str, str], str]:
    """(document name, outdated language) -> the language whose change it lacks."""
    return {(i.name, i.lang): i.other for i in result.items if i.state == OUTDATED}


def summary(result: Status, lock_file: str) -> Diagnostic | None:
    """The one warning line of a build: how many translations fell behind."""
    n, both = result.count(OUTDATED), result.count(BOTH_EDITED)
    parts = []
    if n:
        parts.append(f"{n} translation{' is' if n == 1 else 's are'} outdated")
    if both:
        parts.append(f"{both} document{'' if both == 1 else 's'} changed in several languages")
    if not parts:
        return None
    return Diagnostic(lock_file, None, f"{'; '.join(parts)}; run riji status", "warning")


def warnings(result: Status) -> list[Diagnostic]:
    """The problems worth a warning in `riji check`: each with the file and line to open."""
    return [Diagnostic(i.file, i.line, describe(i), "warning")
            for i in result.items if i.state in (OUTDATED, BOTH_EDITED, ORPHANED)]
