"""The default theme as a reader meets it, in Debian's headless Chromium: the honest language
switcher, the colour-scheme toggle without a flash, the player, tab order on a phone, and the
shipped typeface."""
from __future__ import annotations

import re

import pytest
from babel import Locale

from conftest import NOW
from generator.serve.app import Session
from test_browser import PHONE, STRINGS, _html_paths, _luminance, base, page  # noqa: F401  (base, page: fixtures)

EN_ONLY = "en/posts/notes-on-solitude/"
NARRATED = "en/posts/evening-walk-narrated/"


@pytest.fixture(scope="module")
def ranged(example_output):
    """The example site from the preview server, which answers range requests, so the player
    can seek as it does on a real host (the plain test server would snap every seek back to 0)."""
    with Session(example_output.parent, now=NOW) as session:
        yield session.url


def _contrast(a: str, b: str) -> float:
    x, y = _luminance(a), _luminance(b)
    return (max(x, y) + 0.05) / (min(x, y) + 0.05)


# -- the language switcher, where this page has no translation --------------------------------

@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_switcher_says_plainly_there_is_no_translation(browser, base, scheme):
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    page.goto(base + EN_ONLY)
    switcher = page.locator(".lang-switch")
    assert switcher.locator("a").count() == 0, "a link to a page that is not this one's translation"
    missing = switcher.locator(".missing[data-lang='zh']")
    assert switcher.locator(".missing").count() == 2  # zh, and the zh-hant made from it
    assert missing.count() == 1 and missing.is_visible()
    text = missing.inner_text()
    here = STRINGS["en"]["no_translation"].format(language=Locale("zh", script="Hans").get_display_name("en"))
    there = STRINGS["zh"]["no_translation"].format(language="中文")
    assert here in text and there in text, text
    assert missing.locator("[lang='zh-Hans']").inner_text() == there
    fg, border, bg = missing.evaluate("""el => {
        const s = getComputedStyle(el);
        let a = el, bg = "rgb(255, 255, 255)";
        for (; a; a = a.parentElement) { const b = getComputedStyle(a).backgroundColor;
            if (b !== "rgba(0, 0, 0, 0)" && b !== "transparent") { bg = b; break; } }
        return [s.color, s.borderTopColor, bg]; }""")
    assert _contrast(fg, bg) >= 4.5, (fg, bg)
    assert _contrast(border, bg) >= 3, (border, bg)
    context.close()


def test_switcher_still_links_a_translation(page, base):
    page.goto(base + "en/posts/tiktok-refugees/")
    link = page.locator(".lang-switch a[hreflang='zh-Hans']")
    assert link.get_attribute("href") == "/zh/posts/tiktok-refugees/"
    assert page.locator(".lang-switch .missing").count() == 0


# -- light, dark, or the system -----------------------------------------------------------------

def _background(page) -> float:
    return _luminance(page.evaluate("getComputedStyle(document.body).backgroundColor"))


@pytest.mark.parametrize("system, chosen", [("light", "dark"), ("dark", "light")])
def test_chosen_scheme_is_there_at_first_paint(browser, base, system, chosen):
    """The stored choice is applied by the inline script in <head>: with riji.js never arriving,
    the page is already in the chosen scheme when it is first shown."""
    context = browser.new_context(color_scheme=system)
    page = context.new_page()
    page.goto(base + "en/")
    page.evaluate(f"localStorage.setItem('riji-theme', '{chosen}')")
    page.route(re.compile(r".*/riji\.[0-9a-f]+\.js$"), lambda route: route.abort())
    # the first frame's colours, read in a requestAnimationFrame queued before any page script
    page.add_init_script("""requestAnimationFrame(() => {
        window.firstPaint = getComputedStyle(document.body || document.documentElement).backgroundColor; });""")
    page.reload(wait_until="load")
    page.wait_for_function("window.firstPaint !== undefined")
    first = _luminance(page.evaluate("window.firstPaint"))
    assert (first < 0.05) if chosen == "dark" else (first > 0.85), (system, chosen, first)
    assert page.evaluate("document.documentElement.dataset.theme") == chosen
    context.close()


def test_theme_toggle_cycles_with_the_keyboard_and_is_remembered(browser, base):
    context = browser.new_context(color_scheme="light")
    page = context.new_page()
    page.goto(base + "en/posts/tiktok-refugees/")
    toggle = page.locator(".theme-toggle")
    assert toggle.is_visible()
    assert _background(page) > 0.85
    toggle.focus()
    page.keyboard.press("Enter")  # system -> light
    assert page.evaluate("localStorage.getItem('riji-theme')") == "light"
    page.keyboard.press("Enter")  # light -> dark
    assert _background(page) < 0.05
    assert STRINGS["en"]["theme_dark"] in toggle.inner_text()
    page.goto(base + "zh/")
    assert _background(page) < 0.05  # remembered across pages and languages
    assert STRINGS["zh"]["theme_dark"] in page.locator(".theme-toggle").inner_text()
    page.locator(".theme-toggle").press("Space")  # dark -> system
    assert page.evaluate("localStorage.getItem('riji-theme')") is None
    assert _background(page) > 0.85
    context.close()


def test_without_javascript_the_system_scheme_rules(browser, base):
    context = browser.new_context(color_scheme="dark", java_script_enabled=False)
    page = context.new_page()
    page.goto(base + "en/")
    assert _background(page) < 0.05
    assert not page.locator(".theme-toggle").is_visible()  # a button that could do nothing is not shown
    context.close()


# -- the player ---------------------------------------------------------------------------------

def _ready(page) -> None:
    page.wait_for_function("document.querySelector('.audio audio').readyState >= 1")


def _seek(page, seconds: float) -> None:
    page.evaluate("""t => new Promise(done => { const a = document.querySelector('.audio audio');
        a.addEventListener('seeked', () => done(), {once: true}); a.currentTime = t; })""", seconds)


@pytest.mark.parametrize("path, second_start", [(NARRATED, 29), ("zh/posts/evening-walk-narrated/", 39)])
def test_current_chapter_follows_the_playback(page, ranged, path, second_start):
    page.goto(ranged + path)
    _ready(page)
    current = page.locator(".chapters li.current")
    assert current.get_attribute("data-start") == "0"
    _seek(page, second_start + 1)
    page.wait_for_function(f"document.querySelector('.chapters li.current').dataset.start === '{second_start}'")
    assert current.count() == 1 and current.get_attribute("aria-current") == "true"
    _seek(page, second_start - 2)
    page.wait_for_function("document.querySelector('.chapters li.current').dataset.start === '0'")
    assert page.locator(".now-playing").get_attribute("aria-live") == "polite"


def test_chapter_buttons_seek_and_speed_buttons_set_the_rate(page, ranged):
    page.goto(ranged + NARRATED)
    _ready(page)
    page.evaluate("document.querySelector('.audio audio').play = () => Promise.resolve()")
    page.locator(".chapters button", has_text="The way back").click()
    page.wait_for_function("Math.abs(document.querySelector('.audio audio').currentTime - 51) < 0.5")
    assert page.url.endswith("/" + NARRATED)  # the page stays
    for label, rate in (("1.5×", 1.5), ("2×", 2), ("1.25×", 1.25), ("1×", 1)):
        button = page.locator(".speeds button", has_text=re.compile("^" + re.escape(label) + "$"))
        button.click()
        assert page.evaluate("document.querySelector('.audio audio').playbackRate") == rate
        assert button.get_attribute("aria-pressed") == "true"
        assert page.locator(".speeds [aria-pressed='true']").count() == 1
    page.locator("[data-skip='-15']").click()
    page.wait_for_function("Math.abs(document.querySelector('.audio audio').currentTime - 36) < 0.5")
    page.locator("[data-skip='30']").click()
    page.wait_for_function("Math.abs(document.querySelector('.audio audio').currentTime - 66) < 0.5")


def test_listening_position_is_remembered_per_episode(page, ranged):
    page.goto(ranged + NARRATED)
    _ready(page)
    _seek(page, 42)
    page.goto(ranged + "zh/posts/evening-walk-narrated/")  # another episode starts at its beginning
    _ready(page)
    assert page.evaluate("document.querySelector('.audio audio').currentTime") < 1
    page.goto(ranged + NARRATED)
    _ready(page)
    page.wait_for_function("Math.abs(document.querySelector('.audio audio').currentTime - 42) < 0.5")
    assert "0:42" in page.locator(".now-playing").inner_text()
    assert page.locator(".chapters li.current").get_attribute("data-start") == "29"


def test_without_javascript_the_player_is_the_browsers_own(browser, base):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base + NARRATED)
    assert page.locator(".audio audio[controls]").is_visible()
    assert not page.locator(".player-controls").is_visible()
    chapters = page.locator(".chapters li")
    assert chapters.count() == 3
    assert chapters.nth(1).inner_text().split() == ["0:29", "The", "heron"]
    assert page.locator(".chapters a").count() == 0  # nothing that leaves the page for the bare MP3
    context.close()


# -- order, hierarchy and type ------------------------------------------------------------------

TAB_JS = """() => { const el = document.activeElement, box = el.getBoundingClientRect();
    return {inHeader: !!el.closest('.site-header'), skip: el.classList.contains('skip'),
            text: (el.innerText || el.getAttribute('aria-label') || '').trim().slice(0, 20),
            top: box.top, bottom: box.bottom, left: box.left}; }"""


@pytest.mark.parametrize("path", [EN_ONLY, "zh/posts/tiktok-refugees/", "en/", "zh/archive/"])
def test_tab_order_follows_the_visual_order_on_a_phone(browser, base, path):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(base + path)
    seen = []
    for _ in range(30):
        page.keyboard.press("Tab")
        focused = page.evaluate(TAB_JS)
        if focused["skip"]:
            continue
        if not focused["inHeader"]:
            break
        seen.append(focused)
    assert len(seen) >= 6, seen  # title, switcher, theme, and the menu
    for before, after in zip(seen, seen[1:]):
        same_row = after["top"] < before["bottom"] and before["top"] < after["bottom"]
        assert (same_row and after["left"] > before["left"]) or (not same_row and after["top"] >= before["bottom"] - 1), \
            f"Tab goes from {before['text']!r} to {after['text']!r}, which is shown before it"
    context.close()


def test_archive_year_is_clearly_below_the_page_title(page, base):
    page.goto(base + "zh/archive/")
    title, year = page.evaluate("""() => [document.querySelector('h1'), document.querySelector('.year h2')]
        .map(el => parseFloat(getComputedStyle(el).fontSize))""")
    assert year <= title * 0.6, (title, year)
    assert page.locator(".archive-list a").first.evaluate("el => getComputedStyle(el).textDecorationLine") == "none"


def _fonts_of(page, selector: str) -> dict[str, int]:
    """The fonts Chromium really drew a node's text with (DevTools protocol), by glyph count."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    return {f["familyName"]: f["glyphCount"] for f in fonts}


def test_latin_text_and_footnote_arrows_are_in_the_shipped_face(page, base):
    page.goto(base + "en/posts/tiktok-refugees/")
    page.evaluate("document.fonts.ready")
    for selector in (".prose p", ".site-nav a", ".meta", ".footnote-backref", ".footnote-ref a"):
        assert set(_fonts_of(page, selector)) == {"Riji Text"}, selector
    marker = page.locator(".footnote-ref a").first
    assert re.fullmatch(r"\d+", marker.inner_text()), marker.inner_text()  # "1", not "[1]"
    requested = page.evaluate("performance.getEntriesByType('resource').map(r => r.name)")
    assert any(u.endswith("riji-text-regular.woff2") for u in requested)



# -- lists, the home page and the 404 ---------------------------------------------------------

LANG_OF = "el => el.closest('[lang]').getAttribute('lang')"


@pytest.mark.parametrize("home, title, other, badge_language", [
    ("en/", "写作的理由", "zh-Hans", "Chinese (Simplified)"),  # named with its script: the site has zh-hant too
    ("zh/", "Notes on Solitude", "en", "英语")])
def test_list_labels_are_in_the_lists_language(page, base, home, title, other, badge_language):
    code = home[:2]
    page.goto(base + home)
    card = page.locator(".card", has=page.get_by_role("link", name=title, exact=True))
    assert card.count() == 1, f"{home} does not list {title}"
    assert card.get_by_role("link", name=title, exact=True).evaluate(LANG_OF) == other  # the title keeps its own
    badge, meta = card.locator(".badge"), card.locator(".meta")
    assert badge.inner_text() == STRINGS[code]["only_in"].format(language=badge_language)
    assert STRINGS[code]["minutes_read"].split("{n}")[-1].strip() in meta.inner_text()
    assert badge.evaluate(LANG_OF) == meta.evaluate(LANG_OF) == ("en" if code == "en" else "zh-Hans")


def test_home_introduces_the_diary(page, base):
    page.goto(base + "en/")
    title = page.locator("h1")
    assert title.is_visible() and title.inner_text() == "Two Notebooks"
    intro = page.locator(".intro")
    assert "reflective diary" in intro.locator(".lede").inner_text()
    assert "Lin Qiao" in intro.inner_text()
    assert intro.locator("img.avatar").evaluate("img => img.complete && img.naturalWidth > 0")
    assert {intro.locator(f"a[hreflang='{h}']").get_attribute("href") for h in ("en", "zh-Hans")} == {"/en/", "/zh/"}
    featured = page.locator(".card").first
    assert "card-featured" in featured.get_attribute("class")
    assert featured.locator(".lead p").first.inner_text() == "This is a short one, written to be read aloud."
    listen = featured.locator("a.listen")
    assert listen.get_attribute("href") == "/en/posts/evening-walk-narrated/#listen"
    assert listen.locator("svg").count() == 1 and listen.locator("time").inner_text() == "1:12"
    listen.click()
    page.wait_for_url("**/evening-walk-narrated/#listen")
    assert page.locator("#listen audio").count() == 1


def test_not_found_page_offers_the_newest_posts_in_each_language(page, base):
    page.goto(base + "404.html")
    for lang, newest in (("en", "An Evening Walk, Read Aloud"), ("zh-Hans", "晚饭后散步（朗读版）")):
        section = page.locator(f".not-found[lang='{lang}']")
        links = section.locator(".recent a")
        assert links.count() == 3
        assert links.first.inner_text() == newest
    page.locator(".not-found[lang='zh-Hans'] .recent a").first.click()
    page.wait_for_url("**/zh/posts/evening-walk-narrated/")


# -- only the CSS a page needs --------------------------------------------------------------------

def _sheets(page) -> set[str]:
    return {re.sub(r"\.[0-9a-f]{10}\.css$", ".css", h.rsplit("/", 1)[-1])
            for h in page.eval_on_selector_all("link[rel=stylesheet]", "ls => ls.map(l => l.href)")}


def test_each_page_loads_only_the_stylesheets_it_needs(page, base, example_output):
    for path in _html_paths(example_output):
        page.goto(base + path)
        has = page.evaluate("""() => ({doc: !!document.querySelector('.prose'), code: !!document.querySelector('.prose pre'),
                                        audio: !!document.querySelector('figure.audio')})""")
        want = {"style.css"} | ({"reading.css"} if has["doc"] else set()) | ({"code.css"} if has["code"] else set()) \
            | ({"player.css"} if has["audio"] else set()) | ({"search.css"} if path.endswith("search/") else set())
        assert _sheets(page) == want, path
    for css in example_output.glob("assets/*.css"):
        text = css.read_text("utf-8")
        assert "/*" not in text and text.count("\n") <= 1, f"{css.name} is not minified"


@pytest.mark.parametrize("system, chosen", [("light", "dark"), ("dark", "light")])
def test_code_colours_follow_the_chosen_scheme(browser, base, system, chosen):
    context = browser.new_context(color_scheme=system)
    page = context.new_page()
    page.goto(base + "en/posts/learning-a-language-alone/")
    page.evaluate(f"localStorage.setItem('riji-theme', '{chosen}')")
    page.reload()
    keyword, block = page.evaluate("""() => [getComputedStyle(document.querySelector('.prose pre .kn, .prose pre .k')).color,
                                             getComputedStyle(document.querySelector('.prose pre')).backgroundColor]""")
    assert _contrast(keyword, block) >= 4.5, (keyword, block)
    assert (_luminance(block) < 0.05) == (chosen == "dark")
    context.close()
