"""The file `riji new --translate` writes: a language a document lacks, ready to translate.

Shared front-matter is copied line for line from the original, so the pair agrees; the language's
own texts and the body are the original's, block by block, where the translation goes. Pure: the
command writes the file (never over an existing one) and records the pair.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from ..sources import LANG_KEYS, SHARED_KEYS, read_text, split_front_matter
from ..yamlfile import load

TRANSLATED_KEYS = ("title", "summary", "description", "image", "image_alt")  # not audio, guid, chapters


@dataclass(frozen=True)
class Skeleton:
    path: Path
    text: str
    source_lang: str


class CannotTranslate(ValueError):
    pass


def target_path(source: Path, lang: str, languages) -> Path:
    """`x.en.md`, `x.md`, `x/index.md`, `x/index.en.md` -> `x.zh.md`, `x/index.zh.md`."""
    stem, _, suffix = source.name[:-3].rpartition(".")
    return source.with_name(f"{stem if stem and suffix in languages else source.name[:-3]}.{lang}.md")


def _shared_lines(path: Path) -> str:
    """The original's shared keys exactly as written (comments and quoting kept)."""
    yaml_text, _body, _line = split_front_matter(read_text(path))
    rows = (yaml_text or "").split("\n")
    located = load(yaml_text or "")
    starts = sorted((located.lines[(key,)], key) for key in located.data or {} if (key,) in located.lines)
    out = []
    for n, (line, key) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else len(rows) + 1
        if key in SHARED_KEYS:
            out.extend(r for r in rows[line - 1:end - 1] if r.strip())
    return "".join(row + "\n" for row in out)


def skeleton(entry, source_lang: str, lang: str, languages) -> Skeleton:
    """`entry` is a `sources.SourceEntry`; the new file holds `lang`, translated from `source_lang`."""
    if lang not in languages:
        raise CannotTranslate(f"site.yaml lists no language '{lang}' (it has {', '.join(languages)})")
    if lang in entry.docs:
        raise CannotTranslate(f"it already has a {lang} version: {entry.docs[lang].path}")
    doc = entry.docs[source_lang]
    path = target_path(doc.path, lang, languages)
    own = {k: doc.meta[k] for k in TRANSLATED_KEYS if k in doc.meta and k in LANG_KEYS}
    own_yaml = yaml.safe_dump(own, allow_unicode=True, sort_keys=False, width=10_000)
    text = (f"---\n{_shared_lines(doc.path)}{own_yaml}draft: true\n---\n"
            f"<!-- Translated from {source_lang}: replace each block below with its translation, "
            f"then remove 'draft: true' and run riji status --sync on this file. -->\n\n"
            f"{doc.body.strip()}\n")
    return Skeleton(path, text, source_lang)
