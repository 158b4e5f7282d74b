"""Search in a real browser, on the built example site: Chinese and English queries, results in the
page's language only, links to the right post, ?q= links, keyboard-only use, and nothing fetched
(from this host or any other) before a reader searches."""
from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

import pytest

from test_browser import OVERFLOW_JS, PHONE, STRINGS, serve


@pytest.fixture(scope="module")
def base(example_output):
    with serve(example_output) as url:
        yield url


@pytest.fixture(scope="module")
def two_shards(tmp_path_factory):
    """The example site with its first post a year older, and every year a shard of its own, or its
    months when it has two posts or more (2025)."""
    import shutil

    from conftest import NOW, REPO
    from generator import search as search_module
    from generator.build import BuildOptions, build_to

    site = tmp_path_factory.mktemp("shards") / "site"
    site.mkdir()
    for name in ("site.yaml", "content", "static"):
        (shutil.copytree if (REPO / name).is_dir() else shutil.copy2)(REPO / name, site / name)
    post = site / "content/posts/2025-01-18-tiktok-refugees.md"
    post.write_text(post.read_text("utf-8").replace("date: 2025-01-18", "date: 2024-01-18", 1), "utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(search_module, "SHARD_POSTS", 1)
        assert build_to(site, site / "output", BuildOptions(now=NOW, cache=False)).ok
    with serve(site / "output") as url:
        yield url


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    page.requests = []
    page.on("request", lambda request: page.requests.append(request.url))
    yield page
    context.close()


def results(page) -> list[dict]:
    page.wait_for_selector(".search-result h2 a")
    return page.eval_on_selector_all(".search-result", """items => items.map(li => ({
        href: new URL(li.querySelector('h2 a').href).pathname, title: li.querySelector('h2').textContent,
        date: (li.querySelector('.meta') || {}).textContent, marks: [...li.querySelectorAll('mark')].map(m => m.textContent),
        excerpt: li.querySelector('.excerpt').innerHTML}))""")


def search(page, base: str, lang: str, query: str) -> list[dict]:
    page.goto(f"{base}{lang}/search/")
    page.fill("#search-q", query)
    page.press("#search-q", "Enter")
    return results(page)


def test_chinese_query_finds_the_post_by_its_words_in_chinese_pages_only(page, base):
    found = search(page, base, "zh", "难民")
    hrefs = [r["href"] for r in found]
    assert "/zh/posts/tiktok-refugees/" in hrefs  # "TikTok 难民": a segmented word, not a substring
    assert all(h.startswith("/zh/") for h in hrefs)
    first = next(r for r in found if r["href"] == "/zh/posts/tiktok-refugees/")
    assert first["title"] == "从 TikTok 到小红书" and first["date"] == "2025年1月18日"
    assert "难民" in first["marks"]
    assert "<script" not in first["excerpt"] and "<mark>" in first["excerpt"]


def test_xiaohongshu_finds_every_post_that_mentions_it(page, base):
    found = {r["href"]: r for r in search(page, base, "zh", "小红书")}
    assert {"/zh/posts/tiktok-refugees/", "/zh/posts/short-video-long-reading/"} <= set(found)
    assert all(h.startswith("/zh/") for h in found)
    assert "小红书" in found["/zh/posts/tiktok-refugees/"]["marks"]  # one highlight, not 小 红 书


def test_english_query_is_stemmed_and_finds_english_pages_only(page, base):
    found = search(page, base, "en", "refugee")
    assert [r["href"] for r in found][0] == "/en/posts/tiktok-refugees/"
    assert all(r["href"].startswith("/en/") for r in found)
    assert any(m.lower().startswith("refugees") for m in found[0]["marks"])
    assert found[0]["date"] == "January 18, 2025"
    page.fill("#search-q", "难民")  # Chinese words are in the Chinese index, not this one
    page.press("#search-q", "Enter")
    page.wait_for_function("document.querySelector('[data-search-status]').textContent.includes('难民')")
    assert page.locator(".search-result").count() == 0
    assert page.text_content("[data-search-status]") == STRINGS["en"]["search_none"].format(query="难民")


def test_a_result_click_opens_that_post(page, base):
    search(page, base, "en", "refugee")
    page.click(".search-result h2 a")
    page.wait_for_url("**/en/posts/tiktok-refugees/")
    assert page.text_content("h1") == "From TikTok to RedNote"


def test_a_q_link_searches_and_typing_updates_it(page, base):
    page.goto(f"{base}zh/search/?q={quote('难民')}")
    assert "/zh/posts/tiktok-refugees/" in [r["href"] for r in results(page)]
    assert page.input_value("#search-q") == "难民"
    page.fill("#search-q", "小红书")
    page.wait_for_function("new URLSearchParams(location.search).get('q') === '小红书'")
    page.wait_for_function("document.querySelector('[data-search-status]').textContent.includes('小红书')")


def test_keyboard_only_from_any_page_to_a_post(page, base):
    page.goto(f"{base}en/posts/notes-on-solitude/")
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "site-search-q"
    page.keyboard.type("refugee")
    page.keyboard.press("Enter")
    page.wait_for_url("**/en/search/?q=refugee")
    results(page)
    page.keyboard.press("/")  # on the search page "/" goes to its own field
    assert page.evaluate("document.activeElement.id") == "search-q"
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.closest('.search-result') !== null")
    page.keyboard.press("Escape")
    assert page.evaluate("document.activeElement.id") == "search-q"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_url("**/en/posts/tiktok-refugees/")


def test_slash_types_a_slash_inside_a_field(page, base):
    page.goto(f"{base}en/search/")
    page.focus("#search-q")
    page.keyboard.type("a/b")
    assert page.input_value("#search-q") == "a/b"


def test_nothing_is_fetched_for_search_until_a_reader_searches(page, base):
    page.goto(f"{base}en/posts/tiktok-refugees/")
    page.goto(f"{base}zh/")
    page.wait_for_load_state("networkidle")
    assert not [u for u in page.requests if "/pagefind/" in u or "search" in urlsplit(u).path]
    page.goto(f"{base}zh/search/")
    page.wait_for_load_state("networkidle")
    assert not [u for u in page.requests if "/pagefind/" in u]
    page.fill("#search-q", "难民")
    results(page)
    # every file of a shard's bundle, "/pagefind/2025/index/..." -> "index/..."
    fetched = [urlsplit(u).path.split("/", 3)[3] for u in page.requests if "/pagefind/" in u]
    assert "pagefind.js" in fetched
    assert any(p.startswith("index/zh-hans_") for p in fetched)
    assert not any(p.startswith(("index/en_", "fragment/en_")) for p in fetched)


def test_a_search_merges_every_shard_of_its_language(page, two_shards):
    found = {r["href"] for r in search(page, two_shards, "zh", "小红书")}
    assert {"/zh/posts/tiktok-refugees/", "/zh/posts/short-video-long-reading/"} <= found  # 2024 and 2025
    assert all(h.startswith("/zh/") for h in found)
    fetched = {urlsplit(u).path.split("/")[2] for u in page.requests if "/pagefind/" in u}
    months = fetched - {"2024"}  # 2025's posts, in shards of months: "2025-03", "2025-05-2025-06"
    assert "2024" in fetched and len(months) >= 2, fetched
    assert all(re.fullmatch(r"2025-\d\d(-2025-\d\d)?", name) for name in months), fetched


def test_no_request_leaves_the_host(page, base):
    for lang, query in (("zh", "小红书"), ("en", "refugee")):
        search(page, base, lang, query)
        page.wait_for_load_state("networkidle")
    host = urlsplit(base).netloc
    assert page.requests and {urlsplit(u).netloc for u in page.requests} == {host}


def test_without_javascript_the_page_says_so_and_links_archive_and_tags(browser, base):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    for lang in ("en", "zh"):
        page.goto(f"{base}{lang}/search/")
        note = page.locator(".search-nojs")
        assert note.is_visible()
        assert STRINGS[lang]["search_needs_js"] in note.text_content()
        hrefs = note.locator("a").evaluate_all("links => links.map(a => new URL(a.href).pathname)")
        assert hrefs == [f"/{lang}/archive/", f"/{lang}/tags/"]
        assert not page.locator("#search-q").is_visible()  # no field that could not work
    context.close()


def test_results_fit_a_phone_in_light_and_dark(browser, base):
    for scheme in ("light", "dark"):
        context = browser.new_context(viewport=PHONE, color_scheme=scheme)
        page = context.new_page()
        for lang, query in (("zh", "小红书"), ("en", "refugee")):
            page.goto(f"{base}{lang}/search/?q={quote(query)}")
            results(page)
            assert page.evaluate(OVERFLOW_JS) == []
            colors = page.eval_on_selector(".search-result mark", """m => [getComputedStyle(m).color,
                getComputedStyle(m).backgroundColor]""")
            assert colors[0] != colors[1]
        context.close()
