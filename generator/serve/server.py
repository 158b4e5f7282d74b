"""HTTP for the preview, behaving like a real static host: directory index, the site's 404 page,
Content-Type with charset, HEAD, ETag/Last-Modified with 304, and byte ranges for the audio player.

Only paths the build produced are served (a dictionary lookup, so `..` cannot walk anywhere), and a
copied file is served only if it really lies inside the site or its theme (no symlinks out).
"""
from __future__ import annotations

import email.utils
import errno
import hashlib
import io
import json
import mimetypes
import os
import queue
import re
import socket
import sys
import threading
import time
from html import escape
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, quote

from ..constants import FINGERPRINT, IMMUTABLE_CACHE
from ..render import Lazy
from ..theme import default_theme_dir
from .livereload import BUILD_HEADER, EVENTS_PATH, PREFIX, SCRIPT, SCRIPT_PATH, STATUS_PATH, script_tag, sse_message
from .preview import Preview
from .request import (MAX_HEAD, BadPath, DeadlineReader, Refused, has_body, host_name, is_loopback,
                      parse_range, parse_request_line, read_fields, request_host, request_path, split_target)

TEXT_TYPES = {
    ".html": "text/html", ".htm": "text/html", ".xml": "application/xml", ".xsl": "application/xml",
    ".css": "text/css", ".js": "text/javascript", ".mjs": "text/javascript", ".json": "application/json",
    ".txt": "text/plain", ".md": "text/markdown", ".svg": "image/svg+xml", ".vtt": "text/vtt",
    ".webmanifest": "application/manifest+json", ".csv": "text/csv",
}
BINARY_TYPES = {
    ".mp3": "audio/mpeg", ".m4a": "audio/mp4", ".ogg": "audio/ogg", ".opus": "audio/ogg", ".wav": "audio/wav",
    ".flac": "audio/flac", ".mp4": "video/mp4", ".webm": "video/webm", ".png": "image/png",
    ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif", ".webp": "image/webp",
    ".avif": "image/avif", ".ico": "image/vnd.microsoft.icon", ".woff": "font/woff", ".woff2": "font/woff2",
    ".pdf": "application/pdf",
}
_BUILTIN_TYPES = mimetypes.MimeTypes(filenames=())  # the same answer on every machine, unlike /etc/mime.types
IMMUTABLE = re.compile(rf"/assets/[^/]+{FINGERPRINT}\.[a-z0-9]+$")  # fingerprinted: the name changes with it
CHUNK = 256 * 1024


def content_type(name: str) -> str:
    base = name.rsplit("/", 1)[-1]
    ext = "." + base.rsplit(".", 1)[-1].lower() if "." in base else ""
    if ext in TEXT_TYPES:
        return TEXT_TYPES[ext] + "; charset=utf-8"
    kind = BINARY_TYPES.get(ext) or _BUILTIN_TYPES.guess_type("x" + ext)[0] or "application/octet-stream"
    return kind + ("; charset=utf-8" if kind.startswith("text/") else "")


def inject(html: bytes, tag: str) -> bytes:
    """Add the reload script to a static .html file from static/ (rendered pages have it already)."""
    i = html.lower().rfind(b"</body>")
    return html[:i] + tag.encode() + html[i:] if i >= 0 else html + tag.encode()


BUSY = (b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Type: text/plain; charset=utf-8\r\n"
        b"Content-Length: 21\r\nConnection: close\r\n\r\ntoo many connections\n")


class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    block_on_close = False
    request_queue_size = 128  # listen backlog: with 5, a burst of requests waits for a 1 s SYN retry
    max_connections = 100  # a thread each; beyond, a client is told 503 instead of growing the process
    head_timeout = 30.0  # seconds to wait for a whole request head, however it trickles in

    def __init__(self, address, preview: Preview):
        self.preview = preview
        self.connections: set[socket.socket] = set()
        self.conn_lock = threading.Lock()
        self.active = 0  # connection threads, counted when accepted
        self.allowed = [os.path.realpath(preview.root)]
        try:
            self.allowed.append(os.path.realpath(default_theme_dir()))
        except FileNotFoundError:
            pass
        host = address[0]
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.loopback = is_loopback(host)
        super().__init__(address, Handler)

    def process_request(self, request, client_address) -> None:
        with self.conn_lock:
            full = self.active >= self.max_connections
            self.active += not full
        if full:
            return self.turn_away(request)
        try:
            super().process_request(request, client_address)
        except BaseException:  # no thread started
            self.release()
            raise

    def process_request_thread(self, request, client_address) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.release()

    def release(self) -> None:
        with self.conn_lock:
            self.active -= 1

    def turn_away(self, request: socket.socket) -> None:
        try:
            request.setblocking(False)  # a fresh socket's send buffer takes these bytes at once
            request.send(BUSY)
        except OSError:
            pass
        self.shutdown_request(request)

    def handle_error(self, request, client_address) -> None:
        if not isinstance(sys.exc_info()[1], OSError):  # a tab that went away is not worth a traceback
            super().handle_error(request, client_address)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        host = f"[{host}]" if ":" in host else host
        good, _ = self.preview.snapshot()
        base = good.config.base_path if good and good.config else "/"
        return f"http://{host}:{port}{base}"

    def inside_site(self, path: Path) -> bool:
        real = os.path.realpath(path)
        return any(real == root or real.startswith(root + os.sep) for root in self.allowed)

    def close(self) -> None:
        """Stop at once: wake the event streams and drop idle keep-alive connections."""
        self.preview.close()
        self.shutdown_sockets()
        self.server_close()

    def shutdown_sockets(self) -> None:
        with self.conn_lock:
            conns = list(self.connections)
        for conn in conns:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def host_allowed(host: str | None) -> bool:
    """A preview bound to this computer answers only to this computer's names, so a web page
    cannot reach it by pointing its own domain at 127.0.0.1 (DNS rebinding) and read drafts."""
    return host is None or is_loopback(host_name(host))


def bind(preview: Preview, host: str = "127.0.0.1", port: int = 8000, tries: int = 1) -> PreviewServer:
    """Bind `host:port`, or the next free port among `tries`; OSError with a clear message if none."""
    last: OSError | None = None
    for candidate in range(port, port + max(1, tries)) if port else [0]:
        try:
            return PreviewServer((host, candidate), preview)
        except OSError as exc:
            last = exc
            if exc.errno != errno.EADDRINUSE:
                raise OSError(exc.errno, f"cannot listen on {host}:{candidate}: {exc.strerror}") from exc
    span = f"{port}" if tries <= 1 else f"{port}-{port + tries - 1}"
    raise OSError(errno.EADDRINUSE, f"port {span} on {host} is already in use (another `riji serve`?); "
                                    f"stop it or choose another with --port") from last


class Handler(BaseHTTPRequestHandler):
    server: PreviewServer
    protocol_version = "HTTP/1.1"
    server_version = "riji-serve"
    timeout = 30  # idle keep-alive connections close on their own
    disable_nagle_algorithm = True  # else each keep-alive reply waits 40 ms for the client's delayed ACK
    error_message_format = "%(code)d %(message)s\n"
    error_content_type = "text/plain; charset=utf-8"
    host: str | None = None  # the host the request is for, if it names one

    # -- plumbing ---------------------------------------------------------------------------------

    def setup(self) -> None:
        super().setup()
        self.rfile.close()
        self.reader = DeadlineReader(self.connection, self.timeout)
        self.rfile = io.BufferedReader(self.reader)
        with self.server.conn_lock:
            self.server.connections.add(self.connection)

    def finish(self) -> None:
        with self.server.conn_lock:
            self.server.connections.discard(self.connection)
        try:
            super().finish()
        except OSError:
            pass

    def version_string(self) -> str:
        return self.server_version

    def handle_one_request(self) -> None:
        self.reader.deadline = time.monotonic() + self.server.head_timeout
        try:
            super().handle_one_request()
        except (ConnectionError, TimeoutError):
            self.close_connection = True
        finally:
            self.reader.deadline = None

    def parse_request(self) -> bool:
        """Read the rest of the head within bounds; on a refusal, answer it (with a status line, as
        HTTP/1.1) and close."""
        self.command, self.request_version, self.close_connection = None, "HTTP/1.1", True
        if self.raw_requestline in (b"\r\n", b"\n"):  # RFC 9112 2.2: one empty line may come first
            self.raw_requestline = self.rfile.readline(MAX_HEAD + 1)
        self.requestline = str(self.raw_requestline, "iso-8859-1").rstrip("\r\n")
        try:
            self.command, self.path, version = parse_request_line(self.raw_requestline)
            self.request_version = "HTTP/%d.%d" % version
            self.headers = read_fields(self.rfile, MAX_HEAD - len(self.raw_requestline), self.MessageClass)
            self.host = request_host(self.path, self.headers, version)
            if not self.path.startswith("/") and self.server.loopback and not host_allowed(self.host):
                raise Refused(HTTPStatus.BAD_REQUEST, "this preview is not a proxy")
            body = has_body(self.headers)
        except Refused as refused:
            self.send_error(refused.status, refused.reason)
            return False
        finally:
            self.reader.deadline = None
            self.connection.settimeout(self.timeout)  # for writing the answer
        connection = self.headers.get("Connection", "").lower()
        self.close_connection = body or "close" in connection or (
            version < (1, 1) and "keep-alive" not in connection)
        return True

    def log_message(self, format, *args) -> None:  # noqa: A002 - the stdlib's name
        pass  # the terminal shows rebuilds and errors, not every request

    def do_GET(self) -> None:
        self.serve(body=True)

    def do_HEAD(self) -> None:
        self.serve(body=False)

    def _refuse(self) -> None:
        self.close_connection = True  # its body, if any, is left unread
        self.send_response(HTTPStatus.METHOD_NOT_ALLOWED)
        self.send_header("Allow", "GET, HEAD")
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _refuse

    # -- routing ----------------------------------------------------------------------------------

    def serve(self, body: bool) -> None:
        if self.server.loopback and not host_allowed(self.host):
            return self.plain(HTTPStatus.FORBIDDEN, "this preview answers to localhost and 127.0.0.1 only; "
                                                    "use --host to serve other names\n", body)
        try:
            path, trailing = request_path(self.path)
        except (BadPath, UnicodeDecodeError):
            return self.plain(HTTPStatus.BAD_REQUEST, "bad path\n", body)
        if path.startswith(PREFIX) or path + "/" == PREFIX:
            return self.own(path, body)
        preview = self.server.preview
        good, token = preview.snapshot()
        if good is None:
            return self.failed_page(body)
        base = good.config.base_path if good.config else "/"
        if not path.startswith(base) and path + "/" != base:
            if path == "/":
                return self.redirect(base)
            return self.not_found(good, token, body)
        found = preview.lookup(path, good)
        if found is None and not trailing and preview.lookup(path + "/", good) is not None:
            query = split_target(self.path)[1]
            return self.redirect(quote(path + "/") + (f"?{query}" if query else ""))
        if found is None:
            return self.not_found(good, token, body)
        name = path + "index.html" if path.endswith("/") else path
        self.send_value(HTTPStatus.OK, name, found, good, token, body)

    def own(self, path: str, body: bool) -> None:
        preview = self.server.preview
        if path == SCRIPT_PATH:
            return self.send_bytes(HTTPStatus.OK, SCRIPT, content_type(".js"), body)
        if path == STATUS_PATH:
            data = json.dumps(preview.state(), ensure_ascii=False).encode()
            return self.send_bytes(HTTPStatus.OK, data, content_type(".json"), body)
        if path == EVENTS_PATH:
            return self.events(body)
        return self.plain(HTTPStatus.NOT_FOUND, "not found\n", body)

    # -- responses --------------------------------------------------------------------------------

    def send_value(self, status: int, name: str, value, good, token: str, body: bool) -> None:
        """Send one output of the build `good` (bytes, a file to stream, or a page to render now)."""
        if isinstance(value, Lazy):
            value, _problems = self.server.preview.render(value, good)
            if value is None:
                return self.failed_page(body)
        if isinstance(value, Path):
            if not self.server.inside_site(value):  # a symlink out of the site
                return self.plain(HTTPStatus.NOT_FOUND, "not found\n", body)
            if name.endswith((".html", ".htm")):
                try:
                    value = inject(value.read_bytes(), script_tag(token))
                except OSError:
                    return self.plain(HTTPStatus.NOT_FOUND, "not found\n", body)
            else:
                return self.send_file(status, name, value, body)
        page = name.endswith((".html", ".htm"))  # its build, for a tab that fetches it to update itself
        self.send_bytes(status, value, content_type(name), body, cache=status == HTTPStatus.OK, name=name,
                        build=token if page else "")

    def common_headers(self, name: str) -> None:
        self.send_header("Cache-Control", IMMUTABLE_CACHE if IMMUTABLE.search(name)
                         else "no-cache")
        self.send_header("X-Content-Type-Options", "nosniff")

    def not_modified(self, etag: str, mtime: float | None = None) -> bool:
        match = self.headers.get("If-None-Match")
        if match is not None:
            tags = [t.strip().removeprefix("W/") for t in match.split(",")]
            return "*" in tags or etag in tags
        since = self.headers.get("If-Modified-Since")
        if since and mtime is not None:
            try:
                when = email.utils.parsedate_to_datetime(since).timestamp()
            except (TypeError, ValueError, IndexError, OverflowError):
                return False
            return int(mtime) <= when
        return False

    def wanted_range(self, size: int, etag: str, last_modified: str | None):
        header = self.headers.get("Range")
        if header is None:
            return None
        if_range = self.headers.get("If-Range")
        if if_range is not None and if_range.strip() not in (etag, last_modified):
            return None
        return parse_range(header, size)

    def send_bytes(self, status: int, data: bytes, ctype: str, body: bool, cache: bool = False,
                   name: str = "", build: str = "") -> None:
        etag = '"' + hashlib.blake2b(data, digest_size=12).hexdigest() + '"'
        if cache and self.not_modified(etag):
            return self.head_only(HTTPStatus.NOT_MODIFIED, etag, name)
        span = self.wanted_range(len(data), etag, None) if cache else None
        if span is False:
            return self.unsatisfiable(len(data))
        self.send_response(HTTPStatus.PARTIAL_CONTENT if span else status)
        self.send_header("Content-Type", ctype)
        self.send_header("ETag", etag)
        self.send_header("Accept-Ranges", "bytes")
        self.common_headers(name)
        if build:
            self.send_header(BUILD_HEADER, build)
        if span:
            first, last = span
            self.send_header("Content-Range", f"bytes {first}-{last}/{len(data)}")
            data = data[first:last + 1]
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if body:
            self.wfile.write(data)

    def send_file(self, status: int, name: str, path: Path, body: bool) -> None:
        try:
            fh = open(path, "rb")
        except OSError:  # deleted since the build: the next rebuild will drop it
            return self.plain(HTTPStatus.NOT_FOUND, "not found\n", body)
        with fh:
            st = os.fstat(fh.fileno())
            size = st.st_size
            etag = f'"{st.st_mtime_ns:x}-{size:x}"'
            last_modified = email.utils.formatdate(st.st_mtime, usegmt=True)
            if status == HTTPStatus.OK and self.not_modified(etag, st.st_mtime):
                return self.head_only(HTTPStatus.NOT_MODIFIED, etag, name, last_modified)
            span = self.wanted_range(size, etag, last_modified) if status == HTTPStatus.OK else None
            if span is False:
                return self.unsatisfiable(size)
            first, last = span or (0, size - 1)
            self.send_response(HTTPStatus.PARTIAL_CONTENT if span else status)
            self.send_header("Content-Type", content_type(name))
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", last_modified)
            self.send_header("Accept-Ranges", "bytes")
            self.common_headers(name)
            if span:
                self.send_header("Content-Range", f"bytes {first}-{last}/{size}")
            self.send_header("Content-Length", str(max(0, last - first + 1)))
            self.end_headers()
            if not body:
                return
            fh.seek(first)
            left = last - first + 1
            while left > 0:
                chunk = fh.read(min(CHUNK, left))
                if not chunk:
                    break
                self.wfile.write(chunk)
                left -= len(chunk)

    def head_only(self, status: int, etag: str, name: str, last_modified: str | None = None) -> None:
        self.send_response(status)
        self.send_header("ETag", etag)
        if last_modified:
            self.send_header("Last-Modified", last_modified)
        self.common_headers(name)
        self.end_headers()

    def unsatisfiable(self, size: int) -> None:
        self.send_response(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
        self.send_header("Content-Range", f"bytes */{size}")
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def plain(self, status: int, text: str, body: bool) -> None:
        self.send_bytes(status, text.encode(), content_type(".txt"), body)

    def redirect(self, location: str) -> None:
        self.send_response(HTTPStatus.MOVED_PERMANENTLY)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def not_found(self, good, token: str, body: bool) -> None:
        page = good.files.get("404.html")
        if page is not None:
            return self.send_value(HTTPStatus.NOT_FOUND, "404.html", page, good, token, body)
        self.plain(HTTPStatus.NOT_FOUND, "not found\n", body)

    def failed_page(self, body: bool) -> None:
        """No good build to show (or this page's template failed): list the errors; the script's
        overlay says the same and reloads once the site builds again."""
        preview = self.server.preview
        state = preview.state()
        _, token = preview.snapshot()
        items = "".join(f"<li><code>{escape(e['path'])}{':' + str(e['line']) if e['line'] else ''}</code>: "
                        f"{escape(e['message'])}</li>" for e in state["errors"])
        page = (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>riji: build failed</title>'
                f'</head><body><h1>The build failed</h1><ul>{items}</ul>{script_tag(token)}</body></html>\n')
        self.send_bytes(HTTPStatus.INTERNAL_SERVER_ERROR, page.encode(), content_type(".html"), body)

    def events(self, body: bool) -> None:
        """Server-Sent Events: the current state at once, then every change, with keep-alive pings."""
        preview = self.server.preview
        try:
            page = request_path(parse_qs(split_target(self.path)[1]).get("page", ["/"])[0])[0]
        except (BadPath, UnicodeDecodeError):
            page = "/"
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("X-Accel-Buffering", "no")
        self.end_headers()
        self.close_connection = True
        if not body:
            return
        channel = preview.channel
        q = channel.subscribe(page)
        try:
            self.wfile.write(b"retry: 300\n\n" + sse_message(preview.state()))
            self.wfile.flush()
            while not channel.closed.is_set():
                try:
                    message = q.get(timeout=15)
                except queue.Empty:  # nothing happened: check the tab is still there
                    message = b": ping\n\n"
                if message is None:
                    break
                self.wfile.write(message)
                self.wfile.flush()
        except OSError:
            pass
        finally:
            channel.unsubscribe(q)
