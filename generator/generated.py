"""Languages made from another by OpenCC (`{code: zh-hant, from: zh, convert: s2twp}` in site.yaml).

A generated language is an ordinary language of the site from here on: these functions give it
what its source language has, converted, wherever the site does not give it its own: each
document's version (a hand-written `x.zh-hant.md` or `zh-hant:` block wins), the texts of
site.yaml (title, tag names, menu, ...) and the theme's UI strings. The body is the source's
Markdown; it is converted after rendering, on the HTML's text only (see `markdown.render`).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from .conversion import convert_text

# (code, from, convert) in an order where a language comes after the one it is made from
Plan = tuple[tuple[str, str, str], ...]

TEXT_META = ("title", "summary", "description", "image_alt")


def _convert_meta(meta: dict, config: str) -> dict:
    out = dict(meta)
    for key in TEXT_META:
        if isinstance(out.get(key), str):
            out[key] = convert_text(out[key], config)
    if isinstance(out.get("chapters"), list):
        out["chapters"] = [{**c, "title": convert_text(c["title"], config)}
                           if isinstance(c, dict) and isinstance(c.get("title"), str) else c
                           for c in out["chapters"]]
    return out


def add_versions(entries: list, plan: Plan) -> list:
    """Each entry with a version in a source language gets one in each language made from it."""
    out = []
    for entry in entries:
        docs = dict(entry.docs)
        for code, source, config in plan:
            if source in docs and code not in docs:
                src = docs[source]
                docs[code] = replace(src, lang=code, meta=_convert_meta(src.meta, config))
        out.append(entry if len(docs) == len(entry.docs) else replace(entry, docs=docs))
    return out


def _fill(value, codes: frozenset, plan: Plan):
    """A site.yaml value with each {language: text} mapping given the generated languages."""
    if isinstance(value, list):
        return [_fill(v, codes, plan) for v in value]
    if not isinstance(value, Mapping):
        return value
    out = {k: _fill(v, codes, plan) for k, v in value.items()}
    if out and all(isinstance(k, str) and k in codes for k in out):
        for code, source, config in plan:
            if source in out and code not in out:
                out[code] = _converted(out[source], config)
    return out


def _converted(value, config: str):
    if isinstance(value, str):
        return convert_text(value, config)
    if isinstance(value, list):  # a menu: titles only, never the URLs
        return [{**v, "title": convert_text(v["title"], config)}
                if isinstance(v, Mapping) and isinstance(v.get("title"), str) else v for v in value]
    return value


def fill_texts(data: Mapping, plan: Plan, codes) -> dict:
    """site.yaml's data with every per-language text also given in each generated language;
    `languages:` itself is left as it is."""
    codes = frozenset(codes)
    return {k: (v if k == "languages" else _fill(v, codes, plan)) for k, v in data.items()}


def fill_strings(strings: Mapping[str, Mapping[str, str]], plan: Plan) -> dict[str, dict[str, str]]:
    """The theme's UI strings: a generated language's are its source's, converted, under any the
    theme gives that language itself."""
    out = {lang: dict(table) for lang, table in strings.items()}
    for code, source, config in plan:
        converted = {k: convert_text(v, config) for k, v in out.get(source, {}).items()}
        out[code] = {**converted, **out.get(code, {})}
    return out
