"""The one place that writes the site: into a fresh folder beside the target, swapped in at the end,
so a failed or interrupted build never leaves `output/` half-written."""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from .diagnostics import Diagnostic, Diagnostics
from .parallel import exit_if_orphaned, fork_map
from .render import PARALLEL_FILES, Lazy, Output, gather


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


def _inside(target: Path, rel: str) -> Path:
    """`target/rel`, refusing any path a renderer might produce that would leave `target`."""
    if os.path.isabs(rel) or os.path.normpath(rel).startswith(".."):
        raise UnsafeOutput(f"refusing to write {rel!r}: it is outside the output folder")
    return target / rel


def _write_chunk(shared, keys: list[str]) -> list[tuple[str, tuple[Diagnostic, ...]]]:
    """Write some of the files (rendering lazy pages on the way); return (path, its diagnostics)
    of the pages that have any."""
    files, target = shared
    problems = []
    made: set[Path] = set()
    for rel in keys:
        value = files[rel]
        if isinstance(value, Lazy):
            value, own = value()
            if own:
                problems.append((rel, own))
            if value is None:
                continue
        exit_if_orphaned()  # a worker whose build was killed writes nothing more
        dest = _inside(target, rel)
        if dest.parent not in made:
            dest.parent.mkdir(parents=True, exist_ok=True)
            made.add(dest.parent)
        if isinstance(value, Path):
            shutil.copyfile(value, dest)
        else:
            with open(dest, "wb") as fh:
                fh.write(value)
    return problems


def write_files(files: Output, target: Path, workers: int = 1) -> list[Diagnostic]:
    """Write `files` below `target` (new or empty) and return the diagnostics of the lazy pages,
    which are rendered here, on `workers` forked processes when there are many, so rendering and
    disk writes overlap."""
    parts, _forked = fork_map(_write_chunk, sorted(files), (files, target), workers, PARALLEL_FILES)
    return gather(d for _rel, own in sorted(pair for part in parts for pair in part) for d in own)


def write_output(files: Output, out_dir: Path, site_root: Path, workers: int = 1,
                 background_cleanup: bool = False) -> tuple[bool, list[Diagnostic]]:
    """(swapped in?, diagnostics). Writes into a sibling folder, then swaps it in, unless rendering
    the lazy pages reported an error (then nothing changes). With `background_cleanup` the previous
    build is deleted by a detached `rm` so the command returns at once (the next build sweeps
    leftovers)."""
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
            problems = write_files(files, tmp, workers)
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
            return False, problems
        os.chmod(tmp, 0o755)  # mkdtemp makes it private; a site is for reading
        if not out_dir.exists():
            os.replace(tmp, out_dir)
            return True, problems
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
    if background_cleanup and shutil.which("rm") and os.name == "posix":
        subprocess.Popen(["rm", "-rf", "--", str(old)], start_new_session=True,
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    else:
        shutil.rmtree(old, ignore_errors=True)
    return True, problems


def _lock(handle) -> None:
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks; concurrent builds are the user's to avoid
        return
    fcntl.flock(handle, fcntl.LOCK_EX)
