"""Themes: Jinja2 templates, UI strings and static assets, with a site theme layered over the default.

A site theme in `themes/<name>/` overrides any default template by file name, and can extend a
default one explicitly with `{% extends "default/post.html" %}`.
"""
from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import jinja2

from . import cachefiles
from .constants import FINGERPRINT_LENGTH
from .diagnostics import Diagnostic, Diagnostics, not_utf8
from .generated import fill_strings
from .inputs import files_digest
from .sources.discovery import list_files

from .yamlfile import YamlError, load

PACKAGE_DIR = Path(__file__).parent
FINGERPRINTED = (".css", ".js")  # assets whose name carries a digest of their contents
_EXTENDS = re.compile(r"""{%-?\s*extends\s+["']([^"']+)["']""")


class _CompiledTemplates(jinja2.BytecodeCache):
    """Compiled templates kept in memory for the process, so each new build (every save in
    `riji serve`) does not compile them again, and in .riji-cache/ between processes, so each
    `riji build` does not either; Jinja checks each entry against its source."""

    def __init__(self):
        self.compiled: dict[str, bytes] = {}
        self.on_disk: dict[Path, object] = {}  # each cache file's contents as last read or written

    def recall(self, path: Path) -> None:
        if path in self.on_disk:
            return
        saved = self.on_disk[path] = cachefiles.load(path)
        if isinstance(saved, tuple) and len(saved) == 2 and saved[0] == jinja2.__version__ \
                and isinstance(saved[1], dict):
            for key, code in saved[1].items():
                self.compiled.setdefault(key, code)

    def keep(self, path: Path, templates) -> None:
        """Saves the compiled `templates` to `path`, unless it holds them already."""
        keys = sorted(self.get_cache_key(t.name, t.filename) for t in templates)
        mine = (jinja2.__version__, {key: self.compiled[key] for key in keys if key in self.compiled})
        if self.on_disk.get(path) != mine and cachefiles.save(path, mine):
            self.on_disk[path] = mine

    def load_bytecode(self, bucket) -> None:
        code = self.compiled.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


COMPILED = _CompiledTemplates()


def default_theme_dir() -> Path:
    """The default theme shipped with riji: inside the installed package, or the checkout's."""
    for candidate in (PACKAGE_DIR / "themes" / "default", PACKAGE_DIR.parent / "themes" / "default"):
        if (candidate / "templates").is_dir():
            return candidate
    raise FileNotFoundError("riji's default theme is missing from this installation")


@dataclass
class Theme:
    dirs: list[Path]  # most specific first; the default theme is last
    strings: dict[str, dict[str, str]]
    env: jinja2.Environment
    assets: dict[str, Path] = field(default_factory=dict)  # name -> source file
    data: dict[str, bytes] = field(default_factory=dict)  # name -> contents, of the fingerprinted ones

    @cached_property
    def templates_digest(self) -> bytes:
        """Every template file's name and contents, for the writer's inputs digests: worked out
        once per Theme, which the preview keeps between rebuilds while no file of it changed."""
        return files_digest(d / "templates" for d in self.dirs)

    def root_template(self, name: str) -> str:
        """The template that writes `<html>` for pages of `name`: itself or one it extends."""
        seen = set()
        while name not in seen:
            seen.add(name)
            try:
                source = self.env.loader.get_source(self.env, name)[0]
            except jinja2.TemplateNotFound:
                break
            parent = _EXTENDS.search(source)
            if "<html" in source.lower() or parent is None:
                break
            name = parent.group(1)
        return name

    def compile(self) -> None:
        """Every template compiled here, before workers fork: otherwise each forked worker compiles
        again the templates it renders, for every batch of work. A broken one is reported when a
        page renders with it."""
        for name in self.env.list_templates(extensions=["html", "xml"]):
            try:
                self.env.get_template(name)
            except Exception:  # noqa: BLE001 - the page that uses it reports where
                pass

    def recall(self, saved: Path) -> None:
        """What an earlier process compiled and `keep` saved (a file in .riji-cache/), for this one's
        templates to load instead of compiling them."""
        COMPILED.recall(saved)

    def keep(self, saved: Path) -> None:
        """The templates compiled or loaded so far, saved for the next process."""
        COMPILED.keep(saved, list(self.env.cache.values()) if self.env.cache is not None else [])

    def template_path(self, name: str) -> str:
        for d in self.dirs:
            if (d / "templates" / name).is_file():
                return str(d / "templates" / name)
        return name


def load_theme(root: Path, name: str, codes: list[str] | None = None,
               generated: tuple = ()) -> tuple[Theme, list[Diagnostic]]:
    """(the theme `name` over the default one, its diagnostics); `codes` are the site's languages,
    each of which should have every UI string (a missing one falls back to the default language,
    with a warning). The theme's own files are read here, so renderers read nothing from disk."""
    diag = Diagnostics(root)
    default = default_theme_dir()
    dirs = []
    site_theme = root / "themes" / name
    if site_theme.is_dir():
        dirs.append(site_theme)
    elif name != "default":
        diag.error(root / "site.yaml", None, f"theme '{name}' not found: expected the folder themes/{name}/")
    if os.path.realpath(default) not in [os.path.realpath(d) for d in dirs]:
        dirs.append(default)
    loader = jinja2.ChoiceLoader([
        jinja2.FileSystemLoader([str(d / "templates") for d in dirs]),
        jinja2.PrefixLoader({"default": jinja2.FileSystemLoader(str(default / "templates"))}),
    ])
    env = jinja2.Environment(loader=loader, autoescape=True, undefined=jinja2.StrictUndefined,
                             trim_blocks=False, lstrip_blocks=False, keep_trailing_newline=True, auto_reload=False,
                             bytecode_cache=COMPILED)
    strings: dict[str, dict[str, str]] = {}
    for d in reversed(dirs):  # default first, site theme strings win
        path = d / "i18n.yaml"
        if path.is_file():
            for lang, table in _read_strings(path, diag).items():
                strings.setdefault(lang, {}).update(table)
    strings = fill_strings(strings, generated)  # a language made by OpenCC: its source's, converted
    _missing_strings(strings, codes or [], dirs, diag)
    assets: dict[str, Path] = {}
    for d in reversed(dirs):  # a site theme's files may come from the site; the default theme's, from itself
        if (d / "static").is_dir():
            assets.update(list_files(d / "static", (root, default) if d != default else (default,), diag))
    data = {name: path.read_bytes() for name, path in assets.items() if name.endswith(FINGERPRINTED)}
    return Theme(dirs, strings, env, assets, data), diag.items


def _read_strings(path: Path, diag: Diagnostics) -> dict[str, dict[str, str]]:
    """A theme's `i18n.yaml`: {language: {key: text}}; anything else is reported at its line."""
    try:
        located = load(path.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        diag.error(path, *not_utf8(exc))
        return {}
    except YamlError as exc:
        for line, message in exc.problems:  # every duplicate key, not only the first
            diag.error(path, line, message)
        return {}
    if located.data is None:
        return {}
    if not isinstance(located.data, dict):
        diag.error(path, 1, "i18n.yaml must map each language to its {key: text} strings")
        return {}
    out = {}
    for lang, table in located.data.items():
        if table is None:
            continue
        if not isinstance(table, dict):
            diag.error(path, located.line(lang), f"'{lang}:' must be a mapping of key: text")
            continue
        out[str(lang)] = {str(k): str(v) for k, v in table.items()}
    return out


def _missing_strings(strings: dict, codes: list[str], dirs: list[Path], diag: Diagnostics) -> None:
    every = set().union(*(strings.get(c, {}) for c in codes)) if codes else set()
    where = next((d / "i18n.yaml" for d in dirs if (d / "i18n.yaml").is_file()), dirs[0] / "i18n.yaml")
    for code in codes:
        missing = sorted(every - set(strings.get(code, {})))
        if missing:
            shown = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
            diag.warning(where, None, f"no '{code}' UI text for {shown}; another language's text is shown")


def fingerprint(name: str, data: bytes) -> str:
    """style.css -> style.3f2a1b9c.css: cacheable forever, renamed whenever it changes."""
    digest = hashlib.sha256(data).hexdigest()[:FINGERPRINT_LENGTH]
    stem, dot, ext = name.rpartition(".")
    return f"{stem}.{digest}.{ext}" if dot else f"{name}.{digest}"
