"""`riji serve` over real sockets: what a static host does, and never a byte from outside the site."""
from __future__ import annotations

import errno
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import NOW, REPO, build_fixture, write_site
from generator.serve.app import Session
from generator.serve.server import bind, parse_range, request_path
from generator.serve.preview import Preview

AUDIO = bytes(range(256)) * 40  # 10,240 bytes standing in for an MP3

POST = """
---
date: 2025-03-01
slug: first-light
tags: [culture]
en:
  title: "First Light"
zh:
  title: "晨光"
---
<!-- lang: en -->
Morning light on the **notebook**.

<!-- lang: zh -->
晨光落在笔记本上。
"""

DRAFT = """
---
date: 2025-03-02
draft: true
en:
  title: "Half a Thought"
---
<!-- lang: en -->
Not ready yet.
"""


@pytest.fixture
def site(tmp_path) -> Path:
    root = write_site(tmp_path / "site", {
        "content/posts/first-light.md": POST,
        "content/posts/half-a-thought.md": DRAFT,
        "static/audio/clip.mp3": AUDIO,
        "static/notes.txt": "plain notes\n",
        "static/empty.bin": b"",
    })
    (tmp_path / "secret.txt").write_text("TOP SECRET outside the site\n", "utf-8")
    (root / "static" / "leak.txt").symlink_to(tmp_path / "secret.txt")
    (root / "static" / "outside").symlink_to(tmp_path, target_is_directory=True)
    return root


@pytest.fixture
def server(site):
    with Session(site, now=NOW) as session:
        yield session


def request(session: Session, path: str, method: str = "GET", headers: dict | None = None):
    host, port = session.server.server_address[:2]
    conn = http.client.HTTPConnection(host, port, timeout=10)
    try:
        conn.putrequest(method, path, skip_host="Host" in (headers or {}), skip_accept_encoding=True)
        for k, v in (headers or {}).items():
            conn.putheader(k, v)
        conn.endheaders()
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


def raw_request(session: Session, line: bytes) -> bytes:
    """Send a request line exactly as given (http.client would refuse some of these)."""
    host, port = session.server.server_address[:2]
    with socket.create_connection((host, port), timeout=10) as sock:
        sock.sendall(line + b"\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_pages_index_and_content_types(server):
    status, headers, body = request(server, "/en/posts/first-light/")
    assert status == 200
    assert headers["content-type"] == "text/html; charset=utf-8"
    assert b"Morning light" in body and int(headers["content-length"]) == len(body)
    assert headers["x-content-type-options"] == "nosniff"

    status, _, zh = request(server, "/zh/posts/first-light/")
    assert status == 200 and "晨光落在笔记本上" in zh.decode("utf-8")

    status, headers, body = request(server, "/")
    assert status == 200 and body.startswith(b"<!DOCTYPE html>")

    css = re.search(rb'href="(/assets/style\.[0-9a-f]{10}\.css)"', body).group(1).decode()
    js = re.search(rb'src="(/assets/riji\.[0-9a-f]{10}\.js)"', body).group(1).decode()
    expected = {css: "text/css; charset=utf-8", js: "text/javascript; charset=utf-8",
                "/sitemap.xml": "application/xml; charset=utf-8", "/audio/clip.mp3": "audio/mpeg",
                "/notes.txt": "text/plain; charset=utf-8"}
    for path, ctype in expected.items():
        status, headers, _ = request(server, path)
        assert (status, headers["content-type"]) == (200, ctype), path


def test_directory_without_slash_redirects(server):
    status, headers, _ = request(server, "/en/posts/first-light?x=1")
    assert status == 301 and headers["location"] == "/en/posts/first-light/?x=1"


def test_missing_page_gets_the_site_404_with_status_404(server):
    status, headers, body = request(server, "/en/posts/no-such-post/")
    assert status == 404
    assert headers["content-type"] == "text/html; charset=utf-8"
    _, _, page = request(server, "/404.html")
    assert body == page and b'class="not-found"' in body
    status, _, body = request(server, "/nothing-here.css", "HEAD")
    assert status == 404 and body == b""


def test_head_has_the_headers_and_no_body(server):
    _, get_headers, get_body = request(server, "/en/posts/first-light/")
    status, headers, body = request(server, "/en/posts/first-light/", "HEAD")
    assert status == 200 and body == b""
    assert headers["content-length"] == str(len(get_body))
    assert headers["etag"] == get_headers["etag"]
    status, headers, body = request(server, "/audio/clip.mp3", "HEAD")
    assert status == 200 and body == b"" and headers["content-length"] == str(len(AUDIO))


def test_etag_and_last_modified_give_304(server):
    _, headers, _ = request(server, "/en/posts/first-light/")
    etag = headers["etag"]
    status, headers, body = request(server, "/en/posts/first-light/", headers={"If-None-Match": etag})
    assert status == 304 and body == b"" and headers["etag"] == etag
    status, _, _ = request(server, "/en/posts/first-light/", headers={"If-None-Match": '"other"'})
    assert status == 200

    _, headers, _ = request(server, "/audio/clip.mp3")
    assert headers["last-modified"].endswith("GMT")
    status, _, body = request(server, "/audio/clip.mp3", headers={"If-Modified-Since": headers["last-modified"]})
    assert status == 304 and body == b""
    status, _, _ = request(server, "/audio/clip.mp3", headers={"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"})
    assert status == 200


def test_ranges_for_seeking_audio(server):
    status, headers, body = request(server, "/audio/clip.mp3", headers={"Range": "bytes=100-199"})
    assert status == 206 and body == AUDIO[100:200]
    assert headers["content-range"] == f"bytes 100-199/{len(AUDIO)}"
    assert headers["content-length"] == "100" and headers["accept-ranges"] == "bytes"

    status, headers, body = request(server, "/audio/clip.mp3", headers={"Range": "bytes=10000-"})
    assert status == 206 and body == AUDIO[10000:]
    status, headers, body = request(server, "/audio/clip.mp3", headers={"Range": "bytes=-16"})
    assert status == 206 and body == AUDIO[-16:]
    status, headers, body = request(server, "/audio/clip.mp3", headers={"Range": "bytes=10000-99999"})
    assert status == 206 and body == AUDIO[10000:] and headers["content-range"].endswith(f"/{len(AUDIO)}")

    for unsatisfiable in ("bytes=10240-", "bytes=99999-100000", "bytes=-0"):
        status, headers, body = request(server, "/audio/clip.mp3", headers={"Range": unsatisfiable})
        assert status == 416 and headers["content-range"] == f"bytes */{len(AUDIO)}", unsatisfiable
    status, _, _ = request(server, "/empty.bin", headers={"Range": "bytes=0-"})
    assert status == 416

    _, headers, _ = request(server, "/audio/clip.mp3")
    status, _, body = request(server, "/audio/clip.mp3", headers={"Range": "bytes=0-9", "If-Range": headers["etag"]})
    assert status == 206 and body == AUDIO[:10]
    status, _, body = request(server, "/audio/clip.mp3", headers={"Range": "bytes=0-9", "If-Range": '"stale"'})
    assert status == 200 and body == AUDIO

    _, _, page = request(server, "/en/posts/first-light/")  # generated pages take ranges too
    status, _, body = request(server, "/en/posts/first-light/", headers={"Range": "bytes=0-14"})
    assert status == 206 and body == page[:15]


def test_parse_range():
    assert parse_range("bytes=0-0", 10) == (0, 0)
    assert parse_range("bytes=5-", 10) == (5, 9)
    assert parse_range("bytes=-3", 10) == (7, 9)
    assert parse_range("bytes=-30", 10) == (0, 9)
    assert parse_range("bytes=10-", 10) is False
    assert parse_range("bytes=3-1", 10) is None  # malformed: ignored, the whole file is sent
    assert parse_range("bytes=0-1,4-5", 10) is None
    assert parse_range("items=0-1", 10) is None


ATTACKS = [
    "/../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E/%2e%2e/secret.txt", "/en/../../secret.txt",
    "/..%2fsecret.txt", "/audio%2f..%2f..%2fsecret.txt", "/..%5csecret.txt", "/%2e%2e%5csecret.txt",
    "/.%2e/secret.txt", "//secret.txt", "///etc/passwd", "/etc/passwd", "/leak.txt",
    "/outside/secret.txt", "/outside/site/site.yaml", "/site.yaml", "/content/posts/first-light.md",
    "/%00", "/notes.txt%00.html", "/%c0%ae%c0%ae/secret.txt",
]


@pytest.mark.parametrize("path", ATTACKS)
def test_never_serves_outside_the_site(server, path):
    response = raw_request(server, f"GET {path} HTTP/1.1".encode())
    status = int(response.split(b" ", 2)[1])
    assert status in (400, 404), (path, status)
    assert b"TOP SECRET" not in response and b"root:" not in response and b"base_url" not in response


@pytest.mark.parametrize("target", [b"http://127.0.0.1/../secret.txt", b"http://evil.test/etc/passwd",
                                    b"../secret.txt", b"*"])
def test_odd_request_targets_are_refused(server, target):
    response = raw_request(server, b"GET " + target + b" HTTP/1.1")
    assert int(response.split(b" ", 2)[1]) in (400, 404)
    assert b"TOP SECRET" not in response and b"root:" not in response


def test_request_path_normalises_and_refuses():
    assert request_path("/en/posts/a%20b/?q=1") == ("/en/posts/a b/", True)
    assert request_path("//en//x") == ("/en/x", False)
    for bad in ("/a/../b", "/%2e%2e/", "/a%2fb", "/a%5cb", "/a%00", "relative"):
        with pytest.raises(Exception):
            request_path(bad)


def test_other_methods_are_refused(server):
    status, headers, _ = request(server, "/en/", "POST")
    assert status == 405 and headers["allow"] == "GET, HEAD"


def test_reserved_prefix_belongs_to_the_preview(server, site):
    status, headers, body = request(server, "/__riji/livereload.js")
    assert status == 200 and headers["content-type"] == "text/javascript; charset=utf-8"
    assert b"EventSource" in body
    status, headers, body = request(server, "/__riji/status")
    assert status == 200 and json.loads(body)["ok"] is True
    status, _, _ = request(server, "/__riji/unknown")
    assert status == 404


def test_script_is_injected_in_serve_only(server, site):
    _, _, page = request(server, "/en/posts/first-light/")
    assert b'<script src="/__riji/livereload.js"' in page
    assert page.index(b"/__riji/livereload.js") < page.index(b"</body>")
    built = build_fixture(site)
    assert built.ok
    for path, value in built.files.items():
        if isinstance(value, bytes):
            assert b"__riji" not in value, path


def test_drafts_are_served_but_nothing_is_written(site):
    with Session(site, now=NOW, drafts=True) as session:
        status, _, body = request(session, "/en/posts/half-a-thought/")
        assert status == 200 and b"Not ready yet" in body
    with Session(site, now=NOW) as session:
        status, _, _ = request(session, "/en/posts/half-a-thought/")
        assert status == 404
    assert not (site / "output").exists()


def test_site_under_a_sub_path(tmp_path):
    root = write_site(tmp_path / "sub", {"content/posts/first-light.md": POST},
                      site_yaml="base_url: https://example.org/diary/\ntitle: Sub\n")
    with Session(root, now=NOW) as session:
        assert session.url.endswith("/diary/")
        status, headers, _ = request(session, "/")
        assert status == 301 and headers["location"] == "/diary/"
        status, _, body = request(session, "/diary/en/posts/first-light/")
        assert status == 200 and b'href="/diary/assets/style.' in body
        status, _, _ = request(session, "/en/posts/first-light/")
        assert status == 404


def test_binds_loopback_by_default(server):
    assert server.server.server_address[0] == "127.0.0.1"
    from generator.cli import parser

    args = parser().parse_args(["serve"])
    assert (args.host, args.port, args.drafts, args.future, args.open) == ("127.0.0.1", None, False, False, False)


def test_port_in_use_is_reported_or_skipped(site):
    preview = Preview(site, now=NOW)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(OSError) as info:
            bind(preview, "127.0.0.1", port)
        assert info.value.errno == errno.EADDRINUSE and "already in use" in str(info.value)
        server = bind(preview, "127.0.0.1", port, tries=5)
        try:
            assert server.server_address[1] != port
        finally:
            server.server_close()


def _start_cli(site: Path, *extra: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen([sys.executable, "-m", "generator", "serve", "--site", str(site), "--port", "0",
                             *extra], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def test_cli_serves_and_stops_at_once_on_ctrl_c(site):
    proc = _start_cli(site)
    try:
        lines = []
        for line in proc.stdout:
            lines.append(line)
            if line.startswith("serving "):
                break
        url = re.search(r"http://127\.0\.0\.1:(\d+)/", lines[-1])
        assert url, lines
        conn = http.client.HTTPConnection("127.0.0.1", int(url.group(1)), timeout=10)
        conn.request("GET", "/en/posts/first-light/")
        assert conn.getresponse().status == 200
        conn.close()
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "stopped" in out and "Traceback" not in err
    assert not (site / "output").exists()


def test_cli_explains_a_port_in_use(site):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        proc = subprocess.run([sys.executable, "-m", "generator", "serve", "--site", str(site),
                               "--port", str(port)], capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode == 1
    assert f"port {port} on 127.0.0.1 is already in use" in proc.stderr and "Traceback" not in proc.stderr


def test_foreign_host_names_are_refused(server):
    """A web page that points its own domain at 127.0.0.1 (DNS rebinding) must not read the preview."""
    status, _, body = request(server, "/en/posts/first-light/", headers={"Host": "evil.test"})
    assert status == 403 and b"First Light" not in body
    status, _, _ = request(server, "/__riji/status", headers={"Host": "evil.test:8000"})
    assert status == 403
    for name in ("localhost:8000", "127.0.0.1", "[::1]:8000", "diary.localhost"):
        status, _, _ = request(server, "/en/posts/first-light/", headers={"Host": name})
        assert status == 200, name


def test_cli_refuses_a_folder_that_is_not_a_site(tmp_path, capsys):
    from generator.cli import main

    assert main(["serve", "--site", str(tmp_path / "nowhere")]) == 1
    assert "no site.yaml" in capsys.readouterr().err
