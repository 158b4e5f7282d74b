"""A build with nothing changed since the last one writes nothing and says what the last one said;
anything that could change the output (a source, output/ itself, riji's code, the options, the
clock passing a post's date, a crash) makes it build, and give a clean build's tree."""
from __future__ import annotations

import importlib
import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

import generator.build as build_module
from generator import lastbuild
from generator.build import BuildOptions, build_to
from generator.cli import main

from test_incremental import POSTS, clean, edit_post, incremental, replace, site, tree  # noqa: F401


def _stamps(folder: Path) -> dict:
    """Of every file and folder: which it is and when it changed (not when it was last read)."""
    return {p: (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
            for p in folder.rglob("*") for st in [os.lstat(p)]}


def test_a_no_op_build_changes_no_file(site):
    incremental(site)
    before = _stamps(site / "output")
    again = incremental(site)
    assert again.replayed and again.made == 0 and again.kept == len(before) - sum(p.is_dir() for p in before)
    assert _stamps(site / "output") == before


def test_a_no_op_build_prints_the_same_warnings_and_summary(site, capsys):
    replace(site / POSTS / "notes-on-solitude.md", "tags: [", "tags: [untranslated, ")  # a warning
    assert main(["build", "--site", str(site)]) == 0
    first = capsys.readouterr()
    assert main(["build", "--site", str(site)]) == 0
    again = capsys.readouterr()
    assert "warning: tag 'untranslated' has no zh name" in first.err
    assert again.err == first.err
    assert first.out.startswith("built ") and again.out.endswith(" (nothing changed) -> " + str(site / "output") + "\n")
    assert again.out.split(", in ")[0] == first.out.split(", in ")[0]  # pages and posts per language


@pytest.mark.parametrize("name, old, new", [(POSTS + "/notes-on-solitude.md", "rain on Saturday", "rain on Thursday"),
                                            ("static/favicon.svg", "<svg", "<SVG")])
def test_a_same_size_edit_within_the_clock_tick_is_seen(site, tmp_path, name, old, new):
    """Saved just before a build, then again with the same size in the same tick of the file
    system's clock (here: its time put back): only its bytes tell. Its time is a minute ahead, so
    it counts as just saved however long the build takes on a busy machine."""
    path = site / name
    ahead = time.time_ns() + 60_000_000_000
    os.utime(path, ns=(ahead, ahead))
    incremental(site)
    st = os.stat(path)
    text = path.read_text("utf-8")
    replace(path, old, new)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    now = os.stat(path)
    assert (now.st_size, now.st_mtime_ns) == (st.st_size, st.st_mtime_ns) and path.read_text("utf-8") != text
    assert not incremental(site).replayed
    assert tree(site / "output") == clean(site, tmp_path)


@pytest.mark.parametrize("tamper", ["edit", "add", "delete", "add folder"])
def test_a_changed_output_folder_is_built_again(site, tmp_path, tamper):
    incremental(site)
    out = site / "output"
    page = out / "en" / "archive" / "index.html"
    if tamper == "edit":
        page.write_bytes(page.read_bytes() + b"tampered")
    elif tamper == "add":
        (out / "en" / "stray.html").write_text("stray")
    elif tamper == "delete":
        page.unlink()
    else:
        (out / "en" / "archive" / "empty").mkdir()
    assert not incremental(site).replayed
    assert tree(out) == clean(site, tmp_path)
    assert sorted(p.relative_to(out) for p in out.rglob("*")) == sorted(
        p.relative_to(tmp_path / "clean" / "output") for p in (tmp_path / "clean" / "output").rglob("*"))


def test_other_options_or_no_cache_build_again(site):
    incremental(site)
    assert not build_to(site, site / "output", BuildOptions(workers=1, drafts=True)).replayed
    assert not incremental(site).replayed  # the drafts build replaced the record
    assert incremental(site).replayed
    assert not build_to(site, site / "output", BuildOptions(workers=1, cache=False)).replayed
    assert not incremental(site).replayed  # --no-cache leaves no record behind
    assert not build_to(site, site / "elsewhere", BuildOptions(workers=1)).replayed


def test_a_changed_library_module_builds_again(site, tmp_path, monkeypatch):
    """Every module loaded when the build ran counts as its code (an upgraded library, say)."""
    library = tmp_path / "lib" / "riji_test_library.py"
    library.parent.mkdir()
    library.write_text("VALUE = 1\n")
    monkeypatch.syspath_prepend(str(library.parent))
    importlib.import_module("riji_test_library")
    try:
        incremental(site)
        assert incremental(site).replayed
        library.write_text("VALUE = 22\n")
        assert not incremental(site).replayed
    finally:
        sys.modules.pop("riji_test_library", None)


def test_another_copy_of_riji_or_another_search_path_builds_again(site, tmp_path, monkeypatch):
    incremental(site)
    assert incremental(site).replayed
    monkeypatch.setattr(lastbuild, "PACKAGE", tmp_path / "other" / "generator")
    assert not incremental(site).replayed
    monkeypatch.undo()
    incremental(site)  # that build's record replaced the last one
    assert incremental(site).replayed
    monkeypatch.syspath_prepend(str(tmp_path))
    assert not incremental(site).replayed


def test_riji_edited_while_it_builds_builds_again(site, monkeypatch):
    """riji's files are stamped as the process started: the code that ran, not what is on disk later."""
    own = str(lastbuild.PACKAGE / "build.py")
    monkeypatch.setitem(lastbuild.STARTED, own, (0, 0, 0, 0))  # as if build.py was saved after the start
    incremental(site)
    monkeypatch.undo()
    assert not incremental(site).replayed
    assert incremental(site).replayed


def test_a_post_dated_in_the_future_is_published_when_its_time_comes(site, tmp_path, monkeypatch):
    soon = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(hours=1)
    (site / POSTS / "soon.en.md").write_text(f"---\ntitle: Soon\ndate: {soon.isoformat()}\n---\nNot yet.\n", "utf-8")
    incremental(site)
    assert incremental(site).replayed
    assert not (site / "output" / "en" / "posts" / "soon").exists()

    class Later(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime.now(tz) + timedelta(hours=2)

    monkeypatch.setattr(lastbuild.time, "time", lambda: soon.timestamp() + 1)
    monkeypatch.setattr(build_module, "datetime", Later)
    assert not incremental(site).replayed
    assert (site / "output" / "en" / "posts" / "soon" / "index.html").exists()


class Killed(BaseException):
    pass


@pytest.mark.parametrize("where", ["rendering", "before the record"])
def test_a_build_killed_anywhere_leaves_no_record_that_skips_its_change(site, tmp_path, monkeypatch, where):
    incremental(site)
    edit_post(site)

    def dies(*args, **kwargs):
        raise Killed()

    monkeypatch.setattr(*((build_module, "write_output", dies) if where == "rendering" else (lastbuild, "save", dies)))
    with pytest.raises(Killed):
        build_to(site, site / "output", BuildOptions(workers=1))
    monkeypatch.undo()
    assert not incremental(site).replayed
    assert tree(site / "output") == clean(site, tmp_path)
    assert incremental(site).replayed


def test_a_damaged_record_just_builds(site):
    incremental(site)
    record = site / ".riji-cache" / lastbuild.RECORD
    record.write_bytes(record.read_bytes()[:100])
    assert not incremental(site).replayed
    assert incremental(site).replayed


def test_riji_build_killed_at_any_moment_never_hides_a_change(site, tmp_path):
    """The real command, killed (SIGKILL, with its workers) at several moments of a build after an
    edit: the next build never replays what the killed one left, and gives a clean build's tree."""
    env = {"PYTHONPATH": str(Path(__file__).resolve().parent.parent), "PATH": os.environ.get("PATH", "/usr/bin:/bin")}

    def riji() -> subprocess.Popen:
        return subprocess.Popen([sys.executable, "-m", "generator", "build", "--site", str(site)], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)

    assert riji().wait() == 0
    edit_post(site)
    started = time.monotonic()
    assert riji().wait() == 0
    whole = time.monotonic() - started  # of a build after an edit
    for i, part in enumerate((0.1, 0.3, 0.5, 0.7, 0.9)):
        edit_post(site)
        proc = riji()
        time.sleep(whole * part)
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        finished = proc.wait() == 0  # it may have finished first: then its record is right
        result = incremental(site)
        assert finished or not result.replayed
        (tmp_path / str(i)).mkdir()
        assert tree(site / "output") == clean(site, tmp_path / str(i))
