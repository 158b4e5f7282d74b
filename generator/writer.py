"""The one place that writes the site: into a fresh folder beside the target, swapped in at the end,
so a failed or interrupted build never leaves `output/` half-written."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from .render import Output


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


def write_files(files: Output, target: Path) -> None:
    """Write `files` below `target` (which must be new or empty)."""
    made: set[Path] = set()
    for rel in sorted(files):
        dest = target / rel
        parent = dest.parent
        if parent not in made:
            parent.mkdir(parents=True, exist_ok=True)
            made.add(parent)
        value = files[rel]
        if isinstance(value, Path):
            shutil.copyfile(value, dest)
        else:
            with open(dest, "wb") as fh:
                fh.write(value)


def write_output(files: Output, out_dir: Path, site_root: Path, background_cleanup: bool = False) -> None:
    """Write into a sibling folder, then swap it in. With `background_cleanup` the previous build
    is deleted by a detached `rm` so the command returns at once (the next build sweeps leftovers)."""
    check_output_dir(out_dir, site_root)
    out_dir = out_dir.absolute()
    parent = out_dir.parent
    parent.mkdir(parents=True, exist_ok=True)
    tmp = parent / f".{out_dir.name}.riji-new"
    old = parent / f".{out_dir.name}.riji-old-{os.getpid()}"
    for leftover in [tmp, *parent.glob(f".{out_dir.name}.riji-old*")]:
        if leftover.is_dir() and not leftover.is_symlink():
            shutil.rmtree(leftover, ignore_errors=True)
    try:
        write_files(files, tmp)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if not out_dir.exists():
        os.replace(tmp, out_dir)
        return
    os.replace(out_dir, old)
    os.replace(tmp, out_dir)
    if background_cleanup and shutil.which("rm") and os.name == "posix":
        subprocess.Popen(["rm", "-rf", "--", str(old)], start_new_session=True,
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    else:
        shutil.rmtree(old, ignore_errors=True)
