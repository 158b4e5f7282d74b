"""Read `content/`: find documents in their three forms, split front-matter and language sections.

This is the only stage that reads content files; it hands plain values to `model`.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

from . import slugs
from .config import Config
from .constants import CONTENT_DIR, IGNORED
from .diagnostics import Diagnostics, did_you_mean
from .yamlfile import Located, YamlError, load

SHARED_KEYS = {"date", "updated", "slug", "tags", "draft", "episode", "season", "explicit", "weight"}
LANG_KEYS = {"title", "summary", "description", "audio", "chapters", "guid", "image", "image_alt",
             "episode_type"}
MARKER = re.compile(r"^<!--\s*lang:\s*([A-Za-z][A-Za-z-]*)\s*-->[ \t]*$", re.MULTILINE)
LANG_SUFFIX = re.compile(r"^(?P<stem>.+?)\.(?P<lang>[A-Za-z]{2,3}(?:-[A-Za-z0-9]+)?)$")
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")  # not allowed in HTML or XML


@dataclass
class SourceDoc:
    """One language version of a document, with where each part came from."""

    lang: str
    path: Path
    meta: dict
    lines: dict[str, int]
    body: str
    body_line: int  # file line of the body's first line


@dataclass
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
    draft: bool
    extra: dict
    docs: dict[str, SourceDoc] = field(default_factory=dict)
    lines: dict[str, tuple[Path, int | None]] = field(default_factory=dict)  # shared key -> where

    @property
    def path(self) -> Path:
        return self.paths[0]


@dataclass
class _File:
    path: Path
    lang: str | None  # from the file name
    stem: str
    located: Located
    body: str
    body_line: int


def read_text(path: Path) -> str:
    """UTF-8 with BOM and CRLF accepted: editors on every platform write them."""
    return path.read_bytes().decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")


class UnclosedFrontMatter(ValueError):
    pass


def split_front_matter(text: str) -> tuple[str | None, str, int]:
    """(yaml, body, body_line); yaml is None when the file has no front-matter."""
    if not text.startswith("---\n"):
        return None, text, 1
    end = re.search(r"^(---|\.\.\.)[ \t]*$", text[4:], re.MULTILINE)
    if end is None:
        raise UnclosedFrontMatter("front-matter opened by '---' on line 1 is never closed: "
                                  "add a line '---' after the last key")
    yaml_text = text[4:4 + end.start()]
    rest = text[4 + end.end():]
    if rest.startswith("\n"):
        rest = rest[1:]
    return yaml_text, rest, yaml_text.count("\n") + 3


def _parse_date(value, tz: ZoneInfo, diag, path, line, key) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=tz)
    if isinstance(value, date):
        return datetime.combine(value, time(), tz)
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.strip())
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=tz)
        except ValueError:
            pass
    diag.error(path, line, f"invalid {key} '{value}': write YYYY-MM-DD or YYYY-MM-DD HH:MM")
    return None


def _read_file(path: Path, config: Config, diag: Diagnostics) -> _File | None:
    try:
        text = read_text(path)
    except UnicodeDecodeError as exc:
        diag.error(path, None, f"not UTF-8 text ({exc.reason} at byte {exc.start}); save the file as UTF-8")
        return None
    except OSError as exc:
        diag.error(path, None, f"cannot read: {exc.strerror}")
        return None
    bad = CONTROL.search(text)
    if bad:
        diag.error(path, text.count("\n", 0, bad.start()) + 1,
                   f"invisible control character U+{ord(bad.group()):04X}; delete it (pages and feeds cannot hold it)")
        return None
    try:
        yaml_text, body, body_line = split_front_matter(text)
    except UnclosedFrontMatter as exc:
        diag.error(path, 1, str(exc))
        return None
    if yaml_text is None:
        diag.error(path, 1, "missing front-matter: start the file with '---', a YAML block and '---'")
        return None
    try:
        located = load(yaml_text, line_offset=1)
    except YamlError as exc:
        diag.error(path, exc.line, exc.message)
        return None
    if located.data is None:
        located.data = {}
    if not isinstance(located.data, dict):
        diag.error(path, 2, "front-matter must be a mapping of keys to values")
        return None
    name = path.name[:-3]
    lang = None
    m = LANG_SUFFIX.match(name)
    if m and m.group("lang") in config.codes:
        name, lang = m.group("stem"), m.group("lang")
    elif m and len(m.group("lang")) == 2 and m.group("lang").islower():
        diag.error(path, None, f"file name names language '{m.group('lang')}', which site.yaml does not "
                               f"list{did_you_mean(m.group('lang'), config.codes)}")
        return None
    return _File(path, lang, name, located, body, body_line)


def _check_keys(data: dict, located: Located, codes, diag, path) -> None:
    known = SHARED_KEYS | LANG_KEYS | set(codes)
    for key in data:
        if key not in known:
            diag.error(path, located.line(key), f"unknown front-matter key '{key}'{did_you_mean(str(key), known)}")


def _lang_meta(data: dict, located: Located, diag, path, prefix=()) -> tuple[dict, dict]:
    meta, lines = {}, {}
    for key, value in data.items():
        if key in LANG_KEYS:
            meta[key] = value
            lines[key] = located.line(*prefix, key)
    return meta, lines


def _sections(f: _File, codes: list[str], diag) -> dict[str, tuple[str, int]] | None:
    """Split a one-file bilingual body at its `<!-- lang: xx -->` markers."""
    markers = list(MARKER.finditer(f.body))
    if not markers:
        return {}
    out: dict[str, tuple[str, int]] = {}
    lead = f.body[:markers[0].start()]
    if lead.strip():
        diag.error(f.path, f.body_line + lead[:len(lead) - len(lead.lstrip())].count("\n"),
                   "text before the first '<!-- lang: xx -->' marker belongs to no language")
    ok = True
    for i, m in enumerate(markers):
        lang = m.group(1)
        line = f.body_line + f.body.count("\n", 0, m.start())
        if lang not in codes:
            diag.error(f.path, line, f"marker names language '{lang}', which site.yaml does not list"
                                     f"{did_you_mean(lang, codes)}")
            ok = False
            continue
        if lang in out:
            diag.error(f.path, line, f"second '<!-- lang: {lang} -->' section; each language appears once")
            ok = False
            continue
        end = markers[i + 1].start() if i + 1 < len(markers) else len(f.body)
        out[lang] = (f.body[m.end():end].strip("\n") + "\n", line + 1 + _leading_newlines(f.body[m.end():end]))
    return out if ok else None


def _leading_newlines(s: str) -> int:
    return len(s) - len(s.lstrip("\n")) - 1 if s.startswith("\n") else 0


def _docs_from_file(f: _File, codes: list[str], diag) -> dict[str, SourceDoc]:
    data = f.located.data
    top_meta, top_lines = _lang_meta(data, f.located, diag, f.path)
    blocks = {}
    for code in codes:
        if code in data:
            if not isinstance(data[code], dict):
                diag.error(f.path, f.located.line(code), f"'{code}:' must be a mapping (title, summary, ...)")
                blocks[code] = ({}, {"_block": f.located.line(code), "_invalid": True})
                continue
            if f.lang is not None and code != f.lang:
                diag.error(f.path, f.located.line(code),
                           f"a .{f.lang}.md file cannot hold a '{code}:' block; put it in {f.stem}.{code}.md")
                continue
            for key in data[code]:
                if key not in LANG_KEYS:
                    hint = " (it is shared: move it to the top level)" if key in SHARED_KEYS else \
                        did_you_mean(str(key), LANG_KEYS)
                    diag.error(f.path, f.located.line(code, key), f"unknown key '{code}.{key}'{hint}")
            blocks[code] = _lang_meta(data[code], f.located, diag, f.path, (code,))
            blocks[code][1]["_block"] = f.located.line(code)
    docs: dict[str, SourceDoc] = {}
    if f.lang is not None:
        if MARKER.search(f.body):
            diag.error(f.path, None, f"language markers in a .{f.lang}.md file; it holds {f.lang} only")
        meta, lines = dict(top_meta), dict(top_lines)
        if f.lang in blocks:
            meta.update(blocks[f.lang][0])
            lines.update(blocks[f.lang][1])
        docs[f.lang] = SourceDoc(f.lang, f.path, meta, lines, f.body, f.body_line)
        return docs
    sections = _sections(f, codes, diag)
    if sections is None:
        return {}
    if not sections:
        if len(blocks) == 1:
            (only,) = blocks
            sections = {only: (f.body, f.body_line)}
        else:
            diag.error(f.path, f.body_line,
                       "cannot tell the language: mark each section with '<!-- lang: en -->' / "
                       "'<!-- lang: zh -->', or name the file <name>.en.md")
            return {}
    for code in blocks:
        if code not in sections:
            diag.error(f.path, f.located.line(code),
                       f"front-matter has '{code}:' but the body has no '<!-- lang: {code} -->' section")
    for code, (body, line) in sections.items():
        meta, lines = dict(top_meta), dict(top_lines)
        if code in blocks:
            meta.update(blocks[code][0])
            lines.update(blocks[code][1])
        docs[code] = SourceDoc(code, f.path, meta, lines, body, line)
    return docs


def _discover(folder: Path) -> list[tuple[str, list[Path], Path | None]]:
    """(name, markdown files, bundle dir) groups; sorted so every run sees the same order."""
    groups: dict[str, tuple[list[Path], Path | None]] = {}
    if not folder.is_dir():
        return []
    for entry in sorted(folder.iterdir()):
        if IGNORED.search(entry.name):
            continue
        if entry.is_dir():
            mds = sorted(p for p in entry.iterdir() if p.is_file() and p.name.startswith("index.")
                         and p.name.endswith(".md"))
            if mds:
                groups[entry.name] = (mds, entry)
        elif entry.suffix == ".md":
            m = LANG_SUFFIX.match(entry.name[:-3])
            stem = m.group("stem") if m else entry.name[:-3]
            groups.setdefault(stem, ([], None))[0].append(entry)
    return [(name, paths, bundle) for name, (paths, bundle) in sorted(groups.items())]


def list_files(folder: Path, root: Path, diag: Diagnostics) -> list[tuple[str, Path]]:
    """(relative name, path) of the files below `folder`, sorted, editor litter skipped. A symlink
    that leads out of the site is left out with a warning: it would publish a file from elsewhere."""
    inside = os.path.realpath(root)
    out = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not IGNORED.search(d))
        for name in sorted(filenames):
            if IGNORED.search(name):
                continue
            path = Path(dirpath) / name
            if os.path.islink(path) and os.path.commonpath([inside, os.path.realpath(path)]) != inside:
                diag.warning(path, None, "is a link to a file outside the site, so it is left out "
                                         "(it would publish a file from elsewhere); copy the file in instead")
                continue
            out.append((path.relative_to(folder).as_posix(), path))
    return out


def _bundle_assets(bundle: Path, root: Path, diag: Diagnostics) -> tuple[str, ...]:
    return tuple(rel for rel, _path in list_files(bundle, root, diag)
                 if not (rel.startswith("index.") and rel.endswith(".md") and "/" not in rel))


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
        for name, paths, bundle in _discover(content / folder):
            args = (kind, f"{folder}/{name}", name, paths, bundle, config, diag)
            entry = _read_entry(*args) if memo is None else memo.read_entry(_read_entry, *args)
            if entry is not None:
                entries.append(entry)
    if memo is not None:
        memo.forget_unseen()
    return entries


def _read_entry(kind, ident, name, paths, bundle, config: Config, diag) -> SourceEntry | None:
    files = [f for p in paths if (f := _read_file(p, config, diag)) is not None]
    if len(files) != len(paths) or not files:
        return None
    shared: dict = {}
    shared_from: dict = {}
    docs: dict[str, SourceDoc] = {}
    for f in files:
        _check_keys(f.located.data, f.located, config.codes, diag, f.path)
        for key in SHARED_KEYS & f.located.data.keys():
            value = f.located.data[key]
            if key in shared and shared[key] != value:
                other, other_line = shared_from[key]
                diag.error(f.path, f.located.line(key),
                           f"'{key}' is {value!r} here but {shared[key]!r} in "
                           f"{diag._rel(other)}:{other_line}; shared keys must agree")
            else:
                shared[key] = value
                shared_from[key] = (f.path, f.located.line(key))
        for code, doc in _docs_from_file(f, config.codes, diag).items():
            if code in docs:
                diag.error(f.path, None, f"language '{code}' is also given in {diag._rel(docs[code].path)}")
                continue
            docs[code] = doc
    if not docs:
        return None

    def line(key):
        return shared_from.get(key, (files[0].path, None))

    tz = config.tz
    date_value = _parse_date(shared.get("date"), tz, diag, *line("date"), "date")
    if kind == "post" and "date" not in shared:
        diag.error(files[0].path, 2, "a post needs a 'date:' (YYYY-MM-DD)")
    updated = _parse_date(shared.get("updated"), tz, diag, *line("updated"), "updated")

    slug = shared.get("slug")
    if slug is not None:
        slug = str(slug)
        if not slugs.VALID.match(slug):
            diag.error(*line("slug"), f"slug '{slug}' must be lowercase ASCII letters, digits and dashes")
    else:
        slug = slugs.from_filename(name)
        if not slug or re.search(r"[^\x00-\u024f\u3000-\u303f\u3400-\u9fff\uff00-\uffef]", name):
            diag.error(files[0].path, 2, f"cannot make a URL slug from the file name '{name}'; "
                                         f"add 'slug: some-words' to the front-matter")
            slug = "untitled"

    tags = shared.get("tags") or []
    if isinstance(tags, str):
        tags = [tags]
    if not isinstance(tags, list) or not all(isinstance(t, (str, int)) for t in tags):
        diag.error(*line("tags"), "'tags' must be a list such as [internet, culture]")
        tags = []
    draft = shared.get("draft", False)
    if not isinstance(draft, bool):
        diag.error(*line("draft"), "'draft' must be true or false")
        draft = True

    extra = {}
    for key in ("episode", "season", "weight"):
        if key in shared:
            value = shared[key]
            if not isinstance(value, int) or isinstance(value, bool) or (key != "weight" and value < 1):
                diag.error(*line(key), f"'{key}' must be a whole number" + (" from 1" if key != "weight" else ""))
            else:
                extra[key] = value
    if "explicit" in shared:
        if isinstance(shared["explicit"], bool):
            extra["explicit"] = shared["explicit"]
        else:
            diag.error(*line("explicit"), "'explicit' must be true or false")

    for code, doc in docs.items():
        title = doc.meta.get("title")
        if isinstance(title, (int, float)) and not isinstance(title, bool):
            title = doc.meta["title"] = str(title)  # `title: 1984` is a title, not a number
        if doc.lines.get("_invalid"):
            doc.meta["title"] = slug  # its block was reported as broken already
        elif not isinstance(title, str) or not title.strip():
            where = doc.lines.get("title") or doc.lines.get("_block") or 2
            diag.error(doc.path, where, f"missing title for '{code}'" +
                       ("" if len(paths) > 1 else f" (add it under '{code}:' in the front-matter)"))
            doc.meta["title"] = slug
        for key in ("summary", "description", "image_alt", "guid"):
            if key in doc.meta and not isinstance(doc.meta[key], (str, int, float)):
                diag.error(doc.path, doc.lines.get(key), f"'{key}' must be text")
                del doc.meta[key]

    if kind == "post" and date_value is None:
        return None  # already reported; a post without a date cannot be placed in any list
    return SourceEntry(
        kind=kind, name=ident, paths=[f.path for f in files], bundle=bundle,
        assets=_bundle_assets(bundle, config.root, diag) if bundle else (),
        slug=slug, date=date_value, updated=updated,
        tags=tuple(str(t) for t in tags), draft=draft, extra=extra, docs=docs, lines=shared_from,
    )
