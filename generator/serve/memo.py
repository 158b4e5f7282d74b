"""What the preview keeps between builds so a one-post edit stays cheap on a large site.

`build()` takes it as `BuildOptions.memo` and stays pure: an unchanged entry (same files, same
modification times and sizes, same site.yaml) is handed back instead of re-read and re-parsed, with
the diagnostics it had; rendered Markdown stays in memory instead of a pickle on disk.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path

from ..diagnostics import Diagnostics


def _signature(path: Path) -> tuple:
    try:
        st = os.stat(path)
    except OSError:
        return (str(path), None)
    return (str(path), st.st_mtime_ns, st.st_size, st.st_ino)


def _bundle_signature(bundle: Path | None) -> tuple:
    """A bundle's files (names and times), since its asset list belongs to the parsed entry."""
    if bundle is None:
        return ()
    out = []
    for dirpath, dirnames, filenames in os.walk(bundle):
        dirnames.sort()
        out.append((dirpath, tuple(sorted(filenames)), os.stat(dirpath).st_mtime_ns))
    return tuple(out)


class BuildMemo:
    def __init__(self):
        self.entries: dict[tuple, tuple] = {}
        self.markdown: dict = {}  # content hash -> markdown.Rendered, as in .riji-cache/
        self.lock = threading.Lock()
        self.hits = self.misses = 0

    def read_entry(self, read, kind, ident, name, paths, bundle, config, diag: Diagnostics):
        """`read(kind, ident, name, paths, bundle, config, diag)`, or its remembered answer."""
        # any change to site.yaml starts afresh: parsing depends on its languages and timezone
        settings = (_signature(Path(config.root) / "site.yaml"), tuple(config.codes), config.timezone)
        key = (kind, ident, settings, tuple(_signature(p) for p in paths), _bundle_signature(bundle))
        with self.lock:
            known = self.entries.get(("entry", ident))
        if known is not None and known[0] == key:
            self.hits += 1
            entry, problems = known[1], known[2]
        else:
            self.misses += 1
            own = Diagnostics(diag.root)
            entry = read(kind, ident, name, paths, bundle, config, own)
            problems = list(own.items)
            with self.lock:
                self.entries[("entry", ident)] = (key, entry, problems)
        diag.items.extend(problems)
        return entry
