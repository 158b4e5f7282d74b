"""Save-to-browser latency of `riji serve`: `python benchmarks/serve_latency.py [N ...] [--rounds R]`.

For the example site and a synthetic diary of each N posts (default 1000 and 5000, both languages;
the build benchmark's corpus), a real headless Chromium shows a post while this script edits that
post's Markdown on disk, R times each. Reported:

  visible  — file written -> the new text is in the open tab's DOM: when the tab updated itself in
             place, the moment a MutationObserver saw it; when it reloaded, the new page's
             DOMContentLoaded (the rounds of each kind are counted)
  served   — file written -> rebuild done and open tabs told (watch + debounce + build + pre-render)
  build    — the in-memory rebuild alone
  cpu      — CPU time of the rebuild thread (build + pre-render): steadier than wall time on a busy machine
  search   — file written -> the preview's in-memory search index finds the new word (indexing runs
             after the tabs are told, off their path; only the edited language is indexed again)

Targets: visible within 100 ms (median) on the example site and at 1,000 posts, 200 ms at 5,000.
Figures, not assertions: they depend on the machine and what else runs on it.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from playwright.sync_api import sync_playwright  # noqa: E402

from generator import search  # noqa: E402
from generator.serve.app import Session  # noqa: E402
import corpus  # noqa: E402  (the build-speed benchmark's seeded posts)

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def example_site(tmp: Path) -> tuple[Path, Path, str]:
    site = tmp / "example"
    site.mkdir()
    for name in ("site.yaml", "content", "static", "themes"):
        src = REPO / name
        if src.is_dir():
            shutil.copytree(src, site / name)
        elif src.is_file():
            shutil.copy2(src, site / name)
    return site, site / "content/posts/notes-on-solitude.md", "/en/posts/notes-on-solitude/"


def synthetic_site(tmp: Path, posts: int) -> tuple[Path, Path, str]:
    site, _hugo = corpus.write(posts, tmp / f"synthetic-{posts}")
    post = corpus.post_file(site, posts)
    return site, post, f"/en/posts/{post.name.split('.')[0]}/"


class Timed(Session):
    """A session that notes when each rebuild had told the open tabs."""

    def __init__(self, *args, **kwargs):
        self.told: list[tuple[float, float, float, bool]] = []
        super().__init__(*args, **kwargs)

    def on_change(self, changed):
        cpu = time.thread_time()
        rebuilt = self.preview.rebuild(changed)
        cpu = time.thread_time() - cpu
        self.rebuilds += 1
        self.told.append((time.time(), rebuilt.seconds, cpu, rebuilt.ok))


# before a save: note when the marker's text reaches this document (gone if the tab reloads)
WATCH = """marker => {
  window.__benchDocument = true;
  window.__benchSeen = 0;
  const seen = new MutationObserver(() => {
    if (!document.body.textContent.includes(marker)) return;
    window.__benchSeen = performance.timeOrigin + performance.now();
    seen.disconnect();
  });
  seen.observe(document, {subtree: true, childList: true, characterData: true});
}"""
SEEN = """() => window.__benchDocument ? [window.__benchSeen, true] :
  [performance.timeOrigin + performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd, false]"""


def measure(browser, site: Path, post: Path, url_path: str, rounds: int) -> dict[str, list[float]]:
    started = time.perf_counter()
    session = Timed(site)
    first = time.perf_counter() - started
    figures: dict[str, list[float]] = {"visible": [], "served": [], "build": [], "cpu": [], "search": [],
                                       "first": [first], "in place": []}
    with session:
        page = browser.new_page()
        page.goto(session.url.rstrip("/") + url_path)
        page.wait_for_function("() => window.__rijiLive === true")
        while url_path not in session.preview.channel.pages():
            time.sleep(0.01)
        original = post.read_text("utf-8")
        body = original.split("<!-- lang: en -->", 1)[-1].split("\n---\n", 1)[-1]  # past the front-matter
        anchor = next(w for w in body.split() if w.isalpha() and len(w) > 3)
        try:
            for i in range(rounds + 1):  # the first edit warms up; it is not counted
                marker = "Marker" + "".join(chr(ord("a") + int(d)) for d in f"{i}{os.getpid()}")
                before = len(session.told)
                page.evaluate(WATCH, marker)
                written = time.time()
                post.write_text(original.replace(anchor, marker, 1), "utf-8")
                page.wait_for_function(f"() => document.body && document.body.innerText.includes({marker!r})",
                                       polling="raf", timeout=30_000)
                ready, in_place = page.evaluate(SEEN)
                while len(session.told) == before:
                    time.sleep(0.005)
                told, build_s, cpu_s, ok = session.told[before]
                assert ok, "the edit broke the build"
                looked = None  # reading a bundle back costs the indexing thread the GIL: each new one once
                while True:
                    bundle = session.preview.search
                    if bundle is not looked:
                        looked = bundle
                        if search.find(bundle, "en", marker.lower()):
                            break
                    if time.time() - written > 120:
                        raise SystemExit("the search index never saw the edit")
                    time.sleep(0.02)
                found = time.time()
                if i:
                    figures["visible"].append(ready - written * 1000)
                    figures["in place"].append(in_place)
                    figures["served"].append((told - written) * 1000)
                    figures["build"].append(build_s * 1000)
                    figures["cpu"].append(cpu_s * 1000)
                    figures["search"].append((found - written) * 1000)
                time.sleep(0.3)  # let the browser settle before the next save
        finally:
            post.write_text(original, "utf-8")
            page.close()
    return figures


def describe(label: str, figures: dict[str, list[float]], target: float) -> None:
    patched = sum(figures["in place"])
    print(f"\n{label}: first build {figures['first'][0]:.2f} s; "
          f"{patched} rounds updated in place, {len(figures['in place']) - patched} reloaded")
    for key in ("visible", "served", "build", "cpu", "search"):
        xs = sorted(figures[key])
        p90 = xs[min(len(xs) - 1, round(0.9 * (len(xs) - 1)))]
        print(f"  {key:8} median {statistics.median(xs):6.0f} ms   p90 {p90:6.0f} ms   "
              f"min {xs[0]:6.0f} ms   max {xs[-1]:6.0f} ms")
    median = statistics.median(figures["visible"])
    print(f"  target {target:.0f} ms: {'met' if median <= target else 'MISSED'} (median visible)")


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("posts", nargs="*", type=int, default=[1000, 5000])
    args.add_argument("--rounds", type=int, default=15)
    opts = args.parse_args()
    print(f"cpus: {os.cpu_count()}  load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS)
        try:
            describe("example site", measure(browser, *example_site(Path(tmp)), opts.rounds), 100)
            for n in opts.posts:
                describe(f"{n} posts", measure(browser, *synthetic_site(Path(tmp), n), opts.rounds),
                         100 if n <= 1000 else 200)
        finally:
            browser.close()


if __name__ == "__main__":
    main()
