"""Which files under content/ make which document: a post is one file, files per language, or a
folder (a bundle) with its own images and audio."""
from __future__ import annotations

import os
import re
from pathlib import Path

from ..constants import IGNORED
from ..diagnostics import Diagnostics

LANG_SUFFIX = re.compile(r"^(?P<stem>.+?)\.(?P<lang>[A-Za-z]{2,3}(?:-[A-Za-z0-9]+)?)$")


def discover(folder: Path) -> list[tuple[str, list[Path], Path | None]]:
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


def bundle_assets(bundle: Path, root: Path, diag: Diagnostics) -> tuple[str, ...]:
    return tuple(rel for rel, _path in list_files(bundle, root, diag)
                 if not (rel.startswith("index.") and rel.endswith(".md") and "/" not in rel))
