"""Full-text search: Pagefind indexes rendered pages in memory and hands back its bundle as files.

Pagefind reads each page's `<html lang>` and keeps one index per language; its `extended` binary
segments Chinese and Japanese words, so 难民 is found inside "TikTok 难民". The theme marks what is
indexed (`data-pagefind-body` on the article of posts and pages, tags as `data-pagefind-filter`);
the caller chooses which pages are offered at all (no drafts, lists or unlisted posts).

This speaks Pagefind's service protocol (base64 JSON messages ending in commas, on the binary's
stdin and stdout) itself rather than through the `pagefind` package's `PagefindIndex`: that wrapper
sleeps 100 ms before reading each answer and cannot read an answer over 2 MiB, so a 1,000-post site
would take minutes and its `get_files` would fail. The binary is the one the package finds; the
protocol is pinned with the package version in pyproject.toml.
"""
from __future__ import annotations

import base64
import gzip
import hashlib
import json
import os
import re
import subprocess
import tempfile
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from itertools import chain
from pathlib import Path

import cbor2
import lxml.html

from . import cachefiles
from .diagnostics import Diagnostic
from .packed import head, unpacked

BUNDLE = "pagefind/"  # the bundle's folder in the site; pagefind.js finds its files beside itself
ENTRY = BUNDLE + "pagefind-entry.json"  # names each language's index
INSTALL = "pip install 'pagefind[extended]==1.5.2'"
# never index ruby annotations (pinyin over hanzi): a reader searches the text, not its reading
CONFIG = {"exclude_selectors": ["rt", "rp"], "keep_index_url": False, "write_playground": False}
# Pagefind also emits ready-made UIs and a highlighter; the theme brings its own small script
_UNUSED = re.compile(r"pagefind-(ui|modular-ui|component-ui|highlight)\.(js|css)$")
_LANG = re.compile(rb"<html\b[^>]*?\slang\s*=\s*[\"']?([A-Za-z][\w-]*)", re.IGNORECASE)


class PagefindError(Exception):
    pass


def binary() -> Path | None:
    """The Pagefind executable the `pagefind` package would run, or None when it is not installed."""
    try:
        from pagefind.service import get_executable
    except ImportError:
        return None
    found = get_executable()
    return found if found is not None and found.exists() else None


def searchable_by_language(site) -> dict[str, dict[str, str]]:
    """{language code: {output path: template}} of the pages search offers: every language of each
    published, public post and page. Never a draft or an unlisted or private entry, not even in a
    --drafts build or the preview that shows them; never lists, tag pages, the archive, the 404,
    redirects."""
    out: dict[str, dict[str, str]] = {code: {} for code in site.config.codes}
    for entry in site.posts + site.pages:
        if entry.draft or entry.visibility != "public":
            continue
        for code, doc in entry.docs.items():
            out.setdefault(code, {})[doc.url + "index.html"] = f"{entry.kind}.html"
    return {code: pages for code, pages in out.items() if pages}


SHARD_POSTS = 300  # a shard holds whole years (or months), at least this many posts (the newest one fewer)


def shards(site) -> dict[str, str]:
    """{entry name: its shard}: search keeps an index per shard of years ("2019-2021", "2022"),
    so an edit indexes again only its shard's pages, and a new post only the newest shard's. Years
    are joined, oldest first, until a shard holds SHARD_POSTS posts; a year of twice as many is
    joined month by month instead ("2023-01-2023-04"), so that no edit indexes a prolific year's
    every page. Pages and undated posts go with the newest. A search page loads the first shard
    of its language and merges the others."""
    months: dict[tuple[int, int], list[str]] = {}
    undated = []
    for entry in site.posts + site.pages:
        if entry.date is None:
            undated.append(entry.name)
        else:
            day = entry.date.astimezone(site.config.tz)
            months.setdefault((day.year, day.month), []).append(entry.name)
    per_year: dict[int, int] = {}
    for (year, _month), names in months.items():
        per_year[year] = per_year.get(year, 0) + len(names)
    units: dict[tuple[int, int, int], list[str]] = {}  # (year, first month, last month): its posts
    for (year, month), names in sorted(months.items()):
        unit = (year, month, month) if per_year[year] >= 2 * SHARD_POSTS else (year, 1, 12)
        units.setdefault(unit, []).extend(names)
    out, group, first = {}, [], None
    ordered = sorted(units)
    for unit in ordered:
        first = unit if first is None else first
        group += units[unit]
        if len(group) >= SHARD_POSTS or unit == ordered[-1]:
            out.update(dict.fromkeys(group + (undated if unit == ordered[-1] else []), _shard_name(first, unit)))
            group, first = [], None
    return out or dict.fromkeys(undated, "pages")


def _shard_name(first: tuple[int, int, int], last: tuple[int, int, int]) -> str:
    """"2022", "2019-2021" for whole years; "2023-01-2023-04" (or "2023-05") for a shard that starts
    or ends within a year."""
    if first[1:] == (1, 12) and last[1:] == (1, 12):
        return str(first[0]) if first == last else f"{first[0]}-{last[0]}"
    start, end = f"{first[0]}-{first[1]:02d}", f"{last[0]}-{last[2]:02d}"
    return start if start == end else f"{start}-{end}"


def search_groups(site) -> dict[tuple[str, str], dict[str, str]]:
    """{(shard, language code): {output path: template}}: what each index is made of."""
    shard_of = shards(site)
    names = {doc.url + "index.html": entry.name for entry in site.posts + site.pages for doc in entry.docs.values()}
    out: dict[tuple[str, str], dict[str, str]] = {}
    for code, pages in searchable_by_language(site).items():
        for path, template in pages.items():
            out.setdefault((shard_of[names[path]], code), {})[path] = template
    return dict(sorted(out.items()))


def shards_of(site, code: str) -> list[str]:
    """The shard folders below `pagefind/` that hold `code`'s pages, newest first."""
    return sorted({shard + "/" for shard, lang in search_groups(site) if lang == code}, reverse=True)


def searchable(site) -> dict[str, str]:
    """{output path: template} of the pages search offers, in every language."""
    return {path: template for pages in searchable_by_language(site).values() for path, template in pages.items()}


def page_url(path: str, base_path: str = "/") -> str:
    """The address a reader opens for an output file: `en/posts/x/index.html` -> `/en/posts/x/`."""
    if path.endswith("index.html"):
        path = path[: -len("index.html")]
    return base_path.rstrip("/") + "/" + path


def _lang(html: bytes) -> str | None:
    found = _LANG.search(head(html, 4096))
    return found.group(1).decode().lower() if found else None


def index_pages(pages: Mapping[str, bytes], base_path: str = "/",
                template_of: Callable[[str], str] | None = None,
                executable: Path | None = None) -> tuple[dict[str, bytes], list[Diagnostic]]:
    """Index `pages` ({output path: HTML}); return Pagefind's files under `pagefind/` and diagnostics.

    `template_of(path)` names the template that made a page, for the warning about a missing
    `lang`; `base_path` is the site's URL path (`/diary/` for a sub-path site)."""
    parts, problems = index_shards({"": pages}, base_path, template_of, executable)
    return merge(parts[""].values()), problems


def index_shards(shards: Mapping[str, Mapping[str, bytes]], base_path: str = "/",
                 template_of: Callable[[str], str] | None = None, executable: Path | None = None,
                 at_once: bool = True) -> tuple[dict[str, dict[str | None, dict[str, bytes]]], list[Diagnostic]]:
    """({shard: {<html lang>: its bundle}}, diagnostics). Pagefind keeps one index per language and
    runs on one core, so each language of each shard gets a service of its own and, `at_once`, as
    many run side by side as there are cores, the largest first: a shard's English is done long
    before its Chinese, and the next shard's English takes the core it leaves. A language's bundles
    of one shard share only the entry file, which `merge` joins. One at a time holds least memory
    (a service holds about 150 MB for 300 Chinese pages)."""
    problems: list[Diagnostic] = []
    warned: set[str] = set()
    jobs: list[tuple[str, str | None, dict[str, bytes]]] = []
    for shard, pages in sorted(shards.items()):
        groups: dict[str | None, dict[str, bytes]] = {}
        for path, html in pages.items():
            lang = _lang(html)
            groups.setdefault(lang, {})[path] = html
            if lang is None:
                source = template_of(path) if template_of else path
                if source not in warned:
                    warned.add(source)
                    problems.append(Diagnostic(source, None, "the page has no <html lang>, so search cannot tell "
                                               "its language; add lang=\"{{ lang.hreflang }}\" to <html>",
                                               "warning"))
        jobs += [(shard, lang, groups[lang]) for lang in sorted(groups, key=lambda lang: lang or "")]
    parts: dict[str, dict[str | None, dict[str, bytes]]] = {shard: {} for shard in shards}
    executable = executable or binary()
    if executable is None:
        return parts, problems + [Diagnostic("site.yaml", None, "search needs Pagefind, which is not installed: "
                                             f"{INSTALL} (or set search: {{enabled: false}})")]
    order = sorted(range(len(jobs)), key=lambda i: -len(jobs[i][2]))
    threads = (os.cpu_count() or 1) if at_once else 1
    with ThreadPoolExecutor(max(1, min(threads, len(jobs)))) as pool:
        done = dict(zip(order, pool.map(lambda i: _index_one(jobs[i][2], base_path, executable), order)))
    for i, (shard, lang, _pages) in enumerate(jobs):
        files, found = done[i]
        problems += [d for d in found if d not in problems]  # Pagefind failing fails every language alike
        if files:
            parts[shard][lang] = files
    return parts, problems


def _index_one(pages: Mapping[str, bytes], base_path: str, executable: Path) -> tuple[dict[str, bytes], list[Diagnostic]]:
    """One Pagefind service's bundle of `pages` (of one language), and diagnostics."""
    paths = sorted(pages)
    requests = ({"type": "AddFile", "url": page_url(p, base_path), "file_path": None,
                 "file_contents": unpacked(pages[p]).decode("utf-8", "replace")} for p in paths)
    try:
        answers, files = _run(executable, len(paths), requests)
    except PagefindError as exc:
        return {}, [Diagnostic("site.yaml", None, f"search: Pagefind failed: {exc}; reinstall it with {INSTALL}")]
    problems = [Diagnostic(path, None, f"search could not index this page: {answer.get('message')}")
                for path, answer in zip(paths, answers) if answer.get("type") == "Error"]
    files = _deterministic(files)
    return {BUNDLE + name: content for name, content in sorted(files.items()) if not _UNUSED.search(name)}, problems



def merge(parts) -> dict[str, bytes]:
    """One bundle of several languages' bundles: their files side by side (the script and each
    language's files are named by their content) and one entry file listing every language."""
    out: dict[str, bytes] = {}
    entry: dict | None = None
    for part in parts:
        out.update(part)
        if ENTRY in part:
            mine = json.loads(part[ENTRY])
            if entry is None:
                entry = mine
            else:
                entry["languages"].update(mine["languages"])
    if entry is not None:
        entry["languages"] = dict(sorted(entry["languages"].items()))
        out[ENTRY] = json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode()
    return dict(sorted(out.items()))


@dataclass(frozen=True)
class Indexed:
    """One language's bundle of one shard and a digest of the pages it was made from."""
    key: bytes
    lang: str | None  # the pages' <html lang>: two languages' bundles can be joined only if they differ
    files: dict[str, bytes]
    problems: tuple[Diagnostic, ...]
    pages: tuple[tuple[str, bytes], ...] = ()  # (path, inputs digest) of each page, sorted


Reuse = dict[tuple[str, str], Indexed]  # (shard, language code) -> its last index


def _key(base_path: str, pages: list[tuple[str, bytes]]) -> bytes:
    h = hashlib.blake2b(digest_size=16)
    h.update(f"{INSTALL}\0{json.dumps(CONFIG, sort_keys=True)}\0{base_path}\0".encode())
    for path, inputs in pages:
        h.update(path.encode() + b"\0" + inputs + b"\0")
    return h.digest()


Indexing = Callable[[], tuple[dict[str, bytes], list[Diagnostic], Reuse]]


def index_languages(groups: Mapping[tuple[str, str], Sequence[str]], inputs_of: Callable[[str], bytes | None],
                    render: Callable[[list[str]], dict[str, bytes]], base_path: str = "/",
                    template_of: Callable[[str], str] | None = None, reuse: Reuse | None = None,
                    executable: Path | None = None) -> tuple[dict[str, bytes], list[Diagnostic], Reuse]:
    """(the bundle of `groups` ({(shard, language code): output paths}), diagnostics, what to reuse
    next time). Each shard's languages make one Pagefind bundle, in `pagefind/<shard>/`.

    A group whose pages all have the same inputs as when `reuse` was made (`inputs_of(path)`, a
    digest of what the page is made from, None when unknown) keeps its index: its pages are not
    even rendered. The others are rendered (`render(paths)` -> {path: HTML}, the pages that
    failed left out) and indexed, each language of a shard by a service of its own."""
    return start_languages(groups, inputs_of, render, base_path, template_of, reuse, executable)()


def start_languages(groups: Mapping[tuple[str, str], Sequence[str]], inputs_of: Callable[[str], bytes | None],
                    render: Callable[[list[str]], dict[str, bytes]], base_path: str = "/",
                    template_of: Callable[[str], str] | None = None, reuse: Reuse | None = None,
                    executable: Path | None = None, run: Callable[[Callable], Callable] | None = None,
                    last_written: Callable[[str, bytes], bytes | None] | None = None) -> Indexing:
    """`index_languages`, with Pagefind's part handed to `run(index)`, which returns a function
    that waits for `index()`'s value (parallel.Forked: Pagefind indexes while the writer writes,
    one shard and language at a time, so that its services and the writer's workers do not all
    hold their memory at once). Choosing, reading and rendering the pages happens here, at once;
    calling what this returns waits for Pagefind and gives what `index_languages` gives.

    `last_written(path, inputs digest)` gives a page's bytes as the last build wrote them from those
    inputs: a group with a few pages changed keeps its index when each reads to Pagefind as
    before (`as_searched`), as a translation's page does when only its outdated notice came."""
    reuse = reuse or {}
    kept: Reuse = {}
    keys: dict[tuple[str, str], bytes | None] = {}
    digested: dict[tuple[str, str], tuple] = {}
    changed: dict[tuple[str, str], list[tuple[str, bytes]]] = {}  # group -> (page, its inputs last time)
    for group, paths in groups.items():
        digests = digested[group] = tuple((p, inputs_of(p)) for p in sorted(paths))
        keys[group] = None if any(d is None for _p, d in digests) else _key(base_path, digests)
        old = reuse.get(group)
        if keys[group] is None or old is None:
            continue
        if old.key == keys[group]:
            kept[group] = old
        elif last_written is not None and [p for p, _d in old.pages] == [p for p, _d in digests]:
            edits = [(p, was) for (p, now), (_p, was) in zip(digests, old.pages) if now != was]
            if len(edits) <= FEW_EDITS:
                changed[group] = edits
    fresh = render([p for edits in changed.values() for p, _was in edits]) if changed else {}
    for group, edits in changed.items():
        if all(p in fresh and (was := last_written(p, before)) is not None
               and as_searched(was) == as_searched(unpacked(fresh[p])) for p, before in edits):
            kept[group] = replace(reuse[group], key=keys[group], pages=digested[group])
    todo = [group for group in groups if group not in kept]
    wanted = [p for group in todo for p in groups[group]]
    pages = {p: fresh[p] for p in wanted if p in fresh}
    if len(pages) < len(wanted):
        pages.update(render([p for p in wanted if p not in pages]))

    def langs_of(group) -> set[str | None]:
        return {_lang(pages[p]) for p in groups[group] if p in pages}

    langs = {group: langs_of(group) for group in todo}
    # a theme gives two languages one <html lang>: their pages make one index of their shard together
    clash = [g for g in kept if any(kept[g].lang in own for o, own in langs.items() if o[0] == g[0])]
    if clash:
        pages.update(render([p for group in clash for p in groups[group]]))
        todo += clash
        for group in clash:
            del kept[group]
            langs[group] = langs_of(group)
    offered: dict[str, dict[str, bytes]] = {}
    for group in todo:
        offered.setdefault(group[0], {}).update((p, pages[p]) for p in groups[group] if p in pages)

    def index():
        return index_shards(offered, base_path, template_of, executable, run is None)

    indexed = (run or _at_once)(index) if todo else _at_once(lambda: ({}, []))
    return lambda: _joined(groups, todo, langs, keys, digested, kept, *indexed())


FEW_EDITS = 20  # pages of a group compared as Pagefind reads them, rather than indexed again


def as_searched(html: bytes) -> bytes:
    """A page with what Pagefind is told to ignore taken out, where that holds nothing Pagefind
    might read all the same (a filter, metadata, a sort key, or the heading or image it may take
    as the title or image): two pages that give the same bytes here give Pagefind the same index.
    Where unsure, an element stays in, and the page counts as changed."""
    tree = lxml.html.document_fromstring(html)
    for node in tree.xpath("//*[@data-pagefind-ignore]"):
        read = any(name.startswith("data-pagefind") and name != "data-pagefind-ignore" for name in node.attrib) or \
            node.xpath(".//*[self::h1 or self::img or @*[starts-with(name(), 'data-pagefind')]]")
        if not read and node.getparent() is not None:
            _drop(node)
    return lxml.html.tostring(tree, encoding="utf-8")


_SPACE = " \t\r\n"


def _drop(node) -> None:
    """Take `node` out, and the white space before it when white space (or nothing) follows: what a
    template writes before an element it writes only sometimes, as Pagefind reads it, is nothing."""
    before = node.getprevious()
    text = before.tail if before is not None else node.getparent().text
    if text and text[-1] in _SPACE and (not node.tail or node.tail[0] in _SPACE):
        if before is not None:
            before.tail = text.rstrip(_SPACE)
        else:
            node.getparent().text = text.rstrip(_SPACE)
    node.drop_tree()


def _at_once(index: Callable):
    value = index()
    return lambda: value


def _placed(shard: str, files: Mapping[str, bytes]) -> dict[str, bytes]:
    """A shard's bundle in its own folder, `pagefind/<shard>/`."""
    return {f"{BUNDLE}{shard}/{name[len(BUNDLE):]}": data for name, data in files.items()}


def _joined(groups, todo, langs, keys, digested, kept: Reuse, parts,
            problems) -> tuple[dict[str, bytes], list[Diagnostic], Reuse]:
    """The bundles of the `kept` groups and the new `parts` ({shard: {html lang: files}}), their
    diagnostics and what the next build may reuse."""
    failed = any(d.severity == "error" for d in problems)
    made: Reuse = {}
    for group in todo:
        own = langs[group]
        shared = any(own & langs[other] for other in todo if other != group and other[0] == group[0])
        lang = next(iter(own)) if len(own) == 1 else None
        if keys[group] is not None and lang is not None and not shared and not failed:
            mine = tuple(d for d in problems if d.path in groups[group])
            made[group] = Indexed(keys[group], lang, parts.get(group[0], {}).get(lang, {}), mine, digested[group])
    problems = [d for group in kept for d in kept[group].problems] + problems
    by_shard: dict[str, list] = {}
    for group, indexed in kept.items():
        by_shard.setdefault(group[0], []).append(indexed.files)
    for shard, own in parts.items():
        by_shard.setdefault(shard, []).extend(own.values())
    bundle = {}
    for shard, files in sorted(by_shard.items()):
        bundle.update(_placed(shard, merge(files)))
    return dict(sorted(bundle.items())), problems, {**kept, **made}


def load_reuse(path: Path) -> Reuse:
    """The bundles saved by the last build, or none when the file is missing or unreadable."""
    saved = cachefiles.load(path)
    if isinstance(saved, tuple) and len(saved) == 2 and saved[0] == INSTALL and isinstance(saved[1], dict):
        return saved[1]
    return {}


def save_reuse(path: Path, reuse: Reuse, before: Reuse) -> None:
    if reuse != before:
        cachefiles.save(path, (INSTALL, reuse), text=False)  # unwritable: a read-only site indexes every time


_SIGNATURE = b"pagefind_dcd"


def _load(data: bytes):
    return cbor2.loads(gzip.decompress(data)[len(_SIGNATURE):])


def _dump(value) -> bytes:
    return gzip.compress(_SIGNATURE + cbor2.dumps(value), mtime=0)


def _renamed(stem: str, data: bytes) -> str:
    """`en_c465b59` -> the same language and hash length, the hash now of the canonical bytes."""
    lang, old = stem.rsplit("_", 1)
    return f"{lang}_{hashlib.sha256(data).hexdigest()[:len(old)]}"


def _deterministic(files: dict[str, bytes]) -> dict[str, bytes]:
    """The same pages must give the same bytes, but Pagefind writes filter values and languages in
    hash-map order, which changes from run to run. Sort them, and rename what they change: the
    filter files, the language metadata naming them, and the entry file naming those."""
    out, filters, metas = {}, {}, {}
    for name, data in files.items():
        if name.startswith("filter/") and name.endswith(".pf_filter"):
            key, values = _load(data)
            data = _dump([key, sorted(values)])
            stem = name[len("filter/"):-len(".pf_filter")]
            filters[stem] = _renamed(stem, data)
            name = f"filter/{filters[stem]}.pf_filter"
        out[name] = data
    for name in [n for n in out if n.startswith("pagefind.") and n.endswith(".pf_meta")]:
        meta = _load(out.pop(name))
        meta[3] = sorted([key, filters.get(stem, stem)] for key, stem in meta[3])
        data = _dump(meta)
        stem = name[len("pagefind."):-len(".pf_meta")]
        metas[stem] = _renamed(stem, data)
        out[f"pagefind.{metas[stem]}.pf_meta"] = data
    entry = json.loads(out["pagefind-entry.json"])
    for info in entry["languages"].values():
        info["hash"] = metas.get(info["hash"], info["hash"])
    entry["languages"] = dict(sorted(entry["languages"].items()))
    out["pagefind-entry.json"] = json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode()
    return out


def _encode(message_id: int, payload: dict) -> bytes:
    return base64.b64encode(json.dumps({"message_id": message_id, "payload": payload}).encode()) + b","


def _run(executable: Path, count: int, requests: Iterable[dict]) -> tuple[list[dict], dict[str, bytes]]:
    """Start the service, make one index, add the `count` pages of `requests`, and return the
    answers and the files.

    The service answers in order, so a thread writes the requests, each encoded as it goes (a
    site's pages are never all in memory twice), while this one reads; closing stdin ends the
    service, so that waits for the last answer."""
    with tempfile.TemporaryFile() as errors:
        try:
            proc = subprocess.Popen([str(executable), "--service"], stdin=subprocess.PIPE,
                                    stdout=subprocess.PIPE, stderr=errors, cwd=tempfile.gettempdir())
        except OSError as exc:
            raise PagefindError(f"cannot start {executable}: {exc}") from exc
        try:
            answers = _Answers(proc)
            _write_all(proc.stdin, [_encode(0, {"type": "NewIndex", "config": CONFIG})])
            created = answers.next()
            if created.get("type") != "NewIndex":
                raise PagefindError(f"cannot create an index: {created.get('message', created)}")
            index_id = created["index_id"]
            messages = chain((_encode(i, {**r, "index_id": index_id}) for i, r in enumerate(requests, 1)),
                             [_encode(count + 1, {"type": "GetFiles", "index_id": index_id})])
            writer = threading.Thread(target=_write_all, args=(proc.stdin, messages), daemon=True)
            writer.start()
            added = [answers.next() for _ in range(count)]
            got = answers.next()
            writer.join()
            if got.get("type") != "GetFiles":
                raise PagefindError(f"cannot build the index: {got.get('message', got)}")
            files = {f["path"]: base64.b64decode(f["content"]) for f in got["files"]}
            return added, files
        except PagefindError as exc:
            errors.seek(0)
            tail = errors.read()[-400:].decode("utf-8", "replace").strip()
            raise PagefindError(f"{exc}{' (' + tail + ')' if tail else ''}") from None
        finally:
            try:
                proc.stdin.close()
            except OSError:
                pass  # a broken pipe: the service had already stopped
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            proc.stdout.close()


def _write_all(stream, messages: Iterable[bytes]) -> None:
    try:
        for m in messages:
            stream.write(m)
        stream.flush()
    except (ValueError, OSError):
        pass  # the service died; the reader reports it


class _Answers:
    """The service's answers in order, read from its stdout in big chunks."""

    def __init__(self, proc: subprocess.Popen):
        self.stream, self.buffer, self.start = proc.stdout, bytearray(), 0

    def next(self) -> dict:
        while True:
            end = self.buffer.find(b",", self.start)
            if end >= 0:
                raw = bytes(self.buffer[self.start:end])
                self.start = end + 1
                if self.start > 1 << 20:
                    del self.buffer[:self.start]
                    self.start = 0
                try:
                    message = json.loads(base64.b64decode(raw))
                except ValueError as exc:
                    raise PagefindError(f"unreadable answer from the service: {exc}") from None
                return message.get("payload") or {}
            chunk = self.stream.read1(1 << 20)
            if not chunk:
                raise PagefindError("the service stopped before it answered")
            self.buffer += chunk


def bundles(files: Mapping[str, bytes]) -> dict[str, dict]:
    """{folder of a bundle ("pagefind/2024/"): its entry file, read}: every shard's, or the one of
    `index_pages`."""
    name = ENTRY[len(BUNDLE):]
    return {key[:-len(name)]: json.loads(data) for key, data in sorted(files.items())
            if key.startswith(BUNDLE) and key.endswith("/" + name)}


def indexed_languages(files: Mapping[str, bytes]) -> set[str]:
    return {lang for entry in bundles(files).values() for lang in entry.get("languages", {})}


def language_sizes(files: Mapping[str, bytes]) -> dict[str, tuple[int, int]]:
    """{language: (pages, bytes)} of the bundles, from the file names Pagefind gives each language."""
    out: dict[str, tuple[int, int]] = {}
    for folder, entry in bundles(files).items():
        for lang, info in entry.get("languages", {}).items():
            prefix = f"{lang}_"
            size = sum(len(v) for k, v in files.items() if k.startswith(folder) and (
                k.rsplit("/", 1)[-1].startswith(prefix) or f".{prefix}" in k or k == f"{folder}wasm.{lang}.pagefind"))
            pages, total = out.get(lang, (0, 0))
            out[lang] = (pages + info.get("page_count", 0), total + size)
    return out


def _cjk(word: str) -> bool:
    return any("\u3040" <= ch <= "\u30ff" or "\u3400" <= ch <= "\u9fff" or "\uac00" <= ch <= "\ud7af"
               for ch in word)


def _matches(key: str, word: str) -> bool:
    """Whether an index word answers a query word, roughly as Pagefind does in the browser: index
    words are stems and a query matches their beginnings; Chinese is matched by its segments."""
    if _cjk(word):
        return key == word or (len(key) >= 2 and key in word)
    return key.startswith(word) or (word.startswith(key) and len(key) >= max(3, len(word) - 3))


def find(files: Mapping[str, bytes], language: str, word: str) -> set[str]:
    """URLs of the pages that the bundles' `language` indexes give for `word` (for `riji check`)."""
    word = word.lower()
    out: set[str] = set()
    for folder, entry in bundles(files).items():
        info = entry["languages"].get(language)
        if info is None:
            continue
        meta = _load(files[f"{folder}pagefind.{info['hash']}.pf_meta"])
        pages, chunks = meta[1], meta[2]
        found: set[int] = set()
        for _first, _last, chunk in chunks:
            for key, hits, *_rest in _load(files[f"{folder}index/{chunk}.pf_index"])[0]:
                if _matches(key, word):
                    found.update(hit[0] for hit in hits)
        out |= {json.loads(gzip.decompress(files[f"{folder}fragment/{pages[n][0]}.pf_fragment"])
                           [len(_SIGNATURE):])["url"] for n in sorted(found)}
    return out
