"""Theme assets, fingerprinted: the stylesheet and script, minified, and the code colours (Pygments,
light and dark) in a stylesheet of their own that only pages with code load."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import re

import rcssmin
from pygments.formatters import HtmlFormatter
from pygments.style import Style
from pygments.token import (Comment, Error, Generic, Keyword, Name, Number, Operator, String,
                            Token)

from ..theme import FINGERPRINTED, Theme, fingerprint


class RijiLight(Style):
    """Code colours for the light theme: every token at least 4.5:1 on the code background
    (#f2efe9), which no built-in Pygments light style reaches."""

    styles = {
        Token: "#24221f",
        Comment: "italic #5c6657",
        Keyword: "bold #8a2d0f",
        Keyword.Type: "#6b3fa0",
        Name.Builtin: "#1f5f8b",
        Name.Function: "#2f4f9f",
        Name.Class: "bold #6b3fa0",
        Name.Decorator: "#6b3fa0",
        Name.Tag: "#8a2d0f",
        Name.Attribute: "#1f5f8b",
        String: "#2d6b1f",
        Number: "#8a4b00",
        Operator: "#5a5550",
        Operator.Word: "bold #8a2d0f",
        Generic.Deleted: "#a11a1a",
        Generic.Inserted: "#1a6b1a",
        Generic.Heading: "bold #24221f",
        Generic.Emph: "italic",
        Generic.Strong: "bold",
        Error: "#b00020",
    }


CODE_CSS = "code.css"
TOKEN_RULE = re.compile(r"^\.prose pre \.([\w-]+) ")


def code_classes(site) -> frozenset[str]:
    """The Pygments token classes the site's code blocks use: the code stylesheet holds only theirs.
    Each document's were found when its Markdown was rendered (and cached with it). Every entry
    built counts, an unlisted one too."""
    return frozenset().union(*(doc.code_classes for entry in site.entries for doc in entry.docs.values()))


@lru_cache(maxsize=64)
def pygments_css(classes: frozenset[str] | None = None, light=RijiLight, dark: str = "github-dark") -> str:
    """Token colours (of `classes`, or all) for light, and for dark as the page's scheme decides it:
    the system's, unless the reader chose one (data-theme on <html>, as in style.css)."""
    def rules(style, prefix: str = "") -> list[str]:
        defs = HtmlFormatter(style=style).get_style_defs(".prose pre").splitlines()
        # token colours only (the theme sets the block's own background), of the tokens in use
        return [prefix + r for r in defs if (m := TOKEN_RULE.match(r)) and (classes is None or m[1] in classes)]

    def dark_under(prefix: str) -> list[str]:
        # from a clean slate, so no light colour or weight leaks onto the dark background
        reset = "span { color: inherit; background-color: transparent; font-weight: inherit; font-style: inherit; }"
        return [f"{prefix} .prose pre {reset}", *rules(dark, prefix + " ")]

    return "\n".join(["/* Pygments: code colours */", *rules(light),
                      "@media (prefers-color-scheme: dark) {", *dark_under(':root:not([data-theme="light"])'), "}",
                      *dark_under(':root[data-theme="dark"]')]) + "\n"


def minified(name: str, data: bytes) -> bytes:
    """CSS through rcssmin; other files as they are."""
    return rcssmin.cssmin(data.decode("utf-8")).encode("utf-8") if name.endswith(".css") else data


def theme_assets(theme: Theme, classes: frozenset[str] | None = None) -> tuple[dict[str, str], dict[str, bytes | Path]]:
    """(asset name -> site-relative URL, output files); the code stylesheet colours `classes`."""
    urls: dict[str, str] = {}
    files: dict[str, bytes | Path] = {}
    data = dict(theme.data)
    data[CODE_CSS] = data.get(CODE_CSS, b"") + pygments_css(classes).encode()
    for name in sorted({*theme.assets, CODE_CSS}):
        if name in data:
            out = "assets/" + fingerprint(name, minified(name, data[name]))
            files[out] = minified(name, data[name])
        else:
            out = "assets/" + name
            files[out] = theme.assets[name]
        urls[name] = out
    return urls, files
