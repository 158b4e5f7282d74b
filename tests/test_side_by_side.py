"""What readers see of translations: the notice on an outdated one (never in feeds), and the
side-by-side view of each post and page in two languages, in a real browser too."""
from __future__ import annotations

import re
import shutil

import feedparser
import lxml.html
import pytest

from conftest import SITES, build_fixture, text_of, write_site
from test_browser import OVERFLOW_JS, serve

ZH_NOTICE = "英语原文在 2025年2月10日 更新过，本译文可能未包含这些改动。"


@pytest.fixture(scope="module")
def pairs_site(tmp_path_factory):
    result = build_fixture(SITES / "translations")
    assert result.ok, result.diagnostics
    return result


def html(result, path):
    return lxml.html.fromstring(text_of(result, path))


def test_the_notice_is_on_the_outdated_side_only_in_its_language_linking_the_original(pairs_site):
    page = html(pairs_site, "zh/posts/outdated/index.html")
    (notice,) = page.xpath("//p[@class='outdated-notice']")
    assert notice.text_content().strip() == ZH_NOTICE + "阅读原文"
    assert notice.xpath("a/@href") == ["/en/posts/outdated/"] and notice.xpath("a/@hreflang") == ["en"]
    assert page.xpath("//article/*[1]")[0] is notice  # at the top of the post
    for path in ("en/posts/outdated/index.html", "en/posts/in-sync/index.html", "zh/posts/in-sync/index.html",
                 "en/posts/both/index.html", "zh/posts/both/index.html", "zh/posts/outdated/parallel/index.html"):
        assert "outdated-notice" not in text_of(pairs_site, path), path


def test_the_notice_is_never_in_feeds(pairs_site):
    for path in ("zh/feed.xml", "zh/atom.xml"):
        feed = feedparser.parse(pairs_site.files[path])
        (entry,) = [e for e in feed.entries if "/posts/outdated/" in e.link]
        assert "过时" in entry.title and "回来的路上" in entry.content[0].value
        assert "原文" not in entry.content[0].value and "outdated-notice" not in entry.content[0].value


def test_english_notice_without_a_date_and_the_switch_that_turns_it_off(tmp_path):
    root = tmp_path / "site"
    shutil.copytree(SITES / "translations", root)
    for name in ("outdated.en.md", "outdated.zh.md"):
        path = root / "content/posts" / name
        path.write_text(path.read_text("utf-8").replace("updated: 2025-02-10\n", ""), "utf-8")
    # now the Chinese side changed and the English one did not
    (root / "content/posts/outdated.en.md").write_text(
        (SITES / "translations/content/posts/outdated.en.md").read_text("utf-8")
        .replace("updated: 2025-02-10\n", "").replace("began to pour", "started to rain"), "utf-8")
    zh = root / "content/posts/outdated.zh.md"
    zh.write_text(zh.read_text("utf-8").replace("雨一直下到傍晚。", "雨一直下到了傍晚。"), "utf-8")
    result = build_fixture(root)
    notice = html(result, "en/posts/outdated/index.html").xpath("//p[@class='outdated-notice']")[0]
    assert notice.text_content() == ("The Chinese original has changed since this translation, which may not "
                                     "include those changes. Read the original")
    assert "outdated-notice" not in text_of(result, "zh/posts/outdated/index.html")
    (root / "site.yaml").write_text((root / "site.yaml").read_text("utf-8") + "translations: {outdated_notice: false}\n",
                                    "utf-8")
    quiet = build_fixture(root)
    assert quiet.ok and "outdated-notice" not in text_of(quiet, "en/posts/outdated/index.html")
    (root / "site.yaml").write_text((root / "site.yaml").read_text("utf-8").replace("outdated_notice: false",
                                                                                    "outdated_notise: no"), "utf-8")
    assert any("did you mean 'outdated_notice'" in str(d) for d in build_fixture(root).diagnostics)


def test_build_warns_in_one_line_and_a_corrupt_lock_is_an_error(tmp_path, pairs_site):
    warnings = [str(d) for d in pairs_site.diagnostics if d.severity == "warning"]
    assert warnings == ["translations.lock: warning: 1 translation is outdated; 1 document changed in several "
                        "languages; run riji status"]
    root = tmp_path / "site"
    shutil.copytree(SITES / "translations", root)
    (root / "translations.lock").write_text("posts/outdated:\n  slug: [\n", "utf-8")
    broken = build_fixture(root)
    assert [str(d) for d in broken.diagnostics if d.severity == "error"][0].startswith("translations.lock:3: error:")


def test_every_pair_has_a_side_by_side_view_linked_from_the_post(pairs_site):
    files = pairs_site.files
    for url in ("en/posts/outdated/", "zh/posts/outdated/", "en/about-us/", "zh/about-us/"):
        assert url + "parallel/index.html" in files
        link = html(pairs_site, url + "index.html").xpath("//p[@class='parallel-link']/a")[0]
        assert link.get("href") == "/" + url + "parallel/"
        assert link.text == ("Read side by side" if url.startswith("en") else "中英对照")
    assert "en/posts/only-english/parallel/index.html" not in files
    assert "parallel-link" not in text_of(pairs_site, "en/posts/only-english/index.html")


def test_the_view_is_canonical_to_the_post_noindex_and_in_no_list_feed_or_sitemap(pairs_site):
    page = html(pairs_site, "zh/posts/outdated/parallel/index.html")
    assert page.xpath("//link[@rel='canonical']/@href") == ["https://pairs.test/zh/posts/outdated/"]
    assert page.xpath("//meta[@name='robots']/@content") == ["noindex"]
    assert not page.xpath("//link[@hreflang]")
    assert "parallel" not in text_of(pairs_site, "sitemap.xml")
    for path in ("en/index.html", "zh/index.html", "en/archive/index.html", "en/feed.xml", "zh/atom.xml"):
        assert "parallel/" not in text_of(pairs_site, path), path


def test_cells_are_aligned_with_their_own_language_and_ids_stay_unique(tmp_path):
    root = write_site(tmp_path / "site", {"content/posts/walk/index.md": """\
        ---
        date: 2025-03-01
        en: {title: "A walk"}
        zh: {title: "散步"}
        ---
        <!-- lang: en -->
        We set out early.[^1]

        An extra English paragraph.

        ![The heron](heron.png)

        ## Home

        Back by noon.

        [^1]: Before six.

        <!-- lang: zh -->
        我们很早出发。[^1]

        ![苍鹭](heron.png)

        ## 回家

        中午回来。

        [^1]: 六点以前。
        """, "content/posts/walk/heron.png": (SITES / "tricky/content/posts/tricky-content/square.png").read_bytes()})
    result = build_fixture(root)
    assert result.ok, result.diagnostics
    page = html(result, "zh/posts/walk/parallel/index.html")
    rows = page.xpath("//div[@class='pair' or @class='pair pair-notes']")
    cells = [[(c.get("lang"), " ".join(c.text_content().split())) for c in row.xpath("div")] for row in rows]
    assert cells == [
        [("zh-Hans", "我们很早出发。1"), ("en", "We set out early.1")],
        [("zh-Hans", ""), ("en", "An extra English paragraph.")],
        [("zh-Hans", ""), ("en", "")],  # the same image: shown once, in the page's language
        [("zh-Hans", "回家"), ("en", "Home")],
        [("zh-Hans", "中午回来。"), ("en", "Back by noon.")],
        [("zh-Hans", "注释 六点以前。 ↑"), ("en", "Notes Before six. ↑")],
    ]
    images = page.xpath("//main//img/@src")
    assert images == ["/zh/posts/walk/heron.png"]
    assert page.xpath("//div[contains(@class, 'empty')]/@lang") == ["zh-Hans", "en"]
    ids = page.xpath("//@id")
    assert len(ids) == len(set(ids))
    for href in page.xpath("//main//a[starts-with(@href, '#')]/@href"):
        assert href[1:] in ids, href
    assert page.xpath("//h1")[0].text == "散步" and page.xpath("//p[@class='parallel-other-title']/@lang") == ["en"]


def test_with_three_languages_the_view_pairs_two_and_links_the_others(tmp_path):
    yaml_text = """\
        base_url: https://three.test/
        title: {en: "Three", zh: "三", fr: "Trois"}
        description: {en: "x", zh: "x", fr: "x"}
        author: {name: "T", email: "t@three.test"}
        languages: [{code: en}, {code: zh}, {code: fr}]
        """
    root = write_site(tmp_path / "site", {
        "content/posts/p.en.md": "---\ndate: 2025-01-01\ntitle: One\n---\nHello.\n",
        "content/posts/p.zh.md": "---\ndate: 2025-01-01\ntitle: 一\n---\n你好。\n",
        "content/posts/p.fr.md": "---\ndate: 2025-01-01\ntitle: Un\n---\nBonjour.\n",
    }, yaml_text)
    result = build_fixture(root)
    assert result.ok, result.diagnostics
    views = sorted(p for p in result.files if "/parallel/" in p)
    assert views == ["en/posts/p/parallel/fr/index.html", "en/posts/p/parallel/index.html",
                     "fr/posts/p/parallel/index.html", "fr/posts/p/parallel/zh/index.html",
                     "zh/posts/p/parallel/fr/index.html", "zh/posts/p/parallel/index.html"]
    fr = html(result, "fr/posts/p/parallel/index.html")
    assert [c.get("lang") for c in fr.xpath("//div[@class='pair']/div")] == ["fr", "en"]
    assert fr.xpath("//p[@class='meta']//a/@href") == ["/fr/posts/p/", "/fr/posts/p/parallel/zh/"]
    en_fr = html(result, "en/posts/p/parallel/fr/index.html")
    assert [c.get("lang") for c in en_fr.xpath("//div[@class='pair']/div")] == ["en", "fr"]
    assert en_fr.xpath("//p[@class='meta']//a/@href") == ["/en/posts/p/", "/en/posts/p/parallel/"]


@pytest.fixture(scope="module")
def tricky_views(tmp_path_factory):
    from generator.build import BuildOptions, build_to

    from conftest import NOW

    out = tmp_path_factory.mktemp("tricky-parallel") / "output"
    assert build_to(SITES / "tricky", out, BuildOptions(now=NOW, cache=False)).ok
    with serve(out) as url:
        yield url


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_in_a_browser_columns_at_1280_stacked_at_375_and_nothing_overflows(browser, tricky_views, lang):
    for width, stacked in ((1280, False), (375, True), (639, True), (640, False)):
        context = browser.new_context(viewport={"width": width, "height": 900}, java_script_enabled=False)
        page = context.new_page()
        page.goto(tricky_views + f"{lang}/posts/tricky-content/parallel/")
        assert page.evaluate(OVERFLOW_JS) == [], width
        first, second = page.locator("div.pair:not(.pair-head)").first.locator("> div").all()
        a, b = first.bounding_box(), second.bounding_box()
        if stacked:
            assert b["y"] >= a["y"] + a["height"] - 1 and abs(a["x"] - b["x"]) < 20, width
            assert page.locator(".pair-head").is_hidden()
        else:
            assert abs(a["y"] - b["y"]) < 1 and b["x"] >= a["x"] + a["width"], width
        assert first.get_attribute("lang") == ("en" if lang == "en" else "zh-Hans")
        context.close()


def test_an_old_url_from_aliases_keeps_its_side_by_side_views_too(tmp_path):
    root = write_site(tmp_path / "site", {
        "content/posts/p.en.md": "---\ndate: 2025-01-01\nslug: new-name\ntitle: One\naliases: [posts/old-name/]\n---\nHi.\n",
        "content/posts/p.zh.md": "---\ndate: 2025-01-01\nslug: new-name\ntitle: 一\naliases: [posts/old-name/]\n---\n你好。\n",
    })
    result = build_fixture(root)
    assert result.ok, result.diagnostics
    for lang in ("en", "zh"):
        assert f"{lang}/posts/old-name/index.html" in result.files
        moved = text_of(result, f"{lang}/posts/old-name/parallel/index.html")
        assert f"/{lang}/posts/new-name/" in moved and 'content="noindex"' in moved


from hypothesis import given, settings, strategies as st  # noqa: E402

from types import SimpleNamespace  # noqa: E402

from generator.render.side_by_side import _RELATIVE, _cell, prefix_ids  # noqa: E402


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(['<p>', '</p>', '<a href="#fn1">', '<a href="x.png">', '</a>', ' id="h"', 'id=',
                                 '<img src="a.jpg">', ' aria-describedby="n"', '="', '中文', 'text', ' ']),
                max_size=20).map("".join))
def test_a_cell_without_attributes_is_left_as_it_is(fragment):
    moved = _RELATIVE.sub(lambda m: m.group(1) + "../", prefix_ids(fragment, "zh-"))
    assert _cell(fragment, SimpleNamespace(code="zh"), "../") == moved
