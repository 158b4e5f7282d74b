"""Shared helpers: small fixture sites written on the fly, and one build of the example site."""
from __future__ import annotations

import shutil
import textwrap
from datetime import datetime, timezone
from pathlib import Path

import pytest

from generator.build import BuildOptions, BuildResult, build, build_to

REPO = Path(__file__).resolve().parent.parent
SITES = Path(__file__).resolve().parent / "sites"
NOW = datetime(2026, 6, 1, tzinfo=timezone.utc)  # fixed clock: builds are deterministic

MINIMAL_SITE_YAML = """\
base_url: https://diary.test/
title: {en: "Test Diary", zh: "测试日记"}
description: {en: "A test.", zh: "一个测试。"}
author: {name: "Tester", email: "t@diary.test"}
timezone: Asia/Shanghai
tags:
  culture: {en: Culture, zh: 文化}
"""


def write_site(root: Path, files: dict[str, str | bytes], site_yaml: str | None = MINIMAL_SITE_YAML) -> Path:
    """Write a fixture site: `files` maps relative paths to text (dedented) or bytes."""
    root.mkdir(parents=True, exist_ok=True)
    if site_yaml is not None:
        (root / "site.yaml").write_text(textwrap.dedent(site_yaml), "utf-8")
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content).lstrip("\n"), "utf-8")
    (root / "content").mkdir(exist_ok=True)
    return root


def build_fixture(root: Path, **options) -> BuildResult:
    options.setdefault("now", NOW)
    options.setdefault("cache", False)
    return build(root, BuildOptions(**options))


def errors(result: BuildResult) -> list[str]:
    return [str(d) for d in result.diagnostics if d.severity == "error"]


def text_of(result: BuildResult, path: str) -> str:
    value = result.files[path]
    return value.decode("utf-8") if isinstance(value, bytes) else Path(value).read_text("utf-8")


# Debian's chromium, never a downloaded browser; no background traffic to Google's hosts
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def example_output(tmp_path_factory) -> Path:
    """The repo's own example site, built once into a temporary output folder."""
    site = tmp_path_factory.mktemp("example") / "site"
    shutil.copytree(REPO, site, ignore=shutil.ignore_patterns("output", ".riji-cache", ".git", "tests",
                                                              "__pycache__", "*.egg-info", "venv", ".venv"))
    out = site / "output"
    result = build_to(site, out, BuildOptions(now=NOW, cache=False))
    assert result.ok, "\n".join(map(str, result.diagnostics))
    return out
