"""The forked paths every real diary takes (48 documents, 400 files) forced onto small sites: they
must give what the single process gives, and fail as safely; and workers end with the build."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from conftest import NOW, REPO, SITES, write_site
from generator import build as build_module
from generator import parallel, render, writer
from generator.build import BuildOptions, build, build_to

BROKEN_POST = "{% extends 'default/post.html' %}\n{% block content %}\n{{ nope.x }}\n{% endblock %}\n"


@pytest.fixture
def forks(monkeypatch) -> list[bool]:
    """Lower every threshold to one item; the list records whether each fork_map call forked."""
    calls: list[bool] = []

    def spy(*args, **kwargs):
        parts, forked = parallel.fork_map(*args, **kwargs)
        calls.append(forked)
        return parts, forked

    monkeypatch.setattr(build_module, "PARALLEL_THRESHOLD", 1)
    for module in (render, writer):
        monkeypatch.setattr(module, "PARALLEL_FILES", 1)
    for module in (build_module, render, writer):
        monkeypatch.setattr(module, "fork_map", spy)
    return calls


def site_copy(tmp_path: Path, broken_template: bool = False) -> Path:
    site = tmp_path / "site"
    shutil.copytree(SITES / "golden", site, ignore=shutil.ignore_patterns("expected"))
    (site / "content/posts/bad-link.en.md").write_text(
        "---\ndate: 2025-02-01\ntitle: Bad\n---\nSee [x](missing.md).\n", "utf-8")  # one diagnostic more
    if broken_template:
        write_site(site, {"themes/default/templates/post.html": BROKEN_POST}, site_yaml=None)
    return site


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def contents(files) -> dict[str, bytes]:
    return {k: v.read_bytes() if isinstance(v, Path) else v for k, v in files.items()}


def test_forked_build_gives_the_same_files_and_diagnostics(tmp_path, forks):
    site = site_copy(tmp_path)
    (site / "content/posts/bad-link.en.md").unlink()
    one = build(site, BuildOptions(now=NOW, cache=False, workers=1))
    assert not any(forks)
    two = build(site, BuildOptions(now=NOW, cache=False, workers=2))
    assert forks[-2:] == [True, True], "Markdown and pages were not rendered by forked workers"
    assert one.ok and contents(one.files) == contents(two.files)
    assert one.diagnostics == two.diagnostics

    bad = site_copy(tmp_path / "bad", broken_template=True)
    one = build(bad, BuildOptions(now=NOW, cache=False, workers=1))
    two = build(bad, BuildOptions(now=NOW, cache=False, workers=2))
    assert not one.ok and one.diagnostics == two.diagnostics
    messages = [d.message for d in one.diagnostics if "template error" in d.message]
    assert len(messages) == 1, "a broken template is reported once, not once per page or per worker"


def test_template_error_in_a_worker_leaves_output_untouched(tmp_path, forks):
    site = site_copy(tmp_path)
    (site / "content/posts/bad-link.en.md").unlink()
    out = tmp_path / "output"
    good = build_to(site, out, BuildOptions(now=NOW, cache=False, workers=2))
    assert good.ok and any(forks), good.diagnostics
    before = tree(out)
    write_site(site, {"themes/default/templates/post.html": BROKEN_POST}, site_yaml=None)
    forks.clear()
    bad = build_to(site, out, BuildOptions(now=NOW, cache=False, workers=2))
    assert forks and forks[-1], "the pages were not written by forked workers"
    assert not bad.ok and any("themes/default/templates/post.html:3" in str(d) for d in bad.diagnostics)
    assert tree(out) == before
    assert not [p for p in tmp_path.iterdir() if ".riji-new" in p.name], "the half-written folder is left"


def test_writer_puts_the_last_good_site_back_when_the_swap_fails(tmp_path, monkeypatch):
    site = site_copy(tmp_path)
    (site / "content/posts/bad-link.en.md").unlink()
    out = tmp_path / "output"
    assert build_to(site, out, BuildOptions(now=NOW, cache=False, workers=1)).ok
    before = tree(out)
    with open(site / "content/posts/about-to-change.en.md", "w", encoding="utf-8") as fh:
        fh.write("---\ndate: 2025-02-01\ntitle: New\n---\nA new post.\n")

    real = os.replace
    def failing(src, dst):
        if ".riji-new" in str(src):
            raise OSError("disk full")
        return real(src, dst)
    monkeypatch.setattr(writer.os, "replace", failing)
    result = build_to(site, out, BuildOptions(now=NOW, cache=False, workers=1))
    assert not result.ok and any("disk full" in d.message for d in result.diagnostics), result.diagnostics
    assert tree(out) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".output.riji-")] == [".output.riji-lock"]


SCRIPT = textwrap.dedent("""
    import os, sys, time
    from generator.parallel import fork_map

    def work(out, chunk):
        os.write(1, f"worker {os.getpid()}\\n".encode())  # one write: lines of two workers never mix
        for i in range(10_000):  # a long render: one file every 20 ms
            with open(os.path.join(out, f"{os.getpid()}-{i}"), "w") as fh:
                fh.write("x")
            time.sleep(0.02)
        return []

    fork_map(work, list(range(8)), sys.argv[1], workers=2, min_items=1)
""")


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_workers_die_with_a_killed_build_and_write_nothing_after(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    proc = subprocess.Popen([sys.executable, "-c", SCRIPT, str(out)], stdout=subprocess.PIPE, text=True, stderr=subprocess.PIPE,
                            env={**os.environ, "PYTHONPATH": str(REPO)})
    workers = set()
    try:
        while len(workers) < 2:
            line = proc.stdout.readline()
            assert line.startswith("worker "), (line, proc.poll(), proc.poll() is not None and proc.stderr.read())
            workers.add(int(line.split()[1]))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        give_up = time.monotonic() + 10  # liveness bound; the kernel ends them at once
        while any(_alive(w) for w in workers) and time.monotonic() < give_up:
            time.sleep(0.05)
        survivors = [w for w in workers if _alive(w)]
        assert not survivors, f"workers {survivors} outlived the build"
        written = len(os.listdir(out))
        time.sleep(0.3)
        assert len(os.listdir(out)) == written
    finally:
        for w in workers:
            try:
                os.kill(w, signal.SIGKILL)
            except ProcessLookupError:
                pass


def test_a_worker_whose_parent_is_already_gone_stops_before_any_work():
    """Where the parent died before the worker could ask the kernel (or no such call exists)."""
    pid = os.fork()
    if pid == 0:
        try:
            parallel._die_with_parent(os.getppid() + 100_000)  # not our parent: as if it had died
            os._exit(0)  # would go on working
        finally:
            os._exit(2)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 1


def test_a_failed_swap_leaves_no_folders_and_stuck_ones_are_reported(tmp_path, monkeypatch):
    """A read-only bind mount (output/ cannot be renamed) left .output.riji-new-* and -old-* behind
    after every build; and a leftover that cannot be removed was kept in silence."""
    site = site_copy(tmp_path)
    (site / "content/posts/bad-link.en.md").unlink()
    out = tmp_path / "output"
    assert build_to(site, out, BuildOptions(now=NOW, cache=False, workers=1)).ok
    before = tree(out)

    real = os.replace
    def busy(src, dst):
        if Path(src) == out.resolve():
            raise OSError(16, "Device or resource busy")
        return real(src, dst)
    monkeypatch.setattr(writer.os, "replace", busy)
    for _ in range(2):
        result = build_to(site, out, BuildOptions(now=NOW, cache=False, workers=1))
        assert not result.ok and any("busy" in d.message for d in result.diagnostics), result.diagnostics
        assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".output.riji-")) == [".output.riji-lock"]
    assert tree(out) == before
    monkeypatch.setattr(writer.os, "replace", real)

    (tmp_path / ".output.riji-new-stuck").mkdir()
    real_rmtree = shutil.rmtree
    monkeypatch.setattr(writer.shutil, "rmtree", lambda path, **kw: None if "stuck" in str(path) else real_rmtree(path, **kw))
    result = build_to(site, out, BuildOptions(now=NOW, cache=False, workers=1))
    assert result.ok
    warnings = [str(d) for d in result.diagnostics if "cannot be removed" in d.message]
    assert len(warnings) == 1 and ".output.riji-new-stuck" in warnings[0] and "delete it by hand" in warnings[0]


def _frozen(_shared, chunk):
    import gc
    return [gc.get_freeze_count() > 0 for _ in chunk]


def test_forked_children_never_collect_what_they_inherit():
    """A collection in a worker would walk, and so copy page by page, the parent's whole heap; the
    parent's objects are frozen for the fork and collected again once the workers are done."""
    import gc

    parts, forked = parallel.fork_map(_frozen, list(range(4)), None, workers=2, min_items=1)
    assert forked and all(flag for part in parts for flag in part)
    child = parallel.Forked(lambda: gc.get_freeze_count() > 0)
    assert child() is True
    assert gc.get_freeze_count() == 0


def _collecting(_shared, chunk):
    import gc
    return [gc.isenabled() for _ in chunk]


def test_a_build_pauses_the_collector_and_its_workers_collect(tmp_path, monkeypatch):
    """A build's objects live until it ends: full collections would walk them all, again and
    again, for no garbage. Its forked workers still collect their own."""
    import gc

    from generator import collector

    seen, real = [], build_module.build_site
    monkeypatch.setattr(build_module, "build_site", lambda *a, **k: (seen.append(gc.isenabled()), real(*a, **k))[1])
    assert gc.isenabled()
    root = tmp_path / "site"
    shutil.copytree(SITES / "golden", root, ignore=shutil.ignore_patterns("expected"))
    assert build_to(root, root / "output", BuildOptions(now=NOW)).ok
    assert seen == [False] and gc.isenabled()
    with collector.paused():
        with collector.paused():
            pass
        assert not gc.isenabled()  # pauses nest
        parts, forked = parallel.fork_map(_collecting, list(range(4)), None, workers=2, min_items=1)
    assert forked and all(flag for part in parts for flag in part) and gc.isenabled()


def test_forked_reports_what_failed_with_fork_or_without(monkeypatch):
    def fails():
        raise ValueError("no such page")

    with pytest.raises(RuntimeError, match="ValueError: no such page"):
        parallel.Forked(fails)()
    monkeypatch.setattr(parallel.mp, "get_all_start_methods", lambda: ["spawn"])  # e.g. Windows
    here = parallel.Forked(os.getpid)
    assert here.pid is None and here() == os.getpid()
    with pytest.raises(RuntimeError, match="ValueError: no such page"):
        parallel.Forked(fails)()


def test_what_every_worker_needs_is_made_before_the_fork(tmp_path):
    """Babel's locale data and the compiled templates: made once in the build, or again by each
    forked worker for each batch of work. The preview, which never forks, compiles only the
    templates of the pages it is asked for."""
    root = tmp_path / "site"
    shutil.copytree(SITES / "golden", root, ignore=shutil.ignore_patterns("expected"))
    code = textwrap.dedent(f"""
        import sys, babel.localedata
        from pathlib import Path
        from generator.build import BuildOptions, build
        build(Path({str(root)!r}), BuildOptions(lazy=True, search=False, workers=2))
        print(*sorted(babel.localedata._cache))
        """)  # a fresh interpreter: Babel keeps what it loaded for the whole process
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            cwd=REPO).stdout.split()
    assert {"en", "zh_Hans_CN"} <= set(loaded)
    forking = build(root, BuildOptions(now=NOW, lazy=True, workers=2))
    assert {"post.html", "base.html", "parallel.html"} <= {t.name for t in forking.theme.env.cache.values()}
    alone = build(root, BuildOptions(now=NOW, lazy=True, workers=1))  # renders only the pages search reads
    assert "parallel.html" not in {t.name for t in alone.theme.env.cache.values()}
