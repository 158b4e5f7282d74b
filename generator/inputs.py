"""Digests of what an output file is made from, so a build can tell which files it need not make again.

A page's inputs are the values its template receives, the site-wide context every template can
reach (settings, UI strings, asset names, the templates themselves) and riji's own code. Two equal
digests mean equal inputs; anything a digest cannot describe makes it None, and the file is made.
"""
from __future__ import annotations

import hashlib
import io
import os
import pickle
from datetime import datetime
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from types import MappingProxyType

from .cachefiles import TextPickler

LIBRARIES = ("jinja2", "markdown-it-py", "mdit-py-plugins", "pygments", "babel", "feedgen", "lxml")


def _digested(value: bytes):
    raise TypeError("a digest's stand-in is never unpickled")


class _Pickler(pickle.Pickler):
    def __init__(self, buf, known: dict | None, shared: tuple):
        super().__init__(buf, protocol=pickle.HIGHEST_PROTOCOL)
        self.known, self.shared = known, shared

    def reducer_override(self, obj):
        kind = type(obj)
        if kind is MappingProxyType:  # the frozen config's mappings
            return dict, (dict(obj),)
        if kind is datetime and obj.tzinfo is not None:  # a dozen on a page: its zone by name, not reduced
            return _digested, (obj.isoformat(), obj.fold, getattr(obj.tzinfo, "key", None) or repr(obj.tzinfo))
        if kind in self.shared:  # e.g. a post's view, on its page and in every list that shows it
            hit = self.known.get(id(obj))
            if hit is None or hit[0] is not obj:
                hit = self.known[id(obj)] = (obj, digest(obj))
            return _digested, (hit[1],)
        return NotImplemented


class _TextPickler(_Pickler):  # a non-ASCII string as UTF-8: nothing cached in it
    persistent_id = TextPickler.persistent_id


def digest(*parts, known: dict | None = None, shared: tuple = (), text: bool = True) -> bytes | None:
    """A digest of `parts` by value, or None if they hold something that cannot be pickled or a cycle.
    Pickled without its memo, so equal values give equal bytes whichever objects they share. Objects
    of the `shared` types (immutable, met on many pages) are digested once each and remembered in
    `known`. `text=False` when `parts` hold no long text (titles, names, dates): pickled by CPython
    alone, three times as fast, at the cost of a UTF-8 copy of each non-ASCII string, which a page's
    HTML must not pay (`cachefiles.TextPickler`)."""
    buf = io.BytesIO()
    try:
        pickler = (_TextPickler if text else _Pickler)(buf, known, shared if known is not None else ())
        pickler.fast = True
        pickler.dump(parts)
    except Exception:  # noqa: BLE001 - an unpicklable value: no digest, the file is just made
        return None
    return hashlib.blake2b(buf.getbuffer(), digest_size=20).digest()


@lru_cache(maxsize=None)
def code_digest() -> bytes:
    """riji's own code and the versions of the libraries that shape its output."""
    h = hashlib.blake2b(digest_size=20)
    for path in sorted(Path(__file__).parent.rglob("*.py")):
        h.update(path.as_posix().encode() + b"\0" + path.read_bytes())
    for name in LIBRARIES:
        try:
            h.update(f"{name}={metadata.version(name)}\0".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{name}=none\0".encode())
    return h.digest()


def walk(folder):
    """(folder, its file names) below `folder`, sorted, through links to folders as Jinja's loader
    reads templates, each real folder once (a link to a folder above ends there)."""
    seen = set()
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=True):
        real = os.path.realpath(dirpath)
        if real in seen:
            dirnames.clear()
            continue
        seen.add(real)
        dirnames.sort()
        yield dirpath, sorted(filenames)


def files_digest(folders) -> bytes:
    """Every file below `folders` (names and contents), e.g. a theme's templates."""
    h = hashlib.blake2b(digest_size=20)
    for folder in folders:
        folder = Path(folder)
        h.update(str(folder).encode() + b"\0")
        for dirpath, names in walk(folder):
            for name in names:
                path = Path(dirpath, name)
                if path.is_file():
                    h.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return h.digest()


def content_digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=20).digest()
