"""Watch the site's sources and turn an editor's burst of events into one rebuild.

Editors save in several steps (vim: a `4913` probe, `post.md~` backup, rename, write; emacs: `.#post.md`
lock; others: write a temp file and rename it over the original). Files the build ignores are dropped
here, and whatever is left is collected until the folder has been quiet for a moment.
"""
from __future__ import annotations

import logging
import os
import re
import threading
import time
import traceback
import weakref
from pathlib import Path
from typing import Callable

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from ..constants import IGNORED, SITE_FILE, SOURCE_DIRS, TRANSLATIONS_LOCK

WATCHED_DIRS = SOURCE_DIRS
WATCHED_FILES = (SITE_FILE, TRANSLATIONS_LOCK)  # a sync while previewing clears its notice
# editor scratch files beyond those the build itself ignores (IGNORED: dot files, ~, .swp, #x#, 4913)
EDITOR_NOISE = re.compile(r"(\.sw[a-p]$|\.kate-swp$|___jb_(tmp|old)___$|\.(tmp|temp|part|crdownload)$)")
CHANGES = {"created", "modified", "deleted", "moved", "closed"}  # not "opened"/"closed_no_write": reads


def is_relevant(path: str, root: str) -> bool:
    """Whether a change at `path` can alter the build (root must be absolute and resolved)."""
    rel = os.path.relpath(path, root)
    if rel.startswith(".."):
        return False
    parts = Path(rel).parts
    if not parts:
        return False
    if len(parts) == 1 and parts[0] in WATCHED_FILES:
        return True
    if parts[0] not in WATCHED_DIRS:
        return False
    return not any(IGNORED.search(p) or EDITOR_NOISE.search(p) for p in parts[1:])


class Debouncer:
    """Collects changed paths; calls `callback(paths)` once the changes stop for `quiet` seconds
    (or after `longest` seconds of non-stop changes), never two callbacks at once.

    A change that ends a save (a file closed after writing, or renamed into place) waits only
    `settled` seconds: more is rarely coming, and the wait is part of what the author sees."""

    def __init__(self, callback: Callable[[set[str]], None], quiet: float = 0.05, longest: float = 1.0,
                 settled: float | None = None):
        self.callback, self.quiet, self.longest = callback, quiet, longest
        self.settled = min(quiet, 0.005) if settled is None else settled
        self.cond = threading.Condition()
        self.pending: set[str] = set()
        self.first = self.last = 0.0
        self.wait = quiet
        self.stopped = False
        self.thread = threading.Thread(target=self._run, name="riji-rebuild", daemon=True)
        self.thread.start()

    def add(self, paths, settled: bool = False) -> None:
        with self.cond:
            now = time.monotonic()
            if not self.pending:
                self.first = now
            self.pending.update(paths)
            self.last = now
            self.wait = self.settled if settled else self.quiet
            self.cond.notify()

    def stop(self) -> None:
        with self.cond:
            self.stopped = True
            self.cond.notify()

    def _run(self) -> None:
        while True:
            with self.cond:
                while not self.pending and not self.stopped:
                    self.cond.wait()
                if self.stopped:
                    return
                while not self.stopped:
                    now = time.monotonic()
                    due = min(self.last + self.wait, self.first + self.longest)
                    if now >= due:
                        break
                    self.cond.wait(due - now)
                if self.stopped:
                    return
                batch, self.pending = self.pending, set()
            try:
                self.callback(batch)
            except Exception:  # a bug must not stop the watching
                traceback.print_exc()


def _completes_a_save(event: FileSystemEvent, path: str, relevant: list[str]) -> bool:
    """Written and closed, or renamed into place. A name without an extension (sed's `sedX1b2c3`)
    is a temporary file about to be renamed over the real one, so its closing settles nothing."""
    if event.event_type == "moved":
        return path in relevant
    return event.event_type == "closed" and "." in os.path.basename(path).lstrip(".")


class _QuietStop(logging.Filter):
    """watchdog logs a harmless race as an error when a watch stops while an event is in flight."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "called when the thread is inactive" not in record.getMessage()


logging.getLogger("watchdog.observers.inotify").addFilter(_QuietStop())


class _Overflow(logging.Filter):
    """When the kernel's event queue overflows, watchdog only logs that events were lost: each
    watcher then reports the whole site as changed, so the next rebuild checks everything."""

    watchers: "weakref.WeakSet[Watcher]" = weakref.WeakSet()

    def filter(self, record: logging.LogRecord) -> bool:
        if "overflow" in record.getMessage().lower():
            for watcher in list(self.watchers):
                watcher.debouncer.add([watcher.root])
        return True


logging.getLogger("watchdog.observers.inotify_c").addFilter(_Overflow())
logging.getLogger("watchdog.observers.inotify").addFilter(_Overflow())


class _Handler(FileSystemEventHandler):
    def __init__(self, watcher: "Watcher"):
        self.watcher = watcher

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type not in CHANGES or (event.is_directory and event.event_type in ("modified", "closed")):
            return
        paths = [os.fsdecode(event.src_path)]
        if event.event_type == "moved":
            paths.append(os.fsdecode(event.dest_path))
        root = self.watcher.root
        relevant = [p for p in paths if is_relevant(p, root)]  # a rename's old name too: a file left it
        if event.is_directory and os.path.dirname(paths[-1]) == root:
            self.watcher.watch_dir(Path(paths[-1]).name)  # e.g. static/ made after the preview started
        if event.is_directory and event.event_type in ("deleted", "moved") and os.path.dirname(paths[0]) == root:
            self.watcher.unwatch_dir(Path(paths[0]).name)
        if relevant:
            self.watcher.debouncer.add(relevant, _completes_a_save(event, paths[-1], relevant))


class Watcher:
    """Watches content/, themes/, static/ (recursively), site.yaml and translations.lock; calls back
    with changed paths."""

    def __init__(self, root: Path, callback: Callable[[set[str]], None], quiet: float = 0.05,
                 settled: float | None = None):
        self.root = os.path.realpath(root)
        self.debouncer = Debouncer(callback, quiet, settled=settled)
        self.handler = _Handler(self)
        self.observer = Observer()
        self.watched: dict[str, object] = {}
        self.lock = threading.Lock()
        self.observer.schedule(self.handler, self.root, recursive=False)
        for name in WATCHED_DIRS:
            self.watch_dir(name)
        _Overflow.watchers.add(self)

    def watch_dir(self, name: str) -> None:
        if name not in WATCHED_DIRS:
            return
        path = os.path.join(self.root, name)
        with self.lock:
            if name in self.watched or not os.path.isdir(path):
                return
            self.watched[name] = self.observer.schedule(self.handler, path, recursive=True)
        if self.observer.is_alive():
            self.debouncer.add([path])  # its files appeared before the watch did

    def unwatch_dir(self, name: str) -> None:
        with self.lock:
            watch = self.watched.pop(name, None)
        if watch is not None:
            try:
                self.observer.unschedule(watch)
            except (KeyError, OSError):
                pass  # its inotify watch went with the folder

    def start(self) -> "Watcher":
        self.observer.start()
        return self

    def stop(self) -> None:
        _Overflow.watchers.discard(self)
        self.debouncer.stop()
        self.observer.stop()
        self.observer.join(timeout=2)
