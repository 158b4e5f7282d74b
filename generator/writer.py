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
from stat import S_ISDIR
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
    if (".." in rel and os.path.normpath(rel).startswith("..")) or os.path.isabs(rel):
        raise UnsafeOutput(f"refusing to write {rel!r}: it is outside the output folder")
    return os.path.join(target, rel)


Kept = dict[str, tuple]  # output path -> (inputs digest or None, content digest or None, file stamp, entries read)
Dirs = dict[str, tuple]  # output folder ("" the top) -> its stamp: it changes when a name is added or removed


def _unchanged(old_dir: str | None, rel: str, written: tuple) -> bool:
    """Whether last build's file `rel` is still exactly the file riji wrote."""
    if old_dir is None:
        return False
    try:
        return stamp(os.lstat(os.path.join(old_dir, rel))) == written
    except OSError:
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
    """Write below `target` the files whose inputs and bytes changed since last build's, in
    `old_dir` (rendering lazy pages on the way); the others stay as they are. Returns ((path, its
    diagnostics) of the pages that have any, (path, inputs, content, stamp, made, entries its values
    read, written below `target`) of each file)."""
    files, target, kept, old_dir = shared
    target = os.fspath(target)
    problems, records = [], []
    made: set[str] = set()
    for rel in keys:
        exit_if_orphaned()  # a worker whose build was killed writes nothing more
        value = files[rel]
        dest = _inside(target, rel)
        inputs = _inputs(value) if kept is not None else None
        lazy = isinstance(value, Lazy)
        deps = value.deps if lazy else None
        known = kept.get(rel) if kept else None
        if inputs is not None and known and known[0] == inputs and _unchanged(old_dir, rel, known[2]):
            records.append((rel, inputs, known[1], known[2], False, deps, False))
            continue
        if lazy:
            page = value
            value, own = page()
            page.made = None  # written once: its bytes need not stay in memory (a second ask renders again)
            if own:
                problems.append((rel, own))
            if value is None:
                continue
        content = None if isinstance(value, Path) else content_digest(value)
        if content is not None and known and known[1] == content and _unchanged(old_dir, rel, known[2]):
            records.append((rel, inputs, content, known[2], lazy, deps, False))  # rendered, if lazy, but kept
            continue
        parent = os.path.dirname(dest)
        if parent not in made:
            os.makedirs(parent, exist_ok=True)
            made.add(parent)
        if content is None:
            shutil.copyfile(value, dest)
        else:
            with open(dest, "wb") as fh:
                fh.write(value)
        records.append((rel, inputs, content, stamp(os.stat(dest)), True, deps, True))
    return problems, records


def _write_tree(files: Output, target: Path, workers: int, kept: Kept | None, old_dir: str | None):
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
    kept: int = 0  # files kept from the last build, their inputs or bytes unchanged
    # every file and folder of the tree now in output/ (absolute path -> stamp), as lastbuild records it
    stamps: dict[str, tuple] | None = None


def _load(manifest: Path | None, out_dir: Path) -> tuple[Kept, Basis | None, Dirs]:
    if manifest is None or not out_dir.is_dir():
        return {}, None, {}
    saved = cachefiles.load(manifest)  # missing or damaged: every file is made
    if isinstance(saved, tuple) and len(saved) == 4 and saved[0] == str(out_dir) and isinstance(saved[1], dict) \
            and isinstance(saved[3], dict):
        return saved[1], saved[2] if isinstance(saved[2], Basis) else None, saved[3]
    return {}, None, {}


def last_build(manifest: Path, out_dir: Path):
    """What the manifest says of the build that made `out_dir`: `(path, inputs digest) -> bytes or
    None`, a file of it read back when its inputs were the same and the file is still exactly the
    one riji wrote (None when there is no last build to read from); and what it recorded of its
    pages' inputs (`render.previous`), or None."""
    out_dir = out_dir.resolve()  # as write_output records it
    kept, basis, _dirs = _load(manifest, out_dir)
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


def _survey(top: str, kept: Kept, dirs: Dirs) -> tuple[Kept, list[str], Dirs]:
    """What of last build's tree in `top` is still as riji left it: (the files that may be kept,
    the names that are not riji's and go (a file or link put in its folders, a link or file where
    a folder was), the folders' stamps now). Only a folder whose stamp changed is listed."""
    gone, changed, now = [], [], {}
    for rel, was in dirs.items():
        try:
            st = os.lstat(os.path.join(top, rel))
        except OSError:
            gone.append(rel)
            continue
        if not S_ISDIR(st.st_mode):
            gone.append(rel)
            continue
        now[rel] = stamp(st)
        if now[rel] != was:
            changed.append(rel)
    strays = [rel for rel in gone if os.path.lexists(os.path.join(top, rel))]
    if changed:
        expected: dict[str, dict[str, bool]] = {}  # folder -> {name: is a folder}
        for rel in kept:
            expected.setdefault(os.path.dirname(rel), {})[os.path.basename(rel)] = False
        for rel in dirs:
            if rel:
                expected.setdefault(os.path.dirname(rel), {})[os.path.basename(rel)] = True
        for rel in changed:
            names = expected.get(rel, {})
            with os.scandir(os.path.join(top, rel)) as listing:
                for entry in listing:
                    if names.get(entry.name) != entry.is_dir(follow_symlinks=False):
                        strays.append(os.path.join(rel, entry.name) if rel else entry.name)
    if gone:  # nothing below a folder that is no longer riji's is kept
        below = tuple(rel + "/" for rel in gone)
        kept = {rel: known for rel, known in kept.items() if not rel.startswith(below)}
    return kept, strays, now


def _ancestors(paths) -> set[str]:
    """Every folder above `paths`, "" (the top) too."""
    out = {""}
    for rel in paths:
        folder = os.path.dirname(rel)
        while folder not in out:
            out.add(folder)
            folder = os.path.dirname(folder)
    return out


def _apply(top: str, staged: str, deletes: list[str], moves: list[str]) -> None:
    """Swap the files written below `staged` into `top` and delete what the new tree lacks. Run
    again after a crash halfway, it finishes the job: a file moved already is not below `staged`."""
    for rel in deletes:
        path = os.path.join(top, rel)
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path)
        elif os.path.lexists(path):
            os.unlink(path)
    for rel in moves:
        source = os.path.join(staged, rel)
        if not os.path.lexists(source):
            continue
        dest = os.path.join(top, rel)
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        if os.path.isdir(dest) and not os.path.islink(dest):
            shutil.rmtree(dest)
        os.replace(source, dest)
    for rel in deletes:  # folders left empty go, as a clean build has none
        folder = os.path.dirname(rel)
        while folder:
            try:
                os.rmdir(os.path.join(top, folder))
            except OSError:
                break
            folder = os.path.dirname(folder)


def _journal(out_dir: Path) -> Path:
    return out_dir.parent / f".{out_dir.name}.riji-journal"


def _recover(out_dir: Path) -> None:
    """Finish the swap of a build killed while it moved its files into `out_dir`."""
    plan = cachefiles.load(_journal(out_dir))
    if isinstance(plan, tuple) and len(plan) == 4 and plan[0] == str(out_dir) and out_dir.is_dir():
        _apply(*plan)
    _journal(out_dir).unlink(missing_ok=True)


def _save_kept(manifest: Path, out_dir: Path, records: list, basis: Basis | None, dirs: Dirs) -> None:
    # unwritten: all made next time
    cachefiles.save(manifest, (str(out_dir), {r[0]: (*r[1:4], r[5]) for r in records}, basis, dirs),
                    text=False)


def _stamps(top: str, records: list, before: Dirs, touched: set[str]) -> tuple[Dirs, dict[str, tuple]]:
    """(each folder's stamp, relative; every file's and folder's, absolute) of the tree in `top`
    just written: a folder's stamp from `before` unless a name in it was `touched`."""
    dirs = {rel: before[rel] if rel in before and rel not in touched else stamp(os.lstat(os.path.join(top, rel)))
            for rel in sorted(_ancestors(r[0] for r in records))}
    every = {os.path.join(top, rel) if rel else top: st for rel, st in dirs.items()}
    every.update((os.path.join(top, r[0]), r[3]) for r in records)
    return dirs, every


def write_output(files: Output, out_dir: Path, site_root: Path, workers: int = 1,
                 background_cleanup: bool = False, manifest: Path | None = None,
                 later: Callable[[], tuple[Output, list[Diagnostic]]] | None = None,
                 basis: Basis | None = None) -> Written:
    """Writes the site into `out_dir` only if rendering the lazy pages reported no error (else
    nothing changes). Two ways, each safe against a crash at any point:

    - with a `manifest` of the last build's tree in `out_dir` (every file's inputs, bytes and
      stamp; every folder's stamp), only the files whose inputs and bytes changed are written, into
      a sibling folder. Then a journal names them and what the new tree lacks: once it is saved,
      they are moved in and the rest deleted. A build killed before the journal leaves `out_dir`
      as it was; one killed after it, the next build finishes the swap from the journal first. A
      file or folder not as riji left it is made again, a name riji did not write goes.
    - otherwise the whole tree is written into a sibling folder and swapped in; with
      `background_cleanup` the previous one is deleted by a detached `rm`, so the command returns
      at once (the next build sweeps leftovers).

    `later()` gives more files and their diagnostics once the others are written (the search
    bundle, made meanwhile). With the manifest goes `basis`, what the pages' recorded reads are
    checked against next time (`render.previous`)."""
    check_output_dir(out_dir, site_root)
    out_dir = out_dir.resolve()  # a symlinked output/ is updated where it points
    parent = out_dir.parent
    parent.mkdir(parents=True, exist_ok=True)
    with open(parent / f".{out_dir.name}.riji-lock", "w") as lock:
        _lock(lock)  # one build at a time swaps this folder; a second one waits
        _recover(out_dir)  # before the sweep: the journal names a folder of new files
        stuck = []
        for leftover in sorted(parent.glob(f".{out_dir.name}.riji-*")):  # from earlier builds
            if not leftover.is_dir() or leftover.is_symlink():
                continue
            if not out_dir.exists() and leftover.name.startswith(f".{out_dir.name}.riji-old"):
                continue  # a crash between the two renames left the last good site here: keep it
            shutil.rmtree(leftover, ignore_errors=True)
            if leftover.exists():
                stuck.append(leftover)
        kept, _basis, dirs = _load(manifest, out_dir)
        top = str(out_dir)
        in_place = bool(kept and dirs)
        strays, now = [], {}
        if in_place:
            kept, strays, now = _survey(top, kept, dirs)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.riji-new-", dir=parent))
        try:
            old = top if in_place else None
            problems, records = _write_tree(files, tmp, workers, kept, old)
            extra, found = later() if later is not None else ({}, [])
            problems = [*problems, *found]
            if extra and not any(d.severity == "error" for d in problems):
                more, added = _write_tree(extra, tmp, 1, kept, old)
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
        if in_place:
            new = {r[0] for r in records}
            deletes = sorted({rel for rel in [*strays, *kept] if rel not in new})
            moves = [r[0] for r in records if r[6]]
            if deletes or moves:
                if not cachefiles.save(_journal(out_dir), (top, str(tmp), deletes, moves), text=False):
                    shutil.rmtree(tmp, ignore_errors=True)
                    raise OSError(f"cannot write {_journal(out_dir)}")
                _apply(top, str(tmp), deletes, moves)
            touched = _ancestors([*deletes, *moves])
        else:
            os.chmod(tmp, 0o755)  # mkdtemp makes it private; a site is for reading
            old_tree = None
            if out_dir.exists():
                old_tree = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.riji-old-", dir=parent))
                try:
                    os.replace(out_dir, old_tree)
                except BaseException:  # e.g. output/ is a mount point: leave nothing of this build behind
                    old_tree.rmdir()
                    shutil.rmtree(tmp, ignore_errors=True)
                    raise
            try:
                os.replace(tmp, out_dir)
            except BaseException:
                if old_tree is not None:
                    os.replace(old_tree, out_dir)  # put the last good site back
                shutil.rmtree(tmp, ignore_errors=True)
                raise
            touched = set()
        dirs, written.stamps = _stamps(top, records, now, touched)
        if manifest is not None:
            _save_kept(manifest, out_dir, records, basis, dirs)
        if in_place:
            _journal(out_dir).unlink(missing_ok=True)
            shutil.rmtree(tmp, ignore_errors=True)  # its folders, emptied
            return written
    if old_tree is None:
        return written
    if background_cleanup and shutil.which("rm") and os.name == "posix":
        subprocess.Popen(["rm", "-rf", "--", str(old_tree)], start_new_session=True,
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    else:
        shutil.rmtree(old_tree, ignore_errors=True)
    return written


def _lock(handle) -> None:
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks; concurrent builds are the user's to avoid
        return
    fcntl.flock(handle, fcntl.LOCK_EX)
