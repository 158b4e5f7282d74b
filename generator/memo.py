"""What the preview keeps between builds so a one-post edit stays cheap on a large site.

`build()` takes it as `BuildOptions.memo` and stays pure: an unchanged entry (same files, same
modification times and sizes, same site.yaml) is handed back instead of re-read and re-parsed, with
the diagnostics it had; rendered Markdown stays in memory instead of a pickle on disk.
"""
from __future__ import annotations

import gc
import hashlib
import os
import pickle
import threading
import time
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

from . import cachefiles
from .constants import CACHE_DIR, RACY_NS, SITE_FILE
from .diagnostics import Diagnostics


def _signature(path: Path) -> tuple:
    try:
        st = os.stat(path)
    except OSError:
        return (str(path), None)
    return (str(path), st.st_mtime_ns, st.st_size, st.st_ino)


def _digests(key: tuple, paths) -> tuple | None:
    """For an entry whose files changed so lately that they could change again within the same
    tick of the file system's clock, their stamps unchanged: their bytes' digests, checked before
    the remembered entry is used. None for the others (their stamps are enough)."""
    recent = time.time_ns() - RACY_NS
    if not any(sig[1] is not None and sig[1] > recent for sig in key[3]):
        return None
    out = []
    for path in paths:
        try:
            out.append(hashlib.blake2b(Path(path).read_bytes(), digest_size=16).digest())
        except OSError:
            out.append(None)
    return tuple(out)


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
        self.seen: set[str] = set()  # entries read by the current build: the rest are forgotten on save
        self.markdown_changed = False
        self.spaced: dict[str, str] = {}  # a title or summary -> with Han/Latin spacing (typography.py)
        self.spaced_changed = False
        self.forgot = 0
        self.saved: dict[int, tuple] = {}  # shard -> its contents as last loaded or saved

    def begin(self) -> None:
        """A new build: count afresh, and learn which entries still exist."""
        self.seen, self.hits, self.misses, self.forgot = set(), 0, 0, 0

    def forget_unseen(self) -> None:
        """Drop deleted and renamed entries, so a long preview session does not grow without end."""
        keep = {k: v for k, v in self.entries.items() if k[1] in self.seen}
        self.forgot += len(self.entries) - len(keep)
        self.entries = keep

    def __getstate__(self) -> dict:
        return {"entries": self.entries, "markdown": self.markdown, "spaced": self.spaced}

    def __setstate__(self, state: dict) -> None:
        self.__init__()
        self.entries, self.markdown, self.spaced = state["entries"], state["markdown"], state.get("spaced", {})

    @property
    def changed(self) -> bool:
        """Whether saving would store anything new (a read, a forgotten entry, other Markdown or spacing)."""
        return bool(self.misses or self.markdown_changed or self.spaced_changed or self.forgot)

    def spacing(self, space: Callable[[str], str]) -> tuple[Callable[[str], str], Callable[[], None]]:
        """(`space` answered from what the last build worked out, a function to call when the build
        is done, which keeps what it asked for, and only that, for the next)."""
        known, used = self.spaced, {}

        def remembered(text: str) -> str:
            out = known.get(text)
            if out is None:
                out = space(text)
            used[text] = out
            return out

        def done() -> None:
            self.spaced_changed = used.keys() != known.keys()
            self.spaced = used

        return remembered, done

    def read_entry(self, read, kind, ident, name, paths, bundle, root: Path, config) -> tuple:
        """`read(kind, ident, name, paths, bundle, root, config, diag)` with a collector of its own,
        or its remembered answer: (entry, the problems reading it found)."""
        # any change to site.yaml starts afresh: parsing depends on its languages and timezone
        settings = (_signature(root / SITE_FILE), tuple(config.codes), config.timezone)
        key = (kind, ident, settings, tuple(_signature(p) for p in paths), _bundle_signature(bundle))
        with self.lock:
            self.seen.add(ident)
            known = self.entries.get(("entry", ident))
        if known is not None and known[0] == key and (known[3] is None or _digests(key, paths) == known[3]):
            self.hits += 1
            entry, problems = known[1], known[2]
        else:
            self.misses += 1
            digests = _digests(key, paths)  # before reading: a later change then fails to match
            own = Diagnostics(root)
            entry = read(kind, ident, name, paths, bundle, root, config, own)
            problems = tuple(own.items)  # a tuple: what the memo keeps, no caller can change
            with self.lock:
                self.entries[("entry", ident)] = (key, entry, problems, digests)
        return entry, problems


def _format() -> str:
    """Changes whenever riji's code that makes the remembered objects changes, so an upgrade
    (or a developer's edit) never reuses objects of an older shape."""

    from . import __version__

    digest = hashlib.blake2b(digest_size=8)
    here = Path(__file__).parent
    for path in (here / "memo.py", *sorted((here / "sources").glob("*.py")), here / "markdown.py",
                 here / "translations" / "blocks.py", here / "typography.py", here / "htmltext.py"):
        digest.update(path.read_bytes())
    try:
        spacing = metadata.version("pangu")
    except metadata.PackageNotFoundError:
        spacing = "none"
    return f"{__version__}-{spacing}-{digest.hexdigest()}"


SHARDS = 32  # files the memo is saved in: a one-post edit rewrites two or three, not all of it


def memo_path(root: Path) -> Path:
    """Where `riji build` keeps its memo: a folder of shards."""
    return root / CACHE_DIR / "memo"


def _shard(name: str) -> int:
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=4).digest(), "big") % SHARDS


def _split(memo: BuildMemo) -> list[dict]:
    parts = [{"entries": {}, "markdown": {}, "spaced": {}} for _ in range(SHARDS)]
    for k, v in memo.entries.items():
        parts[_shard(k[1])]["entries"][k] = v
    for k, v in memo.markdown.items():
        parts[_shard(k)]["markdown"][k] = v
    for k, v in memo.spaced.items():
        parts[_shard(k)]["spaced"][k] = v
    return parts


def _contents(part: dict) -> tuple:
    """What a shard holds, without pickling it: an entry is what its key and digests read, the
    Markdown is what its content-hash key says, a spacing what its text says."""
    return (frozenset((k, v[0], v[3]) for k, v in part["entries"].items()), frozenset(part["markdown"]),
            frozenset(part["spaced"]))


def load_memo(path: Path) -> BuildMemo:
    """The memo saved by the last build, or an empty one if it is missing, stale or unreadable
    (a damaged shard just loses what it held)."""
    memo, version = BuildMemo(), _format()
    collecting = gc.isenabled()
    gc.disable()  # unpickling makes a million objects and no garbage: collecting meanwhile triples the time
    try:
        for i in range(SHARDS):
            try:
                with open(path / f"{i:02}.pickle", "rb") as fh:
                    saved, part = pickle.load(fh)
                if saved != version:
                    continue
                memo.entries.update(part["entries"])
                memo.markdown.update(part["markdown"])
                memo.spaced.update(part["spaced"])
                memo.saved[i] = _contents(part)
            except Exception:  # noqa: BLE001 - any damage to a cache file just means starting afresh
                continue
    finally:
        if collecting:
            gc.enable()
    return memo


def save_memo(path: Path, memo: BuildMemo) -> None:
    """Write the shards whose contents changed since they were loaded, each atomically."""
    if not memo.changed and path.is_dir():
        return
    try:
        path.mkdir(parents=True, exist_ok=True)
        version = _format()
        for i, part in enumerate(_split(memo)):
            contents = _contents(part)
            if memo.saved.get(i) == contents:
                continue
            if not cachefiles.save(path / f"{i:02}.pickle", (version, part)):
                return
            memo.saved[i] = contents
        (path.parent / "memo.pickle").unlink(missing_ok=True)  # the one file earlier versions kept
    except OSError:
        pass  # a read-only site still builds, just without the cache
