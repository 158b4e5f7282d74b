"""The one place that writes the site: into a fresh folder beside the target, swapped in at the end,
so a failed or interrupted build never leaves `output/` half-written."""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from . import cachefiles
from .cachefiles import stamp
from .constants import RACY_NS
from .diagnostics import Diagnostic, Diagnostics
from .inputs import content_digest
from .parallel import exit_if_orphaned, fork_map
from .render import PARALLEL_FILES, Lazy, Output, gather, inputs_of
from .render.previous import Basis, Previous


class UnsafeOutput(Exception):
    pass


def unsafe_folder(dest: Path, root: Path, markers=("site.yaml", "content")) -> str | None:
    """Why replacing everything in `dest` would harm the site or the user, or None if it is safe.
    Shared by the build's output folder and the publish targets."""
    dest, root = dest.resolve(), root.resolve()
    if dest == root or dest in root.parents:
        return "it contains the site folder itself"
    if dest == Path(dest.anchor) or dest == Path.home().resolve():
        return "give the site a folder of its own"
    for source in ("content", "static", "themes"):
        folder = root / source
        if dest == folder or folder in dest.parents:
            return f"it is inside the site's {source}/ folder"
    for marker in markers:
        if (dest / marker).exists():
            return f"it holds {marker}, so it is not a folder riji made, and its contents would be lost"
    return None


def check_output_dir(out_dir: Path, site_root: Path) -> None:
    # a build replaces the whole folder, so a git checkout (e.g. of gh-pages) is refused too
    reason = unsafe_folder(out_dir, site_root, ("site.yaml", "content", ".git"))
    if reason:
        raise UnsafeOutput(f"refusing to build into {out_dir}: {reason}; choose another --output")


def _inside(target: Path | str, rel: str) -> str:
    """`target/rel`, refusing any path a renderer might produce that would leave `target`. A string:
    the writer joins one per file, 8,000 on a 1,000-post diary, and pathlib's are slower."""
    if os.path.isabs(rel) or os.path.normpath(rel).startswith(".."):
        raise UnsafeOutput(f"refusing to write {rel!r}: it is outside the output folder")
    return os.path.join(target, rel)


Kept = dict[str, tuple]  # output path -> (inputs digest or None, content digest or None, file stamp, entries read)


def _keep(old: str, dest: str, written: tuple) -> bool:
    """Hard-link last build's `old` file as `dest` if it is still exactly the file riji wrote."""
    try:
        if stamp(os.stat(old, follow_symlinks=False)) != written:
            return False
        os.link(old, dest)
        return True
    except OSError:  # gone, replaced, or a file system without hard links: make it anew
        return False


def _inputs(value) -> bytes | None:
    if isinstance(value, Path):  # a file copied as it is: its name, size and modification time
        try:
            st = os.stat(value)
        except OSError:
            return None
        if st.st_mtime_ns > time.time_ns() - RACY_NS:  # it may change again, its stamp unchanged: copy it
            return None
        return content_digest(f"{value}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ino}".encode())
    return inputs_of(value)


def _write_chunk(shared, keys: list[str]) -> tuple[list, list]:
    """Write some of the files below the new tree: last build's file, hard-linked, where its inputs
    or its bytes are unchanged, else made (rendering lazy pages on the way). Returns ((path, its
    diagnostics) of the pages that have any, (path, inputs, content, stamp, made, entries its
    values read) of each file written)."""
    files, target, kept, old_dir = shared
    old_dir = "" if old_dir is None else str(old_dir)  # None: nothing is kept
    problems, records = [], []
    made: set[str] = set()
    for rel in keys:
        exit_if_orphaned()  # a worker whose build was killed writes nothing more
        value = files[rel]
        dest = _inside(target, rel)
        parent = os.path.dirname(dest)
        if parent not in made:
            os.makedirs(parent, exist_ok=True)
            made.add(parent)
        inputs = _inputs(value) if kept is not None else None
        lazy = isinstance(value, Lazy)
        deps = value.deps if lazy else None
        known = kept.get(rel) if kept else None
        old = os.path.join(old_dir, rel)
        if inputs is not None and known and known[0] == inputs and _keep(old, dest, known[2]):
            records.append((rel, inputs, known[1], known[2], False, deps))
            continue
        if lazy:
            page = value
            value, own = page()
            page.made = None  # written once: its bytes need not stay in memory (a second ask renders again)
            if own:
                problems.append((rel, own))
            if value is None:
                continue
        content = None
        if isinstance(value, Path):
            shutil.copyfile(value, dest)
        else:
            content = content_digest(value)
            if known and known[1] == content and _keep(old, dest, known[2]):
                records.append((rel, inputs, content, known[2], lazy, deps))  # rendered, if lazy, but kept
                continue
            with open(dest, "wb") as fh:
                fh.write(value)
        records.append((rel, inputs, content, stamp(os.stat(dest)), True, deps))
    return problems, records


def _write_tree(files: Output, target: Path, workers: int, kept: Kept | None, old_dir: Path | None):
    """(diagnostics, records); `kept` None: nothing is tracked (a tree for checks or publishing)."""
    parts, _forked = fork_map(_write_chunk, sorted(files), (files, target, kept, old_dir), workers,
                              PARALLEL_FILES)
    problems = gather(d for _rel, own in sorted(p for part, _ in parts for p in part) for d in own)
    return problems, [r for _, records in parts for r in records]


def write_files(files: Output, target: Path, workers: int = 1) -> list[Diagnostic]:
    """Write `files` below `target` (new or empty) and return the diagnostics of the lazy pages,
    which are rendered here, on `workers` forked processes when there are many, so rendering and
    disk writes overlap."""
    return _write_tree(files, target, workers, None, None)[0]


@dataclass
class Written:
    swapped: bool
    diagnostics: list[Diagnostic]
    made: int = 0  # files rendered or copied by this build
    kept: int = 0  # files kept from the last build (hard links), their inputs or bytes unchanged


def _load(manifest: Path | None, out_dir: Path) -> tuple[Kept, Basis | None]:
    if manifest is None or not out_dir.is_dir():
        return {}, None
    saved = cachefiles.load(manifest)  # missing or damaged: every file is made
    if isinstance(saved, tuple) and len(saved) == 3 and saved[0] == str(out_dir) and isinstance(saved[1], dict):
        return saved[1], saved[2] if isinstance(saved[2], Basis) else None
    return {}, None


def last_build(manifest: Path, out_dir: Path):
    """What the manifest says of the build that made `out_dir`: `(path, inputs digest) -> bytes or
    None`, a file of it read back when its inputs were the same and the file is still exactly the
    one riji wrote (None when there is no last build to read from); and what it recorded of its
    pages' inputs (`render.previous`), or None."""
    out_dir = out_dir.resolve()  # as write_output records it
    kept, basis = _load(manifest, out_dir)
    previous = None if basis is None else Previous(basis, {rel: (known[0], known[3]) for rel, known in kept.items()
                                                           if known[0] is not None and known[3] is not None})
    if not kept:
        return None, previous

    def read(rel: str, inputs: bytes) -> bytes | None:
        known = kept.get(rel)
        if not known or known[0] != inputs:
            return None
        try:
            with open(_inside(out_dir, rel), "rb") as fh:
                if stamp(os.fstat(fh.fileno())) != known[2]:
                    return None
                return fh.read()
        except (OSError, UnsafeOutput):
            return None

    return read, previous


def _save_kept(manifest: Path, out_dir: Path, records: list, basis: Basis | None) -> None:
    # unwritten: all made next time
    cachefiles.save(manifest, (str(out_dir), {r[0]: (*r[1:4], r[5]) for r in records}, basis))


def write_output(files: Output, out_dir: Path, site_root: Path, workers: int = 1,
                 background_cleanup: bool = False, manifest: Path | None = None,
                 later: Callable[[], tuple[Output, list[Diagnostic]]] | None = None,
                 basis: Basis | None = None) -> Written:
    """Writes into a sibling folder, then swaps it in, unless rendering the lazy pages reported an
    error (then nothing changes). With `background_cleanup` the previous build is deleted by a
    detached `rm` so the command returns at once (the next build sweeps leftovers). `later()`
    gives more files and their diagnostics once the others are written (the search bundle,
    made meanwhile).

    `manifest` remembers, after each swap, every file's inputs, bytes and stamp: the next build
    hard-links a file from the tree it replaces when those are unchanged, and still swaps in a
    complete new tree. A crash before the manifest is saved leaves an older one, whose stamps the
    new files do not match, so nothing wrong is ever kept. With it goes `basis`, what the pages'
    recorded reads are checked against next time (`render.previous`)."""
    check_output_dir(out_dir, site_root)
    out_dir = out_dir.resolve()  # a symlinked output/ is updated where it points
    parent = out_dir.parent
    parent.mkdir(parents=True, exist_ok=True)
    with open(parent / f".{out_dir.name}.riji-lock", "w") as lock:
        _lock(lock)  # one build at a time swaps this folder; a second one waits
        stuck = []
        for leftover in sorted(parent.glob(f".{out_dir.name}.riji-*")):  # from earlier builds
            if not leftover.is_dir() or leftover.is_symlink():
                continue
            if not out_dir.exists() and leftover.name.startswith(f".{out_dir.name}.riji-old"):
                continue  # a crash between the two renames left the last good site here: keep it
            shutil.rmtree(leftover, ignore_errors=True)
            if leftover.exists():
                stuck.append(leftover)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.riji-new-", dir=parent))
        try:
            kept = _load(manifest, out_dir)[0]
            problems, records = _write_tree(files, tmp, workers, kept, out_dir)
            extra, found = later() if later is not None else ({}, [])
            problems = [*problems, *found]
            if extra and not any(d.severity == "error" for d in problems):
                more, added = _write_tree(extra, tmp, 1, kept, out_dir)
                problems, records = [*problems, *more], records + added
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        if stuck:  # one line, not one folder more per build
            diag = Diagnostics(site_root)
            diag.warning(stuck[0], None, f"{len(stuck)} folder{'s' if len(stuck) > 1 else ''} left by earlier "
                                         f"builds cannot be removed ({', '.join(p.name for p in stuck)}); "
                                         f"delete {'them' if len(stuck) > 1 else 'it'} by hand")
            problems = [*problems, *diag.items]
        if any(d.severity == "error" for d in problems):
            shutil.rmtree(tmp, ignore_errors=True)
            return Written(False, problems)
        made = sum(1 for r in records if r[4])
        written = Written(True, problems, made, len(records) - made)
        os.chmod(tmp, 0o755)  # mkdtemp makes it private; a site is for reading
        if not out_dir.exists():
            os.replace(tmp, out_dir)
            if manifest is not None:
                _save_kept(manifest, out_dir, records, basis)
            return written
        old = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.riji-old-", dir=parent))
        try:
            os.replace(out_dir, old)
        except BaseException:  # e.g. output/ is a mount point: leave nothing of this build behind
            old.rmdir()
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        try:
            os.replace(tmp, out_dir)
        except BaseException:
            os.replace(old, out_dir)  # put the last good site back
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        if manifest is not None:
            _save_kept(manifest, out_dir, records, basis)
    if background_cleanup and shutil.which("rm") and os.name == "posix":
        subprocess.Popen(["rm", "-rf", "--", str(old)], start_new_session=True,
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    else:
        shutil.rmtree(old, ignore_errors=True)
    return written


def _lock(handle) -> None:
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks; concurrent builds are the user's to avoid
        return
    fcntl.flock(handle, fcntl.LOCK_EX)
