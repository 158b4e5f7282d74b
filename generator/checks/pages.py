"""What a built page refers to, read once with the standard library's forgiving HTML parser:
the links a reader may follow, the resources the browser loads, its ids and its translations."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

# <link rel=...> values whose href the browser fetches (or at least connects to) with the page
LOADED_RELS = {"stylesheet", "icon", "shortcut", "apple-touch-icon", "apple-touch-icon-precomposed",
               "mask-icon", "manifest", "preload", "modulepreload", "prefetch", "prerender",
               "preconnect", "dns-prefetch"}
# element -> attributes holding a URL the browser loads (srcset is parsed separately)
LOADED_ATTRS = {
    "img": ("src",), "script": ("src",), "audio": ("src",), "video": ("src", "poster"),
    "source": ("src",), "track": ("src",), "iframe": ("src",), "embed": ("src",), "object": ("data",),
    "input": ("src",), "image": ("href", "xlink:href"),  # <image> inside inline SVG
}
MEDIA_KINDS = {"img": "image", "audio": "audio file", "video": "video", "source": "media file",
               "track": "subtitle file", "input": "image", "image": "image"}
CSS_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"\s]*))\s*\)|@import\s+(?:"([^"]*)"|'([^']*)')""")


@dataclass(frozen=True)
class Ref:
    url: str
    line: int
    what: str  # "link", "stylesheet", "image", ... for messages


@dataclass
class Page:
    path: str  # output path, e.g. "en/posts/x/index.html"
    lang: str = ""
    ids: set[str] = field(default_factory=set)
    links: list[Ref] = field(default_factory=list)  # followed by the reader (or a crawler)
    loads: list[Ref] = field(default_factory=list)  # fetched by the browser with the page
    alternates: list[tuple[str, Ref]] = field(default_factory=list)  # (hreflang, href)
    canonical: Ref | None = None


def css_urls(text: str, line: int = 1) -> list[Ref]:
    """url(...) and @import targets in a stylesheet or style attribute, with their lines."""
    out = []
    for m in CSS_URL.finditer(text):
        url = next((g for g in m.groups() if g), "")
        if url:
            out.append(Ref(url.strip(), line + text.count("\n", 0, m.start()), "stylesheet resource"))
    return out


def srcset_urls(value: str) -> list[str]:
    """`a.png 1x, b.png 2x` -> [a.png, b.png] (URLs may not contain a bare comma-space)."""
    out = []
    for candidate in re.split(r",\s+", value.strip()):
        url = candidate.strip().split()[0] if candidate.strip() else ""
        if url:
            out.append(url.rstrip(","))
    return out


class _Scanner(HTMLParser):
    def __init__(self, page: Page):
        super().__init__(convert_charrefs=True)
        self.page = page
        self.in_style = False
        self.style_line = 0

    def handle_starttag(self, tag, attrs):
        page, line = self.page, self.getpos()[0]
        a = {k: (v or "") for k, v in attrs}
        for key in ("id",) + (("name",) if tag == "a" else ()):
            if a.get(key):
                page.ids.add(a[key])
        if tag == "html" and a.get("lang"):
            page.lang = a["lang"]
        if a.get("style"):
            page.loads.extend(css_urls(a["style"], line))
        if tag in ("a", "area") and "href" in a:
            page.links.append(Ref(a["href"], line, "link"))
        elif tag == "link" and a.get("href"):
            rels = set(a.get("rel", "").lower().split())
            if rels & LOADED_RELS:
                what = "stylesheet" if "stylesheet" in rels else "icon" if "icon" in rels else "resource"
                page.loads.append(Ref(a["href"], line, what))
            else:
                page.links.append(Ref(a["href"], line, "link"))
            if "canonical" in rels:
                page.canonical = Ref(a["href"], line, "canonical")
            if "alternate" in rels and a.get("hreflang"):
                page.alternates.append((a["hreflang"], Ref(a["href"], line, "translation")))
        elif tag == "meta" and a.get("content") and a.get("property", a.get("name", "")) in (
                "og:image", "og:url", "og:audio", "twitter:image"):
            page.links.append(Ref(a["content"], line, a.get("property") or a.get("name")))
        elif tag == "style":
            self.in_style, self.style_line = True, line
        what = MEDIA_KINDS.get(tag, "script" if tag == "script" else "embedded page")
        for attr in LOADED_ATTRS.get(tag, ()):
            if a.get(attr) and (tag != "input" or a.get("type", "").lower() == "image"):
                page.loads.append(Ref(a[attr], line, "image" if attr == "poster" else what))
        if a.get("srcset") and tag in ("img", "source"):
            page.loads.extend(Ref(u, line, "image") for u in srcset_urls(a["srcset"]))

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        if tag == "style":
            self.in_style = False

    def handle_data(self, data):
        if self.in_style:
            self.page.loads.extend(css_urls(data, self.getpos()[0]))


def scan_page(path: str, text: str) -> Page:
    page = Page(path)
    scanner = _Scanner(page)
    scanner.feed(text)
    scanner.close()
    return page
