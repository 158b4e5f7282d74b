"""The preview's watcher: a saved file shows up in the next request, editor bursts make one rebuild,
errors are pushed to open tabs while the last good build stays served, stylesheets swap in place."""
from __future__ import annotations

import http.client
import json
import os
import socket
import threading
import time
from pathlib import Path

import pytest

from conftest import NOW, write_site
from generator.serve.app import Session
from generator.serve.watcher import Debouncer, Watcher, is_relevant

POST = """
---
date: 2025-03-01
slug: first-light
en:
  title: "First Light"
zh:
  title: "晨光"
---
<!-- lang: en -->
Morning light on the notebook.

<!-- lang: zh -->
晨光落在笔记本上。
"""

OTHER = """
---
date: 2025-02-01
en:
  title: "Rain"
---
<!-- lang: en -->
Rain on the window.
"""


def wait_until(predicate, what: str, limit: float = 15.0):
    """Poll until `predicate()` is truthy; the limit only stops a broken feature hanging the suite."""
    deadline = time.monotonic() + limit
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"never happened: {what}")
        time.sleep(0.02)


def get(session: Session, path: str) -> tuple[int, str]:
    host, port = session.server.server_address[:2]
    conn = http.client.HTTPConnection(host, port, timeout=10)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        return resp.status, resp.read().decode("utf-8")
    finally:
        conn.close()


def status(session: Session) -> dict:
    return json.loads(get(session, "/__riji/status")[1])


class EventStream:
    """A tab's Server-Sent Events connection, read over a plain socket."""

    def __init__(self, session: Session, page: str = "/en/posts/first-light/"):
        host, port = session.server.server_address[:2]
        self.sock = socket.create_connection((host, port), timeout=15)
        self.sock.sendall(f"GET /__riji/events?page={page} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        self.buffer = b""
        head = self._until(b"\r\n\r\n")
        assert b" 200 " in head.split(b"\r\n")[0] and b"text/event-stream" in head

    def _until(self, marker: bytes) -> bytes:
        while marker not in self.buffer:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError
            self.buffer += chunk
        block, self.buffer = self.buffer.split(marker, 1)
        return block

    def next_state(self) -> dict:
        while True:
            block = self._until(b"\n\n").decode("utf-8")
            fields = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line
                          and not line.startswith(":"))
            if fields.get("event") == "state":
                return json.loads(fields["data"])

    def wait_for(self, ok: bool) -> dict:
        """The next state that is (not) ok; a rebuild from an unrelated event may come first."""
        while (state := self.next_state())["ok"] is not ok:
            pass
        return state

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def site(tmp_path) -> Path:
    return write_site(tmp_path / "site", {"content/posts/first-light.md": POST,
                                          "content/posts/rain.md": OTHER,
                                          "static/extra.css": "body { margin: 0; }\n",
                                          "themes/default/static/style.css": "body { color: black; }\n"})


@pytest.fixture
def session(site):
    with Session(site, now=NOW) as s:
        yield s


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new), "utf-8")


def test_an_edited_post_is_in_the_next_request(session, site):
    post = site / "content/posts/first-light.md"
    edit(post, "Morning light", "Evening light")
    wait_until(lambda: "Evening light" in get(session, "/en/posts/first-light/")[1], "the English edit is served")
    edit(post, "晨光落在", "暮光落在")
    wait_until(lambda: "暮光落在" in get(session, "/zh/posts/first-light/")[1], "the Chinese edit is served")
    assert not (site / "output").exists()


def test_added_deleted_and_renamed_posts_follow(session, site):
    new = site / "content/posts/snow.md"
    new.write_text(OTHER.replace("Rain", "Snow").lstrip(), "utf-8")
    wait_until(lambda: get(session, "/en/posts/snow/")[0] == 200, "a new post is served")
    assert "Snow" in get(session, "/en/")[1]
    os.replace(new, site / "content/posts/hail.md")
    wait_until(lambda: get(session, "/en/posts/hail/")[0] == 200, "a renamed post moves")
    assert get(session, "/en/posts/snow/")[0] == 404
    (site / "content/posts/hail.md").unlink()
    wait_until(lambda: get(session, "/en/posts/hail/")[0] == 404, "a deleted post goes")


def test_front_matter_change_of_one_post_reaches_the_lists(session, site):
    edit(site / "content/posts/rain.md", 'title: "Rain"', 'title: "Heavy Rain"')
    wait_until(lambda: "Heavy Rain" in get(session, "/en/")[1], "the home page lists the new title")
    assert "Heavy Rain" in get(session, "/en/archive/")[1]


def test_a_broken_post_keeps_the_last_good_build_and_recovers(session, site):
    events = EventStream(session)
    try:
        first = events.next_state()
        assert first["ok"] is True
        post = site / "content/posts/first-light.md"
        good = post.read_text("utf-8")
        post.write_text(good.replace("slug: first-light", "slug: first-light\ntitle: [unclosed"), "utf-8")
        broken = events.wait_for(ok=False)
        assert broken["ok"] is False
        texts = [e["text"] for e in broken["errors"]]
        assert any(t.startswith("content/posts/first-light.md:") for t in texts), texts
        assert all(e["path"] and e["message"] for e in broken["errors"])
        assert status(session)["ok"] is False
        code, page = get(session, "/en/posts/first-light/")
        assert code == 200 and "Morning light" in page  # still the last good build
        post.write_text(good.replace("Morning light", "Noon light"), "utf-8")
        fixed = events.wait_for(ok=True)
        assert fixed["ok"] is True and fixed["build"] != first["build"]
        assert "Noon light" in get(session, "/en/posts/first-light/")[1]
    finally:
        events.close()


def test_a_site_that_never_built_shows_its_errors_then_recovers(tmp_path):
    root = write_site(tmp_path / "bad", {"content/posts/first-light.md": POST.replace("date: 2025-03-01",
                                                                                       "date: someday")})
    with Session(root, now=NOW) as session:
        code, page = get(session, "/en/posts/first-light/")
        assert code == 500 and "content/posts/first-light.md" in page and "/__riji/livereload.js" in page
        (root / "content/posts/first-light.md").write_text(POST.lstrip(), "utf-8")
        wait_until(lambda: get(session, "/en/posts/first-light/")[0] == 200, "the fixed site is served")


def test_a_template_error_is_reported_with_its_file(session, site):
    template = site / "themes/default/templates/post.html"
    template.parent.mkdir(parents=True, exist_ok=True)
    events = EventStream(session)
    try:
        assert events.next_state()["ok"] is True
        template.write_text('{% extends "default/post.html" %}{% block content %}{{ missing.thing }}'
                            '{% endblock %}\n', "utf-8")
        state = events.wait_for(ok=False)  # the rebuild pre-renders the page this tab shows
        assert any("themes/default/templates/post.html" in e["path"] for e in state["errors"]), state
        code, page = get(session, "/en/posts/first-light/")
        assert code == 500 and "missing" in page
        template.unlink()
        events.wait_for(ok=True)
        assert get(session, "/en/posts/first-light/")[0] == 200
    finally:
        events.close()


def test_a_stylesheet_change_is_swapped_not_reloaded(site):
    # generous debounce windows: a loaded machine must not split the write-aside-and-rename below
    with Session(site, now=NOW, quiet=0.3, settled=0.3) as session:
        _stylesheet_swaps(session, site)


def _stylesheet_swaps(session, site):
    events = EventStream(session)
    try:
        before = events.next_state()
        edit(site / "themes/default/static/style.css", "black", "navy")
        state = events.wait_for(ok=True)
        assert state["kind"] == "css" and state["from"] == before["build"]
        new_href = state["hrefs"]["/assets/style.css"]
        assert new_href.startswith("/assets/style.") and new_href.endswith(".css")
        code, css = get(session, new_href)
        assert code == 200 and "navy" in css
        edit(site / "static/extra.css", "margin: 0", "margin: 1px")
        state = events.wait_for(ok=True)
        assert state["kind"] == "css" and state["hrefs"]["/extra.css"].startswith("/extra.css?v=")
        temporary = site / "static/sedX1b2c3"  # `sed -i` and many editors: write aside, rename over
        temporary.write_text("body { margin: 2px; }\n", "utf-8")
        os.replace(temporary, site / "static/extra.css")
        state = events.wait_for(ok=True)
        assert state["kind"] == "css", state
        edit(site / "content/posts/first-light.md", "Morning", "Late")
        state = events.wait_for(ok=True)
        assert "kind" not in state  # anything else reloads the page
    finally:
        events.close()


def test_relevant_paths(tmp_path):
    root = str(tmp_path)
    yes = ["site.yaml", "content/posts/a.md", "content/posts/b/index.zh.md", "themes/mine/templates/post.html",
           "static/style.css", "content"]
    no = ["output/index.html", ".riji-cache/memo/07.pickle", "README.md", "content/posts/.a.md.swp",
          "content/posts/a.md~", "content/posts/4913", "content/posts/.#a.md", "content/posts/#a.md#",
          "content/posts/a.md.swx", "content/posts/.goutputstream-X1", "content/posts/a.md___jb_tmp___",
          "content/posts/a.md.swo", "static/.DS_Store", "../elsewhere/site.yaml"]
    for rel in yes:
        assert is_relevant(os.path.join(root, rel), root), rel
    for rel in no:
        assert not is_relevant(os.path.join(root, rel), root), rel


def test_an_editor_save_burst_is_one_rebuild(tmp_path):
    """vim's save: a 4913 probe, a backup by rename, a fresh write, swap-file churn; then emacs' lock."""
    root = write_site(tmp_path / "site", {"content/posts/first-light.md": POST})
    calls: list[set[str]] = []
    done = threading.Event()

    def rebuild(paths):
        calls.append(paths)
        done.set()

    watcher = Watcher(root, rebuild, quiet=0.3, settled=0.3).start()  # windows a busy machine cannot split
    try:
        posts = root / "content/posts"
        post = posts / "first-light.md"
        (posts / ".first-light.md.swp").write_bytes(b"swap")
        (posts / "4913").write_bytes(b"")
        (posts / "4913").unlink()
        os.replace(post, posts / "first-light.md~")
        post.write_text(POST.replace("Morning", "Evening").lstrip(), "utf-8")
        (posts / "first-light.md~").unlink()
        (posts / ".first-light.md.swp").write_bytes(b"swap 2")
        (posts / ".#first-light.md").symlink_to("user@host.1234")
        (posts / ".#first-light.md").unlink()
        (posts / ".first-light.md.swp").unlink()
        assert done.wait(15), "no rebuild"
        time.sleep(0.6)  # anything left over would make a second call by now
    finally:
        watcher.stop()
    assert len(calls) == 1
    assert calls[0] == {str(post.resolve())}


def test_debouncer_merges_a_burst_and_runs_one_at_a_time():
    seen: list[set[str]] = []
    running = threading.Lock()
    overlapped = []
    finished = threading.Event()

    def slow(paths):
        if not running.acquire(blocking=False):
            overlapped.append(paths)
            return
        seen.append(paths)
        time.sleep(0.2)
        running.release()
        if len(seen) == 2:
            finished.set()

    debouncer = Debouncer(slow, quiet=0.1)
    try:
        for name in "abc":
            debouncer.add([name])
        wait_until(lambda: seen, "the first batch runs")
        debouncer.add(["d"])  # during the first callback: waits for it, then runs alone
        debouncer.add(["e"])
        assert finished.wait(15)
    finally:
        debouncer.stop()
    assert seen == [{"a", "b", "c"}, {"d", "e"}] and not overlapped


def test_folders_made_after_start_are_watched(tmp_path):
    root = write_site(tmp_path / "site", {"content/posts/first-light.md": POST})
    with Session(root, now=NOW) as session:
        (root / "static").mkdir()
        wait_until(lambda: "static" in session.watcher.watched, "static/ is watched")
        (root / "static" / "hello.txt").write_text("hello\n", "utf-8")
        wait_until(lambda: get(session, "/hello.txt")[0] == 200, "a file in the new static/ is served")


def test_site_yaml_changes_rebuild(session, site):
    config = site / "site.yaml"
    config.write_text(config.read_text("utf-8").replace("Test Diary", "Quiet Diary"), "utf-8")
    wait_until(lambda: "Quiet Diary" in get(session, "/en/")[1], "the new title is served")


def test_a_crash_in_the_build_is_reported_and_watching_goes_on(session, site, monkeypatch, capsys):
    import generator.serve.preview as preview_module

    real = preview_module.build

    def crash(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(preview_module, "build", crash)
    edit(site / "content/posts/first-light.md", "Morning", "Dawn")
    wait_until(lambda: not status(session)["ok"], "the crash is reported")
    assert "internal error" in status(session)["errors"][0]["message"]
    assert get(session, "/en/posts/first-light/")[0] == 200  # the last good build is still served
    monkeypatch.setattr(preview_module, "build", real)
    edit(site / "content/posts/first-light.md", "Dawn", "Dusk")
    wait_until(lambda: "Dusk light" in get(session, "/en/posts/first-light/")[1], "the next save builds")
    assert "RuntimeError: boom" in capsys.readouterr().err


def test_an_edited_template_is_used_at_once(tmp_path):
    root = write_site(tmp_path / "site", {
        "content/posts/first-light.md": POST,
        "themes/default/templates/post.html": '{% extends "default/post.html" %}'
                                              '{% block content %}<p id="mark">one</p>{{ super() }}{% endblock %}\n'})
    with Session(root, now=NOW) as session:
        assert '<p id="mark">one</p>' in get(session, "/en/posts/first-light/")[1]
        edit(root / "themes/default/templates/post.html", ">one<", ">two<")
        wait_until(lambda: '<p id="mark">two</p>' in get(session, "/en/posts/first-light/")[1],
                   "the edited template renders")



def test_remembered_entries_keep_their_errors(tmp_path):
    """An unchanged broken post is not re-read on the next save, but its error is still reported."""
    from generator.memo import BuildMemo
    from generator.serve.preview import Preview

    root = write_site(tmp_path / "site", {"content/posts/first-light.md": POST,
                                          "content/posts/rain.md": OTHER.replace("date: 2025-02-01", "date: soon")})
    memo = BuildMemo()
    preview = Preview(root, memo=memo, now=NOW)
    first = preview.rebuild()
    assert not first.ok and any("rain.md" in str(d) for d in first.diagnostics)
    edit(root / "content/posts/first-light.md", "Morning", "Evening")
    again = preview.rebuild({str(root / "content/posts/first-light.md")})
    assert memo.hits == 1  # rain.md came from memory
    assert [str(d) for d in again.diagnostics] == [str(d) for d in first.diagnostics]
