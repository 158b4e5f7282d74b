"""Make a folder hold exactly the build: copy what differs, delete what is stale, touch nothing else.

The `dir` target, and inside a temporary clone the `git` target's sync. Files are compared
by content, so publishing an unchanged site copies nothing (and git sees no change)."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

from ..render import Output
from .base import MANIFEST, Changes, PublishError, Shipment, Target, refuse_unsafe_folder, resolve_local

KEEP = frozenset({".git"})  # never deleted: a folder may be a checkout of the pages repository


class DirTarget(Target):
    """`{type: dir, path: ../public}`: a folder on this computer."""

    type = "dir"
    OPTIONS = {"path": None}

    def where(self) -> str:
        return self.options["path"]

    def publish(self, shipment: Shipment) -> tuple[Changes, str]:
        dest = resolve_local(shipment.root, self.options["path"])
        refuse_unsafe_folder(dest, shipment.root)
        changes = sync_folder(shipment.files, dest, dry_run=shipment.dry_run)
        return changes, changes.outcome(shipment.dry_run)

    def published(self, shipment: Shipment) -> bytes | None:
        return read_manifest(resolve_local(shipment.root, self.options["path"]))


def read_manifest(folder: Path) -> bytes | None:
    path = folder / MANIFEST
    try:
        return path.read_bytes() if path.is_file() else None
    except OSError as exc:
        raise PublishError(f"cannot read {path}: {exc.strerror}") from None


def _existing(dest: Path, keep: frozenset[str]) -> dict[str, Path]:
    """Every file (and symlink) below `dest`, by relative path, except the kept top-level names."""
    out: dict[str, Path] = {}
    if not dest.is_dir():
        return out
    for dirpath, dirnames, filenames in os.walk(dest):
        here = Path(dirpath)
        rel_dir = here.relative_to(dest).as_posix()
        prefix = "" if rel_dir == "." else rel_dir + "/"
        if not prefix:
            dirnames[:] = [d for d in dirnames if d not in keep]
            filenames = [f for f in filenames if f not in keep]
        for d in list(dirnames):
            if (here / d).is_symlink():  # a link to a folder is an entry to replace, never followed
                dirnames.remove(d)
                out[prefix + d] = here / d
        dirnames.sort()
        for name in filenames:
            out[prefix + name] = here / name
    return out


def _same(value, path: Path) -> bool:
    if path.is_symlink() or not path.is_file():
        return False
    if isinstance(value, Path):
        if value.stat().st_size != path.stat().st_size:
            return False
        with open(value, "rb") as a, open(path, "rb") as b:
            while True:
                x, y = a.read(1 << 20), b.read(1 << 20)
                if x != y:
                    return False
                if not x:
                    return True
    return path.stat().st_size == len(value) and path.read_bytes() == value


def plan(files: Output, dest: Path, keep: frozenset[str] = KEEP) -> Changes:
    existing = _existing(dest, keep)
    added = sorted(p for p in files if p not in existing)
    changed = sorted(p for p in files if p in existing and not _same(files[p], existing[p]))
    removed = sorted(p for p in existing if p not in files)
    return Changes(added, changed, removed)


def sync_folder(files: Output, dest: Path, dry_run: bool = False, keep: frozenset[str] = KEEP) -> Changes:
    """Bring `dest` to exactly `files` (plus the kept names); with `dry_run` only say what would change."""
    changes = plan(files, dest, keep)
    if dry_run or not changes:
        return changes
    for rel in changes.removed:
        path = dest / rel
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        elif path.exists() or path.is_symlink():
            path.unlink()
    _prune_empty(dest, keep)
    for rel in changes.added + changes.changed:
        _write(files[rel], dest / rel)
    return changes


def _prune_empty(dest: Path, keep: frozenset[str]) -> None:
    folders = []
    for dirpath, dirnames, _filenames in os.walk(dest):
        if Path(dirpath) == dest:
            dirnames[:] = [d for d in dirnames if d not in keep]
        else:
            folders.append(Path(dirpath))
    for folder in reversed(folders):  # deepest first, so emptied parents go too
        if not any(folder.iterdir()):
            folder.rmdir()


def _write(value, dest: Path) -> None:
    """Write beside the target and rename over it, so a reader never sees half a file."""
    parent = dest.parent  # a stale file in the way was removed with the other stale files
    parent.mkdir(parents=True, exist_ok=True)
    tmp = parent / f".{dest.name}.riji-tmp"
    if isinstance(value, Path):
        shutil.copyfile(value, tmp)
    else:
        tmp.write_bytes(value)
    os.replace(tmp, dest)
