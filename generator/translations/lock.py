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
from ..yamlfile import Located, YamlError, implicit_tag, load
from .blocks import FINGERPRINT_LENGTH, KINDS, Block

HEADER = ("# riji translations.lock: what each translation said when it was last declared in sync.\n"
          "# Written by `riji status --sync`; commit it with your content.\n")
REWRITE = "fix it, or run 'riji status --sync' to rewrite the file"
_NAME = re.compile(r"^(posts|pages)/[^/\s][^\s]*$")
_BLOCK = re.compile(rf"^(?P<kind>[a-z0-9]+) (?P<fp>[0-9a-f]{{{FINGERPRINT_LENGTH}}})(?: (?P<words>.*))?$")
_LANG_KEYS = ("file", "blocks", "pending")
_HEX = "0123456789abcdef"


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
    located = as_written(text)
    if located is not None:  # the shape `dump` writes: what YAML would read, read ten times faster
        lock, problems = _records(located, path)
        if not problems:
            return lock, problems
    try:  # anything else, or a problem to report at its line: YAML, which knows every key's line
        located = load(text)
    except YamlError as exc:
        return {}, [Diagnostic(path, exc.line, f"{exc.message}; {REWRITE}")]
    data = located.data
    if data is None:
        return {}, []
    if not isinstance(data, dict):
        return {}, [Diagnostic(path, 1, f"must be a mapping of documents to their languages; {REWRITE}")]
    return _records(located, path)


def _records(located: Located, path: str) -> tuple[Lock, list[Diagnostic]]:
    lock: Lock = {}
    problems: list[Diagnostic] = []
    for name, value in located.data.items():
        record, errs = _record(name, value, located, path)
        problems.extend(errs)
        if record is not None and not errs:
            lock[record.name] = record
    return lock, problems


_NO = object()  # not a scalar as `dump` writes one
_OPEN = object()  # `key:` alone: a mapping or list follows on the next lines
_OTHER_BREAKS = ("\r", "\x85", "\u2028", "\u2029")  # YAML ends a line at these too
# line breaks besides \n, tabs, controls: `dump` writes none of them unquoted (nor quoted, but escaped)
_UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff\ufffe\uffff]")
_NOT_FIRST = frozenset("-?:,[]{}#&*!|>'\"%@` ")  # indicators, and a space, which YAML would skip


def _scalar(token: str):
    """What YAML reads from `token` when it is plain or single-quoted on one line, as `dump` writes
    it; _NO for anything else (double quotes, a comment, a nested mapping, a number, an anchor)."""
    if not token:
        return _NO
    if token[0] == "'":
        inner = token[1:-1]
        if len(token) < 2 or token[-1] != "'" or "'" in inner.replace("''", ""):
            return _NO
        return inner.replace("''", "'")
    if token[0] in _NOT_FIRST or token[-1] == " " or ": " in token or " #" in token \
            or token[-1] == ":":
        return _NO
    if " " in token:  # no implicit type (number, bool, null) has a space
        return token
    tag = implicit_tag(token)
    if tag == "tag:yaml.org,2002:str":
        return token
    if tag == "tag:yaml.org,2002:bool":
        return token.lower() in ("yes", "true", "on")
    return None if tag == "tag:yaml.org,2002:null" else _NO


def _pair(row: str) -> tuple:
    """(key, value or _OPEN) of a `key: value` or `key:` row, or (_NO, _NO)."""
    if row[-1] == ":" and ": " not in row:
        key, value = _scalar(row[:-1]), _OPEN
    elif ": " in row:
        raw_key, raw = row.split(": ", 1)
        key, value = _scalar(raw_key), [] if raw == "[]" else _scalar(raw)
    else:
        return _NO, _NO
    return (key, value) if isinstance(key, str) and value is not _NO else (_NO, _NO)


def as_written(text: str) -> Located | None:
    """The lock file's data as YAML reads it, when the text has the shape `dump` writes (documents,
    their keys at two spaces, a language's at four, its blocks as an indentless list, plain or
    single-quoted one-line scalars, comments on lines of their own); else None, for YAML to read.
    Only each document's line is known, which is all a record keeps."""
    if _UNSAFE.search(text):
        return None
    data: dict = {}
    lines: dict[tuple, int] = {}
    entry = lang = items = None
    opened = None  # what the last `key:` row opened and is still empty: "entry", "lang" or "list"
    for n, row in enumerate(text.split("\n"), 1):
        if not row or row[0] == "#":
            continue
        if row[-1] == " ":
            return None
        if row[0] != " ":  # a document
            name = _scalar(row[:-1]) if row[-1] == ":" else _NO
            if opened or not isinstance(name, str) or name in data:
                return None
            entry, lang, items, opened = {}, None, None, "entry"
            data[name], lines[(name,)] = entry, n
        elif row.startswith("    - "):
            value = row[6:]  # nearly every row: a block, plain, "<kind> <fingerprint> <words>"
            if value[0] in _NOT_FIRST or " " not in value or ": " in value or " #" in value or value[-1] == ":":
                value = _scalar(value)
            if items is None or value is _NO:
                return None
            items.append(value)
            opened = None
        elif row.startswith("    ") and row[4] != " ":  # a key of a language
            key, value = _pair(row[4:])
            if lang is None or opened not in (None, "lang") or key is _NO or key in lang:
                return None
            if value is _OPEN:
                items = lang[key] = []
                opened = "list"
            else:
                lang[key], items, opened = value, None, None
        elif row.startswith("  ") and row[2] != " ":  # a key of a document
            key, value = _pair(row[2:])
            if entry is None or opened not in (None, "entry") or key is _NO or key in entry:
                return None
            if value is _OPEN:
                lang = entry[key] = {}
                opened = "lang"
            else:
                entry[key], lang, opened = value, None, None
            items = None
        else:
            return None
    return None if opened else Located(data, lines)


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
        block = _block(item) if isinstance(item, str) else None
        if block is None:
            errs.append(Diagnostic(path, located.line(name, code, "blocks", i),
                                   f"'{item}' is not a recorded block ('<kind> <fingerprint> <first words>', "
                                   f"kind such as p, h2, list, code); {REWRITE}"))
            continue
        blocks.append(block)
    return Recorded(str(file), tuple(blocks))


def _block(item: str) -> Block | None:
    """`item` as `_BLOCK` reads it, cut at its spaces instead: a large diary's lock holds a hundred
    thousand of them. Only a line break, which the pattern's `$` and `.` treat apart, goes to it."""
    if "\n" in item:
        m = _BLOCK.match(item)
        return Block(m["kind"], m["fp"], m["words"] or "") if m is not None and m["kind"] in KINDS else None
    kind, _, rest = item.partition(" ")
    fp, words = rest[:FINGERPRINT_LENGTH], rest[FINGERPRINT_LENGTH:]
    if kind not in KINDS or len(fp) != FINGERPRINT_LENGTH or fp.strip(_HEX) or words[:1] not in ("", " "):
        return None
    return Block(kind, fp, words[1:])


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
        out.append(_emitted(name, entry) or yaml.safe_dump({name: entry}, sort_keys=False, allow_unicode=True,
                                                           width=10_000, default_flow_style=False))
    return "".join(out)


def _emitted(name: str, entry: dict) -> str | None:
    """What `yaml.safe_dump` writes of `{name: entry}`, written here row by row (twenty times faster:
    a sync of a large diary spent 13 s in PyYAML's emitter); None where a key or value is one that
    `_scalar_as_emitted` leaves to PyYAML."""
    rows = []

    def mapping(data: dict, indent: str) -> bool:
        for key, value in data.items():
            key = _scalar_as_emitted(key, key=True) if isinstance(key, str) else None
            if key is None:
                return False
            if isinstance(value, dict) and value:
                rows.append(f"{indent}{key}:")
                if not mapping(value, indent + "  "):
                    return False
            elif isinstance(value, list):
                items = [_scalar_as_emitted(v) if isinstance(v, str) else None for v in value]
                if None in items:
                    return False
                rows.append(f"{indent}{key}:" if items else f"{indent}{key}: []")
                rows.extend(f"{indent}- {v}" for v in items)  # an indentless list, as PyYAML writes one
            elif value is True or isinstance(value, str):
                value = "true" if value is True else _scalar_as_emitted(value)
                if value is None:
                    return False
                rows.append(f"{indent}{key}: {value}")
            else:
                return False
        return True

    return "\n".join(rows) + "\n" if mapping({name: entry}, "") else None


# what PyYAML writes as it is, with allow_unicode: printable text, no line break, tab or U+FEFF
_SPECIAL = re.compile("[^\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010fffe]")
_SIMPLE_KEY = 128 - len("!!str")  # PyYAML writes a longer key, tag included, in the `? key` form
_LONGEST = 5_000  # PyYAML folds a line past `width`; riji's values are far shorter


def _scalar_as_emitted(value: str, key: bool = False) -> str | None:
    """`value` plain or single-quoted, as PyYAML's emitter chooses in a block mapping or list
    (`Emitter.analyze_scalar` and `choose_scalar_style`); None for what it would double-quote, fold
    or write as a complex key, which PyYAML then writes itself."""
    if len(value) >= (_SIMPLE_KEY if key else _LONGEST) or _SPECIAL.search(value):
        return None
    if not value:
        return None if key else "''"
    first, after = value[0], value[1:2]
    plain = value[0] != " " and value[-1] != " " and not value.startswith(("---", "...")) \
        and first not in "#,[]{}&*!|>'\"%@`" and not (first in "?:-" and after in ("", " ")) \
        and ": " not in value and value[-1] != ":" and " #" not in value \
        and implicit_tag(value, writing=True) == "tag:yaml.org,2002:str"
    return value if plain else "'" + value.replace("'", "''") + "'"


_TOP = re.compile(r"\n(?=[^ #\n])")  # a line that begins a document, or is not the lock's at all


def parts(text: str) -> dict[str, tuple[int, str]] | None:
    """Each document's part of the file, name -> (its line, its text), when the file is comments
    and then documents, each beginning with a `name:` line of its own, as `dump` writes them
    (whatever they hold: `part` reads one); else None, for `parse` to read the file whole. Lines
    are cut at "\\n" only: a file with another of YAML's line breaks is read whole."""
    if any(brk in text for brk in _OTHER_BREAKS):  # `in`: a tenth of a regular expression's time
        return None
    starts = [m.end() for m in _TOP.finditer(text)]
    if text[:1] not in ("", " ", "#", "\n"):
        starts.insert(0, 0)
    head = text[:starts[0]] if starts else text
    if any(row.strip() and row.lstrip()[0] != "#" for row in head.split("\n")):
        return None
    found: dict[str, tuple[int, str]] = {}
    line = head.count("\n") + 1
    for start, end in zip(starts, starts[1:] + [len(text)]):
        newline = text.find("\n", start, end)
        row = text[start:newline if newline >= 0 else end]
        name = _scalar(row[:-1]) if row[-1:] == ":" else _NO
        if not isinstance(name, str) or name in found:
            return None
        found[name] = (line, text[start:end])
        line += found[name][1].count("\n")
    return found


def part(line: int, text: str, name: str) -> Record | None:
    """The record of one document's part of the file (`parts`), at its line in the file; None
    when that part, read alone, is not one valid document named `name`."""
    lock, problems = parse(text)
    record = lock.get(name)
    if problems or record is None or len(lock) != 1:
        return None
    return Record(record.name, record.slug, record.langs, line)


def read_text(root: Path) -> tuple[str | None, list[Diagnostic]]:
    """The file's text, None when there is none."""
    path = root / FILE_NAME
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None, []
    except OSError as exc:
        return "", [Diagnostic(FILE_NAME, None, f"cannot read: {exc.strerror}")]
    try:
        return raw.decode("utf-8-sig").replace("\r\n", "\n"), []
    except UnicodeDecodeError as exc:
        return "", [Diagnostic(FILE_NAME, None, f"not UTF-8 text (byte {exc.start}); {REWRITE}")]


def read_lock(root: Path) -> tuple[Lock | None, list[Diagnostic]]:
    """The site's record; None when it has none yet (then the first sync adopts everything)."""
    return from_text(*read_text(root))


def from_text(text: str | None, problems: list[Diagnostic]) -> tuple[Lock | None, list[Diagnostic]]:
    """`read_text`'s result as `read_lock` gives it, for a caller that has read the file already."""
    if text is None:
        return None, []
    return ({}, problems) if problems else parse(text)


def write_lock(root: Path, lock: Lock) -> Path:
    """Replace the file whole, atomically: a crash mid-write leaves the old record."""
    path = root / FILE_NAME
    temporary = path.with_name(f".{FILE_NAME}.tmp")
    temporary.write_text(dump(lock), "utf-8")
    os.replace(temporary, path)
    return path
