"""Trace a problem in the output back to the file the author must edit: the post's Markdown when the
offending text came from it, otherwise the theme template that wrote it."""
from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from ..constants import FINGERPRINT
from ..diagnostics import Diagnostics
from ..model import Doc, Site
from ..theme import Theme
from .problem import Problem
from .resolve import SiteMap

_PAGED = re.compile(r"(^|/)page/\d+/index\.html$")
_FINGERPRINT = re.compile(rf"^assets/(?P<stem>.+){FINGERPRINT}\.(?P<ext>css|js)$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_RAW_HTML = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(\s[^>]*)?/?>")


@dataclass
class Origin:
    template: str
    doc: Doc | None = None


def origins(site: Site) -> dict[str, Origin]:
    """Output page -> the template (and document) that made it, from the model's own URLs."""
    urls = site.urls
    out: dict[str, Origin] = {"index.html": Origin("home.html"), "404.html": Origin("404.html")}
    for code in site.config.codes:
        out[urls.home(code) + "index.html"] = Origin("home.html")
        out[urls.tags(code) + "index.html"] = Origin("tags.html")
        out[urls.archive(code) + "index.html"] = Origin("archive.html")
        if site.config.search["enabled"]:
            out[urls.search(code) + "index.html"] = Origin("search.html")
        for tag in site.tags.values():
            out[urls.tag(code, tag.slug) + "index.html"] = Origin("tag.html")
    for entry in site.entries:
        for doc in entry.docs.values():
            out[doc.url + "index.html"] = Origin("post.html" if entry.kind == "post" else "page.html", doc)
    return out


def on_pages(urls: list[str]) -> str:
    urls = sorted(set(urls))
    if len(urls) > 3:
        return f"(on {', '.join(urls[:2])} and {len(urls) - 2} more)"
    return f"(on {' and '.join(urls) if len(urls) < 3 else f'{urls[0]}, {urls[1]} and {urls[2]}'})"


class Blame:
    def __init__(self, site: Site, theme: Theme | None, files: dict, texts: dict[str, str],
                 smap: SiteMap, diag: Diagnostics):
        self.site, self.theme, self.files, self.texts, self.smap, self.diag = site, theme, files, texts, smap, diag
        self.origins = origins(site)
        self._templates: list[tuple[Path, list[str]]] | None = None

    def report(self, problems: list[Problem]) -> None:
        """One message per cause: a template's broken link is one line, not one per page."""
        grouped: dict[tuple, list[str]] = {}
        # a validator message also seen on a page whose text holds no raw HTML comes from the theme
        self._theme_messages = {p.message for p in problems if p.line is not None and not p.value and
                                not self._raw_html(self._origin(p.file))}
        for problem in problems:
            path, line = self.locate(problem)
            key = (self.diag._rel(path), line, problem.message)
            grouped.setdefault(key, []).append(self.smap.path_of(problem.file))
        for (path, line, message), where in grouped.items():
            self.diag.error(path, line, f"{message} {on_pages(where)}")

    def _origin(self, file: str) -> Origin | None:
        return self.origins.get(file) or self.origins.get(_PAGED.sub(r"\1index.html", file))

    def _raw_html(self, origin: Origin | None) -> list[tuple[int, str]]:
        """(file line, text) of each line of raw HTML the document's Markdown holds, outside code."""
        if origin is None or origin.doc is None:
            return []
        source, out, fence = origin.doc.source, [], None
        for n, row in enumerate(source.body.split("\n"), source.body_line):
            mark = _FENCE.match(row)
            if mark:
                fence = None if fence and mark.group(1)[0] == fence else (fence or mark.group(1)[0])
            elif fence is None and _RAW_HTML.search(row):
                out.append((n, row))
        return out

    def locate(self, problem: Problem) -> tuple[Path | str, int | None]:
        file = problem.file
        origin = self._origin(file)
        if origin and origin.doc is not None:
            found = self._in_doc(origin.doc, problem)
            if found:
                return found
            raw = self._raw_html(origin)
            if raw and problem.line is not None and not problem.value and \
                    problem.message not in getattr(self, "_theme_messages", set()):
                # the validator saw broken markup only where a post writes its own HTML: the post's
                snippet = (problem.snippet or "").strip()
                tags = set(re.findall(r"</?([A-Za-z][A-Za-z0-9-]*)", snippet))
                best = next((n for n, row in raw if tags & set(re.findall(r"</?([A-Za-z][A-Za-z0-9-]*)", row))),
                            raw[0][0])
                return origin.doc.source.path, best
        if problem.value:
            found = self._in_templates(problem.value)
            if found:
                return found
        if origin and self.theme is not None:
            return self.theme.template_path(origin.template), None
        source = self.files.get(file)
        if isinstance(source, Path):  # a file copied from static/ or a bundle
            return source, problem.line
        match = _FINGERPRINT.match(file)
        if match and self.theme is not None:
            asset = self.theme.assets.get(f"{match['stem']}.{match['ext']}")
            if asset is not None:
                return asset, None
        return file, problem.line  # a generated file (feed, sitemap): name it as built

    def _in_doc(self, doc: Doc, problem: Problem) -> tuple[Path, int | None] | None:
        source = doc.source
        if problem.value:
            value = problem.value
            if value in doc.html or html.escape(value, quote=True) in doc.html:
                return source.path, self._line_in_source(doc, value)
            line = self._line_in_source(doc, value, front_matter=True)
            if line:
                return source.path, line
        elif problem.line is not None:  # the validator: inside the rendered Markdown, or not?
            text = self.texts.get(problem.file, "")
            start = text.find(doc.html) if doc.html.strip() else -1
            if start >= 0:
                first = text.count("\n", 0, start) + 1
                last = first + doc.html.count("\n")
                if first <= problem.line <= last:
                    snippet = problem.snippet or ""
                    return source.path, self._line_in_source(doc, snippet) if len(snippet) > 2 else None
        return None

    def _line_in_source(self, doc: Doc, value: str, front_matter: bool = False) -> int | None:
        base = self.smap.base_path
        candidates = [value, unquote(value)]
        if value.startswith(base) and base != "/":
            candidates.append(value[len(base) - 1:])
        if value.startswith(self.smap.base_url):
            candidates.append(value[len(self.smap.base_url):])
        candidates = [c for c in dict.fromkeys(candidates) if c.strip("/#")]
        lines = doc.source.text.splitlines()
        start = 0 if front_matter else max(doc.source.body_line - 1, 0)
        for i in range(start, len(lines)):
            if any(c in lines[i] for c in candidates):
                return i + 1
        return None

    def _in_templates(self, value: str) -> tuple[Path, int] | None:
        """A URL the theme wrote literally (a web font, a CDN script) is found in its template."""
        if len(value) < 3 or self.theme is None:
            return None
        if self._templates is None:
            self._templates = []
            seen: set[str] = set()
            for folder in self.theme.dirs:
                for path in sorted((folder / "templates").rglob("*")):
                    name = path.relative_to(folder / "templates").as_posix()
                    if path.is_file() and name not in seen:
                        seen.add(name)
                        try:
                            self._templates.append((path, path.read_text("utf-8").splitlines()))
                        except (OSError, UnicodeDecodeError):
                            continue
        for path, lines in self._templates:
            for i, row in enumerate(lines, 1):
                if value in row:
                    return path, i
        return None
