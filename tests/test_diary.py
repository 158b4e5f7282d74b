"""Diary features: figures, the [TOC] marker, on this day, the writing calendar."""
from __future__ import annotations

from datetime import date, datetime, timezone
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from generator import diary
from generator.markdown import render
from generator.markdown_diary import TOC_MARK

SHANGHAI = ZoneInfo("Asia/Shanghai")


def md(text: str) -> str:
    return render(text, smart_quotes=True).html


def test_image_alone_with_title_is_a_figure_and_keeps_its_alt():
    html = md('![A grey heron](heron.jpg "A heron at dusk")\n')
    assert html.startswith("<figure><img")
    assert 'alt="A grey heron"' in html and "title=" not in html
    assert "<figcaption>A heron at dusk</figcaption></figure>" in html


def test_images_without_title_or_inside_text_stay_images():
    assert md("![a](b.png)\n").startswith("<p><img")
    assert md('see ![a](b.png "t") here\n').startswith('<p>see <img src="b.png" alt="a" title="t"')


def test_caption_is_escaped():
    assert "<figcaption>a &lt;b&gt; &amp; c</figcaption>" in md('![x](p.png "a <b> & c")\n')


def test_toc_marker_only_outside_code():
    html = md("[TOC]\n\n## One\n\n`[TOC]`\n\n```\n[TOC]\n```\n")
    assert html.count(TOC_MARK) == 1 and "[TOC]" in html.replace(TOC_MARK, "")
    assert "<p>[TOC]</p>" not in html


def doc(y, m, d, hour=9, name=""):
    return SimpleNamespace(date=datetime(y, m, d, hour, tzinfo=SHANGHAI), name=name or f"{y}-{m}-{d}")


def test_on_this_day_groups_by_local_month_day_newest_first():
    a, b, c = doc(2023, 3, 1), doc(2025, 3, 1), doc(2024, 3, 2)
    late_utc = SimpleNamespace(date=datetime(2022, 2, 28, 20, tzinfo=timezone.utc), name="late")  # 03-01 in Shanghai
    groups = diary.by_month_day([a, b, c, late_utc], SHANGHAI)
    assert list(groups) == ["03-01", "03-02"]
    assert groups["03-01"] == [b, a, late_utc]
    assert diary.on_this_day(b, groups, SHANGHAI) == [a, late_utc]
    assert diary.on_this_day(c, groups, SHANGHAI) == []


def test_on_this_day_leaves_out_the_same_year():
    a, b = doc(2025, 5, 4, 8), doc(2025, 5, 4, 20)
    groups = diary.by_month_day([a, b], SHANGHAI)
    assert diary.on_this_day(a, groups, SHANGHAI) == []


def test_calendar_has_a_cell_per_day_in_weekday_rows():
    entries = [doc(2024, 1, 1), doc(2024, 1, 1, 18), doc(2024, 12, 31), doc(2022, 6, 15)]
    years = diary.calendar(entries, SHANGHAI)
    assert [y.year for y in years] == [2024, 2022]
    y2024 = years[0]
    assert len(y2024.rows) == 7
    cells = [c for row in y2024.rows for c in row if c is not None]
    assert len(cells) == 366 and y2024.written == 2
    assert y2024.rows[0][0].day == date(2024, 1, 1)  # a Monday
    assert len(y2024.rows[0][0].docs) == 2
    assert years[1].rows[2][0] is None  # 2022 starts on a Saturday: Monday to Friday of week 0 are empty


# -- the features in a built site ------------------------------------------------------------------

import json  # noqa: E402
import subprocess  # noqa: E402

import feedparser  # noqa: E402
import pytest  # noqa: E402

from conftest import MINIMAL_SITE_YAML, NOW, build_fixture, errors, text_of, write_site  # noqa: E402
from generator.commands.publish import publish_site  # noqa: E402


def post(slug, date, visibility=None, body="Text.", extra=""):
    vis = f"visibility: {visibility}\n" if visibility else ""
    return (f"---\ndate: {date}\nslug: {slug}\ntags: [culture]\n{vis}{extra}en:\n  title: \"{slug.title()}\"\n"
            f"zh:\n  title: \"{slug} 中文\"\n---\n<!-- lang: en -->\n{body}\n<!-- lang: zh -->\n中文。\n")


VISIBILITY_SITE = {
    "content/posts/open.md": post("open", "2025-03-01"),
    "content/posts/open-earlier.md": post("open-earlier", "2024-03-01"),
    "content/posts/hidden.md": post("hidden", "2023-03-01", "unlisted"),
    "content/posts/secret.md": post("secret", "2022-03-01", "private"),
}


def every_listing(result) -> str:
    """Everything a post can appear in other than its own page."""
    names = [p for p in result.files if not p.startswith(("en/posts/", "zh/posts/"))
             and p.endswith((".html", ".xml", ".json"))]
    prev_next = [p for p in result.files if p.startswith("en/posts/open")]
    return "\n".join(text_of(result, p) for p in names + prev_next)


def test_unlisted_is_built_but_shown_nowhere(tmp_path):
    result = build_fixture(write_site(tmp_path, VISIBILITY_SITE))
    assert not errors(result)
    page = text_of(result, "en/posts/hidden/index.html")
    assert '<meta name="robots" content="noindex">' in page
    assert '<meta name="robots"' not in text_of(result, "en/posts/open/index.html")
    listed = every_listing(result)
    assert "posts/hidden/" not in listed and "Hidden" not in listed
    assert "posts/open-earlier/" in listed  # the check itself sees what is listed


def test_an_unlisted_entrys_code_is_highlighted(tmp_path):
    """The code stylesheet holds the token classes the site's code uses: an unlisted entry's too."""
    code = "```python\ndef f(x):\n    return 1\n```"
    result = build_fixture(write_site(tmp_path, {**VISIBILITY_SITE,
                                                 "content/posts/hidden.md": post("hidden", "2023-03-01", "unlisted",
                                                                                 body=code)}))
    assert not errors(result)
    assert '<span class="k">def</span>' in text_of(result, "en/posts/hidden/index.html")
    stylesheet = next(p for p in result.files if p.startswith("assets/code."))
    assert ".prose pre .k{" in text_of(result, stylesheet)


def test_private_is_left_out_unless_asked_for(tmp_path):
    site = write_site(tmp_path, VISIBILITY_SITE)
    result = build_fixture(site)
    assert not any("secret" in p for p in result.files)
    assert "secret" not in every_listing(result).lower()
    shown = build_fixture(site, private=True)
    assert "en/posts/secret/index.html" in shown.files
    assert 'class="badge badge-private"' in text_of(shown, "en/posts/secret/index.html")
    assert "(including 1 private)" in shown.summary()
    assert "private" not in result.summary()


def test_a_link_to_a_private_entry_is_an_error_with_its_line(tmp_path):
    files = dict(VISIBILITY_SITE)
    files["content/posts/open.md"] = post("open", "2025-03-01", body="See\n[the secret](secret.md).")
    for private in (False, True):
        found = errors(build_fixture(write_site(tmp_path, files), private=private))
        assert any("content/posts/open.md:11" in e and "private" in e for e in found), found
    files["content/posts/secret.md"] = post("secret", "2022-03-01", "private", body="[Open](open.md).")
    files["content/posts/open.md"] = post("open", "2025-03-01")
    assert not errors(build_fixture(write_site(tmp_path / "b", files), private=True))  # private to public: fine


def test_bad_visibility_and_toc_values_are_errors_with_lines(tmp_path):
    files = {"content/posts/a.md": post("a", "2025-01-01", "secret", extra="toc: maybe\n")}
    site_yaml = MINIMAL_SITE_YAML + "toc: {min_headings: many}\n"
    found = errors(build_fixture(write_site(tmp_path, files, site_yaml)))
    assert any("content/posts/a.md:5" in e and "'visibility' must be one of public, unlisted, private" in e
               for e in found), found
    assert any("content/posts/a.md:6" in e and "'toc' must be true or false" in e for e in found), found
    assert any(e.startswith("site.yaml:8") and "toc.min_headings" in e for e in found), found


def test_publish_never_ships_private_entries(tmp_path):
    site = write_site(tmp_path / "site", VISIBILITY_SITE, MINIMAL_SITE_YAML +
                      "check: {validate_html: false}\npublish:\n  - {name: local, type: dir, path: ../public}\n")
    assert publish_site(site, [], out=lambda _line: None) == 0
    public = tmp_path / "public"
    assert (public / "en/posts/hidden/index.html").exists()
    assert not any("secret" in str(p) for p in public.rglob("*"))


def test_the_on_this_day_index_is_made_only_when_asked_for(tmp_path):
    """The preview builds after every save, and a tab seldom asks for the index."""
    from generator.build import BuildOptions, build
    from generator.render import Lazy

    root = write_site(tmp_path, {"content/posts/a.md": "---\ndate: 2024-05-01\nen: {title: A}\n---\n"
                                                       "<!-- lang: en -->\nA.\n"})
    result = build(root, BuildOptions(now=NOW, lazy=True))
    index = result.files["en/on-this-day.json"]
    assert isinstance(index, Lazy) and index.made is None
    assert json.loads(index()[0])["05-01"][0]["title"] == "A"


def test_on_this_day_lists_other_years_in_the_page_language(tmp_path):
    result = build_fixture(write_site(tmp_path, VISIBILITY_SITE))
    page = text_of(result, "zh/posts/open/index.html")
    section = page[page.index('class="on-this-day"'):]
    assert "那年今日" in section and "open-earlier 中文" in section and "hidden" not in section
    assert "2024" in section
    index = json.loads(text_of(result, "zh/on-this-day.json"))
    assert [p["url"] for p in index["03-01"]] == ["/zh/posts/open/", "/zh/posts/open-earlier/"]
    assert index["03-01"][1] == {"title": "open-earlier 中文", "url": "/zh/posts/open-earlier/", "year": 2024}
    assert 'data-on-this-day="/zh/on-this-day.json"' in text_of(result, "zh/index.html")


def test_calendar_links_each_written_day_with_a_label(tmp_path):
    result = build_fixture(write_site(tmp_path, VISIBILITY_SITE))
    archive = text_of(result, "en/archive/index.html")
    assert archive.count("<table>") == 2  # 2025 and 2024; the unlisted 2023 post is not a written day
    assert "<caption>2025: 1 day written</caption>" in archive
    assert 'href="/en/posts/open/" title="March 1, 2025: Open"' in archive
    zh = text_of(result, "zh/archive/index.html")
    assert "2025年3月1日：open 中文" in zh and "<th scope=\"row\">周一</th>" in zh


ALIASED = {
    "content/posts/moved.md": """\
        ---
        date: 2025-03-01
        slug: new-name
        aliases: [/old/moved/]
        en:
          title: "Moved"
        zh:
          title: "搬家"
          aliases: [posts/old-name/]
        ---
        <!-- lang: en -->
        Here now.
        <!-- lang: zh -->
        在这里。
        """,
}


def test_aliases_become_redirect_pages_in_a_sub_path_site(tmp_path):
    site_yaml = MINIMAL_SITE_YAML.replace("https://diary.test/", "https://me.github.io/diary/") + \
        "hosting: {redirects: true}\n"
    result = build_fixture(write_site(tmp_path, ALIASED, site_yaml))
    assert not errors(result)
    page = text_of(result, "old/moved/index.html")  # a shared alias belongs to the default language
    assert '<meta http-equiv="refresh" content="0; url=/diary/en/posts/new-name/">' in page
    assert '<link rel="canonical" href="https://me.github.io/diary/en/posts/new-name/">' in page
    assert '<a href="/diary/en/posts/new-name/">Moved</a>' in page
    assert "搬家" in text_of(result, "zh/posts/old-name/index.html")  # a language's own replace the shared
    assert not any(p.startswith(("zh/old", "en/posts/old")) for p in result.files)
    redirects = text_of(result, "_redirects")
    assert "/diary/old/moved/  /diary/en/posts/new-name/  301" in redirects
    assert "/diary/zh/posts/old-name/  /diary/zh/posts/new-name/  301" in redirects
    assert "old/moved" not in text_of(result, "sitemap.xml")


@pytest.mark.parametrize("alias, message", [
    ("../outside/", "is not an address on this site"),
    ("https://elsewhere.test/x/", "is not an address on this site"),
    ("/en/tags/", "is the address of a page of the site"),
    ("/en/posts/other/", "is the address of a page of the site"),
])
def test_bad_aliases_are_errors_with_their_line(tmp_path, alias, message):
    files = {"content/posts/a.md": post("a", "2025-01-01", extra=f"aliases: ['{alias}']\n"),
             "content/posts/other.md": post("other", "2025-01-02")}
    found = errors(build_fixture(write_site(tmp_path, files)))
    assert any("content/posts/a.md:5" in e and message in e for e in found), found


def test_two_posts_with_one_alias_is_an_error_naming_both(tmp_path):
    files = {"content/posts/a.md": post("a", "2025-01-01", extra="aliases: [/old/]\n"),
             "content/posts/b.md": post("b", "2025-01-02", extra="aliases: [/old/]\n")}
    found = errors(build_fixture(write_site(tmp_path, files)))
    assert any("content/posts/b.md:5" in e and "also an alias in content/posts/a.md:5" in e for e in found), found


def test_root_feeds_carry_every_language_each_entry_marked(tmp_path):
    result = build_fixture(write_site(tmp_path, VISIBILITY_SITE))
    want = [("en", "en"), ("zh", "zh-cn"), ("en", "en"), ("zh", "zh-cn")]
    rss = feedparser.parse(result.files["feed.xml"])
    assert not rss.bozo, rss.bozo_exception
    assert [(e.link.split("/")[3], e.language) for e in rss.entries] == want  # RSS: dc:language
    atom = feedparser.parse(result.files["atom.xml"])
    assert not atom.bozo, atom.bozo_exception
    own = [next(link.href for link in e.links if link.rel == "alternate") for e in atom.entries]
    got = [(href.split("/")[3], e.title_detail.language) for href, e in zip(own, atom.entries)]
    assert got == [(page, "zh-Hans" if page == "zh" else "en") for page, _ in want]  # Atom: xml:lang
    root = text_of(result, "index.html")
    assert 'href="https://diary.test/feed.xml"' in root and 'href="https://diary.test/atom.xml"' in root
    assert 'href="https://diary.test/feed.xml"' not in text_of(result, "en/index.html")


TOC_POST = """\
    ---
    title: Long
    date: 2025-01-01
    slug: long
    {toc}
    ---
    Intro.

    {marker}

    ## One

    ### One a

    ## Two
    """


@pytest.mark.parametrize("toc, marker, site_toc, expect", [
    ("toc: true", "", "", "top"),
    ("", "[TOC]", "", "marker"),
    ("", "", "toc: {min_headings: 3}\n", "top"),
    ("", "", "toc: {min_headings: 4}\n", None),
    ("toc: false", "[TOC]", "toc: {min_headings: 1}\n", None),
])
def test_table_of_contents(tmp_path, toc, marker, site_toc, expect):
    files = {"content/posts/long.en.md": TOC_POST.format(toc=toc, marker=marker)}
    result = build_fixture(write_site(tmp_path, files, MINIMAL_SITE_YAML + site_toc))
    assert not errors(result)
    page = text_of(result, "en/posts/long/index.html")
    assert "[TOC]" not in page and "riji:toc" not in page
    if expect is None:
        assert 'class="toc"' not in page
        return
    nav = page[page.index('<nav class="toc"'):page.index("</nav>", page.index('<nav class="toc"'))]
    assert ">Contents</h2>" in nav
    assert nav.index('href="#one"') < nav.index('href="#one-a"') < nav.index('href="#two"')
    assert nav.count("<ol>") == 2  # "One a" nests under "One"
    before_intro = page.index('<nav class="toc"') < page.index("<p>Intro.</p>")
    assert before_intro == (expect == "top")
    assert "riji:toc" not in text_of(result, "en/feed.xml")


def test_example_site_shows_the_features(example_output):
    archive = (example_output / "zh/archive/index.html").read_text("utf-8")
    assert 'class="calendar"' in archive
    page = (example_output / "en/posts/learning-a-language-alone/index.html").read_text("utf-8")
    assert '<nav class="toc"' in page and "<figcaption>The notebook, three months in</figcaption>" in page
    assert (example_output / "2025/01/tiktok-refugees/index.html").exists()
