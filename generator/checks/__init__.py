"""Checks over a finished build, callable without the command line: `check_site(build(...))`.

Each check reads only the built files (as a reader's browser or feed reader would) and returns
problems in output terms; `blame` then names the source file the author has to fix.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

from ..constants import SITE_FILE
from ..diagnostics import Diagnostic, Diagnostics
from ..render import materialize
from ..translations.status import warnings as translation_warnings
from ..writer import write_files
from .blame import Blame
from .feeds import check_xml
from .links import check_references
from .pages import scan_page
from .resolve import SiteMap
from .search import check_search
from .translations import check_translations
from .validator import validate_folder


def _bytes(value) -> bytes:
    return value.read_bytes() if isinstance(value, Path) else value


def check_site(result, *, folder: Path | None = None, validate_html: bool | None = None) -> list[Diagnostic]:
    """Problems in a successful `BuildResult`, each naming the file that caused it.

    `folder` is where the build is already written, if it is (the HTML validator needs files on
    disk); `validate_html` overrides site.yaml's `check.validate_html`."""
    site = result.site
    if site is None:  # the build failed before it had a site: its own diagnostics say why
        return [Diagnostic("site", None, "the build failed, so nothing was checked")]
    config = result.config or site.config
    diag = Diagnostics(result.root)
    files, _problems = materialize(result.files)  # a page that fails is in the build's diagnostics
    texts = {p: _bytes(v).decode("utf-8", "replace") for p, v in files.items() if p.endswith(".html")}
    styles = {p: _bytes(v).decode("utf-8", "replace") for p, v in files.items() if p.endswith(".css")}
    xml = {p: _bytes(v) for p, v in files.items() if p.endswith(".xml")}
    smap = SiteMap(config.base_url, files)
    pages = {p: scan_page(p, t) for p, t in texts.items()}

    problems = check_references(pages, styles, smap, list(config.check.get("allowed_hosts") or []))
    problems += check_translations(pages, smap)
    problems += check_xml(xml, smap)
    problems += check_search(site, {p: _bytes(v) for p, v in files.items() if p.startswith("pagefind/")}, pages)
    if config.check.get("validate_html", True) if validate_html is None else validate_html:
        found, reason = _validate({p: files[p] for p in texts}, folder)
        problems += found
        if reason:
            diag.warning(result.root / SITE_FILE, config.line("check", "validate_html"),
                         f"HTML was not validated: {reason}; set check.validate_html: false to skip it")

    Blame(site, result.theme, files, texts, smap, diag).report(problems)
    if result.translations is not None:  # found by the build already: each outdated one, at its line
        diag.items += translation_warnings(result.translations)
    return diag.sorted()


def _validate(pages: dict, folder: Path | None):
    if folder is not None:
        return validate_folder(folder)
    with tempfile.TemporaryDirectory(prefix="riji-check-") as tmp:
        write_files(pages, Path(tmp))
        return validate_folder(Path(tmp))
