"""The forked paths every real diary takes (48 documents, 400 files) forced onto small sites: they
must give what the single process gives, and fail as safely."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from conftest import NOW, SITES, write_site
from generator import build as build_module
from generator import parallel, render, writer
from generator.build import BuildOptions, build, build_to

BROKEN_POST = "{% extends 'default/post.html' %}\n{% block content %}\n{{ nope.x }}\n{% endblock %}\n"


@pytest.fixture
def forks(monkeypatch) -> list[bool]:
    """Lower every threshold to one item; the list records whether each fork_map call forked."""
    calls: list[bool] = []

    def spy(*args):
        parts, forked = parallel.fork_map(*args)
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
