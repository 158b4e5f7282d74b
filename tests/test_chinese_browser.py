"""Chinese typography measured in Chromium on the built example site."""
from __future__ import annotations

import pytest

from test_browser import PHONE, _html_paths, serve


@pytest.fixture(scope="module")
def base(example_output):
    with serve(example_output) as url:
        yield url


def test_chinese_paragraphs_have_leading_of_at_least_1_8(browser, base):
    page = browser.new_page()
    for path, selector in (("zh/", ".card .summary"), ("zh/posts/tiktok-refugees/", ".prose > p"),
                           ("en/", ".card .summary[lang|=zh]")):
        page.goto(base + path)
        ratio = page.eval_on_selector(selector, "p => parseFloat(getComputedStyle(p).lineHeight)"
                                                " / parseFloat(getComputedStyle(p).fontSize)")
        assert ratio >= 1.8, (path, selector, ratio)
    page.close()


# the first visible character of every line an element's text is laid out on
LINE_STARTS = """el => {
  const starts = []; let top = null;
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (let i = 0; i < node.data.length; i++) {
      if (!node.data[i].trim()) continue;
      const range = document.createRange(); range.setStart(node, i); range.setEnd(node, i + 1);
      const rect = range.getClientRects()[0];
      if (!rect || !rect.width) continue;
      if (top === null || rect.top > top + rect.height / 2) { starts.push(node.data[i]); }
      top = rect.top;
    }
  }
  return starts;
}"""


def test_no_meta_line_starts_with_a_separator_on_a_phone(browser, base, example_output):
    page = browser.new_page(viewport=PHONE)
    checked = 0
    for path in _html_paths(example_output):
        if 'http-equiv="refresh"' in (example_output / path / "index.html" if not path.endswith(".html")
                                      else example_output / path).read_text("utf-8"):
            continue  # an old URL that sends the reader on
        page.goto(base + path)
        for meta in page.query_selector_all(".meta, .subscribe"):
            starts = meta.evaluate(LINE_STARTS)
            checked += len(starts)
            assert not any(s in "·|" for s in starts), (path, meta.inner_text(), starts)
    assert checked > 50
    page.close()


LATIN_FACE = '"Riji Text"'


def test_english_quote_on_a_chinese_page_is_ragged_and_in_the_latin_face(browser, base):
    page = browser.new_page(viewport=PHONE)
    page.goto(base + "zh/posts/tiktok-refugees/")
    quote = page.eval_on_selector(".prose blockquote p", "p => [getComputedStyle(p).textAlign,"
                                  " getComputedStyle(p).fontFamily, getComputedStyle(p).letterSpacing]")
    assert quote[0] != "justify" and quote[1].startswith(LATIN_FACE) and quote[2] == "normal", quote
    chinese = page.eval_on_selector(".prose > p", "p => [getComputedStyle(p).textAlign, getComputedStyle(p).fontFamily]")
    assert chinese[0] == "justify" and "Noto Sans CJK SC" in chinese[1]
    page.close()


def test_han_inside_english_text_is_drawn_as_chinese(browser, base):
    page = browser.new_page()
    page.goto(base + "en/posts/tiktok-refugees/")
    span = page.query_selector('.footnotes span[lang="zh-Hans"]')
    assert span and span.inner_text() == "李华"
    assert "Noto Sans CJK SC" in span.evaluate("s => getComputedStyle(s).fontFamily")
    page.close()


def test_pinyin_toggle_shows_readings_that_are_never_copied(browser, base, example_output):
    page_html = (example_output / "zh/posts/tiktok-refugees/index.html").read_text("utf-8")
    assert "data-py" not in page_html and "<ruby" not in page_html  # the page itself weighs what it did
    context = browser.new_context()
    page = context.new_page()
    page.goto(base + "zh/posts/tiktok-refugees/")
    button = page.locator(".pinyin-toggle")
    assert button.is_visible() and button.get_attribute("aria-pressed") == "false"
    plain = page.eval_on_selector(".prose > p", "p => p.innerText")
    button.click()
    page.wait_for_selector(".prose ruby rt[data-py]")
    assert button.get_attribute("aria-pressed") == "true"
    reading = page.eval_on_selector(".prose rt[data-py]", "rt => getComputedStyle(rt, '::before').content")
    assert reading.strip('"') and reading.strip('"').isalpha()
    copied = page.eval_on_selector(".prose > p", """p => { const r = document.createRange(); r.selectNodeContents(p);
        const s = getSelection(); s.removeAllRanges(); s.addRange(r); return s.toString(); }""")
    assert " ".join(copied.split()) == " ".join(plain.split())  # only the characters
    page.reload()  # remembered
    page.wait_for_selector(".prose ruby rt[data-py]")
    page.locator(".pinyin-toggle").click()
    assert page.locator(".prose ruby").count() == 0
    page.reload()
    assert page.locator(".pinyin-toggle").get_attribute("aria-pressed") == "false"
    assert page.locator(".prose ruby").count() == 0
    context.close()


def test_without_javascript_there_is_no_pinyin_button(browser, base):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base + "zh/posts/tiktok-refugees/")
    assert not page.locator(".pinyin-toggle").is_visible()
    context.close()


@pytest.mark.parametrize("locale, home", [("zh-TW", "zh-hant/"), ("zh-CN", "zh/"), ("en-GB", "")])
def test_the_root_takes_a_first_time_reader_to_their_written_chinese(browser, base, locale, home):
    context = browser.new_context(locale=locale)
    page = context.new_page()
    page.goto(base)
    if home:
        page.wait_for_url(base + home)
    assert page.url == base + home
    context.close()


def test_pinyin_keeps_the_table_of_contents(browser, base):
    page = browser.new_page()
    page.goto(base + "zh/posts/learning-a-language-alone/")
    before = page.eval_on_selector(".prose nav.toc", "n => n.innerText")
    page.locator(".pinyin-toggle").click()
    page.wait_for_selector(".prose ruby rt[data-py]")
    assert page.eval_on_selector(".prose nav.toc", "n => n.innerText") == before
    assert page.locator(".prose nav.toc").count() == 1
    page.close()


BARE_HAN = """prose => { const skip = /^(CODE|PRE|KBD|SAMP|RUBY|RT|RP)$/, han = /[\\u3400-\\u9fff]/;
    const w = document.createTreeWalker(prose, NodeFilter.SHOW_TEXT); let n, bare = [];
    while ((n = w.nextNode())) { let el = n.parentNode, out = false;
      for (; el !== prose; el = el.parentNode) if (skip.test(el.nodeName) || el.matches('nav.toc')) out = true;
      if (!out && han.test(n.data)) bare.push(n.data); }
    return bare; }"""
WITHOUT_READINGS = "prose => { const c = prose.cloneNode(true); c.querySelectorAll('rt').forEach(rt => rt.remove()); return c.textContent; }"


@pytest.mark.parametrize("path", ["zh/posts/tiktok-refugees/", "zh-hant/posts/tiktok-refugees/",
                                  "zh/posts/learning-a-language-alone/"])
def test_pinyin_goes_over_every_character_and_changes_no_text(browser, base, path):
    """pinyin.json holds the runs and readings; the script must find every run in the page's own
    text (Simplified, and the Traditional made from it) and leave the text exactly as it was."""
    page = browser.new_page()
    page.goto(base + path)
    plain = page.eval_on_selector(".prose", "p => p.textContent")
    page.locator(".pinyin-toggle").click()
    page.wait_for_selector(".prose ruby rt[data-py]")
    assert page.eval_on_selector(".prose", WITHOUT_READINGS) == plain
    assert page.eval_on_selector(".prose", BARE_HAN) == []
    assert page.eval_on_selector(".prose", "p => p.querySelectorAll('ruby').length") > 100
    page.close()
