"""A document's Markdown as top-level blocks with fingerprints that ignore layout.

Blocks come from markdown-it's own tokens (the parse that renders the page), so a block here is
exactly what a reader sees as one paragraph, heading, list, quote, code block or table. Fingerprints
normalise whitespace, so re-wrapping lines (in either script) or re-indenting changes nothing, while
any change to words or markup does.
"""
from __future__ import annotations

import hashlib
import re
import sys
import unicodedata
from array import array
from typing import NamedTuple

from ..text import shorten

KINDS = {  # lock-file name -> what a translator is told
    "title": "title", "summary": "summary", "p": "paragraph", "image": "image",
    "h1": "heading", "h2": "heading", "h3": "heading", "h4": "heading", "h5": "heading", "h6": "heading",
    "list": "list", "quote": "quote", "code": "code block", "table": "table", "html": "HTML block",
    "hr": "rule", "note": "footnote",
}
_OPEN = {"paragraph_open": "p", "bullet_list_open": "list", "ordered_list_open": "list",
         "blockquote_open": "quote", "table_open": "table", "footnote_open": "note"}
# CJK characters and full-width punctuation: a line break between two of them is not a space,
# so re-wrapping Chinese must not change the fingerprint
_WIDE = "\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
_WIDE_SPACE = re.compile(f"(?<=[{_WIDE}]) | (?=[{_WIDE}])")
_HAS_WIDE = re.compile(f"[{_WIDE}]")
FINGERPRINT_LENGTH = 12


class Block(NamedTuple):
    """One block; `line`/`end` (file lines, end inclusive) are None for a block read back from
    the lock file, which keeps only what comparing needs. A tuple: the memo holds some fifty a
    post, and a tuple unpickles five times faster than a frozen dataclass."""

    kind: str
    fingerprint: str
    words: str  # the first words, for telling the translator which block
    line: int | None = None
    end: int | None = None

    @property
    def heading(self) -> bool:
        return self.kind[0] == "h" and self.kind[1:].isdigit()

    @property
    def label(self) -> str:
        return KINDS.get(self.kind, self.kind)


class Blocks:
    """A document's blocks as the memo and the model keep them, packed: their kinds (a few shared
    names), fingerprints as bytes, first words joined and lines as one array. As 25 `Block` tuples
    each with its strings and numbers they took 7.5 KiB of a document, more than its HTML; read, it
    gives `Block`s again (iteration, len, index)."""

    __slots__ = ("kinds", "prints", "words", "lines")

    def __init__(self, blocks=()):
        blocks = list(blocks)
        self.kinds = tuple(sys.intern(b.kind) for b in blocks)
        self.prints = bytes.fromhex("".join(b.fingerprint for b in blocks))
        self.words = _SEP.join(b.words for b in blocks)
        self.lines = array("i", [-1 if n is None else n for b in blocks for n in (b.line, b.end)])

    @staticmethod
    def of(blocks) -> "Blocks | tuple[Block, ...]":
        """`blocks` packed, or as a tuple when they do not fit (a fingerprint not of hex digits,
        first words holding the separator)."""
        blocks = tuple(blocks)
        if all(len(b.fingerprint) == FINGERPRINT_LENGTH and _HEX.fullmatch(b.fingerprint) and _SEP not in b.words
               for b in blocks):
            return Blocks(blocks)
        return blocks

    def __len__(self) -> int:
        return len(self.kinds)

    def __iter__(self):
        words = self.words.split(_SEP) if self.kinds else []
        prints, lines, size = self.prints.hex(), self.lines, FINGERPRINT_LENGTH
        for i, kind in enumerate(self.kinds):
            line, end = lines[2 * i], lines[2 * i + 1]
            yield Block(kind, prints[size * i:size * (i + 1)], words[i], None if line < 0 else line,
                        None if end < 0 else end)

    def __getitem__(self, i: int) -> Block:
        return list(self)[i]

    def __eq__(self, other) -> bool:
        return isinstance(other, Blocks) and (self.kinds, self.prints, self.words, self.lines) == \
            (other.kinds, other.prints, other.words, other.lines)

    def __hash__(self) -> int:
        return hash((self.kinds, self.prints, self.words))

    def __repr__(self) -> str:
        return f"Blocks({list(self)})"

    def __reduce__(self):
        return _blocks, (self.kinds, self.prints, self.words, self.lines.tobytes())


def _blocks(kinds: tuple, prints: bytes, words: str, lines: bytes) -> Blocks:
    out = Blocks()
    out.kinds, out.prints, out.words = kinds, prints, words
    out.lines.frombytes(lines)
    return out


_SEP = "\0"  # between two blocks' first words: Markdown never holds NUL (markdown-it makes it U+FFFD)
_HEX = re.compile(r"[0-9a-f]+")


def normalize(text: str) -> str:
    # str.split() splits on the whitespace `\s` matches, five times faster than a regex
    text = " ".join(unicodedata.normalize("NFC", text).split())
    # Chinese prose mostly has no space, English none next to a wide character
    return _WIDE_SPACE.sub("", text) if " " in text and _HAS_WIDE.search(text) else text


def fingerprint(kind: str, text: str) -> str:
    digest = hashlib.blake2b(f"{kind}\0{text}".encode(), digest_size=16).hexdigest()
    return digest[:FINGERPRINT_LENGTH]


def text_block(kind: str, value: str, line: int | None = None) -> Block:
    """A block for a front-matter text such as the title or summary."""
    norm = normalize(value)
    return Block(kind, fingerprint(kind, norm), shorten(norm, 48), line, line)


def _code(content: str) -> str:
    """Code keeps its indentation; only trailing spaces and blank edges are layout."""
    return "\n".join(row.rstrip() for row in content.strip("\n").split("\n"))


def _kind(tokens, i: int) -> str | None:
    token = tokens[i]
    if token.type == "heading_open":
        return token.tag
    if token.type in ("fence", "code_block"):
        return "code"
    if token.type == "hr":
        return "hr"
    if token.type == "html_block":
        content = token.content.strip()
        # a lone comment (`<!-- more -->`) is a marker, not text anyone translates
        if content.startswith("<!--") and content.endswith("-->") and content.count("<!--") == 1:
            return None
        return "html"
    if token.type == "paragraph_open":
        inline = tokens[i + 1].children or []
        if any(c.type == "image" for c in inline) and all(
                c.type in ("image", "softbreak", "hardbreak") or (c.type == "text" and not c.content.strip())
                for c in inline):
            return "image"
    return _OPEN.get(token.type)


def _stop(tokens, i: int) -> int:
    """Index after the token that closes the block opened at `i`."""
    if tokens[i].nesting != 1:
        return i + 1
    depth = 0
    for j in range(i, len(tokens)):
        depth += tokens[j].nesting
        if depth == 0:
            return j + 1
    return len(tokens)


def _content(tokens, kind: str) -> tuple[str, str]:
    """(normalised text to fingerprint, plain first words)."""
    parts, plain = [], []
    for token in tokens:
        if token.type == "inline":
            parts.append(normalize(token.content))
            plain.extend(" " if c.type in ("softbreak", "hardbreak") else c.content
                         for c in token.children or [] if c.type in ("text", "code_inline", "softbreak", "hardbreak"))
            plain.append(" ")
        elif token.type in ("fence", "code_block"):
            parts.append(token.info.strip() + "\n" + _code(token.content))
            plain.append(token.content.strip().split("\n")[0])
        elif token.type == "html_block":
            parts.append(normalize(token.content))
            plain.append(token.content)
        elif token.nesting == 1 and token.type in ("list_item_open", "tr_open", "th_open", "td_open"):
            parts.append("|" + token.type[:2])  # moving text to another item or cell is a change
        elif token.type == "image":
            parts.append(token.attrGet("src") or "")
    if kind == "image":
        plain = [c.content or c.attrGet("src") or "" for t in tokens if t.type == "inline"
                 for c in t.children or [] if c.type == "image"]
    return "\n".join(parts), shorten(normalize("".join(plain)), 48)


def _lines(tokens) -> tuple[int | None, int | None]:
    maps = [t.map for t in tokens if t.map]
    if not maps:
        return None, None
    return min(m[0] for m in maps), max(m[1] for m in maps)


def split_tokens(tokens, line_offset: int = 0) -> tuple[list[Block], list[tuple[int, int]]]:
    """(blocks of a parsed document, footnotes last (where markdown-it puts them), and each one's
    [start, stop) in the token stream); `line_offset` is the file line before the text's first line."""
    blocks, ranges = [], []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.level != 0 or token.type in ("footnote_block_open", "footnote_block_close"):
            i += 1
            continue
        stop = _stop(tokens, i)
        kind = _kind(tokens, i)
        if kind is not None:
            text, words = _content(tokens[i:stop], kind)
            first, last = _lines(tokens[i:stop])
            blocks.append(Block(kind, fingerprint(kind, text), words,
                                None if first is None else first + 1 + line_offset,
                                None if last is None else last + line_offset))
            ranges.append((i, stop))
        i = stop
    return blocks, ranges


def document_blocks(title: str, title_line: int | None, summary: str | None, summary_line: int | None,
                    body: list[Block]) -> list[Block]:
    """What a translation must keep up with: its title, the summary if written out, and the body."""
    head = [text_block("title", title, title_line)]
    if summary:
        head.append(text_block("summary", summary, summary_line))
    return head + body
