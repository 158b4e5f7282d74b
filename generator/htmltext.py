"""The text nodes of an HTML fragment, so that spacing, pinyin and script conversion change only what a
reader sees: never a tag, an attribute, a comment, or anything inside code."""
from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Callable

_MARKUP = re.compile(
    r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<![^>]*>|<\?.*?>"
    r"|<(/?)([A-Za-z][A-Za-z0-9-]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>", re.S)
_LANG_ATTR = re.compile(r"""\slang\s*=""", re.I)

# text inside these is code, or not text at all, and is never changed
CODE = frozenset({"code", "pre", "kbd", "samp", "var", "tt", "script", "style", "textarea", "svg", "math",
                  "template", "rt", "rp"})
_RAW_TEXT = frozenset({"script", "style", "textarea"})
VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
                  "source", "track", "wbr"})
# text on both sides of these tags still reads as one run (a space may be needed across them)
INLINE = frozenset({"a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "del", "dfn", "em", "i", "ins",
                    "kbd", "mark", "q", "s", "samp", "small", "span", "strong", "time", "u", "var", "tt"})


@dataclass(slots=True)
class Part:
    raw: str
    tag: str = ""  # lower-case element name for markup; "" for text (and for comments, with markup=True)
    closing: bool = False
    markup: bool = False
    # for text: inside a CODE element / an element with its own lang; for a tag: the same just after it
    in_code: bool = False
    in_lang: bool = False
    in_ruby: bool = False

    @property
    def text(self) -> str:
        return html.unescape(self.raw)

    @property
    def opening(self) -> bool:
        return bool(self.tag) and not self.closing and self.tag not in VOID and not self.raw.endswith("/>")


def split(fragment: str) -> list[Part]:
    """Text and markup in document order; each part knows whether it sits inside code, inside ruby
    or inside an element that names its own language."""
    parts: list[Part] = []
    stack: list[tuple[str, bool]] = []  # open elements: (name, has lang)
    code = lang = ruby = 0  # how many open elements are code, name a language, are ruby
    pos, size, search = 0, len(fragment), _MARKUP.search
    while pos < size:
        m = search(fragment, pos)
        end = m.start() if m else size
        if end > pos:
            parts.append(Part(fragment[pos:end], "", False, False, code > 0, lang > 0, ruby > 0))
        if not m:
            break
        slash, name, attrs = m.group(1, 2, 3)
        closing, name = slash == "/", name.lower() if name else ""
        part = Part(m.group(0), name, closing, True)
        if name and not closing and part.opening:
            has_lang = bool(attrs) and _LANG_ATTR.search(attrs) is not None
            stack.append((name, has_lang))
            code += name in CODE
            lang += has_lang
            ruby += name == "ruby"
        elif name and closing and any(n == name for n, _ in stack):
            while stack:
                entry, has_lang = stack.pop()
                code -= entry in CODE
                lang -= has_lang
                ruby -= entry == "ruby"
                if entry == name:
                    break
        part.in_code, part.in_lang, part.in_ruby = code > 0, lang > 0, ruby > 0
        parts.append(part)
        pos = m.end()
        if name in _RAW_TEXT and not closing:  # script and style hold no tags: jump to their end
            close = re.compile(rf"</{name}\s*>", re.I).search(fragment, pos)
            stop = close.start() if close else size
            if stop > pos:
                parts.append(Part(fragment[pos:stop], in_code=True))
            pos = stop
    return parts


def join(parts: list[Part]) -> str:
    return "".join(p.raw for p in parts)


def set_text(part: Part, text: str) -> None:
    """Replace a text part's content, escaping only if it changed (the bytes stay as they were)."""
    if text != part.text:
        part.raw = html.escape(text, quote=False)


def map_text(fragment: str, fn: Callable[[str], str]) -> str:
    """`fn` applied to every text node outside code; markup and code stay byte for byte."""
    if "<" not in fragment and "&" not in fragment:
        return fn(fragment)
    parts = split(fragment)
    for p in parts:
        if not p.markup and not p.in_code:
            set_text(p, fn(p.text))
    return join(parts)


def sub_text(fragment: str, pattern: re.Pattern, repl: Callable[[str], str], *, own_lang: bool = False,
             ruby: bool = False) -> str:
    """Each match of `pattern` in text outside code becomes the HTML `repl(match text)`; the text
    around it is escaped as before. `own_lang=True` leaves text that names its own language alone,
    `ruby=True` text that already has ruby."""
    parts = split(fragment)
    for p in parts:
        if p.markup or p.in_code or (own_lang and p.in_lang) or (ruby and p.in_ruby):
            continue
        text = p.text
        if not pattern.search(text):
            continue
        out, pos = [], 0
        for m in pattern.finditer(text):
            out += [html.escape(text[pos:m.start()], quote=False), repl(m.group())]
            pos = m.end()
        out.append(html.escape(text[pos:], quote=False))
        p.raw = "".join(out)
    return join(parts)


def add_attribute(tag: str, name: str, value: str) -> str:
    """`<p>` -> `<p lang="en">`, keeping the tag's own attributes."""
    end = -2 if tag.endswith("/>") else -1
    return f'{tag[:end].rstrip()} {name}="{html.escape(value)}"{tag[end:]}'
