"""Theme assets: the stylesheet (with Pygments colours for light and dark) and script, fingerprinted."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

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


@lru_cache(maxsize=None)
def pygments_css(light=RijiLight, dark: str = "github-dark") -> str:
    def rules(style) -> list[str]:
        defs = HtmlFormatter(style=style).get_style_defs(".prose pre").splitlines()
        # keep token colours only: the theme sets the block's own background
        return [r for r in defs if r.startswith(".prose pre .")]

    def block(query: str, style) -> str:
        # each palette only under its own scheme, so no light colour leaks onto the dark background
        return f"@media (prefers-color-scheme: {query}) {{\n" + "\n".join("  " + r for r in rules(style)) + "\n}\n"

    return "\n/* Pygments: code colours */\n" + block("light", light) + block("dark", dark)


def theme_assets(theme: Theme) -> tuple[dict[str, str], dict[str, bytes | Path]]:
    """(asset name -> site-relative URL, output files)."""
    urls: dict[str, str] = {}
    files: dict[str, bytes | Path] = {}
    for name, path in theme.assets.items():
        if name.endswith(FINGERPRINTED):
            data = theme.data[name]
            if name == "style.css":
                data += pygments_css().encode()
            out = "assets/" + fingerprint(name, data)
            files[out] = data
        else:
            out = "assets/" + name
            files[out] = path
        urls[name] = out
    return urls, files
