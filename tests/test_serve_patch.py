"""`riji serve` updates an open tab in place, in a real browser (Debian's headless Chromium): a saved
edit changes only what differs in the page, without a navigation, so the reader's place and what
the theme's script enhanced outside the edit stay; anything it cannot do safely is a full reload."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from conftest import NOW, REPO, write_site
from generator.serve.app import Session
from test_serve_browser import open_and_connect, page  # noqa: F401  (page: a fixture, on this module's site)
from test_serve_http import request

LONG = "/en/posts/long-walk/"
NARRATED = "/en/posts/narrated/"

PARAGRAPHS = "\n\n".join(f"Paragraph {i} of the long walk, with enough words to fill a line or two of the page."
                         for i in range(60))
LONG_POST = f"""\
---
date: 2025-03-01
slug: long-walk
tags: [culture]
title: "A Long Walk"
---
{PARAGRAPHS}
"""
NARRATED_POST = """\
---
date: 2025-03-02
slug: narrated
tags: [culture]
title: "Read Aloud"
audio: walk.en.mp3
chapters:
  - {start: "0:00", title: "Setting out"}
  - {start: "0:29", title: "The heron"}
---
A short one, written to be read aloud.

There is a heron there most evenings.
"""

PAIR_EN = """\
---
date: 2025-03-03
slug: pair
title: "Both Ways"
---
Written in English first.
"""
PAIR_ZH = """\
---
date: 2025-03-03
slug: pair
title: "两种写法"
---
先用英文写的。
"""

SAME_DOCUMENT = "() => window.__sameDocument === true"
NAVIGATIONS = "() => performance.getEntriesByType('navigation').map(n => n.type)"


@pytest.fixture
def site(tmp_path) -> Path:
    mp3 = (REPO / "content/posts/evening-walk-narrated/evening-walk.en.mp3").read_bytes()
    return write_site(tmp_path / "site", {"content/posts/long-walk.en.md": LONG_POST,
                                          "content/posts/narrated/index.en.md": NARRATED_POST,
                                          "content/posts/pair.en.md": PAIR_EN, "content/posts/pair.zh.md": PAIR_ZH,
                                          "content/posts/narrated/walk.en.mp3": mp3,
                                          "content/posts/narrated/walk-again.en.mp3": mp3})


def open_live(page, path: str) -> None:
    """Open `path` and wait until its script has the page's HTML to compare the next build's with."""
    url = page.session.url.rstrip("/") + path
    with page.expect_response(lambda r: r.url == url and r.request.resource_type == "fetch"):
        open_and_connect(page, path)
    page.evaluate("() => { window.__sameDocument = true; }")


def edit(site: Path, rel: str, old: str, new: str) -> None:
    path = site / rel
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")


def test_every_page_is_served_with_the_token_of_its_build(site):
    with Session(site, now=NOW) as session:
        for _ in range(2):  # and again after a rebuild
            token = session.preview.snapshot()[1]
            status, headers, body = request(session, LONG)
            assert status == 200 and headers["x-riji-build"] == token
            assert f'data-riji-build="{token}"'.encode() in body
            session.preview.rebuild()
        assert session.preview.snapshot()[1] != token
        stylesheet = re.search(rb'href="(/assets/style\.[^"]+\.css)"', body).group(1).decode()
        status, headers, _ = request(session, stylesheet)
        assert status == 200 and "x-riji-build" not in headers  # pages only


def test_an_edit_changes_the_open_tab_in_place_and_keeps_the_readers_place(page, site):
    open_live(page, LONG)
    page.locator("p", has_text="Paragraph 45 ").scroll_into_view_if_needed()
    scrolled = page.evaluate("() => window.scrollY")
    assert scrolled > 1000
    token = page.evaluate("() => document.querySelector('script[data-riji-build]').dataset.rijiBuild")

    edit(site, "content/posts/long-walk.en.md", "Paragraph 45 of the long walk", "Paragraph 45 of the short walk")
    expect(page.locator("main")).to_contain_text("Paragraph 45 of the short walk")
    assert page.evaluate(SAME_DOCUMENT)  # no navigation: the same document, changed
    assert page.evaluate(NAVIGATIONS) == ["navigate"]
    assert page.evaluate("() => window.scrollY") == scrolled
    assert page.locator("main p", has_text="Paragraph").count() == 60

    # the next edit is compared with the build now shown: a new title reaches the heading and <title>
    edit(site, "content/posts/long-walk.en.md", 'title: "A Long Walk"', 'title: "A Longer Walk"')
    expect(page.locator("h1")).to_have_text("A Longer Walk")
    expect(page).to_have_title("A Longer Walk · Test Diary")
    edit(site, "content/posts/long-walk.en.md", "Paragraph 3 of", "Paragraph 3, added to, of")
    expect(page.locator("main")).to_contain_text("Paragraph 3, added to, of")
    assert page.evaluate(SAME_DOCUMENT)
    assert page.evaluate("() => document.querySelector('script[data-riji-build]').dataset.rijiBuild") != token
    expect(page.locator("main")).to_contain_text("Paragraph 45 of the short walk")


def test_a_paragraph_added_and_removed_in_place(page, site):
    open_live(page, LONG)
    edit(site, "content/posts/long-walk.en.md", "Paragraph 10 of", "A new paragraph.\n\nParagraph 10 of")
    expect(page.locator("main")).to_contain_text("A new paragraph.")
    assert page.locator("main p", has_text="Paragraph").count() == 61
    edit(site, "content/posts/long-walk.en.md", "A new paragraph.\n\n", "")
    expect(page.locator("main")).not_to_contain_text("A new paragraph.")
    assert page.locator("main p", has_text="Paragraph").count() == 60
    assert page.evaluate(SAME_DOCUMENT)


def test_the_enhanced_player_outside_an_edit_stays_and_an_edit_to_it_reloads(page, site):
    open_live(page, NARRATED)
    expect(page.locator(".player-controls")).to_be_visible()  # riji.js made its player
    expect(page.locator(".chapters button")).to_have_count(2)
    page.evaluate("() => { document.querySelector('figure.audio audio').__enhanced = true; }")

    edit(site, "content/posts/narrated/index.en.md", "a heron there", "a grey heron there")
    expect(page.locator("main")).to_contain_text("There is a grey heron there")
    assert page.evaluate(SAME_DOCUMENT)
    assert page.evaluate("() => document.querySelector('figure.audio audio').__enhanced") is True
    expect(page.locator(".chapters button")).to_have_count(2)
    expect(page.locator(".player-controls")).to_be_visible()

    # a chapter's title is inside what riji.js rebuilt: the page reloads, and is enhanced again
    edit(site, "content/posts/narrated/index.en.md", "The heron", "The grey heron")
    expect(page.locator(".chapters")).to_contain_text("The grey heron")
    assert not page.evaluate(SAME_DOCUMENT)
    expect(page.locator(".chapters button")).to_have_count(2)
    expect(page.locator("main")).to_contain_text("There is a grey heron there")

    # another recording changes the <audio> element itself, however little else changes
    page.evaluate("() => { window.__sameDocument = true; }")
    edit(site, "content/posts/narrated/index.en.md", "audio: walk.en.mp3", "audio: walk-again.en.mp3")
    expect(page.locator("figure.audio audio source")).to_have_attribute("src", re.compile("walk-again"))
    assert not page.evaluate(SAME_DOCUMENT)
    expect(page.locator(".player-controls")).to_be_visible()


def test_a_video_written_into_a_post_reloads(page, site):
    open_live(page, LONG)
    edit(site, "content/posts/long-walk.en.md", "Paragraph 8 of", '<video controls></video>\n\nParagraph 8 of')
    expect(page.locator("main video")).to_have_count(1)
    assert not page.evaluate(SAME_DOCUMENT)


def test_a_change_to_the_heads_stylesheets_reloads(page, site):
    open_live(page, LONG)
    # a code block makes the page link the code stylesheet
    edit(site, "content/posts/long-walk.en.md", "Paragraph 5 of", "```python\nprint('hi')\n```\n\nParagraph 5 of")
    expect(page.locator("main pre")).to_contain_text("print")
    assert not page.evaluate(SAME_DOCUMENT)
    assert page.evaluate(NAVIGATIONS) == ["reload"]


@pytest.mark.parametrize("answer", ["another build", "no answer"])
def test_a_page_of_another_build_or_none_reloads(page, site, answer):
    open_live(page, LONG)
    asked = []

    def fetched(route):  # the tab's fetch of its new version; the reload after it is left alone
        asked.append(route.request.resource_type)
        if answer == "no answer":
            return route.abort()
        response = route.fetch()
        route.fulfill(response=response, headers={**response.headers, "x-riji-build": "an-older-build"})

    page.route(page.session.url.rstrip("/") + LONG, fetched, times=1)
    edit(site, "content/posts/long-walk.en.md", "Paragraph 7 of", "Paragraph seven of")
    expect(page.locator("main")).to_contain_text("Paragraph seven of")
    assert asked == ["fetch"]  # the tab tried to update in place
    assert not page.evaluate(SAME_DOCUMENT)


def test_the_error_overlay_and_the_notice_do_not_stop_an_update_in_place(page, site):
    from generator.cli import main

    assert main(["status", "--site", str(site), "--sync"]) == 0
    open_live(page, LONG)
    good = (site / "content/posts/long-walk.en.md").read_text("utf-8")
    edit(site, "content/posts/long-walk.en.md", "slug: long-walk", "slug: long-walk\ndate: [broken")
    overlay = page.locator("#riji-error-overlay")
    expect(overlay).to_contain_text("content/posts/long-walk.en.md:")
    (site / "content/posts/long-walk.en.md").write_text(good.replace("Paragraph 2 of", "Paragraph two of"), "utf-8")
    expect(page.locator("main")).to_contain_text("Paragraph two of")
    expect(overlay).to_have_count(0)
    assert page.evaluate(SAME_DOCUMENT)

    open_live(page, "/en/posts/pair/")
    edit(site, "content/posts/pair.en.md", "Written in English first.", "Written in English, first.")
    expect(page.locator("#riji-notice")).to_contain_text("1 translation is outdated")
    expect(page.locator("main")).to_contain_text("Written in English, first.")
    assert page.evaluate(SAME_DOCUMENT)
    edit(site, "content/posts/pair.en.md", "Written in English, first.", "Written in English at first.")
    expect(page.locator("main")).to_contain_text("Written in English at first.")
    expect(page.locator("#riji-notice")).to_be_visible()
    assert page.evaluate(SAME_DOCUMENT)
