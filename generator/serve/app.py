"""Wiring for `riji serve`: build, bind, watch, and stop at once on Ctrl-C."""
from __future__ import annotations

import signal
import sys
import threading
import webbrowser
from pathlib import Path

from . import DEFAULT_PORT, PORT_TRIES
from ..console import count_errors, plural, show
from ..constants import SITE_FILE
from ..memo import load_memo, memo_path
from .preview import Preview, Rebuilt, present
from .server import PreviewServer, bind
from .watcher import Watcher


def report(rebuilt: Rebuilt, changed: set[str] | None, root: Path, out=sys.stdout) -> None:
    show(rebuilt.diagnostics, out)
    errors = count_errors(rebuilt.diagnostics)
    ms = f"{rebuilt.seconds * 1000:.0f} ms"
    what = ""
    if changed:
        names = sorted(_rel(p, root) for p in present(changed) or changed)
        what = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "") + ": "
    if rebuilt.ok:
        note = " (stylesheet swapped)" if rebuilt.kind == "css" else ""
        print(f"{what}rebuilt {rebuilt.summary}{note}" if changed else f"built {rebuilt.summary}", file=out)
    else:
        kept = "keeps the last good build" if changed else "shows the site once it builds"
        print(f"{what}{plural(errors or 1, 'error')} ({ms}); the browser shows "
              f"{'them' if errors > 1 else 'it'} and {kept}", file=out)
    out.flush()


def _rel(path: str, root: Path) -> str:
    try:
        return Path(path).relative_to(root).as_posix()
    except ValueError:
        return path


class Session:
    """A running preview: the state, the HTTP server and the watcher. Used by the CLI and tests."""

    def __init__(self, root: Path, *, host: str = "127.0.0.1", port: int | None = 0, drafts: bool = False,
                 future: bool = False, quiet: float = 0.05, settled: float | None = None, out=None,
                 now=None, tries: int = 1):
        self.root = root.resolve()
        self.out = out
        memo = load_memo(memo_path(self.root))  # what the last `riji build` rendered
        self.preview = Preview(self.root, drafts=drafts, future=future, memo=memo, now=now)
        self.server: PreviewServer = bind(self.preview, host, DEFAULT_PORT if port is None else port, tries)
        self.rebuilds = 0
        self.thread: threading.Thread | None = None
        self.watcher = None
        try:
            # watching starts first: a save during a long first build is rebuilt right after it
            self.watcher = Watcher(self.root, self.on_change, quiet=quiet, settled=settled).start()
            self.first = self.preview.rebuild()
        except BaseException:  # Ctrl-C during the first build, or no watcher (e.g. inotify limits)
            if self.watcher is not None:
                self.watcher.stop()
            self.server.close()
            raise
        if out is not None:
            report(self.first, None, self.root, out)

    def on_change(self, changed: set[str]) -> None:
        rebuilt = self.preview.rebuild(changed)
        self.rebuilds += 1
        if self.out is not None:
            report(rebuilt, changed, self.root, self.out)

    @property
    def url(self) -> str:
        return self.server.url

    def start(self) -> "Session":
        """Serve from a background thread (tests); the CLI serves from the main thread instead."""
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.1},
                                       name="riji-serve", daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        self.watcher.stop()
        if self.thread is not None:
            self.server.shutdown()
        self.server.close()

    def __enter__(self) -> "Session":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def run(site: Path, *, host: str, port: int | None, drafts: bool, future: bool, open_browser: bool) -> int:
    out = sys.stdout
    if not (site / SITE_FILE).is_file():
        print(f"riji serve: no site.yaml in {site}; run 'riji init DIR' to start a site, or pass --site DIR",
              file=sys.stderr)
        return 1
    try:
        session = Session(site, host=host, port=port, drafts=drafts, future=future, out=out,
                          tries=PORT_TRIES if port is None else 1)
    except OSError as exc:
        print(f"riji serve: {exc.strerror or exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("stopped", file=out, flush=True)
        return 0
    wanted = DEFAULT_PORT if port is None else port
    actual = session.server.server_address[1]
    if wanted and actual != wanted:
        print(f"port {wanted} is in use; using {actual} instead", file=out)
    if host not in ("127.0.0.1", "localhost", "::1"):
        print(f"note: listening on {host}: other computers can see this preview (drafts too)", file=out)
    print(f"serving {session.root} at {session.url}  (Ctrl-C to stop; output/ is not touched)", file=out,
          flush=True)
    signal.signal(signal.SIGTERM, _interrupt)
    if open_browser:
        threading.Thread(target=webbrowser.open, args=(session.url,), daemon=True).start()
    try:
        session.server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        session.watcher.stop()
        session.server.close()
    print("stopped", file=out, flush=True)
    return 0
