"""The preview's state: the last good in-memory build, the current errors, and what to tell open tabs.

Nothing here writes to `output/`; pages are rendered on request from the lazy build.
"""
from __future__ import annotations

import gc
import os
import re
import secrets
import threading
import traceback
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..build import BuildOptions, BuildResult, build
from ..constants import FINGERPRINT as FINGERPRINT_PATTERN
from ..constants import TRANSLATIONS_LOCK
from ..diagnostics import Diagnostic, in_order
from ..render import Lazy, inputs_of
from ..search import BUNDLE, Reuse, index_languages, search_groups
from ..translations.status import summary
from .livereload import Channel, script_tag, sse_message

FINGERPRINT = re.compile(FINGERPRINT_PATTERN + r"(?=\.css$)")
SEARCH_DELAY = 0.1  # seconds from telling the tabs to indexing the new build for search


class IdleCollector:
    """Python's cycle collector, kept off the path from a save to the browser.

    On a large site a full collection walks every object of the builds held in memory and can take
    longer than the rebuild itself; it is paused while a rebuild runs and while tabs fetch the new
    pages, then run once the preview has been idle for `delay` seconds."""

    def __init__(self, delay: float = 1.0):
        self.delay = delay
        self.lock = threading.Lock()
        self.timer: threading.Timer | None = None
        self.was_enabled = gc.isenabled()
        self.kept: list = []  # let go of at the next collection

    def keep(self, garbage) -> None:
        """Hold `garbage` (a replaced build) until the preview is idle, so that its memory is freed
        off the path from a save to the browser too."""
        with self.lock:
            self.kept = [*self.kept[-1:], garbage]  # saves in a row free one build each, as before

    @contextmanager
    def paused(self):
        with self.lock:
            if self.timer is not None:
                self.timer.cancel()
                self.timer = None
            else:
                self.was_enabled = gc.isenabled()
            gc.disable()
        try:
            yield
        finally:
            with self.lock:
                self.timer = threading.Timer(self.delay, self._collect)
                self.timer.daemon = True
                self.timer.start()

    def _collect(self) -> None:
        with self.lock:
            if self.timer is None or threading.current_thread() is not self.timer:
                return  # a newer rebuild took over
            self.timer = None
            self.kept.clear()
            gc.collect()
            if self.was_enabled:
                gc.enable()

    def cancel(self) -> None:
        with self.lock:
            if self.timer is not None:
                self.timer.cancel()
                self.timer = None
                if self.was_enabled:
                    gc.enable()
            self.kept.clear()


def present(changed: set[str] | None) -> list[str]:
    """The changed paths that still exist: a save's temporary file (renamed over the real one) is
    gone by now, and must not make a stylesheet edit look like more than one."""
    return [p for p in changed or () if os.path.exists(p)]


@dataclass
class Rebuilt:
    """What one rebuild did, for the terminal."""

    ok: bool
    kind: str  # "reload", "css" or "error"
    seconds: float
    diagnostics: list[Diagnostic]
    summary: str


class Preview:
    def __init__(self, root: Path, *, drafts: bool = False, future: bool = False, memo=None, now=None,
                 cache: bool = True):
        self.root = root.resolve()
        self.drafts, self.future, self.now, self.cache = drafts, future, now, cache
        self.memo = memo
        self.channel = Channel()
        self.instance = secrets.token_hex(3)  # a restarted server's builds never match an old page's
        self.count = 0
        self.good: BuildResult | None = None  # the build being served
        self.token = f"{self.instance}-0"
        self.errors: list[Diagnostic] = []  # non-empty while the newest build (or a page of it) failed
        self.kind = "reload"
        self.previous_token = ""
        self.hrefs: dict[str, str] = {}
        self.lock = threading.Lock()  # guards the fields above
        self.build_lock = threading.Lock()  # one build at a time
        self.render_lock = threading.Lock()  # a lazy page renders once, its diagnostics recorded once
        self.collector = IdleCollector()
        self.search: dict[str, bytes] = {}  # the newest search index, served from memory
        self.page_reads = None  # render.previous.Previous: what the last indexed build's pages read
        self.search_before: dict[str, bytes] = {}  # the one before, for a tab that loaded it
        self.search_lock = threading.Lock()  # one indexing at a time, always of the newest build
        self.search_reuse: Reuse = {}  # each language's last index: a save re-indexes only its language
        self.search_pages: dict[str, tuple[bytes, bytes]] = {}  # page -> (inputs digest, HTML) last indexed

    # -- building ---------------------------------------------------------------------------------

    def rebuild(self, changed: set[str] | None = None) -> Rebuilt:
        """Build again. `changed`: every path changed since the last rebuild (the watcher's report;
        the memo then looks only at those); None when that is not known, so everything is checked."""
        with self.build_lock, self.collector.paused():
            if self.memo is not None:
                self.memo.hint(changed)
            self.count += 1
            token = f"{self.instance}-{self.count}"
            # workers=1: never fork while the watcher and HTTP threads run (a child could inherit a
            # held lock); the memo keeps rebuilds small anyway
            options = BuildOptions(drafts=self.drafts, future=self.future, private=True, now=self.now,
                                   cache=self.cache,
                                   extra_body=script_tag(token), lazy=True, memo=self.memo, workers=1,
                                   search=False, track_reads=True, previous=self.page_reads)
            try:
                result = build(self.root, options)
            except Exception as exc:  # a bug, not bad input: say so, and keep watching
                traceback.print_exc()
                result = BuildResult(diagnostics=[Diagnostic("riji", None, f"internal error: {exc!r}")])
            errors = [d for d in result.diagnostics if d.severity == "error"]
            rendered: list[Diagnostic] = []
            if not errors:
                with self.lock:
                    css_only = (bool(present(changed)) and self.good is not None and not self.errors
                                and all(p.endswith(".css") for p in present(changed)))
                    self.previous_token, self.token = self.token, token
                    replaced, self.good, self.errors = self.good, result, []
                    self.kind = "css" if css_only else "reload"
                    self.hrefs = self._stylesheets(result, token) if css_only else {}
                # freeing the old build's objects takes milliseconds: not before the tabs are told
                self.collector.keep(replaced)
                rendered = self._prerender()
            else:
                with self.lock:
                    self.errors = errors
            self.publish()
            if not errors and result.config is not None and result.config.search["enabled"]:
                # a moment later: indexing holds the interpreter, and would slow the tabs' fetch of
                # the page they were just told of
                search = threading.Timer(SEARCH_DELAY, self._index, args=(result,))
                search.name, search.daemon = "riji-search", True
                search.start()
            with self.lock:
                ok = not self.errors
                kind = self.kind if ok else "error"
            # with a page's template error, found while pre-rendering
            return Rebuilt(ok, kind, result.seconds, in_order([*result.diagnostics, *rendered]),
                           result.summary() if ok else "")

    def _index(self, good: BuildResult) -> None:
        """Index a new build for search, off the path from a save to the browser; meanwhile the
        previous index answers. A build that is no longer the newest is not indexed at all."""
        with self.search_lock:
            if self.snapshot()[0] is not good:
                return
            groups = {key: [p for p in pages if p in good.files]
                      for key, pages in search_groups(good.site).items()}

            def render(paths: list[str]) -> dict[str, bytes]:
                out, pages = {}, {}
                for path in paths:
                    found, digest = good.files[path], inputs_of(good.files[path])
                    known = self.search_pages.get(path)
                    if digest is not None and known is not None and known[0] == digest:
                        value = known[1]  # the same inputs as the page indexed last time
                    else:
                        value = self.render(found, good)[0] if isinstance(found, Lazy) else found
                    if isinstance(value, bytes):
                        out[path] = value
                        if digest is not None:
                            pages[path] = (digest, value)
                self.search_pages.update(pages)
                return out

            try:
                files, problems, self.search_reuse = index_languages(
                    groups, lambda path: inputs_of(good.files[path]), render, good.config.base_path,
                    reuse=self.search_reuse)
            except RuntimeError:  # the preview stopped meanwhile: Python, exiting, takes no new work
                if self.channel.closed.is_set():
                    return
                raise
            if good.reads is not None:  # the digests search worked out, for the next build to keep
                self.page_reads = good.reads.pages(good.files)
            offered = {path for paths in groups.values() for path in paths}  # deleted pages are let go
            self.search_pages = {p: v for p, v in self.search_pages.items() if p in offered}
            failed = [p for p in problems if p.severity == "error"]  # Pagefind missing or broken
            with self.lock:
                if good is not self.good:
                    return
                if files:
                    self.search_before, self.search = self.search, files
                if failed:
                    self.errors = sorted(set(self.errors) | set(failed))
            if failed:
                self.publish()

    def search_file(self, key: str) -> bytes | None:
        with self.lock:
            return self.search.get(key, self.search_before.get(key))

    def _stylesheets(self, result: BuildResult, token: str) -> dict[str, str]:
        """Un-fingerprinted stylesheet URL -> its new URL, for a tab to swap without reloading."""
        base = result.config.base_path if result.config else "/"
        out = {}
        for path in result.files:
            if path.endswith(".css"):
                key = base + FINGERPRINT.sub("", path)
                out[key] = base + path if key != base + path else f"{base}{path}?v={token}"
        return out

    def _prerender(self) -> list[Diagnostic]:
        """Render the pages open tabs show before telling them to reload: their request then costs
        nothing, and a template error shows as an overlay instead of a broken page. Returns the
        diagnostics of those pages."""
        good, _ = self.snapshot()
        problems: list[Diagnostic] = []
        for page in self.channel.pages()[:16]:
            found = self.lookup(page, good)
            if isinstance(found, Lazy):
                problems += self.render(found, good)[1]
        return problems

    # -- state for tabs ---------------------------------------------------------------------------

    def state(self) -> dict:
        with self.lock:
            if self.errors:
                return {"ok": False, "build": self.token,
                        "errors": [{"path": d.path, "line": d.line, "message": d.message, "text": str(d)}
                                   for d in self.errors]}
            state = {"ok": self.good is not None, "build": self.token, "errors": [], "notices": self._notices()}
            if self.kind == "css":
                state.update(kind="css", **{"from": self.previous_token}, hrefs=self.hrefs)
            return state

    def _notices(self) -> list[str]:
        """What the served build warns of without failing: translations that fell behind."""
        status = self.good.translations if self.good is not None else None
        line = summary(status, TRANSLATIONS_LOCK) if status is not None else None
        return [line.message] if line is not None else []

    def publish(self) -> None:
        self.channel.publish(sse_message(self.state()))

    # -- serving ----------------------------------------------------------------------------------

    def snapshot(self) -> tuple[BuildResult | None, str]:
        with self.lock:
            return self.good, self.token

    def lookup(self, key: str, good: BuildResult | None):
        """The output of `good` (a snapshot) at the URL path `key`, or None."""
        if good is None:
            return None
        base = good.config.base_path if good.config else "/"
        if not key.startswith(base):
            return None
        key = key[len(base):]
        if key.startswith(BUNDLE):
            return self.search_file(key)
        if key == "" or key.endswith("/"):
            key += "index.html"
        return good.files.get(key)

    def render(self, lazy: Lazy, good: BuildResult) -> tuple[bytes | None, list[Diagnostic]]:
        """(a page of `good`, its diagnostics); if that is the served build, a template error becomes
        the current error, shown in every tab."""
        with self.render_lock:
            try:
                value, problems = lazy()
            except Exception as exc:  # a renderer's bug: report it like a template error
                traceback.print_exc()
                lazy.made = value, problems = None, (Diagnostic("riji", None, f"internal error: {exc!r}"),)
            fresh = [d for d in problems if d.severity == "error"]
        if value is None:
            with self.lock:
                before = self.errors
                if good is self.good and (fresh or not self.errors):
                    failed = fresh or [Diagnostic("site", None, "a page failed to render")]
                    self.errors = sorted(set(self.errors) | set(failed))
                changed = self.errors != before
            if changed:
                self.publish()
        return value, list(problems)

    def close(self) -> None:
        self.collector.cancel()
        self.channel.close()
