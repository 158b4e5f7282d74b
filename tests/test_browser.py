"""The built example site (and the tricky fixture) in a real browser: Debian's headless Chromium,
driven by Playwright. Pages are served over loopback by a stdlib server, so these tests depend on
nothing but the output.
"""
from __future__ import annotations

import re
import threading
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from babel import Locale

from conftest import NOW, REPO, SITES
from generator.build import BuildOptions, build_to
from generator.sources import split_front_matter

PHONE = {"width": 375, "height": 800}
STRINGS = yaml.safe_load((REPO / "themes/default/i18n.yaml").read_text("utf-8"))


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # the browser dropped a request it no longer needed (it navigated on)


@contextmanager
def serve(folder: Path):
    """Serve `folder` on a free loopback port; yields the base URL ending in '/'."""
    server = _Server(("127.0.0.1", 0), partial(_Quiet, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture(scope="module")
def base(example_output):
    with serve(example_output) as url:
        yield url


@pytest.fixture(scope="module")
def tricky_base(tmp_path_factory):
    out = tmp_path_factory.mktemp("tricky-browser") / "output"
    result = build_to(SITES / "tricky", out, BuildOptions(now=NOW, cache=False))
    assert result.ok, "\n".join(map(str, result.diagnostics))
    with serve(out) as url:
        yield url


@pytest.fixture
def page(browser):
    context = browser.new_context()
    yield context.new_page()
    context.close()


def front_matter(rel: str) -> dict:
    return yaml.safe_load(split_front_matter((REPO / rel).read_text("utf-8"))[0])


def path_of(url: str) -> str:
    return urlsplit(url).path


def test_switcher_leads_to_the_translation(page, base):
    slug = "tiktok-refugees"
    zh_title = front_matter("content/posts/2025-01-18-tiktok-refugees.md")["zh"]["title"]
    page.goto(base + f"en/posts/{slug}/")
    assert page.locator("html").get_attribute("lang") == "en"
    page.locator(".lang-switch a[data-lang='zh']").click()
    page.wait_for_url(f"**/zh/posts/{slug}/")
    assert path_of(page.url) == f"/zh/posts/{slug}/"
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    assert page.locator("h1").inner_text().strip() == zh_title
    assert page.title().startswith(zh_title)


# Everything wider than the viewport, except what sits inside a box that scrolls by itself; and
# every code block or table whose content is wider than its box, unless that box scrolls.
OVERFLOW_JS = """() => {
  const vw = document.documentElement.clientWidth, found = [];
  const name = el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
                     (el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\\s+/).join(".") : "");
  if (document.documentElement.scrollWidth > vw)
    found.push(`the page is ${document.documentElement.scrollWidth}px wide`);
  for (const el of document.body.querySelectorAll("*")) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.right <= vw + 0.5) continue;
    let inside = false;
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement)
      if (getComputedStyle(a).overflowX !== "visible") { inside = true; break; }
    if (!inside) found.push(`${name(el)} reaches ${Math.round(box.right)}px`);
  }
  for (const el of document.querySelectorAll("pre, table")) {
    const style = getComputedStyle(el);
    if (el.scrollWidth > el.clientWidth + 1 && !["auto", "scroll"].includes(style.overflowX))
      found.push(`${name(el)} is ${el.scrollWidth}px of content in ${el.clientWidth}px and does not scroll`);
  }
  return found;
}"""


def _html_paths(folder: Path) -> list[str]:
    """Every page a reader sees; not the redirects left at old addresses (`aliases:`), which leave at once."""
    return sorted(p.relative_to(folder).as_posix().removesuffix("index.html") for p in folder.rglob("*.html")
                  if 'http-equiv="refresh"' not in p.read_text("utf-8"))


def test_nothing_overflows_a_phone_screen(browser, base, example_output, tricky_base):
    """Every page at 360 px, the narrowest common phone: the document never scrolls sideways; wide
    code and tables scroll inside."""
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    problems = []
    pages = [(base, p) for p in _html_paths(example_output)]
    pages += [(tricky_base, p) for p in ("en/posts/tricky-content/", "zh/posts/tricky-content/", "zh/", "en/")]
    for site, path in pages:
        page.goto(site + path)
        problems += [f"/{path}: {p}" for p in page.evaluate(OVERFLOW_JS)]
    context.close()
    assert len(pages) > 30
    assert not problems, "\n".join(problems)


def test_wide_code_and_tables_scroll_inside_themselves(browser, base, tricky_base):
    """A code block and a table wider than a phone scroll by themselves; the page does not."""
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    for url, selector in ((base + "en/posts/learning-a-language-alone/", ".prose pre"),
                          (tricky_base + "en/posts/tricky-content/", ".prose pre"),
                          (tricky_base + "en/posts/tricky-content/", ".prose table")):
        page.goto(url)
        path = path_of(url)
        box = page.locator(selector).first
        assert box.evaluate("el => el.scrollWidth > el.clientWidth"), f"{path} {selector} is not wider?"
        assert box.evaluate("el => getComputedStyle(el).overflowX") in ("auto", "scroll")
        assert box.evaluate("el => el.getBoundingClientRect().right") <= PHONE["width"]
    context.close()


def test_without_javascript_root_links_both_languages(browser, base):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base)
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(a => a.getAttribute('href'))")
    assert "/en/" in hrefs and "/zh/" in hrefs, hrefs
    page.locator(".lang-switch a[data-lang='zh']").click()
    page.wait_for_url("**/zh/")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    page.goto(base + "zh/posts/tiktok-refugees/")
    page.locator(".lang-switch a[data-lang='en']").click()
    page.wait_for_url("**/en/posts/tiktok-refugees/")
    assert page.locator("html").get_attribute("lang") == "en"
    context.close()


def _luminance(css_color: str) -> float:
    """WCAG relative luminance of an `rgb(...)`/`rgba(...)` computed colour."""
    r, g, b = (int(v) / 255 for v in re.findall(r"[\d.]+", css_color)[:3])

    def lin(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)


def _colours(browser, base: str, scheme: str) -> tuple[float, float]:
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    page.goto(base + "en/posts/tiktok-refugees/")
    bg, fg = page.evaluate("() => { const s = getComputedStyle(document.body); return [s.backgroundColor, s.color]; }")
    context.close()
    return _luminance(bg), _luminance(fg)


def test_dark_mode_is_dark_with_light_text(browser, base):
    bg, fg = _colours(browser, base, "dark")
    assert bg < 0.05 and fg > 0.6, (bg, fg)
    assert (fg + 0.05) / (bg + 0.05) >= 7  # WCAG AAA for body text
    bg, fg = _colours(browser, base, "light")
    assert bg > 0.85 and fg < 0.05, (bg, fg)


# WCAG contrast of every element that shows text of its own, against the nearest background
# behind it, with opacity along the way blended in; large text (24 px, or 18.66 px bold) needs 3:1.
# Syntax colours inside <pre> count too: the light palette is riji's own (generator/render/assets.py).
CONTRAST_JS = """() => {
  const rgb = s => s.match(/[\\d.]+/g).map(Number);
  const lum = c => { const l = c.map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
                     return 0.2126 * l[0] + 0.7152 * l[1] + 0.0722 * l[2]; };
  const low = [];
  for (const el of document.body.querySelectorAll("*")) {
    const own = Array.from(el.childNodes).some(n => n.nodeType === 3 && n.textContent.trim());
    const box = el.getBoundingClientRect();
    if (!own || box.width <= 1 || box.height <= 1) continue;
    const style = getComputedStyle(el), fg = rgb(style.color);
    let opacity = 1, bg = null;
    for (let a = el; a; a = a.parentElement) {
      const s = getComputedStyle(a), b = rgb(s.backgroundColor);
      opacity *= parseFloat(s.opacity);
      if (!bg && (b.length < 4 || b[3] > 0)) bg = b;
    }
    bg = (bg || [255, 255, 255]).slice(0, 3);
    const alpha = (fg.length > 3 ? fg[3] : 1) * opacity;
    const shown = fg.slice(0, 3).map((c, i) => c * alpha + bg[i] * (1 - alpha));
    const [x, y] = [lum(shown), lum(bg)];
    const ratio = (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
    const size = parseFloat(style.fontSize), bold = parseInt(style.fontWeight) >= 700;
    const need = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    if (ratio < need) low.push(`<${el.tagName.toLowerCase()} class="${el.className}"> "${el.textContent.trim().slice(0, 30)}" ${ratio.toFixed(2)}:1 < ${need}:1`);
  }
  return low;
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_all_text_is_readable(browser, base, tricky_base, scheme):
    """Muted text, badges, the switcher and footnotes all keep WCAG AA contrast, light and dark."""
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    problems = []
    pages = [base + p for p in ("zh/", "en/posts/notes-on-solitude/", "en/posts/learning-a-language-alone/",
                                "zh/posts/tiktok-refugees/", "zh/posts/evening-walk-narrated/", "en/archive/",
                                "zh/tags/")]
    for url in pages + [tricky_base + "en/posts/tricky-content/"]:
        page.goto(url)
        problems += [f"{path_of(url)}: {p}" for p in page.evaluate(CONTRAST_JS)]
    context.close()
    assert not problems, "\n".join(problems)


def test_english_only_post_is_marked_from_the_chinese_side(page, base):
    post = "/en/posts/notes-on-solitude/"
    page.goto(base + "zh/")
    while not page.locator(f".card a[href='{post}']").count():  # follow the pages of the Chinese home
        older = page.locator(".pagination a[rel='next']")
        assert older.count(), "the Chinese home does not list the English-only post"
        older.click()
        page.wait_for_load_state()
    card = page.locator(".card", has=page.locator(f"a[href='{post}']"))
    assert card.locator(f"a[href='{post}']").get_attribute("lang") == "en"  # the title, in its language
    assert card.locator(".badge").is_visible()

    card.locator(f"a[href='{post}']").click()
    page.wait_for_url("**" + post)
    chinese = Locale("zh", script="Hans").get_display_name("en")  # the site has Traditional too
    notice = STRINGS["en"]["no_translation"].format(language=chinese)
    assert notice in page.locator(".lang-switch .missing[data-lang='zh']").inner_text()
    assert page.locator(".lang-switch a").count() == 0  # no link to a translation that is not there


def test_no_request_leaves_loopback(page, base):
    """No fonts, scripts, images or beacons from anywhere else: the site works offline and tracks no one."""
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    paths = ("", "en/", "zh/", "en/posts/learning-a-language-alone/", "zh/posts/evening-walk-narrated/",
             "en/posts/tiktok-refugees/", "en/tags/", "zh/archive/", "en/about/", "404.html")
    for path in paths:
        page.goto(base + path)
        # scroll to the end so lazy images ask for themselves, and give them two frames to do it
        # (not "networkidle": a paused audio download keeps a connection open for many seconds)
        page.evaluate("""() => new Promise(done => { window.scrollTo(0, document.body.scrollHeight);
            requestAnimationFrame(() => requestAnimationFrame(done)); })""")
    assert any(u.endswith(".css") for u in requested) and any(u.endswith(".png") for u in requested)
    outside = sorted({u for u in requested if not u.startswith(base) and not u.startswith("data:")})
    assert not outside, outside


def test_tabbing_shows_a_visible_focus_ring(page, base):
    page.goto(base + "en/posts/tiktok-refugees/")
    for _ in range(4):  # the skip link, the site title, the search field, the colour-scheme button
        page.keyboard.press("Tab")
        focused = page.evaluate("""() => { const el = document.activeElement, s = getComputedStyle(el);
            const box = el.getBoundingClientRect();
            return {tag: el.tagName, style: s.outlineStyle, width: parseFloat(s.outlineWidth),
                    left: box.left, top: box.top, right: box.right, bottom: box.bottom}; }""")
        assert focused["tag"] in ("A", "INPUT", "BUTTON"), focused
        assert focused["style"] != "none" and focused["width"] >= 2, focused
        assert focused["left"] >= 0 and focused["top"] >= 0 and focused["right"] > focused["left"], focused
