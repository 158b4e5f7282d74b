"""The last good build's record, so a `riji build` with nothing changed does nothing at all.

After each build that swapped in output/, riji records the stamp (device, inode, size,
modification time) of every file the build could have read: site.yaml, translations.lock,
everything below content/, static/ and themes/, the default theme, riji's own code and every
module it had loaded; and of every file and folder in output/; with the build's diagnostics. A
build with the same options that finds all of them as they were, before the clock reaches the
first post dated in the future (it would then be published), prints the same diagnostics and
writes nothing.

The site's stamps are taken before the build reads it, the record is removed before a build
writes anything and saved only after the swap, atomically: a crash at any point leaves either no
record or one whose output/ stamps match only the tree it describes. A file changed just before
the snapshot could change again within one tick of the file system's clock without its stamp
changing, so the digest of its bytes is kept and compared too.

Only the standard library is imported here: a no-op build must not pay for loading the renderers.
"""
from __future__ import annotations

import hashlib
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from . import cachefiles
from .cachefiles import stamp
from .constants import CACHE_DIR, CONTENT_DIR, RACY_NS, SITE_FILE, STATIC_DIR, THEMES_DIR, TRANSLATIONS_LOCK
from .diagnostics import Diagnostic

RECORD = "last-build.pickle"
FORMAT = 1  # bump when the record's shape changes
PACKAGE = Path(__file__).resolve().parent

Stamps = dict[str, tuple | None]  # path -> (device, inode, size, mtime) or None (missing, unreadable)


def _file(path: str) -> tuple | None:
    try:
        return stamp(os.stat(path))
    except OSError:
        return None


def _walk(folder: str, found: Stamps) -> None:
    """The stamp of every file and folder below `folder` (folders as ()), following links to
    folders once each: whatever the build reads there, and whatever it may skip."""
    seen = set()
    stack = [folder]
    while stack:
        here = stack.pop()
        try:
            st = os.stat(here)
        except OSError:
            found[here] = None
            continue
        if (st.st_dev, st.st_ino) in seen:
            found[here] = ("seen",)
            continue
        seen.add((st.st_dev, st.st_ino))
        try:
            with os.scandir(here) as listing:
                entries = list(listing)
        except OSError:  # not a folder, or unreadable: its own stamp stands for it
            found[here] = stamp(st)
            continue
        found[here] = ()
        for entry in entries:
            try:
                if entry.is_dir():
                    stack.append(entry.path)
                else:
                    found[entry.path] = stamp(entry.stat())
            except OSError:
                found[entry.path] = None


def _digest(path: str) -> bytes | None:
    try:
        with open(path, "rb") as fh:
            return hashlib.blake2b(fh.read(), digest_size=20).digest()
    except OSError:
        return None


def _own_code() -> Stamps:
    return {str(p): _file(str(p)) for p in PACKAGE.rglob("*.py")}


STARTED = _own_code()  # riji's files as this process started: an edit while it runs is a change


def _code() -> Stamps:
    """riji's own modules (as when it started) and every module loaded so far (the libraries that
    shape the output)."""
    loaded = {}
    for module in list(sys.modules.values()):
        path = getattr(module, "__file__", None)
        if path and path not in STARTED:
            loaded[path] = _file(path)
    return {**loaded, **STARTED}


def key(out_dir: Path, drafts: bool, future: bool, private: bool, search: bool) -> tuple:
    """What besides the files decides the output: the options, and which riji, Python and
    libraries run it (another copy of riji, or another search path, may load other code)."""
    return (FORMAT, str(Path(out_dir).resolve()), drafts, future, private, search, str(PACKAGE),
            sys.version, sys.executable, tuple(sys.path))


@dataclass
class Snapshot:
    """The site's files as they were when a build started reading them."""
    folders: list[str]
    inputs: Stamps
    digests: dict[str, bytes | None]
    code: Stamps


def snapshot(root: Path, theme_dirs: list[Path]) -> Snapshot:
    root = Path(root).resolve()
    folders = [str(root / name) for name in (CONTENT_DIR, STATIC_DIR, THEMES_DIR)]
    folders += [str(Path(d).resolve()) for d in theme_dirs if str(Path(d).resolve()) not in folders]
    started = time.time_ns()
    inputs = _inputs(root, folders)
    digests = {path: _digest(path) for path, stamp in inputs.items()
               if stamp and len(stamp) == 4 and stamp[3] > started - RACY_NS}
    return Snapshot(folders, inputs, digests, _code())


def _inputs(root: Path, folders: list[str]) -> Stamps:
    found: Stamps = {str(root / name): _file(str(root / name)) for name in (SITE_FILE, TRANSLATIONS_LOCK)}
    for folder in folders:
        _walk(folder, found)
    return found


def _output(out_dir: Path) -> Stamps:
    """Every file and folder in output/, links not followed. A folder's stamp changes when a name is
    added to it or removed, so checking these stamps again is a check of the whole tree."""
    top = str(Path(out_dir).resolve())
    found: Stamps = {top: stamp(os.lstat(top))}
    stack = [top]
    while stack:  # scandir's entries carry their paths: 66,000 of them at 5,000 posts
        try:
            listing = os.scandir(stack.pop())
        except OSError:
            continue
        with listing:
            for entry in listing:
                found[entry.path] = stamp(entry.stat(follow_symlinks=False))
                if entry.is_dir(follow_symlinks=False):
                    stack.append(entry.path)
    return found


def _unchanged(stamps: Stamps) -> bool:
    lstat = os.lstat
    try:
        for path, stamp in stamps.items():
            st = lstat(path)
            if (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns) != stamp:
                return False
    except OSError:
        return False
    return bool(stamps)


def _path(root: Path) -> Path:
    return Path(root).resolve() / CACHE_DIR / RECORD


def forget(root: Path) -> None:
    """Before a build writes anything: no record may outlive the tree it describes."""
    try:
        os.unlink(_path(root))
    except OSError:
        pass


def save(root: Path, out_dir: Path, build_key: tuple, before: Snapshot, diagnostics: list[Diagnostic],
         tally: str, files: int, until: float | None, output: Stamps | None = None) -> None:
    """Record a build that has just been swapped in as `out_dir`; `until` is the time (seconds since
    the epoch) at which its output would change by itself, or None; `output`, the stamps of every
    file and folder in it, when the writer knows them (else they are read)."""
    code = {path: stamp for path, stamp in _code().items() if path not in before.code}  # loaded by the build
    record = {"key": build_key, "folders": before.folders, "inputs": before.inputs, "digests": before.digests,
              "code": {**code, **before.code}, "output": _output(out_dir) if output is None else output, "until": until,
              "diagnostics": [(d.path, d.line, d.message, d.severity) for d in diagnostics], "tally": tally,
              "files": files}
    cachefiles.save(_path(root), record, text=False)  # unwritable: a read-only site builds in full each time


@dataclass
class Replay:
    diagnostics: list[Diagnostic]
    tally: str  # e.g. "5054 pages, posts: en 1000, zh 1000"
    files: int


def summary(tally: str, seconds: float) -> str:
    """The build's summary line when it replayed the last build."""
    return f"{tally}, in {seconds:.2f} s (nothing changed)"


def replay(root: Path, out_dir: Path, build_key: tuple) -> Replay | None:
    """The last build's diagnostics and summary if nothing it read or wrote has changed since it
    ran (and its result does not depend on a moment passed since), else None."""
    try:
        record = cachefiles.load(_path(root))
        if record["key"] != build_key or (record["until"] is not None and time.time() >= record["until"]):
            return None
        if any(_file(path) != known for path, known in record["code"].items()):
            return None
        if _inputs(Path(root).resolve(), record["folders"]) != record["inputs"]:
            return None
        if any(_digest(path) != digest for path, digest in record["digests"].items()):
            return None
        if not _unchanged(record["output"]):
            return None
        return Replay([Diagnostic(*d) for d in record["diagnostics"]], record["tally"], record["files"])
    except Exception:  # noqa: BLE001 - a missing or damaged record: build in full
        return None
