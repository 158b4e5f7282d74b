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
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import NOW, REPO, build_fixture, write_site
from generator.serve.app import Session
from generator.serve.request import parse_range, request_path
from generator.serve.server import bind
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


# -- hostile clients: every answer is a proper HTTP status, and nothing grows without bound ---------


def exchange(session: Session, data: bytes) -> bytes:
    """Send bytes as they are and read until the server closes."""
    host, port = session.server.server_address[:2]
    with socket.create_connection((host, port), timeout=10) as sock:
        sock.sendall(data)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def status_of(response: bytes) -> int:
    assert re.match(rb"HTTP/1\.1 \d{3} ", response), response[:80]
    return int(response[9:12])


def test_a_range_with_huge_numbers_is_416(server):
    huge = "9" * 5000  # int() refuses more than 4,300 digits
    for spec in (f"bytes=0-{huge}", f"bytes={huge}-", f"bytes=-{huge}", f"bytes=00000000000000000000000{huge}-1"):
        response = exchange(server, b"GET /audio/clip.mp3 HTTP/1.1\r\nHost: 127.0.0.1\r\nRange: " + spec.encode()
                            + b"\r\nConnection: close\r\n\r\n")
        assert status_of(response) == 416 and f"bytes */{len(AUDIO)}".encode() in response, spec[:20]
    assert parse_range("bytes=0-" + "9" * 19, 10) is False
    assert parse_range("bytes=" + "0" * 30 + "5-", 10) == (5, 9)  # leading zeros are not size


def test_the_whole_head_is_capped_431(server):
    big = b"GET /en/ HTTP/1.1\r\nHost: 127.0.0.1\r\n" + b"".join(
        b"X-Pad-%d: %s\r\n" % (i, b"a" * 60000) for i in range(20)) + b"\r\n"
    assert status_of(exchange(server, big)) == 431
    many = b"GET /en/ HTTP/1.1\r\nHost: 127.0.0.1\r\n" + b"".join(b"X-%d: 1\r\n" % i for i in range(101)) + b"\r\n"
    assert status_of(exchange(server, many)) == 431
    status, _, _ = request(server, "/en/", headers={"Cookie": "c=" + "x" * 8000})  # a fat cookie is fine
    assert status == 200


@pytest.mark.parametrize("head, status", [
    (b"GET http://evil.test/en/ HTTP/1.1\r\nHost: 127.0.0.1\r\n", 400),  # not a proxy
    (b"GET https://127.0.0.1/en/ HTTP/1.1\r\nHost: 127.0.0.1\r\n", 400),
    (b"GET http://127.0.0.1/en/ HTTP/1.1\r\nHost: evil.test\r\n", 200),  # the target's host wins
    (b"GET /en/ HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: evil.test\r\n", 400),
    (b"GET /en/ HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: 127.0.0.1\r\n", 400),
    (b"GET /en/ HTTP/1.1\r\nHost: \r\n", 400),
    (b"GET /en/ HTTP/1.1\r\nHost: 127.0.0.1:80:80\r\n", 400),
    (b"GET /en/ HTTP/1.1\r\nHost: a b\r\n", 400),
    (b"GET /en/ HTTP/1.1\r\n", 400),  # HTTP/1.1 requires Host
    (b"GET /en/ HTTP/1.0\r\n", 200),  # HTTP/1.0 does not
    (b"GET /en/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n", 400),
    (b"GET /en/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: -1\r\n", 400),
    (b"GET /en/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-A: 1\r\n  folded\r\n", 400),  # obsolete line folding
    (b"GET /en/ HTTP/1.1\r\nHost: 127.0.0.1\r\nno colon here\r\n", 400),
    (b"GET /en/ HTTP/1.1\r\nHost : 127.0.0.1\r\n", 400),
])
def test_host_and_header_rules(server, head, status):
    assert status_of(exchange(server, head + b"Connection: close\r\n\r\n")) == status


@pytest.mark.parametrize("line, status", [
    (b"GARBAGE", 400), (b"GET /en/", 400), (b"GET /en/ HTTP/2.0", 505), (b"GET /en/ HTTP/0.9", 505),
    (b"GET /en/ HTTP/3", 505), (b"GET /a b HTTP/1.1", 400), (b"GET /en/ HTTP/1.1.1", 400), (b"GET /en/ FTP/1.0", 400),
    (b"G\x00T /en/ HTTP/1.1", 400), (b"\xff\xfe /en/ HTTP/1.1", 400), (b"GET /en/ http/1.1", 400),
])
def test_malformed_request_lines_get_a_status_line(server, line, status):
    response = raw_request(server, line)
    assert status_of(response) == status
    assert b"text/plain" in response and b"<html" not in response.lower()


def test_a_body_on_get_is_never_read_as_the_next_request(server):
    smuggled = b"GET /notes.txt HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    response = exchange(server, b"GET /en/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: %d\r\n\r\n" % len(smuggled)
                        + smuggled)
    assert status_of(response) == 200 and response.count(b"HTTP/1.1 ") == 1 and b"plain notes" not in response


def test_one_empty_line_before_the_request_is_ignored(server):
    assert status_of(exchange(server, b"\r\nGET /en/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")) == 200


def test_trickling_clients_are_bounded_and_cut_off(server):
    """Slowloris: a byte at a time keeps a per-read timeout alive forever; the head has a deadline
    instead, and connections beyond the bound are told 503 rather than given a thread each."""
    import threading
    import time

    srv = server.server
    srv.max_connections, srv.head_timeout = 8, 2.0
    host, port = srv.server_address[:2]
    def connection_threads():  # not the preview's own timers, which come and go on their own
        return sum("process_request_thread" in t.name for t in threading.enumerate())

    baseline = connection_threads()
    socks = []
    for _ in range(30):
        sock = socket.create_connection((host, port), timeout=10)
        sock.sendall(b"GET /en/ HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        socks.append(sock)
    busy, open_socks, peak = 0, list(socks), 0
    give_up = time.monotonic() + 30  # a liveness bound, far above the 2 s deadline
    while open_socks and time.monotonic() < give_up:
        peak = max(peak, connection_threads() - baseline, srv.active)
        for sock in list(open_socks):
            try:
                sock.settimeout(0.01)
                data = sock.recv(4096)
            except socket.timeout:
                try:
                    sock.sendall(b"X")
                    continue
                except OSError:
                    data = b""
            except OSError:
                data = b""
            if data.startswith(b"HTTP/1.1 503"):
                busy += 1
            open_socks.remove(sock)
            sock.close()
        time.sleep(0.2)
    for sock in socks:
        sock.close()
    assert not open_socks, f"{len(open_socks)} trickling connections were never cut off"
    assert busy >= 30 - 8 - 2 and peak <= 8
    srv.max_connections = 100
    status, _, _ = request(server, "/en/")
    assert status == 200


def test_keep_alive_answers_are_not_delayed_by_nagle(server):
    """Nagle's algorithm against the client's delayed ACK held each keep-alive reply for 40 ms."""
    import statistics
    import time

    host, port = server.server.server_address[:2]
    conn = http.client.HTTPConnection(host, port, timeout=10)
    try:
        times = []
        for _ in range(12):
            began = time.perf_counter()
            conn.request("GET", "/en/posts/first-light/")
            resp = conn.getresponse()
            assert resp.status == 200 and resp.read()
            times.append(time.perf_counter() - began)
    finally:
        conn.close()
    assert statistics.median(times[2:]) < 0.010, [round(t * 1000, 1) for t in times]


def test_a_burst_of_connections_fits_the_listen_backlog(site):
    """Connections queue while the server is busy; a backlog of 5 made every sixth wait for a SYN retry."""
    import selectors

    server = bind(Preview(site, now=NOW), "127.0.0.1", 0)  # listening, never accepting
    try:
        sel = selectors.DefaultSelector()
        socks = []
        for _ in range(60):
            sock = socket.socket()
            sock.setblocking(False)
            sock.connect_ex(server.server_address[:2])
            sel.register(sock, selectors.EVENT_WRITE)
            socks.append(sock)
        connected = set()
        for _ in range(20):  # until all connected, or 10 s: far beyond a local handshake
            for key, _ in sel.select(timeout=0.5):
                connected.add(key.fileobj)
                sel.unregister(key.fileobj)
            if len(connected) == len(socks):
                break
        assert len(connected) == len(socks)
        assert all(s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0 for s in socks)
    finally:
        for sock in socks:
            sock.close()
        server.server_close()


HEAD_PARTS = st.one_of(st.binary(max_size=40), st.sampled_from([
    b"GET", b"HEAD", b"POST", b" ", b"/", b"/en/", b"/audio/clip.mp3", b"http://127.0.0.1/", b"HTTP/1.1", b"HTTP/1.0",
    b"HTTP/9.9", b"\r\n", b"\n", b"Host: 127.0.0.1\r\n", b"Host:\r\n", b"Range: bytes=0-", b"Range: bytes=-",
    b"9" * 5000, b"If-None-Match: *\r\n", b"If-Modified-Since: Mon, 99 Foo 99999 99:99:99 GMT\r\n",
    b"Content-Length: 3\r\n", b"Transfer-Encoding: chunked\r\n", b"Connection: keep-alive\r\n", b"%2e%2e", b"%ff",
    b"?page=%00", b"/__riji/status", b"\x00", b"\t", b":"]))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(parts=st.lists(HEAD_PARTS, min_size=1, max_size=12))
def test_any_request_head_gets_a_status_line_and_no_traceback(server, parts):
    failures = []
    server.server.handle_error = lambda request, address: failures.append(sys.exc_info()[1])
    data = b"".join(parts)
    if not data.strip():
        return
    response = exchange(server, data + b"\r\nConnection: close\r\n\r\n")
    assert not failures, failures
    if response:  # nothing only when the head never ended, e.g. a line of 64 KB without a newline
        assert re.match(rb"HTTP/1\.1 [1-5]\d\d ", response), (data[:200], response[:80])


def test_indexing_cut_short_by_the_preview_stopping_is_no_traceback(site, monkeypatch):
    """Stopping `riji serve` while search indexes: Python, exiting, refuses the indexing's new work
    (RuntimeError from its thread pool); the preview, closed, lets that go. Open, it is a bug."""
    import generator.serve.preview as preview_module

    def refused(*args, **kwargs):
        raise RuntimeError("cannot schedule new futures after interpreter shutdown")

    preview = Preview(site, now=NOW)
    preview.rebuild()
    monkeypatch.setattr(preview_module, "index_languages", refused)
    with pytest.raises(RuntimeError):
        preview._index(preview.good)
    preview.close()
    preview._index(preview.good)  # no exception


def test_the_tabs_are_told_before_the_old_build_is_freed_or_search_starts(site):
    """Freeing the replaced build and indexing the new one both hold the interpreter for
    milliseconds: they wait until the open tabs have been told of the new build."""
    import threading
    import weakref

    preview = Preview(site, now=NOW)
    preview._index = lambda good: None  # a real indexing of the first build would hold it while it runs
    preview.rebuild()
    replaced = weakref.ref(preview.good)
    seen, indexed = [], threading.Event()
    publish = preview.publish
    preview.publish = lambda: (seen.append(("told", replaced() is not None)), publish())
    preview._index = lambda good: (seen.append(("indexed", good is preview.good)), indexed.set())
    assert preview.good.config.search["enabled"]
    preview.rebuild({str(site / "content/posts/first-light.md")})
    assert indexed.wait(5)
    assert seen == [("told", True), ("indexed", True)]
    assert replaced() is not None  # until the preview is idle
    preview.close()
    assert replaced() is None
