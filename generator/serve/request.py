"""Reading one request head within bounds, the way a public static host would.

The standard library's parser lets a client send 100 headers of 64 KB each, keep a thread by sending
a byte every 29 seconds, and answers a malformed request line HTTP/0.9 style, with no status line.
Here the whole head is capped, must arrive within a deadline, and every refusal is a proper status.
"""
from __future__ import annotations

import email.parser
import io
import ipaddress
import re
import socket
import time
from http import HTTPStatus
from urllib.parse import unquote, urlsplit

MAX_HEAD = 64 * 1024  # request line and all headers together; browsers send a few KB
MAX_FIELDS = 100
REQUEST_LINE = re.compile(r"([!#$%&'*+.^_`|~0-9A-Za-z-]+) (\S+) (HTTP/\d+\.\d+)\r?\n?")
FIELD = re.compile(rb"[!#$%&'*+.^_`|~0-9A-Za-z-]+:")
HOST = re.compile(r"(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._~%!$&'()*+,;=-]+)(:\d{0,5})?")
RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
MAX_DIGITS = 18  # a byte offset longer than this is beyond any file (and int() refuses 4,300+ digits)


class Refused(Exception):
    """A request that gets `status` and a closed connection."""

    def __init__(self, status: HTTPStatus, reason: str):
        super().__init__(reason)
        self.status = status
        self.reason = reason


class DeadlineReader(io.RawIOBase):
    """The socket's bytes; while `deadline` is set, every read fails once it has passed, so a client
    trickling a byte at a time cannot stretch a per-read timeout forever."""

    def __init__(self, sock: socket.socket, idle: float):
        self.sock = sock
        self.idle = idle
        self.deadline: float | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self.deadline is not None:
            left = self.deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("request head too slow")
            self.sock.settimeout(min(left, self.idle))
        return self.sock.recv_into(buffer)


def parse_request_line(raw: bytes) -> tuple[str, str, tuple[int, int]]:
    """(method, target, version) of `METHOD target HTTP/1.x`, or Refused (400, or 505 for a version
    other than 1.x: HTTP/0.9's bare `GET /path` would be answered with no status line at all)."""
    line = raw.decode("iso-8859-1")
    m = REQUEST_LINE.fullmatch(line)
    if not m:
        version = line.split()[-1] if line.split() else ""
        if re.fullmatch(r"HTTP/\d+(\.\d+)?", version) and not version.startswith("HTTP/1."):
            raise Refused(HTTPStatus.HTTP_VERSION_NOT_SUPPORTED, "only HTTP/1.0 and HTTP/1.1")
        raise Refused(HTTPStatus.BAD_REQUEST, "malformed request line")
    method, target, version = m.groups()
    major, minor = (int(n) for n in version[5:].split("."))
    if major != 1:
        raise Refused(HTTPStatus.HTTP_VERSION_NOT_SUPPORTED, "only HTTP/1.0 and HTTP/1.1")
    return method, target, (major, minor)


def read_fields(rfile, budget: int, message_class):
    """The header fields after the request line, in at most `budget` bytes and MAX_FIELDS lines."""
    lines = []
    while True:
        line = rfile.readline(budget + 1)
        budget -= len(line)
        if budget < 0 or len(lines) >= MAX_FIELDS:
            raise Refused(HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "request headers too large")
        if line in (b"\r\n", b"\n"):
            break
        if not line.endswith(b"\n"):  # the client went away mid-head
            raise ConnectionResetError("incomplete request head")
        if not FIELD.match(line):  # also obsolete line folding, which smuggles text into a field
            raise Refused(HTTPStatus.BAD_REQUEST, "malformed header field")
        lines.append(line)
    return email.parser.Parser(_class=message_class).parsestr(b"".join(lines).decode("iso-8859-1"))


def request_host(target: str, headers, version: tuple[int, int]) -> str | None:
    """The host a request is for: from an absolute-form target, else the one Host field (RFC 9112
    3.2). Refused for two Host fields, an empty or malformed one, or none in HTTP/1.1."""
    fields = headers.get_all("Host") or []
    if len(fields) > 1:
        raise Refused(HTTPStatus.BAD_REQUEST, "more than one Host header")
    if not target.startswith("/") and "://" in target:
        parts = urlsplit(target)
        if parts.scheme.lower() != "http" or not parts.netloc:
            raise Refused(HTTPStatus.BAD_REQUEST, "not an http:// request")
        host = parts.netloc.rpartition("@")[2]
    elif fields:
        host = fields[0].strip()
    elif version >= (1, 1):
        raise Refused(HTTPStatus.BAD_REQUEST, "no Host header")
    else:
        return None
    if not HOST.fullmatch(host):
        raise Refused(HTTPStatus.BAD_REQUEST, "malformed Host")
    return host


def has_body(headers) -> bool:
    """Whether a request carries a body. The preview never reads one, so the connection must close
    after the answer: otherwise the body's bytes would be read as the next request."""
    if headers.get("Transfer-Encoding") is not None:
        return True
    values = {v.strip() for v in headers.get_all("Content-Length") or []}
    if len(values) > 1 or not all(v.isdigit() for v in values):
        raise Refused(HTTPStatus.BAD_REQUEST, "bad Content-Length")
    return bool(values) and values.pop().strip("0") != ""


def is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return host.lower().rstrip(".") == "localhost" or host.lower().endswith(".localhost")


def host_name(host: str) -> str:
    return host[1:host.find("]")] if host.startswith("[") else host.rsplit(":", 1)[0]


class BadPath(Exception):
    pass


def split_target(target: str) -> tuple[str, str]:
    """(path, query) of a request target; `//x` is a path here, not a host as urlsplit would read it."""
    if not target.startswith("/"):
        parts = urlsplit(target)  # absolute form: http://host/path
        return (parts.path if parts.scheme in ("http", "https") else target), parts.query
    path, _, query = target.partition("?")
    return path.partition("#")[0], query


def request_path(target: str) -> tuple[str, bool]:
    """The decoded, normalised path of a request target and whether it ended in a slash.

    Raises BadPath for anything that tries to leave the site: `..` (plain or %-encoded), encoded
    slashes or backslashes, NUL bytes."""
    path = split_target(target)[0]
    if not path.startswith("/"):
        raise BadPath(target)
    parts = []
    for raw in path.split("/"):
        part = unquote(raw, errors="strict") if "%" in raw else raw
        if part in (".", "..") or any(c in part for c in "/\\\0"):
            raise BadPath(target)
        if part:
            parts.append(part)
    trailing = path.endswith("/") and bool(parts)
    return "/" + "/".join(parts) + ("/" if trailing else ""), trailing


def parse_range(header: str, size: int) -> tuple[int, int] | None | bool:
    """(first, last) byte; None to ignore the header (malformed, or several ranges); False if it
    cannot be satisfied, which includes offsets too long to be any file's (as nginx answers)."""
    m = RANGE.match(header.strip())
    if not m or (not m.group(1) and not m.group(2)):
        return None
    first, last = m.group(1), m.group(2)
    if len(first.lstrip("0")) > MAX_DIGITS or len(last.lstrip("0")) > MAX_DIGITS:
        return False
    if not first:  # the last N bytes
        n = int(last)
        return (max(0, size - n), size - 1) if n > 0 and size > 0 else False
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if last and int(last) < start:
        return None
    if start >= size:
        return False
    return start, end
