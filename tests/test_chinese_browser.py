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
        page.goto(base + path)
        for meta in page.query_selector_all(".meta, .subscribe"):
            starts = meta.evaluate(LINE_STARTS)
            checked += len(starts)
            assert not any(s in "·|" for s in starts), (path, meta.inner_text(), starts)
    assert checked > 50
    page.close()
