"""What the preview keeps between builds so a one-post edit stays cheap on a large site.

`build()` takes it as `BuildOptions.memo` and stays pure: an unchanged entry (same files, same
modification times and sizes, same site.yaml) is handed back instead of re-read and re-parsed, with
the diagnostics it had; rendered Markdown stays in memory instead of a pickle on disk.

The preview also tells it which paths its watcher saw change (`hint`): then the entries none of
them touches are handed back without even a stat, and content/ is not listed again unless a file
came, went or was renamed. Whenever that report may be incomplete (none given, a folder, an
unknown file, a path outside the site), everything is checked as without it.
"""
from __future__ import annotations

import gc
import hashlib
import os
import threading
import time
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

from . import cachefiles
from .constants import CACHE_DIR, RACY_NS, SITE_FILE, TRANSLATIONS_LOCK
from .diagnostics import Diagnostics
from .inputs import walk


def _signature(path: Path) -> tuple:
    """(path, modification time, size, inode, change time): `cp -p`, `touch -r` or `rsync -a` put a
    file back with an older modification time, but its change time moves."""
    try:
        st = os.stat(path)
    except OSError:
        return (str(path), None)
    return (str(path), st.st_mtime_ns, st.st_size, st.st_ino, st.st_ctime_ns)


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


def _tree_signature(folders) -> tuple:
    """Each folder's files below it (a theme's), as `_signature`s, and its folders too (a theme's
    own, made empty, takes the place of a missing one), through links, which the theme is read
    through (each real folder once)."""
    out = []
    for folder in folders:
        files = []
        for dirpath, filenames in walk(folder):
            files.append((dirpath, None, "folder", None))
            files += (_signature(Path(dirpath, name)) for name in filenames)
        out.append((str(folder), tuple(files)))
    return tuple(out)


class Layout:
    """What the last complete reading of content/ found: discovery's groups, and which entry each
    Markdown file belongs to."""

    def __init__(self, root: Path, content: Path, groups: list):
        self.root, self.content, self.groups = os.path.normpath(root), os.path.normpath(content), groups
        self.files = {os.path.normpath(p): f"{folder}/{name}"
                      for _kind, folder, found in groups for name, paths, _bundle in found for p in paths}

    def stale(self, changed: set[str]) -> set[str] | None:
        """The entries the changed paths may have altered, or None when content/ must be listed
        again (or the paths cannot be trusted to say)."""
        out = set()
        for path in changed:
            if not path.startswith(self.root + os.sep):
                return None  # the site itself (an overflow of the watcher's events), or named otherwise
            if path == self.content or self.content.startswith(path + os.sep):
                return None
            if not path.startswith(self.content + os.sep):
                continue  # site.yaml, themes/, static/, translations.lock: not content
            ident = self.files.get(path)
            if ident is not None:
                if not os.path.isfile(path):
                    return None  # gone, or a folder now
                out.add(ident)
            elif os.path.lexists(path) or any(f.startswith(path + os.sep) for f in self.files):
                return None  # new to discovery, or a folder that held entries
            # else: a file gone that no entry had (an editor's temporary one)
        return out


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
        # document name -> (digest of its text and record, its translation status items, in sync)
        self.status: dict[str, tuple] = {}
        self.status_changed = False
        self.forgot = 0
        self.saved: dict[int, tuple] = {}  # shard -> its contents as last loaded or saved
        # the watcher's report: paths that may have changed since the last complete reading of
        # content/ (None: anything may have), what that reading found, and which entries have no
        # link among their files (a link's target can change without an event for the link)
        self.dirty: set[str] | None = None
        self.layout: Layout | None = None
        self.plain: dict[str, bool] = {}
        self.checked: dict[str, list] = {}  # ident -> the list of its paths whose names were last checked
        self.settings: tuple | None = None  # (root, config, the key part they give) of this build
        # in memory only, each by the very objects it was made from: translation status's Documents,
        # the site model's finished entries (with their pages)
        self.documents: dict = {}
        self.made: dict = {}
        self.lock_read: tuple | None = None  # (translations.lock's stamps, its record, problems)
        self.theme_read: tuple | None = None  # (what it was loaded from and their stamps, Theme, problems)
        # entry name -> (the entry, ((entry, lang), key) of its documents), with the settings they
        # were keyed with: an entry handed back again needs none of its texts hashed
        self.markdown_keys: dict = {}
        self.markdown_settings: dict | None = None

    def begin(self) -> None:
        """A new build: count afresh, and learn which entries still exist."""
        self.seen, self.hits, self.misses, self.forgot = set(), 0, 0, 0
        self.settings = None

    def hint(self, paths) -> None:
        """The paths the watcher saw change since the last build; None when it cannot say. Paths
        add up until a build has read content/ completely."""
        if paths is None or self.dirty is None:
            self.dirty = None
        else:
            self.dirty |= {os.path.normpath(p) for p in paths}

    def plan(self, root: Path, content: Path) -> tuple[list, set[str]] | None:
        """(discovery's groups as last found, the entries to check) when the watcher's report
        allows; None: list and check everything."""
        if self.dirty is None or self.layout is None or \
                (self.layout.root, self.layout.content) != (os.path.normpath(root), os.path.normpath(content)):
            return None
        stale = self.layout.stale(self.dirty)
        return None if stale is None else (self.layout.groups, stale)

    def read(self, root: Path, content: Path, groups: list) -> None:
        """content/ was read completely, as `groups` (discovery's): the watcher's report starts afresh."""
        if self.layout is None or self.layout.groups is not groups:
            self.layout = Layout(root, content, groups)
        self.dirty = set()

    def forget_unseen(self) -> None:
        """Drop deleted and renamed entries, so a long preview session does not grow without end."""
        keep = {k: v for k, v in self.entries.items() if k[1] in self.seen}
        self.forgot += len(self.entries) - len(keep)
        self.entries = keep
        if len(self.plain) > len(self.seen):
            self.plain = {k: v for k, v in self.plain.items() if k in self.seen}
        if len(self.checked) > len(self.seen):
            self.checked = {k: v for k, v in self.checked.items() if k in self.seen}

    def __getstate__(self) -> dict:
        return {"entries": self.entries, "markdown": self.markdown, "spaced": self.spaced}

    def __setstate__(self, state: dict) -> None:
        self.__init__()
        self.entries, self.markdown, self.spaced = state["entries"], state["markdown"], state.get("spaced", {})

    @property
    def changed(self) -> bool:
        """Whether saving would store anything new (a read, a forgotten entry, other Markdown, spacing
        or statuses)."""
        return bool(self.misses or self.markdown_changed or self.spaced_changed or self.status_changed or self.forgot)

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

        remembered.keep = used.update  # texts already spaced, as {text: spaced}: kept at once

        def done() -> None:
            self.spaced_changed = used.keys() != known.keys()
            self.spaced = used

        return remembered, done

    def read_lock(self, read: Callable[[Path], tuple], root: Path) -> tuple:
        """`read(root)`, translations.lock's (record, problems), remembered while the file's stamps
        are unchanged: it holds every block of every document, megabytes on a large diary. Read
        again whenever it was saved within the file system clock's margin of the last reading."""
        sig = _signature(root / TRANSLATIONS_LOCK)
        if self.lock_read is not None and self.lock_read[0] == sig:
            return self.lock_read[1], list(self.lock_read[2])
        lock, problems = read(root)
        recent = sig[1] is not None and sig[1] > time.time_ns() - RACY_NS
        self.lock_read = None if recent else (sig, lock, tuple(problems))
        return lock, problems

    def theme(self, load: Callable, root: Path, config) -> tuple:
        """`load(root, name, codes, generated)`, the site's Theme and its problems, kept while none
        of its files changed: a new Environment each rebuild loaded every template again (from the
        compiled ones, still 2 ms each) and the writer's digest read them all. Loaded again when a
        file of it was saved within the file system clock's margin of the last check."""
        asked = (os.path.normpath(root), config.theme, tuple(config.codes), config.generated)
        if self.theme_read is not None and self.theme_read[0][0] == asked:
            known, theme, problems = self.theme_read
            if known[1] == _tree_signature([root / "themes" / config.theme, *theme.dirs]):
                return theme, list(problems)
        theme, problems = load(root, config.theme, config.codes, config.generated)
        stamps = _tree_signature([root / "themes" / config.theme, *theme.dirs])
        recent = time.time_ns() - RACY_NS
        settled = all(stamp[1] is None or stamp[1] <= recent for _dir, files in stamps for stamp in files)
        self.theme_read = ((asked, stamps), theme, tuple(problems)) if settled else None
        return theme, problems

    def read_entry(self, read, kind, ident, name, paths, bundle, root: Path, config, unchanged: bool = False) -> tuple:
        """`read(kind, ident, name, paths, bundle, root, config, diag)` with a collector of its own,
        or its remembered answer: (entry, the problems reading it found). `unchanged`: the watcher
        saw none of its files change, so a plain entry (one file or several, no link, no bundle
        folder) is taken as it was without looking at its files."""
        # any change to site.yaml starts afresh: parsing depends on its languages and timezone
        if self.settings is None or self.settings[1] is not config or \
                (self.settings[0] is not root and self.settings[0] != root):
            self.settings = (root, config, (_signature(root / SITE_FILE), tuple(config.codes), config.timezone))
        settings = self.settings[2]
        with self.lock:
            self.seen.add(ident)
            known = self.entries.get(("entry", ident))
        if unchanged and bundle is None and known is not None and self.plain.get(ident) and \
                known[0][:3] == (kind, ident, settings) and (self.checked.get(ident) is paths or (
                    len(known[0][3]) == len(paths) and all(sig[0] == str(p) for sig, p in zip(known[0][3], paths)))):
            self.checked[ident] = paths  # the same list again (the watcher's plan reuses the listing): same names
            self.hits += 1
            return known[1], known[2]
        key = (kind, ident, settings, tuple(_signature(p) for p in paths), _bundle_signature(bundle))
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
            known = None
        if known is None or ident not in self.plain:
            self.plain[ident] = not any(os.path.islink(p) for p in paths)
        return entry, problems


def _format() -> str:
    """Changes whenever riji's code that makes the remembered objects changes, so an upgrade
    (or a developer's edit) never reuses objects of an older shape."""

    from . import __version__

    digest = hashlib.blake2b(digest_size=8)
    here = Path(__file__).parent
    for path in (here / "memo.py", *sorted((here / "sources").glob("*.py")), here / "markdown.py",
                 *(here / "translations" / f for f in ("blocks.py", "lock.py", "status.py")), here / "typography.py",
                 here / "htmltext.py"):
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
    parts = [{"entries": {}, "markdown": {}, "spaced": {}, "status": {}} for _ in range(SHARDS)]
    for k, v in memo.entries.items():
        parts[_shard(k[1])]["entries"][k] = v
    for k, v in memo.markdown.items():
        parts[_shard(k)]["markdown"][k] = v
    for k, v in memo.spaced.items():
        parts[_shard(k)]["spaced"][k] = v
    for k, v in memo.status.items():
        parts[_shard(k)]["status"][k] = v
    return parts


def _contents(part: dict) -> tuple:
    """What a shard holds, without pickling it: an entry is what its key and digests read, the
    Markdown is what its content-hash key says, a spacing what its text says, a status what its
    digest says."""
    return (frozenset((k, v[0], v[3]) for k, v in part["entries"].items()), frozenset(part["markdown"]),
            frozenset(part["spaced"]), frozenset((k, v[0]) for k, v in part["status"].items()))


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
                    saved, part = cachefiles.unpickle(fh)
                if saved != version:
                    continue
                memo.entries.update(part["entries"])
                memo.markdown.update(part["markdown"])
                memo.spaced.update(part["spaced"])
                memo.status.update(part["status"])
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
