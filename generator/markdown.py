"""Markdown to HTML for one language version of a document; pure, so results can be cached.

Links to other Markdown files cannot be resolved here (that needs the whole site), so they are
written as `riji:md/<path>#frag` placeholders that `model` swaps for real URLs in one cheap pass.
"""
from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import unquote, urlsplit

from markdown_it import MarkdownIt
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.tasklists import tasklists_plugin
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

PLACEHOLDER = "riji:md/"
RENDER_VERSION = "1"  # bump when output for the same source changes, to invalidate caches


@dataclass
class Rendered:
    html: str
    links: list[tuple[str, int]] = field(default_factory=list)  # (local target, line)
    headings: list[tuple[int, str, str]] = field(default_factory=list)  # (level, id, text)


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


def _render_link_open(self, tokens, idx, options, env):
    token = tokens[idx]
    href = token.attrGet("href") or ""
    if _is_local(href):
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
    token.attrSet("loading", "lazy")
    token.attrSet("decoding", "async")
    return self.image(tokens, idx, options, env)


@lru_cache(maxsize=None)
def parser(smart_quotes: bool) -> MarkdownIt:
    md = MarkdownIt("commonmark", {"typographer": smart_quotes, "highlight": _highlight})
    md.enable(["table", "strikethrough"])
    if smart_quotes:
        md.enable(["replacements", "smartquotes"])
    md.use(footnote_plugin)
    md.use(tasklists_plugin)
    md.use(anchors_plugin, min_level=2, max_level=4, slug_func=heading_id)
    md.add_render_rule("link_open", _render_link_open)
    md.add_render_rule("image", _render_image)
    return md


def render(text: str, *, smart_quotes: bool, line_offset: int = 0, base_url: str = "") -> Rendered:
    """Render Markdown; `line_offset` is the file line of the text's first line, for messages."""
    md = parser(smart_quotes)
    env: dict = {"links": [], "base_url": base_url}
    tokens = md.parse(text, env)
    headings = []
    out = []
    renderer = md.renderer
    for i, token in enumerate(tokens):
        if token.type == "heading_open" and token.attrGet("id"):
            title = "".join(c.content for c in tokens[i + 1].children or [] if c.type in ("text", "code_inline"))
            headings.append((int(token.tag[1]), token.attrGet("id"), title))
    # render block by block so link diagnostics carry the line of their paragraph
    for i, token in enumerate(tokens):
        if token.map is not None:
            env["line"] = token.map[0] + 1 + line_offset
        if token.type == "inline":
            out.append(renderer.renderInline(token.children or [], md.options, env))
        elif token.type in renderer.rules:
            out.append(renderer.rules[token.type](tokens, i, md.options, env))
        else:
            out.append(renderer.renderToken(tokens, i, md.options, env))
    return Rendered("".join(out), env["links"], headings)


_TAG = re.compile(r"<[^>]+>")


def html_to_text(fragment: str) -> str:
    return html.unescape(_TAG.sub("", fragment))
