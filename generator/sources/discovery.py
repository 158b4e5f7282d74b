"""Which files under content/ make which document: a post is one file, files per language, or a
folder (a bundle) with its own images and audio."""
from __future__ import annotations

import os
import re
from pathlib import Path

from ..constants import IGNORED
from ..diagnostics import Diagnostics

LANG_SUFFIX = re.compile(r"^(?P<stem>.+?)\.(?P<lang>[A-Za-z]{2,3}(?:-[A-Za-z0-9]+)?)$")


def _is_dir(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir()
    except OSError:  # a link that loops: not a folder (read_entry says what it is), as for Path.is_dir
        return False


def discover(folder: Path) -> list[tuple[str, list[Path], Path | None]]:
    """(name, markdown files, bundle dir) groups; sorted so every run sees the same order."""
    groups: dict[str, tuple[list[Path], Path | None]] = {}
    if not folder.is_dir():
        return []
    with os.scandir(folder) as listing:  # names and kinds at once: a stat a file fewer than pathlib
        found = sorted((entry.name, _is_dir(entry)) for entry in listing if not IGNORED.search(entry.name))
    for name, is_dir in found:
        entry = folder / name
        if is_dir:
            mds = sorted((p for p in entry.iterdir() if p.is_file() and p.name.startswith("index.")
                          and p.name.endswith(".md")), key=lambda p: p.name)
            if mds:
                groups[name] = (mds, entry)
        elif os.path.splitext(name)[1] == ".md":
            m = LANG_SUFFIX.match(name[:-3])
            stem = m.group("stem") if m else name[:-3]
            groups.setdefault(stem, ([], None))[0].append(entry)
    return [(name, paths, bundle) for name, (paths, bundle) in sorted(groups.items())]


def list_files(folder: Path, root: Path | tuple[Path, ...], diag: Diagnostics) -> list[tuple[str, Path]]:
    """(relative name, path) of the files below `folder`, sorted, editor litter skipped.

    Nothing that resolves outside `root` (a folder, or several) is listed: a link in a downloaded
    theme could otherwise publish /etc/passwd or a key. Each link left out is a warning naming it:
    one that leads outside, a folder link (not followed), and one that leads nowhere."""
    roots = [os.path.realpath(r) for r in (root if isinstance(root, tuple) else (root,))]

    def outside(path) -> bool:
        real = os.path.realpath(path)
        return not any(real == r or real.startswith(r.rstrip(os.sep) + os.sep) for r in roots)

    if outside(folder):
        diag.warning(folder, None, "is a link to a folder outside the site, so nothing in it is published; "
                                   "copy the folder in instead")
        return []
    out = []
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in sorted(dirnames):
            path = Path(dirpath) / name
            if os.path.islink(path) and not IGNORED.search(name):
                diag.warning(path, None, "is a link to a folder outside the site, so it is left out (it would publish "
                                         "files from elsewhere); copy the folder in instead" if outside(path) else
                             "is a link to a folder, which is not followed, so its files are left out; "
                             "move or copy the folder here instead")
        dirnames[:] = sorted(d for d in dirnames if not IGNORED.search(d) and not os.path.islink(Path(dirpath) / d))
        for name in sorted(filenames):
            if IGNORED.search(name):
                continue
            path = Path(dirpath) / name
            if os.path.islink(path) and not os.path.exists(path):
                diag.warning(path, None, f"is a link to {os.readlink(path)}, which does not exist (or links "
                                         "loop), so it is left out")
                continue
            if os.path.islink(path) and outside(path):
                diag.warning(path, None, "is a link to a file outside the site, so it is left out "
                                         "(it would publish a file from elsewhere); copy the file in instead")
                continue
            out.append((path.relative_to(folder).as_posix(), path))
    return out


def bundle_assets(bundle: Path, root: Path, diag: Diagnostics) -> tuple[str, ...]:
    return tuple(rel for rel, _path in list_files(bundle, root, diag)
                 if not (rel.startswith("index.") and rel.endswith(".md") and "/" not in rel))
