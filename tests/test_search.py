"""Search indexing: Pagefind, run in memory on rendered pages, returns its bundle and diagnostics."""
from __future__ import annotations

import gzip
import json
import re
import stat
from pathlib import Path

import pytest

from generator import search
from generator.search import BUNDLE, index_pages, language_sizes


def html(lang: str | None, body: str, nav: str = "Home Archive 首页") -> bytes:
    lang_attr = f' lang="{lang}"' if lang else ""
    return (f'<!DOCTYPE html><html{lang_attr}><head><title>t</title></head><body>'
            f'<header><nav>{nav}</nav></header><main>{body}</main><footer>Made with riji</footer>'
            f'</body></html>').encode()


def article(title: str, text: str, tags=(), date="") -> str:
    tag_items = "".join(f'<li data-pagefind-filter="tag">{t}</li>' for t in tags)
    return (f'<article data-pagefind-body><h1>{title}</h1>'
            f'<p class="meta" data-pagefind-ignore><time data-pagefind-meta="date">{date}</time></p>'
            f'<ul data-pagefind-ignore>{tag_items}</ul><div class="prose">{text}</div></article>')


def fragments(files: dict[str, bytes]) -> dict[str, dict]:
    """{url: fragment} of every indexed page, with the language Pagefind filed it under."""
    out = {}
    for name, data in files.items():
        if name.startswith(BUNDLE + "fragment/"):
            raw = gzip.decompress(data)
            assert raw.startswith(b"pagefind_dcd")
            frag = json.loads(raw[len(b"pagefind_dcd"):])
            frag["language"] = name.rsplit("/", 1)[1].split("_")[0]
            out[frag["url"]] = frag
    return out


PAGES = {
    "en/posts/refugees/index.html": html("en", article(
        "From TikTok to RedNote", "<p>Millions of TikTok refugees moved to a Chinese app.</p>",
        tags=["Internet", "Culture"], date="January 18, 2025")),
    "zh/posts/refugees/index.html": html("zh-Hans", article(
        "从 TikTok 到小红书", "<p>一夜之间，TikTok 难民涌入了小红书。<ruby>难<rt>nàn</rt></ruby></p>",
        tags=["互联网"], date="2025年1月18日")),
    "en/about/index.html": html("en", article("About", "<p>A diary in two notebooks.</p>")),
}


@pytest.fixture(scope="module")
def indexed():
    return index_pages(PAGES)


def test_every_language_gets_its_own_index(indexed):
    files, problems = indexed
    assert problems == []
    entry = json.loads(files[BUNDLE + "pagefind-entry.json"])
    assert {k: v["page_count"] for k, v in entry["languages"].items()} == {"en": 2, "zh-hans": 1}
    frags = fragments(files)
    assert {u: f["language"] for u, f in frags.items()} == {
        "/en/posts/refugees/": "en", "/en/about/": "en", "/zh/posts/refugees/": "zh-hans"}
    sizes = language_sizes(files)
    assert sizes["en"][0] == 2 and sizes["zh-hans"][0] == 1 and all(s > 0 for _n, s in sizes.values())


def test_only_the_marked_article_is_indexed_with_title_date_and_tags(indexed):
    frags = fragments(indexed[0])
    en = frags["/en/posts/refugees/"]
    assert en["meta"]["title"] == "From TikTok to RedNote"
    assert en["meta"]["date"] == "January 18, 2025"
    assert sorted(en["filters"]["tag"]) == ["Culture", "Internet"]
    assert "refugees" in en["content"]
    for frag in frags.values():  # navigation, footer, the meta line and the tag list are not text
        for outside in ("Archive", "首页", "Made with riji", "January 18", "Culture", "互联网"):
            assert outside not in frag["content"]


def test_chinese_text_is_segmented_and_pinyin_is_never_indexed(indexed):
    zh = fragments(indexed[0])["/zh/posts/refugees/"]
    words = zh["content"].split("\u200b")  # Pagefind marks word breaks with zero-width spaces
    assert "难民" in words
    assert "nàn" not in zh["content"]
    assert zh["filters"]["tag"] == ["互联网"]


def test_urls_carry_the_site_path():
    files, problems = index_pages({"en/posts/x/index.html": PAGES["en/about/index.html"]}, base_path="/diary/")
    assert problems == []
    assert list(fragments(files)) == ["/diary/en/posts/x/"]


def test_only_the_bundle_the_theme_uses_is_emitted(indexed):
    files = indexed[0]
    assert BUNDLE + "pagefind.js" in files and BUNDLE + "pagefind-worker.js" in files
    assert any(n.startswith(BUNDLE + "wasm.") for n in files)
    assert not [n for n in files if "-ui." in n or "highlight" in n or "playground" in n]
    assert all(n.startswith(BUNDLE) for n in files)


def test_the_bundle_names_no_other_host(indexed):
    for name, data in indexed[0].items():
        if name.endswith(".js"):
            hosts = set(re.findall(r"https?://([^/\"'`$]+)", data.decode()))
            # pagefind.js parses URLs against a placeholder origin; it never fetches from it
            assert hosts <= {"example.com"}, (name, hosts)


def test_same_pages_give_the_same_bytes(indexed):
    again, _ = index_pages(PAGES)
    assert again == indexed[0]


def test_a_page_without_lang_warns_once_naming_its_template():
    pages = {f"en/posts/{n}/index.html": html(None, article(n, "<p>text</p>")) for n in ("a", "b")}
    _files, problems = index_pages(pages, template_of=lambda path: "themes/mine/templates/post.html")
    assert [(p.path, p.severity) for p in problems] == [("themes/mine/templates/post.html", "warning")]
    assert "lang" in problems[0].message


def test_pagefind_missing_is_one_error_that_says_what_to_install(monkeypatch):
    monkeypatch.setattr(search, "binary", lambda: None)
    files, problems = index_pages(PAGES)
    assert files == {}
    assert len(problems) == 1 and problems[0].severity == "error"
    assert "pip install 'pagefind[extended]" in problems[0].message


@pytest.mark.parametrize("script", ["exit 3", "echo boom >&2; printf 'not-base64,'",
                                    "head -c 10 >/dev/null; echo crashed >&2"])
def test_pagefind_failing_is_one_error_not_a_traceback(tmp_path, script):
    fake = tmp_path / "pagefind"
    fake.write_text(f"#!/bin/sh\n{script}\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    files, problems = index_pages(PAGES, executable=fake)
    assert files == {}
    assert len(problems) == 1 and problems[0].severity == "error"
    assert "Pagefind failed" in problems[0].message and "pip install" in problems[0].message


def test_a_missing_executable_is_reported(tmp_path):
    files, problems = index_pages(PAGES, executable=Path(tmp_path / "nowhere"))
    assert files == {} and "cannot start" in problems[0].message
