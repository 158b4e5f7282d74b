"""End to end: a small fixed site builds to exactly the committed tree in tests/sites/golden/expected/,
and the example site builds to the same bytes every time.

After an intended change to the output, regenerate the expected tree and review its diff:
    RIJI_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py
"""
from __future__ import annotations

import difflib
import hashlib
import os
from datetime import timedelta
from pathlib import Path

from conftest import NOW, SITES, build_fixture, errors
from generator.build import BuildOptions, build
from generator.writer import write_output

GOLDEN = SITES / "golden"
EXPECTED = GOLDEN / "expected"
TEXT_SUFFIXES = {".html", ".xml", ".css", ".js", ".txt", ".svg", ".json", ""}


def file_map(files) -> dict[str, bytes]:
    """A build's output as {path: bytes}, copied files read in."""
    return {path: value if isinstance(value, bytes) else Path(value).read_bytes() for path, value in files.items()}


def tree_map(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def first_difference(expected: dict[str, bytes], actual: dict[str, bytes]) -> str | None:
    """A readable account of how two file maps differ, or None when they are the same."""
    missing, extra = sorted(expected.keys() - actual.keys()), sorted(actual.keys() - expected.keys())
    if missing or extra:
        return f"file lists differ\n  missing: {missing}\n  unexpected: {extra}"
    for path in sorted(expected):
        want, got = expected[path], actual[path]
        if want == got:
            continue
        if Path(path).suffix in TEXT_SUFFIXES:
            diff = difflib.unified_diff(want.decode("utf-8", "replace").splitlines(keepends=True),
                                        got.decode("utf-8", "replace").splitlines(keepends=True),
                                        f"expected/{path}", f"built/{path}")
            return f"{path} differs:\n" + "".join(diff)
        return (f"{path} differs: expected {len(want)} bytes ({hashlib.sha256(want).hexdigest()[:12]}), "
                f"built {len(got)} bytes ({hashlib.sha256(got).hexdigest()[:12]})")
    return None


def test_golden_site_matches_expected_output():
    result = build_fixture(GOLDEN)
    assert result.ok, "\n".join(errors(result))
    assert not result.diagnostics, "\n".join(map(str, result.diagnostics))
    if os.environ.get("RIJI_UPDATE_GOLDEN"):
        write_output(result.files, EXPECTED, GOLDEN)
    assert EXPECTED.is_dir(), "no expected output: run RIJI_UPDATE_GOLDEN=1 pytest tests/test_golden.py"
    problem = first_difference(tree_map(EXPECTED), file_map(result.files))
    assert problem is None, (problem + "\n\nIf this change is intended, regenerate with "
                             "RIJI_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py and review the diff.")


def test_golden_fixture_covers_what_it_claims():
    """The fixture keeps its point: drafts and future posts stay out; every kind of source is in."""
    paths = set(tree_map(EXPECTED)) if EXPECTED.is_dir() else set()
    for path in ("en/posts/one-file/index.html", "zh/posts/one-file/index.html", "en/posts/split/index.html",
                 "zh/posts/split/index.html", "en/posts/bundle-walk/photo.png", "zh/posts/bundle-walk/photo.png",
                 "en/posts/english-only/index.html", "zh/posts/ye-du/index.html", "en/about/index.html",
                 "zh/about/index.html", "zh/tags/sui-bi/index.html", "404.html", "index.html"):
        assert path in paths, path
    assert not any("draft" in p or "future" in p for p in paths)
    assert "zh/posts/english-only/index.html" not in paths
    one_file = (EXPECTED / "en/posts/one-file/index.html").read_text("utf-8")
    assert 'href="/en/posts/split/"' in one_file  # the internal [x](split.md) link, resolved


def test_same_input_gives_the_same_bytes(example_output):
    """Cache off, cold cache, warm cache and a later clock all give the example site byte for byte."""
    site = example_output.parent  # the example site's copy that conftest built
    builds = {
        "no cache": BuildOptions(now=NOW, cache=False),
        "cold cache": BuildOptions(now=NOW, cache=True),
        "warm cache": BuildOptions(now=NOW, cache=True),
        "a second later": BuildOptions(now=NOW + timedelta(seconds=1), cache=True),
    }
    maps = {}
    for name, options in builds.items():
        result = build(site, options)
        assert result.ok, "\n".join(errors(result))
        maps[name] = file_map(result.files)
    assert (site / ".riji-cache").is_dir(), "the cached builds did not use the cache"
    first = maps["no cache"]
    for name, files in maps.items():
        problem = first_difference(first, files)
        assert problem is None, f"'{name}' build differs from the uncached one: {problem}"
    assert first == file_map(build(site, BuildOptions(now=NOW, cache=False)).files) == tree_map(example_output)
