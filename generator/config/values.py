"""Checks any setting can need: a text per language, unknown keys, on/off switches, a mapping with
defaults. The sections of site.yaml are built from these."""
from __future__ import annotations

from urllib.parse import urlsplit

from ..diagnostics import did_you_mean
from ..yamlfile import Located


def per_language(value, codes, diag, path, line, what, required=True) -> dict[str, str]:
    """A text given once for all languages or as {en: ..., zh: ...}."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            diag.error(path, line, f"'{what}' is required")
        return {c: "" for c in codes}
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return {c: str(value) for c in codes}
    if isinstance(value, dict):
        out = {}
        for k in value:
            if k not in codes:
                diag.error(path, line, f"'{what}' has unknown language '{k}'{did_you_mean(str(k), codes)}")
        for c in codes:
            v = value.get(c)
            if v is None or (isinstance(v, str) and not v.strip()):
                if required:
                    diag.error(path, line, f"'{what}' has no text for language '{c}'")
                v = ""
            out[c] = str(v)
        return out
    diag.error(path, line, f"'{what}' must be text or a mapping of language to text")
    return {c: "" for c in codes}


def unknown_keys(data: dict, allowed, diag, path, located: Located, *prefix) -> None:
    for key in data:
        if key not in allowed:
            where = ".".join(map(str, prefix + (key,)))
            diag.error(path, located.line(*prefix, key),
                       f"unknown key '{where}'{did_you_mean(str(key), allowed)}")



def section(raw, defaults: dict, name, diag, path, located) -> dict:
    if raw is None:
        return dict(defaults)
    if not isinstance(raw, dict):
        diag.error(path, located.line(name), f"'{name}' must be a mapping")
        return dict(defaults)
    unknown_keys(raw, defaults, diag, path, located, name)
    return {**defaults, **raw}


def switches(section: dict, defaults: dict, name: str, diag, path, located) -> dict:
    """Keep a section's on/off settings honest: `redirects: yes please` is a mistake, not true."""
    for key, value in section.items():
        if isinstance(value, bool) or not isinstance(defaults.get(key), bool):
            continue
        diag.error(path, located.line(name, key), f"'{name}.{key}' must be true or false")
        section[key] = False
    return section



def good_base_url(value) -> bool:
    if not isinstance(value, str) or not value.startswith(("http://", "https://")):
        return False
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError:
        return False
    return bool(parts.hostname) and not parts.query and not parts.fragment and " " not in value
