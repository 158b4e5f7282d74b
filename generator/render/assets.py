"""Theme assets: the stylesheet (with Pygments colours for light and dark) and script, fingerprinted."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pygments.formatters import HtmlFormatter

from ..theme import Theme, fingerprint

FINGERPRINTED = (".css", ".js")


@lru_cache(maxsize=None)
def pygments_css(light: str = "friendly", dark: str = "github-dark") -> str:
    def rules(style: str) -> list[str]:
        defs = HtmlFormatter(style=style).get_style_defs(".prose pre").splitlines()
        # keep token colours only: the theme sets the block's own background
        return [r for r in defs if r.startswith(".prose pre .")]

    return ("\n/* Pygments: code colours */\n" + "\n".join(rules(light)) +
            "\n@media (prefers-color-scheme: dark) {\n" + "\n".join("  " + r for r in rules(dark)) + "\n}\n")


def theme_assets(theme: Theme) -> tuple[dict[str, str], dict[str, bytes | Path]]:
    """(asset name -> site-relative URL, output files)."""
    urls: dict[str, str] = {}
    files: dict[str, bytes | Path] = {}
    for name, path in theme.assets.items():
        if name.endswith(FINGERPRINTED):
            data = path.read_bytes()
            if name == "style.css":
                data += pygments_css().encode()
            out = "assets/" + fingerprint(name, data)
            files[out] = data
        else:
            out = "assets/" + name
            files[out] = path
        urls[name] = out
    return urls, files
