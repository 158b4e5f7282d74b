"""Screenshots of the example site in headless Chromium: English and Chinese, phone (375 px) and
desktop (1280 px), light and dark. For looking at the theme after a change, and for the README.

    python docs/screenshots.py                 # every page below, into /tmp/riji-screenshots/
    python docs/screenshots.py --readme        # the README's pictures, as WebP in docs/screenshots/

Needs Debian's `chromium` and Playwright (the test extra). Chinese text needs a CJK font on the
machine taking the pictures (`apt-get install fonts-noto-cjk`); the site itself ships none.
"""
from __future__ import annotations

import argparse
import io
import shutil
import subprocess
import sys
import tempfile
import threading
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from generator.build import BuildOptions, build_to  # noqa: E402

PAGES = {
    "home": "{lang}/",
    "post": "{lang}/posts/tiktok-refugees/",
    "narrated": "{lang}/posts/evening-walk-narrated/",
    "code": "{lang}/posts/learning-a-language-alone/",
    "one-language": {"en": "en/posts/notes-on-solitude/", "zh": "zh/posts/xie-zuo-de-li-you/"},
    "archive": "{lang}/archive/",
    "tags": "{lang}/tags/",
    "about": "{lang}/about/",
    "404": "404.html",
}
WIDTHS = {"phone": (375, 812), "desktop": (1280, 900)}
SCHEMES = ("light", "dark")
LANGS = ("en", "zh")
# (page, language, width, scheme, full page?) for the README: each WebP stays well under 150 KB
README = [("home", "en", "desktop", "light", False), ("home", "zh", "phone", "dark", False),
          ("narrated", "en", "phone", "light", False), ("post", "zh", "desktop", "dark", False)]
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars"]


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextmanager
def serve(folder: Path):
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def build_example(out: Path) -> None:
    result = build_to(REPO, out, BuildOptions(cache=False))
    if not result.ok:
        sys.exit("\n".join(map(str, result.diagnostics)))


def path_of(page: str, lang: str) -> str:
    spec = PAGES[page]
    return spec[lang] if isinstance(spec, dict) else spec.format(lang=lang)


def shoot(browser, base: str, page: str, lang: str, width: str, scheme: str, full: bool) -> bytes:
    w, h = WIDTHS[width]
    context = browser.new_context(viewport={"width": w, "height": h}, color_scheme=scheme,
                                  device_scale_factor=1, locale="zh-CN" if lang == "zh" else "en-GB")
    tab = context.new_page()
    tab.goto(base + path_of(page, lang))
    tab.evaluate("document.fonts.ready")
    data = tab.screenshot(full_page=full)
    context.close()
    return data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readme", action="store_true", help="write the README's pictures to docs/screenshots/")
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "riji-screenshots")
    parser.add_argument("--page", action="append", choices=sorted(PAGES), help="only these pages")
    args = parser.parse_args(argv)
    if not subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True).stdout.strip():
        print("warning: no CJK font on this machine; Chinese will show as boxes "
              "(apt-get install fonts-noto-cjk)", file=sys.stderr)

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        site = Path(tmp) / "output"
        build_example(site)
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS)
        with serve(site) as base:
            if args.readme:
                from PIL import Image

                out = REPO / "docs" / "screenshots"
                out.mkdir(parents=True, exist_ok=True)
                for page, lang, width, scheme, full in README:
                    png = shoot(browser, base, page, lang, width, scheme, full)
                    path = out / f"{page}-{lang}-{width}-{scheme}.webp"
                    Image.open(io.BytesIO(png)).save(path, "WEBP", quality=82, method=6)
                    print(f"{path.relative_to(REPO)}: {path.stat().st_size // 1024} KB")
            else:
                args.out.mkdir(parents=True, exist_ok=True)
                for page in args.page or PAGES:
                    for lang in LANGS:
                        if page == "404" and lang == "zh":
                            continue  # one bilingual page
                        for width in WIDTHS:
                            for scheme in SCHEMES:
                                path = args.out / f"{page}-{lang}-{width}-{scheme}.png"
                                path.write_bytes(shoot(browser, base, page, lang, width, scheme, True))
                print(f"screenshots in {args.out}")
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
