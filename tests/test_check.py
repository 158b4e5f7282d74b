"""`riji check`: links, anchors, media, third-party resources, feeds, translation pairs and HTML
validity, each problem named at the source file that caused it; and sub-path base URLs everywhere."""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from conftest import build_fixture, errors, text_of, write_site
from generator.checks import check_site
from generator.checks.feeds import check_xml
from generator.checks.pages import scan_page
from generator.checks.resolve import SiteMap
from generator.checks.translations import check_translations
from generator.cli import main
from generator.markdown import render

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082")

SITE_YAML = """\
base_url: {base}
title: {{en: "Test Diary", zh: "测试日记"}}
author: {{name: "Tester", email: "t@diary.test"}}
timezone: Asia/Shanghai
menu:
  en: [{{title: About, url: /en/about/}}]
  zh: [{{title: 关于, url: about/}}]
check: {{validate_html: {validate}{extra_check}}}
{extra}
"""

POST = """\
---
date: 2026-03-01
slug: first
en:
  title: "First"
zh:
  title: "第一篇"
---
<!-- lang: en -->
Hello. See [the walk](walk/index.md#the-river) and [about](/en/about/).

## Notes

Back to [notes](#notes).
<!-- lang: zh -->
你好。看[散步](walk/index.md)和[关于](/zh/about/)。
"""

WALK_EN = """\
---
title: "Walk"
date: 2026-02-01
slug: walk
---
![A photo](photo.png)

## The river

It was cold.
"""

WALK_ZH = """\
---
title: "散步"
date: 2026-02-01
slug: walk
---
![照片](photo.png)

河边很冷。
"""

ABOUT = """\
---
slug: about
en:
  title: "About"
zh:
  title: "关于"
---
<!-- lang: en -->
About this diary.
<!-- lang: zh -->
关于这本日记。
"""


def diary(root: Path, base: str = "https://me.github.io/diary/", extra: str = "", extra_check: str = "",
          files: dict | None = None, validate: bool = False) -> Path:
    content = {
        "content/posts/first.md": POST,
        "content/posts/walk/index.en.md": WALK_EN,
        "content/posts/walk/index.zh.md": WALK_ZH,
        "content/posts/walk/photo.png": PNG,
        "content/pages/about.md": ABOUT,
    }
    content.update(files or {})
    return write_site(root, content, SITE_YAML.format(base=base, extra=extra, extra_check=extra_check,
                                                     validate=str(validate).lower()))


def check(root: Path, **kw) -> list[str]:
    result = build_fixture(root)
    assert result.ok, errors(result)
    return [str(d) for d in check_site(result, **kw) if d.severity == "error"]


def test_sub_path_site_passes_and_every_url_carries_the_base_path(tmp_path):
    site = diary(tmp_path / "s")
    result = build_fixture(site)
    assert result.ok, errors(result)
    assert [str(d) for d in check_site(result, validate_html=True)] == []
    # root-relative links written in Markdown get the base path (generator/markdown.py)
    first = text_of(result, "en/posts/first/index.html")
    assert 'href="/diary/en/about/"' in first and 'href="/diary/en/posts/walk/#the-river"' in first
    # and nothing the theme or content writes escapes it: pages, assets, switcher, menu, 404
    for path in [p for p in result.files if p.endswith(".html")]:
        html = text_of(result, path)
        assert not re.findall(r'(?:href|src)="/(?!diary/)', html), path
        assert not re.findall(r'(?:href|src|content)="https?://me\.github\.io/(?!diary/)', html), path
    not_found = text_of(result, "404.html")
    assert 'href="/diary/en/"' in not_found and 'href="/diary/zh/"' in not_found
    assert 'href="/diary/zh/posts/first/"' in first  # the language switcher
    sitemap = text_of(result, "sitemap.xml")
    locs = re.findall(r"<loc>([^<]+)</loc>", sitemap)
    assert locs and all(u.startswith("https://me.github.io/diary/") for u in locs)
    for feed in [p for p in result.files if p.endswith(".xml") and p != "sitemap.xml"]:
        for url in re.findall(r'(?:href|url)="(https?://[^"]+)"|<link>([^<]+)</link>', text_of(result, feed)):
            value = url[0] or url[1]
            assert value.startswith("https://me.github.io/diary/"), (feed, value)


def test_markdown_root_relative_links_get_the_base_path_once():
    html = render("[a](/en/about/) [b](/diary/x/) [c](//cdn.test/x) [d](/) ![i](/img/a.png) [e](#top)",
                  smart_quotes=False, base_url="https://me.github.io/diary/").html
    assert 'href="/diary/en/about/"' in html and 'href="/diary/x/"' in html
    assert 'href="//cdn.test/x"' in html and 'href="/diary/"' in html
    assert 'src="/diary/img/a.png"' in html and 'href="#top"' in html
    plain = render("[a](/en/about/)", smart_quotes=False, base_url="https://diary.test/").html
    assert 'href="/en/about/"' in plain


def test_broken_link_and_anchor_are_reported_at_their_markdown_line(tmp_path):
    site = diary(tmp_path / "s", files={"content/posts/bad.en.md": """\
        ---
        title: "Bad"
        date: 2026-03-02
        ---
        Fine line.

        A [dead link](/en/posts/nope/) here.

        A [lost anchor](/en/posts/walk/#the-sea) and [another](#nowhere).
        """})
    found = check(site)
    assert any(e.startswith("content/posts/bad.en.md:7: error: broken link '/diary/en/posts/nope/'")
               for e in found), found
    assert any(e.startswith("content/posts/bad.en.md:9: error: link '/diary/en/posts/walk/#the-sea': "
                            "/diary/en/posts/walk/ has no element with id 'the-sea'") for e in found), found
    assert any(e.startswith("content/posts/bad.en.md:9: error: link '#nowhere'") for e in found), found
    assert all("(on /diary/en/posts/bad/)" in e for e in found)
    assert len(found) == 3


def test_checks_find_the_markdown_line_in_the_source_the_build_read(tmp_path):
    site = diary(tmp_path / "s", files={"content/posts/bad.en.md": """\
        ---
        title: "Bad"
        date: 2026-03-02
        ---
        Fine line.

        A [dead link](/en/posts/nope/) here.
        """})
    result = build_fixture(site)
    (site / "content/posts/bad.en.md").write_text("---\ntitle: Changed since\n---\n", "utf-8")
    found = [str(d) for d in check_site(result, validate_html=False)]
    assert any(e.startswith("content/posts/bad.en.md:7: error: broken link '/diary/en/posts/nope/'")
               for e in found), found


def test_missing_image_and_audio_are_reported(tmp_path):
    site = diary(tmp_path / "s", files={"content/posts/media.en.md": """\
        ---
        title: "Media"
        date: 2026-03-02
        ---
        ![gone](/images/gone.png)

        <audio controls src="/audio/gone.mp3"></audio>
        """})
    found = check(site)
    assert any(e.startswith("content/posts/media.en.md:5: error: image '/diary/images/gone.png' is missing")
               for e in found), found
    assert any(e.startswith("content/posts/media.en.md:7: error: audio file '/audio/gone.mp3' leaves the site's "
                            "base path /diary/") for e in found), found


def test_third_party_resources_are_refused_unless_allowed(tmp_path):
    theme_page = """\
        {% extends "default/page.html" %}
        {% block head %}
        <script src="https://cdn.tracker.test/t.js" defer></script>
        {% endblock %}
        """
    files = {
        "content/posts/embed.en.md": """\
            ---
            title: "Embed"
            date: 2026-03-02
            ---
            Read [elsewhere](https://elsewhere.test/) (a link is fine).

            <img src="https://pixel.tracker.test/p.gif" alt="">
            """,
        "themes/mine/templates/page.html": theme_page,
        "static/extra.css": "body { background: url(https://fonts.cdn.test/bg.png); }\n",
    }
    site = diary(tmp_path / "s", extra="theme: mine", files=files)
    found = check(site)
    assert any(e.startswith("content/posts/embed.en.md:7: error: loads an image from the third-party host "
                            "pixel.tracker.test") for e in found), found
    assert any(e.startswith("themes/mine/templates/page.html:3: error: loads a script from the third-party "
                            "host cdn.tracker.test") and "/diary/en/about/" in e for e in found), found
    assert any(e.startswith("static/extra.css:1: error: loads a stylesheet resource from the third-party host "
                            "fonts.cdn.test") for e in found), found
    assert not any("elsewhere.test" in e for e in found)
    assert len(found) == 3
    allowed = diary(tmp_path / "t", extra="theme: mine",
                    extra_check=", allowed_hosts: ['*.tracker.test', fonts.cdn.test]", files=files)
    assert check(allowed) == []


def test_checks_blame_with_the_theme_of_the_build_not_a_second_read(tmp_path, monkeypatch):
    import generator.checks.blame as blame

    site = diary(tmp_path / "s", extra="theme: mine", files={
        "themes/mine/templates/page.html": '{% extends "default/page.html" %}{% block head %}'
                                           '<script src="https://cdn.tracker.test/t.js"></script>{% endblock %}\n'})
    result = build_fixture(site)
    given = []
    real = blame.Blame.__init__
    monkeypatch.setattr(blame.Blame, "__init__", lambda self, site, theme, *rest: (
        given.append(theme), real(self, site, theme, *rest))[1])
    found = [str(d) for d in check_site(result, validate_html=False)]
    assert given == [result.theme] and given[0] is result.theme
    assert any(e.startswith("themes/mine/templates/page.html:1: error: loads a script") for e in found), found


def test_translation_pairs_must_link_both_ways():
    def page(lang: str, *alternates: tuple[str, str]) -> str:
        links = "".join(f'<link rel="alternate" hreflang="{h}" href="https://d.test/{u}">' for h, u in alternates)
        return f'<!DOCTYPE html><html lang="{lang}"><head>{links}</head><body></body></html>'

    files = {
        "en/a/index.html": page("en", ("en", "en/a/"), ("zh-Hans", "zh/a/")),
        "zh/a/index.html": page("zh-Hans", ("zh-Hans", "zh/a/")),  # does not name the English page back
        "en/b/index.html": page("en", ("zh-Hans", "zh/b/")),  # does not name itself
        "zh/b/index.html": page("en", ("en", "en/b/"), ("zh-Hans", "zh/b/")),  # says it is English
    }
    smap = SiteMap("https://d.test/", files)
    pages = {p: scan_page(p, t) for p, t in files.items()}
    found = sorted((p.file, p.message) for p in check_translations(pages, smap))
    assert found == [
        ("en/a/index.html", "names /zh/a/ as its 'zh-Hans' translation, but that page does not name this one back"),
        ("en/b/index.html", "lists its translations (hreflang) but not itself; every language version must "
                            "name all of them, itself included"),
        ("en/b/index.html", "names /zh/b/ as its 'zh-Hans' version, but that page says lang=\"en\""),
        ("zh/b/index.html", "names /zh/b/ as its 'zh-Hans' version, but that page says lang=\"en\""),
    ]


def test_feeds_must_parse_and_name_only_built_urls(tmp_path):
    smap = SiteMap("https://d.test/diary/", ["en/posts/a/index.html", "en/feed.xml"])
    good = (b'<?xml version="1.0"?><rss version="2.0"><channel><link>https://d.test/diary/en/</link>'
            b'<item><link>https://d.test/diary/en/posts/a/</link>'
            b'<enclosure url="https://d.test/diary/en/posts/a/a.mp3" length="1" type="audio/mpeg"/></item>'
            b'</channel></rss>')
    broken = b'<?xml version="1.0"?>\n<feed><title>A & B</title></feed>'
    problems = check_xml({"en/feed.xml": good, "zh/atom.xml": broken}, smap)
    messages = sorted((p.file, p.line, p.message) for p in problems)
    assert any(m[:2] == ("zh/atom.xml", 2) and m[2].startswith("is not well-formed XML") for m in messages)
    assert any(f == "en/feed.xml" and "https://d.test/diary/en/" in m for f, _, m in messages)
    assert any(f == "en/feed.xml" and "a.mp3" in m for f, _, m in messages)
    assert len(messages) == 3


def test_built_feeds_are_checked(tmp_path):
    site = diary(tmp_path / "s")
    result = build_fixture(site)
    feeds = [p for p in result.files if p.endswith(".xml")]
    assert "sitemap.xml" in feeds
    result.files[feeds[0]] = b"<rss><channel></rss>"
    found = [str(d) for d in check_site(result)]
    assert any("is not well-formed XML" in e and f"/diary/{feeds[0]}" in e for e in found), found


def test_html_validator_errors_name_the_post_or_the_template(tmp_path):
    site = diary(tmp_path / "s", extra="theme: mine", validate=True,
                 files={"content/posts/broken.en.md": """\
                    ---
                    title: "Broken"
                    date: 2026-03-02
                    ---
                    Some text.

                    <div><span>unclosed</div>
                    """,
                 "themes/mine/templates/page.html": """\
                    {% extends "default/page.html" %}
                    {% block content %}<p><li>not in a list</li></p>{{ super() }}{% endblock %}
                    """})
    result = build_fixture(site)
    assert result.ok, errors(result)
    found = [str(d) for d in check_site(result) if d.severity == "error"]
    assert found and all("invalid HTML" in e for e in found), found
    assert any(e.startswith("content/posts/broken.en.md:7: error: invalid HTML")
               and "(on /diary/en/posts/broken/)" in e for e in found), found
    assert any(e.startswith("themes/mine/templates/page.html: error: invalid HTML") and "/diary/en/about/" in e
               for e in found), found
    assert not any("/diary/en/posts/first/" in e for e in found)


def test_check_command_prints_problems_and_exits_1(tmp_path, capsys):
    good = diary(tmp_path / "good")
    assert main(["check", "--site", str(good)]) == 0
    assert "no problems" in capsys.readouterr().out
    bad = diary(tmp_path / "bad",
                files={"content/posts/bad.en.md": "---\ntitle: Bad\ndate: 2026-03-02\n---\n[x](/nope/)\n"})
    assert main(["check", "--site", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "content/posts/bad.en.md:5: error: broken link '/diary/nope/'" in err and "1 problem" in err


def test_check_settings_are_validated(tmp_path):
    site = diary(tmp_path / "s", extra="hosting: {redirects: yes please, header: true}",
                 extra_check=", allowed_hosts: cdn.test")
    result = build_fixture(site)
    found = errors(result)
    assert any("'check.allowed_hosts' must be a list of host names" in e for e in found), found
    assert any("'hosting.redirects' must be true or false" in e for e in found), found
    assert any("unknown key 'hosting.header' (did you mean 'headers'?)" in e for e in found), found


def test_hosting_files_redirect_by_language_and_cache_fingerprinted_assets(tmp_path):
    plain = build_fixture(diary(tmp_path / "plain"))
    assert "_redirects" not in plain.files and "_headers" not in plain.files
    result = build_fixture(diary(tmp_path / "s", extra="hosting: {redirects: true, headers: true}"))
    assert result.ok, errors(result)
    redirects = text_of(result, "_redirects")
    rules = [r.split() for r in redirects.splitlines() if r and not r.startswith("#")]
    # the root serves the default language already; the other goes to its home by Accept-Language
    assert rules == [["/diary/", "/diary/zh/", "302!", "Language=zh,zh-hans"]]
    headers = text_of(result, "_headers").splitlines()
    assets = sorted(p for p in result.files if re.fullmatch(r"assets/\w+\.[0-9a-f]{10}\.(css|js)", p))
    assert {a.split("/")[1].split(".")[0] for a in assets} == {"style", "reading", "player", "code", "riji", "pinyin", "search"}
    for asset in assets:
        i = headers.index("/diary/" + asset)
        assert headers[i + 1].strip() == "Cache-Control: public, max-age=31536000, immutable"
    assert not any("favicon" in h for h in headers)  # not fingerprinted: may change under the same name


def test_css_and_js_are_fingerprinted_and_referenced(tmp_path):
    result = build_fixture(diary(tmp_path / "s"))
    for stem, ext in (("style", "css"), ("riji", "js")):
        [name] = [p for p in result.files if re.fullmatch(rf"assets/{stem}\.[0-9a-f]{{10}}\.{ext}", p)]
        digest = hashlib.sha256(result.files[name]).hexdigest()[:10]
        assert name == f"assets/{stem}.{digest}.{ext}"
        for page in ("en/index.html", "zh/posts/first/index.html", "404.html"):
            assert f'"/diary/{name}"' in text_of(result, page)
    assert not any(p in result.files for p in ("assets/style.css", "assets/riji.js"))


@pytest.mark.parametrize("base", ["https://diary.test/", "https://me.github.io/diary/"])
def test_menu_links_from_the_site_root_honour_the_base_path(tmp_path, base):
    result = build_fixture(diary(tmp_path / "s", base=base))
    prefix = "/diary/" if "diary/" in base else "/"
    assert f'href="{prefix}en/about/"' in text_of(result, "en/index.html")  # written as /en/about/
    assert f'href="{prefix}zh/about/"' in text_of(result, "zh/index.html")  # written as about/


def test_raw_html_a_post_leaves_open_is_blamed_on_the_post_not_the_theme(tmp_path):
    """An unclosed <div> is only noticed where the theme closes <article>: the theme is not to blame."""
    site = diary(tmp_path / "s", validate=True, files={"content/posts/open.en.md": """\
        ---
        title: "Open"
        date: 2026-03-02
        ---
        Some text.

        <section class="note"><div>a note

        More text.
        """})
    result = build_fixture(site)
    assert result.ok, errors(result)
    found = [str(d) for d in check_site(result) if d.severity == "error"]
    assert found, "the validator found nothing"
    assert all(e.startswith("content/posts/open.en.md:7: error: invalid HTML") for e in found), found
    assert not any("templates" in e for e in found), found
