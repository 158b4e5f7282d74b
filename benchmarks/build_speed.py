"""Full-build speed on a synthetic diary: `python benchmarks/build_speed.py [N]` (default 1000).

Prints cold (no Markdown cache) and warm (cache present) wall time, pages/s and peak memory of
`riji build` run as a separate process, as a user would run it."""
from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import make_site  # noqa: E402

REPO = Path(__file__).resolve().parent.parent


def run_build(site: Path) -> tuple[float, int, str]:
    os.sync()  # so writeback of the previous run's files is not charged to this one
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "generator", "build", "--site", str(site)],
                          capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(REPO)})
    seconds = time.perf_counter() - started
    if proc.returncode:
        sys.exit(proc.stderr)
    peak = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    return seconds, peak, proc.stdout.strip()


IN_MEMORY = """
import sys, time
from pathlib import Path
started = time.perf_counter()
from generator.build import BuildOptions, build
result = build(Path(sys.argv[1]), BuildOptions())
print(f"{time.perf_counter() - started:.2f}")
"""


def in_memory(site: Path) -> float:
    """The same build with nothing written: what the CPU costs, apart from this disk's speed."""
    proc = subprocess.run([sys.executable, "-c", IN_MEMORY, str(site)], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(REPO)}, check=True)
    return float(proc.stdout)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    with tempfile.TemporaryDirectory() as tmp:
        site = make_site(Path(tmp) / "site", n)
        cold, peak_cold, summary = run_build(site)
        pages = sum(1 for p in (site / "output").rglob("*.html"))
        warm_runs = sorted(run_build(site)[:2] for _ in range(3))  # this VM's disk is noisy: median of 3
        warm, peak_warm = warm_runs[1]
        print(f"posts: {n}  pages: {pages}  cpus: {os.cpu_count()}")
        print(f"cold build: {cold:6.2f} s  {pages / cold:7.0f} pages/s  peak {peak_cold / 1024:5.0f} MB")
        print(f"warm build: {warm:6.2f} s  {pages / warm:7.0f} pages/s  peak {peak_warm / 1024:5.0f} MB"
              f"  (median of 3; fastest {warm_runs[0][0]:.2f} s)")
        memory = sorted(in_memory(site) for _ in range(3))[1]
        print(f"in memory:  {memory:6.2f} s  (warm cache, all pages rendered, nothing written; median of 3)")
        print(f"riji said: {summary}")


if __name__ == "__main__":
    main()
