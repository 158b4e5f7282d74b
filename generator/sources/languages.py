"""A file's language versions: a `.en.md` file's one, or the `<!-- lang: xx -->` sections of a
one-file bilingual post, each with its front-matter block."""
from __future__ import annotations

import re

from ..diagnostics import did_you_mean
from ..yamlfile import Located
from .entries import LANG_KEYS, SHARED_KEYS, SourceDoc
from .frontmatter import SourceFile

MARKER = re.compile(r"^<!--\s*lang:\s*([A-Za-z][A-Za-z-]*)\s*-->[ \t]*$", re.MULTILINE)
FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})", re.MULTILINE)


def find_markers(body: str) -> list[re.Match]:
    """The language markers outside fenced code: a post about riji may show one in a code block."""
    fences, inside, pos = [], None, 0
    for m in FENCE.finditer(body):
        line_end = body.find("\n", m.end())
        rest = body[m.end():line_end if line_end >= 0 else len(body)]
        if inside is None:
            if m.group(1)[0] == "`" and "`" in rest:  # not a fence: a code span such as ```x```
                continue
            inside = (m.group(1), m.start())
        elif m.group(1)[0] == inside[0][0] and len(m.group(1)) >= len(inside[0]) and not rest.strip():
            fences.append((inside[1], m.end()))
            inside = None
    if inside is not None:  # an unclosed fence runs to the end
        fences.append((inside[1], len(body)))
    return [m for m in MARKER.finditer(body) if not any(a <= m.start() < b for a, b in fences)]


def lang_meta(data: dict, located: Located, diag, path, prefix=()) -> tuple[dict, dict]:
    meta, lines = {}, {}
    for key, value in data.items():
        if key in LANG_KEYS:
            meta[key] = value
            lines[key] = located.line(*prefix, key)
    return meta, lines


def split_sections(f: SourceFile, codes: list[str], diag) -> dict[str, tuple[str, int]] | None:
    """Split a one-file bilingual body at its `<!-- lang: xx -->` markers."""
    markers = find_markers(f.body)
    if not markers:
        return {}
    out: dict[str, tuple[str, int]] = {}
    lead = f.body[:markers[0].start()]
    if lead.strip():
        diag.error(f.path, f.body_line + lead[:len(lead) - len(lead.lstrip())].count("\n"),
                   "text before the first '<!-- lang: xx -->' marker belongs to no language")
    ok = True
    for i, m in enumerate(markers):
        lang = m.group(1)
        line = f.body_line + f.body.count("\n", 0, m.start())
        if lang not in codes:
            diag.error(f.path, line, f"marker names language '{lang}', which site.yaml does not list"
                                     f"{did_you_mean(lang, codes)}")
            ok = False
            continue
        if lang in out:
            diag.error(f.path, line, f"second '<!-- lang: {lang} -->' section; each language appears once")
            ok = False
            continue
        end = markers[i + 1].start() if i + 1 < len(markers) else len(f.body)
        out[lang] = (f.body[m.end():end].strip("\n") + "\n", line + 1 + leading_newlines(f.body[m.end():end]))
    return out if ok else None


def leading_newlines(s: str) -> int:
    return len(s) - len(s.lstrip("\n")) - 1 if s.startswith("\n") else 0


def docs_from_file(f: SourceFile, codes: list[str], diag) -> dict[str, SourceDoc]:
    data = f.located.data
    top_meta, top_lines = lang_meta(data, f.located, diag, f.path)
    blocks = {}
    for code in codes:
        if code in data:
            if not isinstance(data[code], dict):
                diag.error(f.path, f.located.line(code), f"'{code}:' must be a mapping (title, summary, ...)")
                blocks[code] = ({}, {"_block": f.located.line(code), "_invalid": True})
                continue
            if f.lang is not None and code != f.lang:
                diag.error(f.path, f.located.line(code),
                           f"a .{f.lang}.md file cannot hold a '{code}:' block; put it in {f.stem}.{code}.md")
                continue
            for key in data[code]:
                if key not in LANG_KEYS:
                    hint = " (it is shared: move it to the top level)" if key in SHARED_KEYS else \
                        did_you_mean(str(key), LANG_KEYS)
                    diag.error(f.path, f.located.line(code, key), f"unknown key '{code}.{key}'{hint}")
            blocks[code] = lang_meta(data[code], f.located, diag, f.path, (code,))
            blocks[code][1]["_block"] = f.located.line(code)
    docs: dict[str, SourceDoc] = {}
    if f.lang is not None:
        if find_markers(f.body):
            diag.error(f.path, None, f"language markers in a .{f.lang}.md file; it holds {f.lang} only")
        meta, lines = dict(top_meta), dict(top_lines)
        if f.lang in blocks:
            meta.update(blocks[f.lang][0])
            lines.update(blocks[f.lang][1])
        docs[f.lang] = SourceDoc.of(f.lang, f.path, meta, lines, f.body, f.body_line, f.text)
        return docs
    sections = split_sections(f, codes, diag)
    if sections is None:
        return {}
    if not sections:
        if len(blocks) == 1:
            (only,) = blocks
            sections = {only: (f.body, f.body_line)}
        elif blocks and not f.body.strip():  # a skeleton: titles first, text later
            diag.warning(f.path, f.body_line, f"the body is empty, so this is an empty post in "
                                              f"{' and '.join(blocks)}; write each language after "
                                              f"'<!-- lang: xx -->'")
            sections = {code: ("", f.body_line) for code in blocks}
        else:
            diag.error(f.path, f.body_line,
                       "cannot tell the language: mark each section with '<!-- lang: en -->' / "
                       "'<!-- lang: zh -->', or name the file <name>.en.md")
            return {}
    for code in blocks:
        if code not in sections:
            diag.error(f.path, f.located.line(code),
                       f"front-matter has '{code}:' but the body has no '<!-- lang: {code} -->' section")
    for code, (body, line) in sections.items():
        meta, lines = dict(top_meta), dict(top_lines)
        if code in blocks:
            meta.update(blocks[code][0])
            lines.update(blocks[code][1])
        docs[code] = SourceDoc.of(code, f.path, meta, lines, body, line, f.text)
    return docs
