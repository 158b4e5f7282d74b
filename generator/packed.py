"""Bytes kept compressed while they wait to be written: a first build renders every page search
offers before Pagefind indexes them and the writer writes them, 250 MB of HTML at 5,000 posts,
and each Chinese document keeps its pinyin.json from the Markdown stage to the writer. zlib's
fastest level keeps a fifth to a third of that, and costs 0.1 ms a page where it is made."""
from __future__ import annotations

import zlib


class Packed(bytes):
    """Bytes compressed by `pack`: only `unpacked` reads them."""


def pack(data: bytes) -> Packed:
    return Packed(zlib.compress(data, 1))


def unpacked(data: bytes) -> bytes:
    return zlib.decompress(data) if type(data) is Packed else data


def head(data: bytes, size: int) -> bytes:
    """The first `size` bytes of a page, packed or not."""
    return zlib.decompressobj().decompress(data, size) if type(data) is Packed else data[:size]
