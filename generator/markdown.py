"""Markdown to HTML for one language version of a document; pure, so results can be cached.

Links to other Markdown files cannot be resolved here (that needs the whole site), so they are
written as `riji:md/<path>#frag` placeholders that `model` swaps for real URLs in one cheap pass.
"""
from __future__ import annotations

import html
import re
import unicodedata
from array import array
from dataclasses import dataclass, field
from functools import lru_cache, partial
from urllib.parse import unquote, urlsplit

from markdown_it import MarkdownIt
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.tasklists import tasklists_plugin
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

from . import constants, typography
from .conversion import convert_html, convert_text
from .markdown_diary import caption, diary_plugin
from .pinyin import pinyin_runs, readings_file
from .text import count, shorten
from .translations.blocks import Blocks, split_tokens

PLACEHOLDER = "riji:md/"
RENDER_VERSION = "10"  # bump when output for the same source changes, to invalidate caches


class Spans:
    """Where each block of a document is in its HTML, as (start, end) pairs, kept as one array of
    numbers: the memo and the model hold some 25 a document, and as a tuple of pairs of integers
    they took 2.9 KiB of it (30 MB at 5,000 posts) and 75 objects for each load to make."""

    __slots__ = ("flat",)

    def __init__(self, pairs=()):
        self.flat = array("I", [n for pair in pairs for n in pair])

    def __iter__(self):
        numbers = iter(self.flat)
        return zip(numbers, numbers)

    def __len__(self) -> int:
        return len(self.flat) // 2

    def __getitem__(self, i: int) -> tuple[int, int]:
        i = range(len(self))[i]  # an IndexError as a tuple's, negative indices too
        return self.flat[2 * i], self.flat[2 * i + 1]

    def __eq__(self, other) -> bool:
        return isinstance(other, Spans) and self.flat == other.flat

    def __hash__(self) -> int:
        return hash(self.flat.tobytes())

    def __repr__(self) -> str:
        return f"Spans({list(self)})"

    def __reduce__(self):
        return _spans, (self.flat.tobytes(),)


def _spans(data: bytes) -> Spans:
    out = Spans()
    out.flat.frombytes(data)
    return out


@dataclass(slots=True)
class Rendered:
    html: str
    links: list[tuple[str, int]] = field(default_factory=list)  # (local target, line)
    headings: list[tuple[int, str, str]] = field(default_factory=list)  # (level, id, text)
    words: int = 0  # Latin words and CJK characters, counted here so the cache keeps them
    cjk: int = 0
    pinyin: bytes = b""  # pinyin.json, packed: the Han runs and their readings (pinyin.py); b"": none
    # the top-level blocks (translations.blocks) and where each is in `html`, from the same parse;
    # `notes` is the whole footnotes section, which a reader sees as one
    blocks: Blocks | tuple = ()  # translations.blocks.Blocks: packed
    spans: Spans | tuple = ()
    notes: tuple[int, int] | None = None
    # the Pygments token classes its code blocks use, sorted: a set's order, and so its pickle (which
    # the writer digests), changes from one run to the next
    code_classes: tuple[str, ...] = ()
    # the summary and description of a document whose front matter gives neither, spaced as its
    # text is: made here, on the workers, and kept in the cache, not made again by every build
    summary: str = ""
    description: str = ""
    key: str = ""  # its cache key (build.markdown_key: a digest of the text and settings), set once cached


_TOKEN_SPAN = re.compile(r'<span class="([\w-]+)">')


def heading_id(text: str) -> str:
    """Stable id from heading text, keeping CJK characters so Chinese headings stay readable."""
    text = unicodedata.normalize("NFKC", text).lower().strip()
    slug = re.sub(r"[^\w\s-]", "", text)
    slug = re.sub(r"[\s_-]+", "-", slug).strip("-")
    return slug or "section"


def _highlight(code: str, lang: str, attrs: str) -> str:
    try:
        lexer = get_lexer_by_name(lang) if lang else None
    except ClassNotFound:
        lexer = None
    if lexer is None:
        return ""  # markdown-it escapes it as plain code
    return highlight(code, lexer, HtmlFormatter(nowrap=True))


def _is_local(href: str) -> bool:
    parts = urlsplit(href)
    return not parts.scheme and not parts.netloc and not href.startswith(("#", "/", "//"))


def _site_rooted(url: str, base_url: str) -> str:
    """`/about/` written in Markdown means the site's root: prefix the base path of a site that
    lives under a sub-path (https://name.github.io/diary/ -> /diary/about/), once."""
    if not url.startswith("/") or url.startswith("//") or not base_url:
        return url
    base_path = constants.base_path(base_url).rstrip("/")
    if not base_path or url == base_path or url.startswith(base_path + "/"):
        return url
    return base_path + url


def _render_link_open(self, tokens, idx, options, env):
    token = tokens[idx]
    href = token.attrGet("href") or ""
    if href.startswith("/"):
        token.attrSet("href", _site_rooted(href, env.get("base_url") or ""))
    elif _is_local(href):
        path = unquote(urlsplit(href).path)
        if path:
            env["links"].append((href, env.get("line", 0)))
        if path.endswith(".md"):
            token.attrSet("href", PLACEHOLDER + href)
    elif urlsplit(href).scheme in ("http", "https") and not href.startswith(env.get("base_url") or "\0"):
        token.attrSet("rel", "noopener")
    return self.renderToken(tokens, idx, options, env)


def _render_image(self, tokens, idx, options, env):
    token = tokens[idx]
    src = token.attrGet("src") or ""
    if _is_local(src):
        env["links"].append((src, env.get("line", 0)))
    elif src.startswith("/"):
        token.attrSet("src", _site_rooted(src, env.get("base_url") or ""))
    token.attrSet("loading", "lazy")
    token.attrSet("decoding", "async")
    return self.image(tokens, idx, options, env) + caption(token)


@lru_cache(maxsize=None)
def parser(smart_quotes: bool) -> MarkdownIt:
    md = MarkdownIt("commonmark", {"typographer": smart_quotes, "highlight": _highlight})
    md.enable(["table", "strikethrough"])
    if smart_quotes:
        md.enable(["replacements", "smartquotes"])
    md.use(footnote_plugin)
    md.use(tasklists_plugin)
    md.use(diary_plugin)
    md.use(anchors_plugin, min_level=2, max_level=4, slug_func=heading_id)
    md.add_render_rule("link_open", _render_link_open)
    md.add_render_rule("image", _render_image)
    md.add_render_rule("footnote_block_open", _render_footnote_block_open)
    md.add_render_rule("footnote_anchor", _render_footnote_anchor)
    md.add_render_rule("footnote_caption", _render_footnote_caption)
    return md


def _render_footnote_caption(self, tokens, idx, options, env):
    """A plain number for the superscript marker: "1", not the plugin's "[1]"."""
    meta = tokens[idx].meta
    return str(meta["id"] + 1) + (f":{meta['subId']}" if meta.get("subId", -1) > 0 else "")


def _render_footnote_block_open(self, tokens, idx, options, env):
    notes, _back = env["labels"]
    return (f'<hr class="footnotes-sep">\n<section class="footnotes" aria-labelledby="footnotes-title">\n'
            f'<h2 class="visually-hidden" id="footnotes-title">{html.escape(notes)}</h2>\n'
            f'<ol class="footnotes-list">\n')


def _render_footnote_anchor(self, tokens, idx, options, env):
    ident = self.rules["footnote_anchor_name"](tokens, idx, options, env)
    if tokens[idx].meta["subId"] > 0:
        ident += ":" + str(tokens[idx].meta["subId"])
    _notes, back = env["labels"]
    # ↑, which every text face has and no system draws as an emoji (↩ is both missing from many
    # faces and an emoji on iOS); the label names it for screen readers
    return f' <a href="#fnref{ident}" class="footnote-backref" aria-label="{html.escape(back)}">\u2191</a>'


def render(text: str, *, smart_quotes: bool, line_offset: int = 0, base_url: str = "",
           labels: tuple[str, str] = ("Notes", "Back to text"), convert: str = "", cjk_spacing: bool = False,
           latin_lang: str = "", han_lang: str = "", pinyin: bool = False) -> Rendered:
    """Render Markdown; `line_offset` is the file line of the text's first line, for messages.
    Then, on the HTML's text only: `convert` it by that OpenCC conversion; mark Latin-only blocks
    `latin_lang`; space Han and Latin (`cjk_spacing`); mark Han runs `han_lang`; read the pinyin."""
    md = parser(smart_quotes)
    env: dict = {"links": [], "base_url": base_url, "labels": labels}
    tokens = md.parse(text, env)
    headings = []
    out = []
    renderer = md.renderer
    for i, token in enumerate(tokens):
        if token.type == "heading_open" and token.attrGet("id"):
            title = "".join(c.content for c in tokens[i + 1].children or [] if c.type in ("text", "code_inline"))
            headings.append((int(token.tag[1]), token.attrGet("id"), title))
    # render block by block so link diagnostics carry the line of their paragraph
    starts = []  # where each token's output starts in the page's HTML
    at = 0
    for i, token in enumerate(tokens):
        starts.append(at)
        if token.map is not None:
            env["line"] = token.map[0] + 1 + line_offset
        if token.type == "inline":
            out.append(renderer.renderInline(token.children or [], md.options, env))
        elif token.type in renderer.rules:
            out.append(renderer.rules[token.type](tokens, i, md.options, env))
        else:
            out.append(renderer.renderToken(tokens, i, md.options, env))
        at += len(out[-1])
    starts.append(at)
    html_out = "".join(out)
    found, ranges = split_tokens(tokens, line_offset)
    spans = Spans((starts[start], starts[stop]) for start, stop in ranges)
    notes = [i for i, t in enumerate(tokens) if t.type in ("footnote_block_open", "footnote_block_close")]
    notes = (starts[notes[0]], starts[notes[-1] + 1]) if notes else None
    html_out, spans, notes = by_block(html_out, spans, notes, partial(
        typography.finish, latin_lang=latin_lang, cjk_spacing=cjk_spacing, han_lang=han_lang))
    runs = pinyin_runs(html_out, partial(convert_text, config=convert) if convert else None) if pinyin else ()
    if convert:
        html_out, spans, notes = by_block(html_out, spans, notes, lambda piece: convert_html(piece, convert))
        headings = [(level, ident, convert_text(title, convert)) for level, ident, title in headings]
    words, cjk = count(html_to_text(html_out))
    classes = tuple(sorted(set(_TOKEN_SPAN.findall(html_out)))) if "<pre" in html_out else ()
    space = typography.space_text if cjk_spacing else str
    summary = space(lead(html_out))
    return Rendered(html_out, env["links"], headings, words, cjk, readings_file(runs) if runs else b"",
                    Blocks.of(found), spans, notes, classes, summary, space(shorten(summary, 160)))


def split_blocks(text: str, line_offset: int = 0, smart_quotes: bool = False) -> list:
    """The blocks `render` would find, without rendering (for `riji status`); with the quotes it
    would curl, so that a block's first words read as the build's."""
    return split_tokens(parser(smart_quotes).parse(text, {}), line_offset)[0]


def by_block(html: str, spans, notes, finish) -> tuple[str, tuple, tuple | None]:
    """`finish` applied to `html` piece by piece, cut where blocks start and end (what it changes
    never crosses a block), so each block's place in the finished HTML is still known."""
    cuts = sorted({0, len(html), *(n for span in spans for n in span), *(notes or ())})
    moved, pieces, at = {}, [], 0
    for start, end in zip(cuts, cuts[1:]):
        moved[start] = at
        pieces.append(finish(html[start:end]))
        at += len(pieces[-1])
    moved[len(html)] = at
    return ("".join(pieces), Spans((moved[a], moved[b]) for a, b in spans),
            (moved[notes[0]], moved[notes[1]]) if notes else None)


_TAG = re.compile(r"<[^>]+>")
_MORE = re.compile(r"<!--\s*more\s*-->")
_FIRST_P = re.compile(r"<p>(.*?)</p>", re.DOTALL)
_FOOTNOTE_REF = re.compile(r'<sup class="footnote-ref">.*?</sup>', re.DOTALL)


def lead(html_text: str) -> str:
    """The summary of a document's HTML: its text above `<!-- more -->`, else its first paragraph's,
    shortened. Marks (a `[TOC]`'s) and tags are not text; note markers lead nowhere from a summary."""
    html_text = _FOOTNOTE_REF.sub("", html_text)
    more = _MORE.search(html_text)
    if more:
        return " ".join(html_to_text(html_text[:more.start()]).split())
    first = _FIRST_P.search(html_text)
    return shorten(html_to_text(first.group(1)), 240) if first else ""


def html_to_text(fragment: str) -> str:
    return html.unescape(_TAG.sub("", fragment))
