"""Markdown rules a diary needs beyond CommonMark: figures with captions and a `[TOC]` marker.

Both work on markdown-it tokens, so text inside code spans or blocks is never taken for either.
"""
from __future__ import annotations

import html

TOC_MARK = "<!--riji:toc-->"  # where a `[TOC]` paragraph stood; the page renderer puts the contents there


def _alone(tokens, i: int) -> list | None:
    """The inline children of a paragraph at `i` that holds nothing else, or None."""
    if (tokens[i].type != "paragraph_open" or i + 2 >= len(tokens)
            or tokens[i + 1].type != "inline" or tokens[i + 2].type != "paragraph_close"):
        return None
    return tokens[i + 1].children or []


def _diary_blocks(state) -> None:
    tokens = state.tokens
    for i in range(len(tokens) - 2):
        children = _alone(tokens, i)
        if children is None or tokens[i].hidden:
            continue
        if len(children) == 1 and children[0].type == "image" and children[0].attrGet("title"):
            # an image alone in its paragraph, with a title: a figure whose caption is the title
            tokens[i].tag = tokens[i + 2].tag = "figure"
            children[0].meta["caption"] = children[0].attrGet("title")
            del children[0].attrs["title"]
        elif len(children) == 1 and children[0].type == "text" and children[0].content.strip() == "[TOC]":
            tokens[i].type, tokens[i].tag, tokens[i].nesting = "html_block", "", 0
            tokens[i].content = TOC_MARK + "\n"
            tokens[i + 1].children, tokens[i + 1].content = [], ""
            tokens[i + 2].type, tokens[i + 2].tag, tokens[i + 2].nesting = "html_block", "", 0
            tokens[i + 2].content = ""


def caption(token) -> str:
    """The `<figcaption>` to put after a figure's image ("" for any other image)."""
    text = token.meta.get("caption") if token.meta else None
    return f"<figcaption>{html.escape(text)}</figcaption>" if text else ""


def diary_plugin(md) -> None:
    md.core.ruler.push("riji_diary_blocks", _diary_blocks)
