"""`riji serve` in a real browser (Debian's headless Chromium via Playwright): a saved edit appears
without a manual reload, a broken post shows the error overlay naming the file, fixing it recovers."""
from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from conftest import NOW, write_site
from generator.serve.app import Session

WAIT_MS = 15_000  # a limit for a broken feature, not a speed requirement

POST = """
---
date: 2025-03-01
slug: first-light
tags: [culture]
en:
  title: "First Light"
zh:
  title: "晨光"
---
<!-- lang: en -->
Morning light on the notebook.

<!-- lang: zh -->
晨光落在笔记本上。
"""


@pytest.fixture
def site(tmp_path) -> Path:
    return write_site(tmp_path / "site", {"content/posts/first-light.md": POST,
                                          "themes/default/static/style.css": "body { color: rgb(0, 0, 0); }\n"})


@pytest.fixture
def page(browser, site):
    with Session(site, now=NOW) as session:
        context = browser.new_context()
        tab = context.new_page()
        tab.set_default_timeout(WAIT_MS)
        tab.session = session
        yield tab
        context.close()


def open_and_connect(page, path: str) -> None:
    page.goto(page.session.url.rstrip("/") + path)
    # the reload script has connected: the server knows which page this tab shows
    page.wait_for_function("() => window.__rijiLive === true")
    for _ in range(500):
        if path in page.session.preview.channel.pages():
            return
        page.wait_for_timeout(20)
    raise AssertionError("the page never opened its event stream")


def test_edit_appears_then_error_overlay_then_recovery(page, site):
    post = site / "content/posts/first-light.md"
    good = post.read_text("utf-8")
    open_and_connect(page, "/en/posts/first-light/")
    expect(page.locator("main")).to_contain_text("Morning light on the notebook")
    page.evaluate("() => { window.__sameDocument = true; }")

    post.write_text(good.replace("Morning light", "Evening light"), "utf-8")
    expect(page.locator("main")).to_contain_text("Evening light on the notebook")
    assert page.evaluate("() => window.__sameDocument") is True  # changed in place, not reloaded

    post.write_text(good.replace("slug: first-light", "slug: first-light\ndate: [broken"), "utf-8")
    overlay = page.locator("#riji-error-overlay[role=alert]")
    expect(overlay).to_be_visible()
    expect(overlay).to_contain_text("content/posts/first-light.md:")
    expect(page.locator("main")).to_contain_text("Evening light")  # the last good build stays

    page.reload()  # a page opened while the build is broken shows the overlay too
    expect(overlay).to_contain_text("content/posts/first-light.md:")

    post.write_text(good.replace("Morning light", "Noon light"), "utf-8")
    expect(page.locator("main")).to_contain_text("Noon light on the notebook")
    expect(overlay).to_have_count(0)


def test_chinese_page_updates_too(page, site):
    post = site / "content/posts/first-light.md"
    open_and_connect(page, "/zh/posts/first-light/")
    page.evaluate("() => { window.__sameDocument = true; }")
    post.write_text(post.read_text("utf-8").replace("晨光落在", "暮色落在"), "utf-8")
    expect(page.locator("main")).to_contain_text("暮色落在笔记本上")
    assert page.evaluate("() => window.__sameDocument") is True  # changed in place
    # the pinyin toggle's script kept a copy of the text: it shows the new one, with its readings
    page.locator(".pinyin-toggle").click()
    expect(page.locator(".prose ruby").first).to_be_visible()
    expect(page.locator(".prose")).to_contain_text("暮")
    page.locator(".pinyin-toggle").click()
    expect(page.locator(".prose")).to_contain_text("暮色落在笔记本上")
    # while the readings are shown, an edit loads the page again, which shows them for the new text
    page.locator(".pinyin-toggle").click()
    expect(page.locator(".prose ruby").first).to_be_visible()
    post.write_text(post.read_text("utf-8").replace("暮色落在", "夜色落在"), "utf-8")
    expect(page.locator(".prose")).to_contain_text("夜")
    expect(page.locator(".prose ruby").first).to_be_visible()
    assert page.evaluate("() => window.__sameDocument") is None


def test_stylesheet_change_swaps_without_reload(page, site):
    open_and_connect(page, "/en/posts/first-light/")
    page.evaluate("() => { window.__sameDocument = true; }")
    assert page.evaluate("() => getComputedStyle(document.body).color") == "rgb(0, 0, 0)"
    css = site / "themes/default/static/style.css"
    css.write_text("body { color: rgb(0, 128, 0); }\n", "utf-8")
    page.wait_for_function("() => getComputedStyle(document.body).color === 'rgb(0, 128, 0)'")
    assert page.evaluate("() => window.__sameDocument") is True  # swapped in place, not reloaded
    hrefs = page.evaluate("() => [...document.querySelectorAll('link[rel=stylesheet]')].map(l => l.href)")
    assert len([h for h in hrefs if "/assets/style." in h]) == 1  # the old sheet is gone


def test_an_outdated_translation_is_a_notice_apart_from_the_error_overlay(page, site):
    from generator.cli import main

    post = site / "content/posts/first-light.md"
    assert main(["status", "--site", str(site), "--sync"]) == 0
    open_and_connect(page, "/zh/posts/first-light/")
    notice = page.locator("#riji-notice[role=status]")
    expect(notice).to_have_count(0)
    post.write_text(post.read_text("utf-8").replace("Morning light", "Evening light"), "utf-8")
    expect(notice).to_contain_text("1 translation is outdated; run riji status")
    expect(page.locator("#riji-error-overlay")).to_have_count(0)  # a notice, not a failed build
    expect(page.locator("main")).to_contain_text("阅读原文")  # and the reader's notice on the page
    page.locator("#riji-notice button").click()
    expect(notice).to_have_count(0)
    assert main(["status", "--site", str(site), "--sync"]) == 0  # synced while previewing: gone
    page.reload()
    expect(page.locator("main")).not_to_contain_text("阅读原文")
