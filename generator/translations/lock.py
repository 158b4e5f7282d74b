"""`translations.lock`: what each translation said when it was last declared in sync.

A text file at the site root, committed with the content: YAML, one entry per document sorted by
name, keys in a fixed order and one block per line, so a sync shows up as a readable diff. Reading
it is a source-reading step (`read_lock`); everything else here is pure.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..constants import TRANSLATIONS_LOCK as FILE_NAME
from ..diagnostics import Diagnostic, did_you_mean
from ..yamlfile import Located, YamlError, load
from .blocks import FINGERPRINT_LENGTH, KINDS, Block

HEADER = ("# riji translations.lock: what each translation said when it was last declared in sync.\n"
          "# Written by `riji status --sync`; commit it with your content.\n")
REWRITE = "fix it, or run 'riji status --sync' to rewrite the file"
_NAME = re.compile(r"^(posts|pages)/[^/\s][^\s]*$")
_BLOCK = re.compile(rf"^(?P<kind>[a-z0-9]+) (?P<fp>[0-9a-f]{{{FINGERPRINT_LENGTH}}})(?: (?P<words>.*))?$")
_LANG_KEYS = ("file", "blocks", "pending")


@dataclass(frozen=True)
class Recorded:
    """One language of a document as last synced; `blocks` is None for a translation that was
    started (`riji new --translate`) but not yet declared done."""

    file: str  # relative to the site root
    blocks: tuple[Block, ...] | None


@dataclass(frozen=True)
class Record:
    name: str  # e.g. "posts/evening-walk", the document's identity without language
    slug: str
    langs: dict[str, Recorded]
    line: int | None = field(default=None, compare=False)  # in the lock file, for messages

    @property
    def kind(self) -> str:
        return "post" if self.name.startswith("posts/") else "page"


Lock = dict[str, Record]


def parse(text: str, path: str = FILE_NAME) -> tuple[Lock, list[Diagnostic]]:
    """The record, and an error with its line for every part that is not as riji writes it;
    a broken entry is left out, the others still count."""
    conflict = next((n for n, row in enumerate(text.split("\n"), 1) if row.startswith(("<<<<<<<", ">>>>>>>"))), None)
    if conflict is not None:
        return {}, [Diagnostic(path, conflict, f"unresolved merge conflict; {REWRITE}")]
    try:
        located = load(text)
    except YamlError as exc:
        return {}, [Diagnostic(path, exc.line, f"{exc.message}; {REWRITE}")]
    data = located.data
    if data is None:
        return {}, []
    if not isinstance(data, dict):
        return {}, [Diagnostic(path, 1, f"must be a mapping of documents to their languages; {REWRITE}")]
    lock: Lock = {}
    problems: list[Diagnostic] = []
    for name, value in data.items():
        record, errs = _record(name, value, located, path)
        problems.extend(errs)
        if record is not None and not errs:
            lock[record.name] = record
    return lock, problems


def _record(name, value, located: Located, path: str) -> tuple[Record | None, list[Diagnostic]]:
    line = located.line(name)
    if not isinstance(name, str) or not _NAME.match(name):
        return None, [Diagnostic(path, line, f"'{name}' is not a document name such as "
                                             f"posts/<name> or pages/<name>; {REWRITE}")]
    if not isinstance(value, dict):
        return None, [Diagnostic(path, line, f"'{name}' must hold 'slug:' and one entry per language; {REWRITE}")]
    errs = []
    slug = value.get("slug")
    if not isinstance(slug, str) or not slug:
        errs.append(Diagnostic(path, located.line(name, "slug") if "slug" in value else line,
                               f"'{name}' needs 'slug:' with the document's slug; {REWRITE}"))
    langs = {}
    for code, entry in value.items():
        if code == "slug":
            continue
        recorded = _language(name, code, entry, located, path, errs)
        if recorded is not None:
            langs[str(code)] = recorded
    return Record(name, slug if isinstance(slug, str) else "", langs, line), errs


def _language(name: str, code, entry, located: Located, path: str, errs: list) -> Recorded | None:
    where = located.line(name, code)
    if not isinstance(entry, dict):
        errs.append(Diagnostic(path, where, f"'{name}.{code}' must hold 'file:' and 'blocks:'; {REWRITE}"))
        return None
    for key in entry:
        if key not in _LANG_KEYS:
            errs.append(Diagnostic(path, located.line(name, code, key),
                                   f"unknown key '{key}'{did_you_mean(str(key), _LANG_KEYS)}; {REWRITE}"))
    file = entry.get("file")
    if not isinstance(file, str) or not file:
        errs.append(Diagnostic(path, where, f"'{name}.{code}' needs 'file:' with the source file; {REWRITE}"))
    if entry.get("pending") is True and "blocks" not in entry:
        return Recorded(str(file), None)
    raw = entry.get("blocks")
    if not isinstance(raw, list):
        errs.append(Diagnostic(path, located.line(name, code, "blocks") if "blocks" in entry else where,
                               f"'{name}.{code}' needs 'blocks:', a list of recorded blocks "
                               f"(or 'pending: true'); {REWRITE}"))
        return None
    blocks = []
    for i, item in enumerate(raw):
        m = _BLOCK.match(item) if isinstance(item, str) else None
        if m is None or m.group("kind") not in KINDS:
            errs.append(Diagnostic(path, located.line(name, code, "blocks", i),
                                   f"'{item}' is not a recorded block ('<kind> <fingerprint> <first words>', "
                                   f"kind such as p, h2, list, code); {REWRITE}"))
            continue
        blocks.append(Block(m.group("kind"), m.group("fp"), m.group("words") or ""))
    return Recorded(str(file), tuple(blocks))


def dump(lock: Lock) -> str:
    """The file's text: the same record always gives the same bytes."""
    out = [HEADER]
    for name in sorted(lock):
        record = lock[name]
        entry: dict = {"slug": record.slug}
        for code in sorted(record.langs):
            recorded = record.langs[code]
            lang: dict = {"file": recorded.file}
            if recorded.blocks is None:
                lang["pending"] = True
            else:
                lang["blocks"] = [f"{b.kind} {b.fingerprint} {b.words}".rstrip() for b in recorded.blocks]
            entry[code] = lang
        out.append(yaml.safe_dump({name: entry}, sort_keys=False, allow_unicode=True, width=10_000,
                                  default_flow_style=False))
    return "".join(out)


def read_lock(root: Path) -> tuple[Lock | None, list[Diagnostic]]:
    """The site's record; None when it has none yet (then the first sync adopts everything)."""
    path = root / FILE_NAME
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None, []
    except OSError as exc:
        return {}, [Diagnostic(FILE_NAME, None, f"cannot read: {exc.strerror}")]
    try:
        text = raw.decode("utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError as exc:
        return {}, [Diagnostic(FILE_NAME, None, f"not UTF-8 text (byte {exc.start}); {REWRITE}")]
    return parse(text)


def write_lock(root: Path, lock: Lock) -> Path:
    """Replace the file whole, atomically: a crash mid-write leaves the old record."""
    path = root / FILE_NAME
    temporary = path.with_name(f".{FILE_NAME}.tmp")
    temporary.write_text(dump(lock), "utf-8")
    os.replace(temporary, path)
    return path
