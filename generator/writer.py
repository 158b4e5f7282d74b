"""The one place that writes the site: into a fresh folder beside the target, swapped in at the end,
so a failed or interrupted build never leaves `output/` half-written."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from .parallel import fork_map
from .render import Lazy, Output


class UnsafeOutput(Exception):
    pass


def check_output_dir(out_dir: Path, site_root: Path) -> None:
    out, root = out_dir.resolve(), site_root.resolve()
    if out == root or out in root.parents or out == Path(out.anchor) or out == Path.home().resolve():
        raise UnsafeOutput(f"refusing to build into {out_dir}: it contains the site itself")
    for marker in ("site.yaml", "content"):
        if (out / marker).exists():
            raise UnsafeOutput(f"refusing to build into {out_dir}: it holds {marker}, so it looks like a "
                               f"site, not a build; choose another --output")


def _write_chunk(shared, keys: list[str]) -> list:
    """Write some of the files (rendering lazy pages on the way); return new diagnostics."""
    files, target, problems = shared
    before = len(problems)
    made: set[Path] = set()
    for rel in keys:
        value = files[rel]
        if isinstance(value, Lazy):
            value = value()
            if value is None:
                continue  # its template error is in `problems`
        dest = target / rel
        if dest.parent not in made:
            dest.parent.mkdir(parents=True, exist_ok=True)
            made.add(dest.parent)
        if isinstance(value, Path):
            shutil.copyfile(value, dest)
        else:
            with open(dest, "wb") as fh:
                fh.write(value)
    return problems[before:]


def write_files(files: Output, target: Path, problems: list | None = None, workers: int = 1) -> None:
    """Write `files` below `target` (new or empty). Lazy pages are rendered here, on `workers`
    forked processes when there are many, so rendering and disk writes overlap; their template
    errors are appended to `problems`."""
    shared = (files, target, problems if problems is not None else [])
    parts, forked = fork_map(_write_chunk, sorted(files), shared, workers if problems is not None else 1, 400)
    if forked:
        for new_problems in parts:
            problems.extend(new_problems)


def write_output(files: Output, out_dir: Path, site_root: Path, problems: list | None = None,
                 workers: int = 1, background_cleanup: bool = False) -> bool:
    """Write into a sibling folder, then swap it in, unless rendering the lazy pages added an error
    to `problems` (then nothing changes). With `background_cleanup` the previous build is deleted
    by a detached `rm` so the command returns at once (the next build sweeps leftovers)."""
    check_output_dir(out_dir, site_root)
    out_dir = out_dir.absolute()
    parent = out_dir.parent
    parent.mkdir(parents=True, exist_ok=True)
    tmp = parent / f".{out_dir.name}.riji-new"
    old = parent / f".{out_dir.name}.riji-old-{os.getpid()}"
    for leftover in [tmp, *parent.glob(f".{out_dir.name}.riji-old*")]:
        if leftover.is_dir() and not leftover.is_symlink():
            shutil.rmtree(leftover, ignore_errors=True)
    errors_before = _errors(problems)
    try:
        write_files(files, tmp, problems, workers)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if _errors(problems) > errors_before:
        shutil.rmtree(tmp, ignore_errors=True)
        return False
    if not out_dir.exists():
        os.replace(tmp, out_dir)
        return True
    os.replace(out_dir, old)
    os.replace(tmp, out_dir)
    if background_cleanup and shutil.which("rm") and os.name == "posix":
        subprocess.Popen(["rm", "-rf", "--", str(old)], start_new_session=True,
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    else:
        shutil.rmtree(old, ignore_errors=True)
    return True


def _errors(problems: list | None) -> int:
    return sum(1 for d in problems or [] if d.severity == "error")
