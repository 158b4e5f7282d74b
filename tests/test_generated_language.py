"""A language generated from another by OpenCC (zh-hant from zh with s2twp) is a full language of the
site; and a third, ordinary language (fr) needs no code."""
from __future__ import annotations

import re
from pathlib import Path

import feedparser
import lxml.html
import pytest
from conftest import build_fixture, errors, text_of, write_site

HANT_SITE = """\
base_url: https://diary.test/
title: {en: "Test Diary", zh: "测试日记"}
description: {en: "A test.", zh: "关于互联网的日记。"}
author: {name: "Tester", email: "t@diary.test"}
timezone: Asia/Shanghai
languages:
  - {code: en}
  - {code: zh}
  - {code: zh-hant, from: zh, convert: s2twp}
tags:
  internet: {en: Internet, zh: 互联网}
"""

POSTS = {
    "content/posts/net.md": """\
        ---
        date: 2025-03-01
        tags: [internet]
        en: {title: "Video", summary: "On video."}
        zh: {title: "互联网上的视频", summary: "关于信息和视频。"}
        ---
        <!-- lang: en -->
        About [the other post](other.md).

        <!-- lang: zh -->
        互联网上的信息太多，见[另一篇](other.md)和 https://example.org/视频 。

        ```python
        信息 = "视频"  # 软件
        ```
        """,
    "content/posts/other.md": """\
        ---
        date: 2025-02-01
        en: {title: "Other"}
        zh: {title: "软件"}
        ---
        <!-- lang: en -->
        Other.

        <!-- lang: zh -->
        软件和网络。
        """,
    "content/posts/block.md": """\
        ---
        date: 2025-01-02
        zh: {title: "简体块"}
        zh-hant: {title: "繁體區塊"}
        ---
        <!-- lang: zh -->
        简体的正文。

        <!-- lang: zh-hant -->
        作者的繁體正文。
        """,
    "content/posts/hand.zh.md": """\
        ---
        date: 2025-01-01
        title: "手写的"
        ---
        简体。
        """,
    "content/posts/hand.zh-hant.md": """\
        ---
        date: 2025-01-01
        title: "親手寫的"
        ---
        作者自己寫的繁體。
        """,
}


@pytest.fixture(scope="module")
def hant(tmp_path_factory):
    root = write_site(tmp_path_factory.mktemp("hant"), POSTS, HANT_SITE)
    result = build_fixture(root)
    assert not errors(result), errors(result)
    return result


def page(result, path: str):
    return lxml.html.fromstring(text_of(result, path).encode())


def test_posts_pages_and_lists_are_converted_with_regional_phrasing(hant):
    html = text_of(hant, "zh-hant/posts/net/index.html")
    assert "<title>網際網路上的影片" in html
    assert "網際網路上的資訊太多" in html
    code = html.split("<pre")[1].split("</pre>")[0]
    assert "信息" in code and "视频" in code and "软件" in code  # code untouched
    assert "https://example.org/视频" in html  # URLs in text untouched
    assert 'href="/zh-hant/posts/other/"' in html  # links stay within the language, slugs unchanged
    assert page(hant, "zh-hant/posts/net/index.html").get("lang") == "zh-Hant"
    home = text_of(hant, "zh-hant/index.html")
    assert "軟體" in home and "測試日記" in home
    assert "網際網路" in text_of(hant, "zh-hant/tags/internet/index.html")
    assert "2025年" in text_of(hant, "zh-hant/archive/index.html")


def test_a_hand_written_version_wins_over_the_conversion(hant):
    html = text_of(hant, "zh-hant/posts/hand/index.html")
    assert "作者自己寫的繁體" in html and "親手寫的" in html
    html = text_of(hant, "zh-hant/posts/block/index.html")
    assert "作者的繁體正文" in html and "繁體區塊" in html and "簡體的正文" not in html


def test_ui_strings_are_converted_from_chinese(hant):
    html = text_of(hant, "zh-hant/posts/net/index.html")
    assert "標籤" in html and "标签" not in html


def test_hreflang_triples_link_both_ways(hant):
    paths = ["en/posts/net/index.html", "zh/posts/net/index.html", "zh-hant/posts/net/index.html"]
    expected = {"en": "https://diary.test/en/posts/net/", "zh-Hans": "https://diary.test/zh/posts/net/",
                "zh-Hant": "https://diary.test/zh-hant/posts/net/", "x-default": "https://diary.test/en/posts/net/"}
    for path in paths:
        links = {a.get("hreflang"): a.get("href") for a in page(hant, path).iter("link")
                 if a.get("rel") == "alternate" and a.get("hreflang")}
        assert links == expected, path
        switcher = page(hant, path).xpath('//nav[contains(@class, "lang-switch")]//li')
        assert len(switcher) == 3
    sitemap = text_of(hant, "sitemap.xml")
    assert sitemap.count('hreflang="zh-Hant" href="https://diary.test/zh-hant/posts/net/"') == 3


def test_feeds_of_the_generated_language(hant):
    rss = feedparser.parse(text_of(hant, "zh-hant/feed.xml"))
    assert not rss.bozo and rss.feed.language == "zh-tw"
    titles = [e.title for e in rss.entries]
    assert "網際網路上的影片" in titles and "親手寫的" in titles
    assert all("/zh-hant/posts/" in e.link for e in rss.entries)
    atom = feedparser.parse(text_of(hant, "zh-hant/atom.xml"))
    assert not atom.bozo and "資訊" in atom.entries[0].content[0].value
    assert 'xml:lang="zh-Hant"' in text_of(hant, "zh-hant/atom.xml")


@pytest.mark.parametrize("entry, message", [
    ("{code: zh-hant, from: ja, convert: s2twp}", "unknown language 'ja'"),
    ("{code: zh-hant, from: zh, convert: s2xx}", "unknown conversion 's2xx'"),
    ("{code: zh-hant, from: zh-hk, convert: s2twp}\n  - {code: zh-hk, from: zh-hant, convert: s2hk}", "cycle"),
])
def test_bad_generated_languages_are_errors_with_their_line(tmp_path, entry, message):
    site = HANT_SITE.replace("{code: zh-hant, from: zh, convert: s2twp}", entry)
    result = build_fixture(write_site(tmp_path, POSTS, site))
    found = [e for e in errors(result) if message in e]
    assert found and found[0].startswith("site.yaml:9:"), errors(result)


FR_SITE = """\
base_url: https://diary.test/
title: {en: "Test Diary", zh: "测试日记", fr: "Journal"}
description: {en: "A test.", zh: "一个测试。", fr: "Un essai."}
author: {name: "Tester", email: "t@diary.test"}
timezone: Europe/Paris
languages: [{code: en}, {code: zh}, {code: fr}]
"""


def test_a_third_language_needs_no_code(tmp_path):
    files = {"content/posts/a.md": """\
        ---
        date: 2025-03-01
        en: {title: "Hello"}
        zh: {title: "你好"}
        fr: {title: "Bonjour"}
        ---
        <!-- lang: en -->
        Hello.

        <!-- lang: zh -->
        你好。

        <!-- lang: fr -->
        Bonjour, « le monde ».
        """}
    result = build_fixture(write_site(tmp_path, files, FR_SITE))
    assert not errors(result), errors(result)
    html = text_of(result, "fr/posts/a/index.html")
    doc = lxml.html.fromstring(html.encode())
    assert doc.get("lang") == "fr"
    assert doc.xpath('//meta[@property="og:locale"]')[0].get("content") == "fr_FR"
    assert "1 mars 2025" in html
    assert feedparser.parse(text_of(result, "fr/feed.xml")).feed.language == "fr"
    warnings = [str(d) for d in result.diagnostics if d.severity == "warning" and "'fr'" in d.message]
    assert len(warnings) == 1 and "UI" in warnings[0]
    assert "Made with riji" in html  # the default language's strings


def test_locale_alone_sets_every_tag_and_a_contradiction_warns(tmp_path):
    site = FR_SITE.replace("[{code: en}, {code: zh}, {code: fr}]",
                           "\n  - {code: en}\n  - {code: zh, locale: zh_Hant_TW}\n  - {code: fr, hreflang: de}")
    result = build_fixture(write_site(tmp_path, {}, site))
    assert not errors(result), errors(result)
    html = text_of(result, "zh/index.html")
    assert '<html lang="zh-Hant"' in html and 'content="zh_TW"' in html
    assert "<language>zh-tw</language>" in text_of(result, "zh/feed.xml")
    warned = [str(d) for d in result.diagnostics if "hreflang 'de'" in d.message]
    assert warned and warned[0].startswith("site.yaml:9:")


def test_the_example_sites_traditional_podcast_reuses_the_chinese_recordings(example_output):
    zh = feedparser.parse((example_output / "zh/podcast.xml").read_bytes())
    hant = feedparser.parse((example_output / "zh-hant/podcast.xml").read_bytes())
    assert not hant.bozo and hant.feed.language == "zh-tw" and len(hant.entries) == len(zh.entries) > 0
    for a, b in zip(zh.entries, hant.entries):
        (ea,), (eb,) = a.enclosures, b.enclosures
        assert eb.href.startswith("https://riji.example.org/") and eb.length == ea.length
        path = example_output / eb.href.removeprefix("https://riji.example.org/")
        assert path.stat().st_size == int(eb.length)  # the file is there, beside the zh-hant post or in static/
    assert "朗讀" in hant.feed.title  # 朗读 converted
