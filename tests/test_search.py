"""Search indexing: Pagefind, run in memory on rendered pages, returns its bundle and diagnostics."""
from __future__ import annotations

import gzip
import json
import os
import re
import stat
from pathlib import Path

import pytest

from generator import search
from generator.search import BUNDLE, index_pages, language_sizes


def html(lang: str | None, body: str, nav: str = "Home Archive 首页") -> bytes:
    lang_attr = f' lang="{lang}"' if lang else ""
    return (f'<!DOCTYPE html><html{lang_attr}><head><title>t</title></head><body>'
            f'<header><nav>{nav}</nav></header><main>{body}</main><footer>Made with riji</footer>'
            f'</body></html>').encode()


def article(title: str, text: str, tags=(), date="") -> str:
    tag_items = "".join(f'<li data-pagefind-filter="tag">{t}</li>' for t in tags)
    return (f'<article data-pagefind-body><h1>{title}</h1>'
            f'<p class="meta" data-pagefind-ignore><time data-pagefind-meta="date">{date}</time></p>'
            f'<ul data-pagefind-ignore>{tag_items}</ul><div class="prose">{text}</div></article>')


def fragments(files: dict[str, bytes]) -> dict[str, dict]:
    """{url: fragment} of every indexed page, with the language Pagefind filed it under (in any
    shard's bundle)."""
    out = {}
    for name, data in files.items():
        if name.startswith(BUNDLE) and "/fragment/" in name:
            raw = gzip.decompress(data)
            assert raw.startswith(b"pagefind_dcd")
            frag = json.loads(raw[len(b"pagefind_dcd"):])
            frag["language"] = name.rsplit("/", 1)[1].split("_")[0]
            out[frag["url"]] = frag
    return out


PAGES = {
    "en/posts/refugees/index.html": html("en", article(
        "From TikTok to RedNote", "<p>Millions of TikTok refugees moved to a Chinese app.</p>",
        tags=["Internet", "Culture"], date="January 18, 2025")),
    "zh/posts/refugees/index.html": html("zh-Hans", article(
        "从 TikTok 到小红书", "<p>一夜之间，TikTok 难民涌入了小红书。<ruby>难<rt>nàn</rt></ruby></p>",
        tags=["互联网"], date="2025年1月18日")),
    "en/about/index.html": html("en", article("About", "<p>A diary in two notebooks.</p>")),
}


@pytest.fixture(scope="module")
def indexed():
    return index_pages(PAGES)


def test_every_language_gets_its_own_index(indexed):
    files, problems = indexed
    assert problems == []
    entry = json.loads(files[BUNDLE + "pagefind-entry.json"])
    assert {k: v["page_count"] for k, v in entry["languages"].items()} == {"en": 2, "zh-hans": 1}
    frags = fragments(files)
    assert {u: f["language"] for u, f in frags.items()} == {
        "/en/posts/refugees/": "en", "/en/about/": "en", "/zh/posts/refugees/": "zh-hans"}
    sizes = language_sizes(files)
    assert sizes["en"][0] == 2 and sizes["zh-hans"][0] == 1 and all(s > 0 for _n, s in sizes.values())


def test_only_the_marked_article_is_indexed_with_title_date_and_tags(indexed):
    frags = fragments(indexed[0])
    en = frags["/en/posts/refugees/"]
    assert en["meta"]["title"] == "From TikTok to RedNote"
    assert en["meta"]["date"] == "January 18, 2025"
    assert sorted(en["filters"]["tag"]) == ["Culture", "Internet"]
    assert "refugees" in en["content"]
    for frag in frags.values():  # navigation, footer, the meta line and the tag list are not text
        for outside in ("Archive", "首页", "Made with riji", "January 18", "Culture", "互联网"):
            assert outside not in frag["content"]


def test_chinese_text_is_segmented_and_pinyin_is_never_indexed(indexed):
    zh = fragments(indexed[0])["/zh/posts/refugees/"]
    words = zh["content"].split("\u200b")  # Pagefind marks word breaks with zero-width spaces
    assert "难民" in words
    assert "nàn" not in zh["content"]
    assert zh["filters"]["tag"] == ["互联网"]


def test_each_language_has_a_service_of_its_own_and_one_bundle_joins_them(monkeypatch):
    calls = []
    run = search._run

    def counting(executable, count, requests):
        requests = list(requests)
        calls.append(sorted(r["url"] for r in requests))
        return run(executable, count, requests)

    monkeypatch.setattr(search, "_run", counting)
    files, problems = index_pages(PAGES)
    assert problems == []
    assert sorted(calls) == [["/en/about/", "/en/posts/refugees/"], ["/zh/posts/refugees/"]]
    # the same files as one service indexing every language at once, the entry naming both
    together, found = search._index_one(PAGES, "/", search.binary())
    assert found == [] and files == together


def test_urls_carry_the_site_path():
    files, problems = index_pages({"en/posts/x/index.html": PAGES["en/about/index.html"]}, base_path="/diary/")
    assert problems == []
    assert list(fragments(files)) == ["/diary/en/posts/x/"]


def test_only_the_bundle_the_theme_uses_is_emitted(indexed):
    files = indexed[0]
    assert BUNDLE + "pagefind.js" in files and BUNDLE + "pagefind-worker.js" in files
    assert any(n.startswith(BUNDLE + "wasm.") for n in files)
    assert not [n for n in files if "-ui." in n or "highlight" in n or "playground" in n]
    assert all(n.startswith(BUNDLE) for n in files)


def test_the_bundle_names_no_other_host(indexed):
    for name, data in indexed[0].items():
        if name.endswith(".js"):
            hosts = set(re.findall(r"https?://([^/\"'`$]+)", data.decode()))
            # pagefind.js parses URLs against a placeholder origin; it never fetches from it
            assert hosts <= {"example.com"}, (name, hosts)


def test_same_pages_give_the_same_bytes(indexed):
    again, _ = index_pages(PAGES)
    assert again == indexed[0]


def test_a_page_without_lang_warns_once_naming_its_template():
    pages = {f"en/posts/{n}/index.html": html(None, article(n, "<p>text</p>")) for n in ("a", "b")}
    _files, problems = index_pages(pages, template_of=lambda path: "themes/mine/templates/post.html")
    assert [(p.path, p.severity) for p in problems] == [("themes/mine/templates/post.html", "warning")]
    assert "lang" in problems[0].message


def test_pagefind_missing_is_one_error_that_says_what_to_install(monkeypatch):
    monkeypatch.setattr(search, "binary", lambda: None)
    files, problems = index_pages(PAGES)
    assert files == {}
    assert len(problems) == 1 and problems[0].severity == "error"
    assert "pip install 'pagefind[extended]" in problems[0].message


@pytest.mark.parametrize("script", ["exit 3", "echo boom >&2; printf 'not-base64,'",
                                    "head -c 10 >/dev/null; echo crashed >&2"])
def test_pagefind_failing_is_one_error_not_a_traceback(tmp_path, script):
    fake = tmp_path / "pagefind"
    fake.write_text(f"#!/bin/sh\n{script}\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    files, problems = index_pages(PAGES, executable=fake)
    assert files == {}
    assert len(problems) == 1 and problems[0].severity == "error"
    assert "Pagefind failed" in problems[0].message and "pip install" in problems[0].message


def test_a_missing_executable_is_reported(tmp_path):
    files, problems = index_pages(PAGES, executable=Path(tmp_path / "nowhere"))
    assert files == {} and "cannot start" in problems[0].message


def test_find_reads_the_index_back_like_a_search(indexed):
    files = indexed[0]
    assert search.find(files, "en", "refugee") == {"/en/posts/refugees/"}  # stems: refugees -> refuge
    assert search.find(files, "zh-hans", "难民") == {"/zh/posts/refugees/"}
    assert search.find(files, "zh-hans", "refugee") == set()
    assert search.find(files, "en", "notebooks") == {"/en/about/"}
    assert search.find(files, "fr", "refugee") == set()


# -- in the build ---------------------------------------------------------------------------------

from conftest import MINIMAL_SITE_YAML, NOW, build_fixture, errors, write_site  # noqa: E402
import generator.build as build_module  # noqa: E402
from generator.build import BuildOptions, build_to  # noqa: E402

SITE = {
    "content/posts/refugees.md": """
        ---
        date: 2025-01-18
        tags: [culture]
        en: {title: "From TikTok to RedNote"}
        zh: {title: "从 TikTok 到小红书"}
        ---
        <!-- lang: en -->
        The TikTok refugees arrived.

        <!-- lang: zh -->
        TikTok 难民来了。
        """,
    "content/posts/secret.md": """
        ---
        date: 2025-02-01
        draft: true
        en: {title: "Unfinished"}
        ---
        <!-- lang: en -->
        Zanzibar notes, not ready.
        """,
    "content/pages/about.md": """
        ---
        en: {title: "About"}
        zh: {title: "关于"}
        ---
        <!-- lang: en -->
        Two notebooks.

        <!-- lang: zh -->
        两本笔记。
        """,
}


def test_the_index_holds_posts_and_pages_never_drafts_lists_or_navigation(tmp_path):
    result = build_fixture(write_site(tmp_path, SITE), drafts=True)  # the draft is rendered, not indexed
    assert errors(result) == []
    assert "en/posts/secret/index.html" in result.files
    frags = fragments(result.files)
    assert set(frags) == {"/en/posts/refugees/", "/zh/posts/refugees/", "/en/about/", "/zh/about/"}
    assert frags["/zh/posts/refugees/"]["language"] == "zh-hans"
    assert frags["/en/posts/refugees/"]["filters"] == {"tag": ["Culture"]}
    assert frags["/zh/posts/refugees/"]["filters"] == {"tag": ["文化"]}
    for frag in frags.values():  # the header, menu, language switcher, post navigation and footer
        for word in ("Archive", "归档", "Subscribe", "订阅", "riji", "English", "Tags:", "min read", "分钟",
                     "side by side", "中英对照"):
            assert word not in frag["content"], (frag["url"], word)
    assert "Zanzibar" not in repr(frags)


def test_unlisted_and_private_posts_are_never_indexed(tmp_path):
    hidden = {f"content/posts/{v}.md": f"""
        ---
        date: 2025-03-01
        visibility: {v}
        en: {{title: "A {v} note"}}
        ---
        <!-- lang: en -->
        Quetzal {v} words.
        """ for v in ("unlisted", "private")}
    result = build_fixture(write_site(tmp_path, {**SITE, **hidden}), private=True)  # as the preview builds
    assert errors(result) == []
    assert "en/posts/unlisted/index.html" in result.files and "en/posts/private/index.html" in result.files
    assert set(fragments(result.files)) == {"/en/posts/refugees/", "/zh/posts/refugees/", "/en/about/",
                                            "/zh/about/"}
    assert search.find(result.files, "en", "quetzal") == set()


def test_every_language_has_a_search_page_and_a_header_field(tmp_path):
    result = build_fixture(write_site(tmp_path, SITE))
    for lang in ("en", "zh"):
        page = result.files[f"{lang}/search/index.html"].decode()
        assert "data-pagefind-body" not in page and 'id="search-q"' in page
        assert f'data-bundle="/pagefind/"' in page
        post = result.files[f"{lang}/posts/refugees/index.html"].decode()
        assert f'<form class="site-search" role="search" action="/{lang}/search/"' in post
        assert "pagefind" not in post.replace("data-pagefind", "")  # no script or index on other pages


def test_search_off_builds_no_index_no_page_and_no_field(tmp_path):
    result = build_fixture(write_site(tmp_path, SITE, MINIMAL_SITE_YAML + "search: {enabled: false}\n"))
    assert errors(result) == []
    assert not [p for p in result.files if p.startswith(("pagefind/", "en/search/", "zh/search/"))]
    assert "site-search" not in result.files["en/posts/refugees/index.html"].decode()


def test_a_search_setting_that_is_not_true_or_false_is_an_error(tmp_path):
    result = build_fixture(write_site(tmp_path, SITE, MINIMAL_SITE_YAML + "search: {enabled: yes please}\n"))
    assert any("'search.enabled' must be true or false" in e for e in errors(result))
    result = build_fixture(write_site(tmp_path, SITE, MINIMAL_SITE_YAML + "search: {enable: false}\n"))
    assert any("did you mean 'enabled'" in e for e in errors(result))


def test_a_sub_path_site_indexes_its_own_urls(tmp_path):
    yaml = MINIMAL_SITE_YAML.replace("https://diary.test/", "https://me.example.io/diary/")
    result = build_fixture(write_site(tmp_path, SITE, yaml))
    assert "/diary/en/posts/refugees/" in fragments(result.files)
    assert 'data-bundle="/diary/pagefind/"' in result.files["en/search/index.html"].decode()


def test_without_pagefind_the_build_fails_once_and_keeps_the_last_good_site(tmp_path, monkeypatch):
    root = write_site(tmp_path / "site", SITE)
    out = tmp_path / "output"
    assert build_to(root, out, BuildOptions(now=NOW, cache=False)).ok
    before = sorted(p.relative_to(out).as_posix() for p in out.rglob("*"))
    monkeypatch.setattr(search, "binary", lambda: None)
    result = build_to(root, out, BuildOptions(now=NOW, cache=False))
    problems = [d for d in result.diagnostics if d.severity == "error"]
    assert len(problems) == 1 and "pip install 'pagefind[extended]" in problems[0].message
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == before


def test_a_theme_without_lang_is_warned_about_by_its_template(tmp_path):
    base = (Path(search.__file__).parent.parent / "themes/default/templates/base.html").read_text("utf-8")
    files = {**SITE, "themes/mine/templates/base.html": base.replace(' lang="{{ lang.hreflang }}"', "")}
    yaml = MINIMAL_SITE_YAML + "theme: mine\n"
    result = build_fixture(write_site(tmp_path, files, yaml))
    warnings = [d for d in result.diagnostics if d.severity == "warning" and "lang" in d.message]
    assert [d.path for d in warnings] == ["themes/mine/templates/base.html"]


def test_the_404_page_has_a_search_field_for_each_language(tmp_path):
    page = build_fixture(write_site(tmp_path, SITE)).files["404.html"].decode()
    for lang, label in (("en", "Search the diary"), ("zh", "搜索日记")):
        section = page[page.index(f'id="not-found-{lang}"'):]
        form = section[section.index('<form class="site-search not-found-search"'):section.index("</form>")]
        assert f'action="/{lang}/search/"' in form and 'name="q"' in form and label in form
    off = build_fixture(write_site(tmp_path / "off", SITE, MINIMAL_SITE_YAML + "search: {enabled: false}\n"))
    assert "not-found-search" not in off.files["404.html"].decode()


class Recorded:
    """Calls noted in a file: `riji build` indexes in a forked child, whose memory the test's is not."""

    def __init__(self, path: Path):
        self.path = path
        self.clear()

    def add(self, item) -> None:
        with open(self.path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(item) + "\n")

    def clear(self) -> None:
        self.path.write_text("", "utf-8")

    def __iter__(self):
        return iter(json.loads(line) for line in self.path.read_text("utf-8").splitlines())

    def __eq__(self, other) -> bool:
        return list(self) == other


def indexed_languages(monkeypatch, tmp_path: Path) -> Recorded:
    """The languages each Pagefind service is started for, from now on, with the process it ran in."""
    calls = Recorded(tmp_path / "indexed.jsonl")
    one = search._index_one

    def counting(pages, base_path, executable):
        calls.add(sorted({search._lang(html) for html in pages.values()}))
        (tmp_path / "indexed-by").write_text(str(os.getpid()))
        return one(pages, base_path, executable)

    monkeypatch.setattr(search, "_index_one", counting)
    return calls


def test_a_build_indexes_again_only_the_language_whose_pages_changed(tmp_path, monkeypatch):
    root = write_site(tmp_path / "site", SITE)
    out = root / "output"
    calls = indexed_languages(monkeypatch, tmp_path)
    assert build_to(root, out, BuildOptions(now=NOW)).ok
    assert sorted(calls) == [["en"], ["zh-hans"]]
    calls.clear()
    assert build_to(root, out, BuildOptions(now=NOW)).ok  # nothing changed: nothing indexed
    assert calls == []
    post = root / "content/posts/refugees.md"
    post.write_text(post.read_text("utf-8").replace("The TikTok refugees arrived.", "A heron came."), "utf-8")
    rendered = []
    materialize = build_module.materialize
    monkeypatch.setattr(build_module, "materialize", lambda files, workers=1, **kw: (
        rendered.append(sorted(p for p, v in files.items() if p.endswith(".html"))), materialize(files, workers, **kw))[1])
    assert build_to(root, out, BuildOptions(now=NOW)).ok
    assert calls == [["en"]]
    # the English pages search re-reads: the edited post rendered, the others read back from output/
    assert rendered == [["en/posts/refugees/index.html"]]
    clean = build_fixture(root)  # the same bundle as a build from nothing
    bundle = {p: v for p, v in clean.files.items() if p.startswith(BUNDLE)}
    assert bundle == {p: (out / p).read_bytes() for p in bundle}
    assert {str(p.relative_to(out)) for p in (out / "pagefind").rglob("*") if p.is_file()} == set(bundle)
    assert search.find(bundle, "en", "heron") == {"/en/posts/refugees/"}
    (root / ".riji-cache/search.pickle").write_bytes(b"not a pickle")  # damaged: indexed afresh
    calls.clear()
    assert build_to(root, out, BuildOptions(now=NOW)).ok
    assert sorted(calls) == [["en"], ["zh-hans"]]


def test_an_edit_that_outdates_a_translation_indexes_only_the_language_edited(tmp_path, monkeypatch):
    """The translation's page gains the outdated notice, which its theme tells Pagefind to ignore: its
    shard's index in that language is kept (at 1,000 posts re-indexing it doubled the first edit
    of a synced post), and the bundle is still a clean build's."""
    from generator.cli import main

    root = write_site(tmp_path / "site", SITE)
    assert main(["status", "--site", str(root), "--sync"]) == 0
    out = root / "output"
    calls = indexed_languages(monkeypatch, tmp_path)
    assert build_to(root, out, BuildOptions(now=NOW)).ok
    post = root / "content/posts/refugees.md"
    # the English text: the Chinese page gains the notice; then the Chinese text, which is indexed
    for old, new, indexed, notice in (("The TikTok refugees arrived.", "A heron came.", ["en"], True),
                                      ("TikTok 难民来了。", "一只鹭来了。", ["zh-hans"], False)):
        calls.clear()
        post.write_text(post.read_text("utf-8").replace(old, new), "utf-8")
        assert build_to(root, out, BuildOptions(now=NOW)).ok
        assert list(calls) == [indexed]
        assert (b"outdated-notice" in (out / "zh/posts/refugees/index.html").read_bytes()) is notice
        bundle = {p: v for p, v in build_fixture(root).files.items() if p.startswith(BUNDLE)}
        assert bundle == {p: (out / p).read_bytes() for p in bundle}


def test_a_page_as_searched_leaves_out_only_what_pagefind_ignores_and_reads_nothing_of():
    page = ('<!DOCTYPE html><html lang="en"><body><article data-pagefind-body>{}<p>Text.</p></article>'
            '</body></html>')

    def searched(inside: str) -> bytes:
        return search.as_searched(page.format(inside).encode())

    # the same bytes here, the same index from Pagefind: white space a template wrote before an
    # element it left out is nothing to Pagefind, and an ignored word splits no other
    for with_it, without in (('<p data-pagefind-ignore>A notice <a href="/x">here</a></p>', ""),
                             ('\n  <p data-pagefind-ignore>A notice</p>', ""),
                             ('<p data-pagefind-ignore="all">Gone too</p>', ""),
                             ('<p>alpha<span data-pagefind-ignore>x</span>beta</p>', "<p>alphabeta</p>"),
                             ('<p>alpha <span data-pagefind-ignore>x</span> beta</p>', "<p>alpha beta</p>"),
                             ('<p>alpha <span data-pagefind-ignore>x</span>beta</p>', "<p>alpha beta</p>")):
        assert searched(with_it) == searched(without), with_it
        assert index_pages({"en/a/index.html": page.format(with_it).encode()}) == \
            index_pages({"en/a/index.html": page.format(without).encode()}), with_it
    for kept in ('<ul data-pagefind-ignore><li><a data-pagefind-filter="tag">Culture</a></li></ul>',
                 '<div data-pagefind-ignore><h1>A title Pagefind may take</h1></div>',
                 '<div data-pagefind-ignore><img src="a.png" alt=""></div>',
                 '<p data-pagefind-ignore data-pagefind-meta="date">2025</p>', '<p>Indexed</p>'):
        assert searched(kept) != searched(""), kept
    whole = b'<html data-pagefind-ignore><body><p>All of it</p></body></html>'
    assert b"All of it" in search.as_searched(whole)  # the page itself is not taken out of itself


OLDER = {**SITE, "content/posts/older.md": """
    ---
    date: 2024-05-02
    en: {title: "An older day"}
    zh: {title: "更早的一天"}
    ---
    <!-- lang: en -->
    A quetzal on the wire.

    <!-- lang: zh -->
    电线上有一只格查尔鸟。
    """}


def test_each_shard_of_years_has_its_own_index_and_an_edit_indexes_only_its_own(tmp_path, monkeypatch):
    """Years are joined into shards of SHARD_POSTS posts, each indexed by itself: an edit indexes
    again only its own shard's pages of its language, and a search page lists its shards."""
    monkeypatch.setattr(search, "SHARD_POSTS", 1)  # every year a shard of its own
    root = write_site(tmp_path / "site", OLDER)
    out = root / "output"
    calls = Recorded(tmp_path / "indexed.jsonl")
    one = search._index_one
    monkeypatch.setattr(search, "_index_one", lambda pages, *rest: (calls.add(sorted(pages)), one(pages, *rest))[1])
    assert build_to(root, out, BuildOptions(now=NOW)).ok
    assert len(list(calls)) == 4  # two shards, two languages
    files = {p.relative_to(out).as_posix(): p.read_bytes() for p in (out / BUNDLE).rglob("*") if p.is_file()}
    assert sorted(search.bundles(files)) == ["pagefind/2024/", "pagefind/2025/"]  # the about page: the newest
    assert search.find(files, "en", "quetzal") == {"/en/posts/older/"}
    assert search.find(files, "en", "refugee") == {"/en/posts/refugees/"}
    assert search.find(files, "en", "notebooks") == {"/en/about/"}
    assert search.language_sizes(files)["en"][0] == 3
    assert 'data-shards="2025/ 2024/"' in (out / "en/search/index.html").read_text("utf-8")
    calls.clear()
    post = root / "content/posts/older.md"
    post.write_text(post.read_text("utf-8").replace("A quetzal on the wire.", "A heron on the wire."), "utf-8")
    assert build_to(root, out, BuildOptions(now=NOW)).ok
    assert list(calls) == [["en/posts/older/index.html"]], list(calls)
    clean = build_fixture(root)
    bundle = {p: v for p, v in clean.files.items() if p.startswith(BUNDLE)}
    assert bundle == {p.relative_to(out).as_posix(): p.read_bytes() for p in (out / BUNDLE).rglob("*") if p.is_file()}
    assert search.find(bundle, "en", "heron") == {"/en/posts/older/"}


def test_pagefind_indexes_in_a_child_while_the_writer_writes_the_other_files(tmp_path, monkeypatch):
    """Pagefind runs on one core: once there is a last build to keep files from, riji build hands
    it the pages from a forked child and writes every other file meanwhile, then adds the bundle to
    the new tree before swapping it in. A first build, which renders every page, indexes first."""
    import generator.parallel as parallel
    import generator.writer as writer

    root = write_site(tmp_path / "site", SITE)
    indexed_languages(monkeypatch, tmp_path)
    by = tmp_path / "indexed-by"
    assert build_to(root, root / "output", BuildOptions(now=NOW)).ok
    assert int(by.read_text()) == os.getpid()
    events = []
    write_tree, wait = writer._write_tree, parallel.Forked.__call__
    monkeypatch.setattr(writer, "_write_tree", lambda files, *rest: (
        events.append("bundle" if all(p.startswith(BUNDLE) for p in files) else "pages"), write_tree(files, *rest))[1])
    monkeypatch.setattr(parallel.Forked, "__call__", lambda self: (events.append("wait"), wait(self))[1])
    post = root / "content/posts/refugees.md"
    post.write_text(post.read_text("utf-8").replace("The TikTok refugees arrived.", "A heron came."), "utf-8")
    result = build_to(root, root / "output", BuildOptions(now=NOW))
    assert result.ok and events == ["pages", "wait", "bundle"]
    assert int(by.read_text()) != os.getpid()
    assert search.find(result.files, "en", "heron") == {"/en/posts/refugees/"}
    entry = "pagefind/2025/pagefind-entry.json"
    assert (root / "output" / entry).read_bytes() == result.files[entry]
    # beside the writer, one language at a time: two services and the workers never all hold memory
    spans = Recorded(tmp_path / "spans.jsonl")
    one = search._index_one
    monkeypatch.setattr(search, "_index_one", lambda pages, *rest: (
        spans.add("start"), one(pages, *rest), spans.add("end"))[1])
    (root / ".riji-cache/search.pickle").unlink()  # both languages indexed again
    post.write_text(post.read_text("utf-8").replace("A heron came.", "Two herons came."), "utf-8")
    assert build_to(root, root / "output", BuildOptions(now=NOW)).ok
    assert spans == ["start", "end", "start", "end"]


def test_a_search_child_that_dies_fails_the_build_and_keeps_the_last_good_site(tmp_path, monkeypatch):
    root = write_site(tmp_path / "site", SITE)
    out = root / "output"
    assert build_to(root, out, BuildOptions(now=NOW)).ok
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    parent = os.getpid()
    monkeypatch.setattr(search, "_index_one", lambda *args: os._exit(3) if os.getpid() != parent else None)
    post = root / "content/posts/refugees.md"
    post.write_text(post.read_text("utf-8").replace("The TikTok refugees arrived.", "A heron came."), "utf-8")
    result = build_to(root, out, BuildOptions(now=NOW))
    assert not result.ok
    assert errors(result) == ["site.yaml: error: search: indexing failed: it exited with code 3"]
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


# -- in the preview -------------------------------------------------------------------------------

def test_the_preview_indexes_in_memory_and_sees_an_edit(tmp_path, monkeypatch):
    import http.client

    from generator.serve.app import Session
    from test_serve_watch import wait_until

    root = write_site(tmp_path / "site", SITE)
    with Session(root, now=NOW, quiet=0.05) as session:
        preview = session.preview
        wait_until(lambda: search.find(preview.search, "en", "refugee"), "the first index")
        host, port = session.server.server_address[:2]
        conn = http.client.HTTPConnection(host, port, timeout=10)
        conn.request("GET", "/pagefind/2025/pagefind-entry.json")  # the one shard: every post is of 2025
        answer = conn.getresponse()
        assert answer.status == 200 and b'"zh-hans"' in answer.read()
        conn.close()
        assert search.find(preview.search, "en", "heron") == set()
        calls = indexed_languages(monkeypatch, tmp_path)
        rendered = []
        render = preview.render
        monkeypatch.setattr(preview, "render", lambda lazy, good: (rendered.append(lazy), render(lazy, good))[1])
        from generator.render import html

        worked_out = set()  # pages whose values are worked out: for the digests search keys shards by
        for kind, values in html.PAGE_KINDS.items():
            monkeypatch.setitem(html.PAGE_KINDS, kind,
                                lambda ctx, plan, values=values: (worked_out.add(plan.output), values(ctx, plan))[1])
        post = root / "content/posts/refugees.md"
        post.write_text(post.read_text("utf-8").replace("The TikTok refugees arrived.",
                                                        "A heron watched the TikTok refugees."), "utf-8")
        found = wait_until(lambda: search.find(preview.search, "en", "heron"), "the edit in the index")
        assert found == {"/en/posts/refugees/"}
        assert search.find(preview.search, "zh-hans", "难民") == {"/zh/posts/refugees/"}
        assert calls == [["en"]]  # the Chinese index is kept: only the edited language is indexed again
        assert len(rendered) == 1  # of the English pages only the edited one is rendered again
        assert "en/about/index.html" not in worked_out  # its digest kept: it reads nothing of the post
    assert not (root / "output").exists()  # the preview never writes the index (or anything) there


# -- riji check -----------------------------------------------------------------------------------

def check_errors(result) -> list[str]:
    from generator.checks import check_site

    return [str(d) for d in check_site(result, validate_html=False) if d.severity == "error"]


def test_check_passes_when_the_newest_post_of_each_language_is_found(tmp_path):
    result = build_fixture(write_site(tmp_path, SITE))
    assert check_errors(result) == []


def test_check_finds_a_missing_index_a_language_without_one_and_an_unfindable_post(tmp_path):
    result = build_fixture(write_site(tmp_path, SITE))
    entry = result.files.pop("pagefind/2025/pagefind-entry.json")
    assert any("no search index" in e for e in check_errors(result))
    result.files["pagefind/2025/pagefind-entry.json"] = entry

    search_page = result.files["zh/search/index.html"]  # a theme whose <html lang> the index lacks
    result.files["zh/search/index.html"] = search_page.replace(b'lang="zh-Hans"', b'lang="zh-TW"', 1)
    found = [e for e in check_errors(result) if "search index" in e]
    assert len(found) == 1 and 'the search page says lang="zh-TW"' in found[0] and "en, zh-hans" in found[0]
    result.files["zh/search/index.html"] = search_page

    # the newest Chinese post left out of the index (as by a theme without data-pagefind-body)
    kept = {p: result.files[p] for p in search.searchable(result.site) if p != "zh/posts/refugees/index.html"}
    for stale in [p for p in result.files if p.startswith("pagefind/")]:
        del result.files[stale]
    result.files.update(search.index_pages(kept)[0])
    found = [e for e in check_errors(result) if "search" in e]
    assert len(found) == 1 and "cannot find the newest post '从 TikTok 到小红书' by 'TikTok'" in found[0]


def test_check_skips_search_when_it_is_off(tmp_path):
    result = build_fixture(write_site(tmp_path, SITE, MINIMAL_SITE_YAML + "search: {enabled: false}\n"))
    assert check_errors(result) == []


def test_a_year_of_twice_a_shard_is_cut_into_shards_of_months(monkeypatch):
    """A prolific year is not one shard of every page it holds: its months are joined instead,
    oldest first, with the whole years around it; the shard names say where each starts and ends."""
    from datetime import datetime, timezone
    from types import SimpleNamespace as NS

    monkeypatch.setattr(search, "SHARD_POSTS", 4)
    days = ["2019-03-01", "2019-03-02"] + ["2020-01-05"] * 3 + ["2020-02-05"] * 2 + ["2020-03-05"] * 3 \
        + ["2020-07-05"] * 2 + ["2021-06-01"] * 3
    posts = [NS(name=f"p{i}", date=datetime.fromisoformat(day).replace(tzinfo=timezone.utc)) for i, day in enumerate(days)]
    site = NS(posts=posts, pages=[NS(name="about", date=None)], config=NS(tz=timezone.utc))
    got = search.shards(site)
    assert [got[f"p{i}"] for i in (0, 2, 5, 7, 10, 12)] == [
        "2019-01-2020-01", "2019-01-2020-01", "2020-02-2020-03", "2020-02-2020-03",
        "2020-07-2021-12", "2020-07-2021-12"]
    assert got["about"] == "2020-07-2021-12"  # pages go with the newest
    monkeypatch.setattr(search, "SHARD_POSTS", 6)  # no year holds twice as many: whole years, as before
    assert sorted(set(search.shards(site).values())) == ["2019-2020", "2021"]


def test_pagefind_runs_on_every_core_across_shards_the_largest_first(monkeypatch):
    """Each language of each shard is a service of its own, and as many run at once as there are
    cores, whatever their shard: a shard's short English does not leave a core idle while its
    Chinese goes on. The largest start first."""
    import threading

    monkeypatch.setattr(search.os, "cpu_count", lambda: 2)
    started, both = [], threading.Barrier(2, timeout=10)

    def fake(pages, base_path, executable):
        started.append(sorted(pages)[0])
        if len(started) <= 2:
            both.wait()  # the first two run side by side
        return {f"{BUNDLE}pagefind-entry.json": b"{}"}, []

    monkeypatch.setattr(search, "_index_one", fake)
    page = '<!doctype html><html lang="{}"><body></body></html>'.format
    shards = {s: {**{f"{s}/zh{i}": page("zh-hans").encode() for i in range(3)}, f"{s}/en": page("en").encode()}
              for s in ("a", "b", "c")}
    parts, problems = search.index_shards(shards, executable=Path("pagefind"))
    assert not problems and sorted(parts) == ["a", "b", "c"] and sorted(parts["b"]) == ["en", "zh-hans"]
    assert [p.split("/")[1][:2] for p in started] == ["zh"] * 3 + ["en"] * 3
