"""The reader: the three content forms, language sections, shared keys and slugs."""
from conftest import build_fixture, errors, text_of, write_site

ONE_FILE = """\
---
date: 2025-01-18
slug: tiktok-refugees
tags: [internet, culture]
en: {title: "From TikTok to RedNote", summary: "Moving platforms."}
zh: {title: "从 TikTok 到小红书", summary: "换一个平台。"}
---
<!-- lang: en -->
English text.

<!-- lang: zh -->
中文正文。
"""


def test_one_file_bilingual_post(tmp_path):
    write_site(tmp_path, {"content/posts/2025-01-18-tiktok.md": ONE_FILE})
    result = build_fixture(tmp_path)
    assert errors(result) == []
    en = text_of(result, "en/posts/tiktok-refugees/index.html")
    zh = text_of(result, "zh/posts/tiktok-refugees/index.html")
    assert "From TikTok to RedNote" in en and "English text." in en and "中文正文" not in en
    assert "从 TikTok 到小红书" in zh and "中文正文。" in zh and "English text" not in zh
    assert '<html lang="zh-Hans"' in zh
    assert "2025年1月18日" in zh and "January 18, 2025" in en


def test_split_files_and_bundles(tmp_path):
    write_site(tmp_path, {
        "content/posts/short-video.en.md": "---\ndate: 2025-02-01\ntags: [a]\ntitle: Short video\n---\nEN body\n",
        "content/posts/short-video.zh.md": "---\ndate: 2025-02-01\ntags: [a]\ntitle: 短视频\n---\n中文\n",
        "content/posts/alone/index.en.md": "---\ndate: 2025-03-01\ntitle: Alone\n---\n![pic](img.png)\n",
        "content/posts/alone/index.zh.md": "---\ndate: 2025-03-01\ntitle: 独自\n---\n![图](img.png)\n",
        "content/posts/alone/img.png": b"\x89PNG\r\n\x1a\n",
    })
    result = build_fixture(tmp_path)
    assert errors(result) == []
    assert "EN body" in text_of(result, "en/posts/short-video/index.html")
    assert "短视频" in text_of(result, "zh/posts/short-video/index.html")
    # bundle assets sit beside each translation, so the relative link works in both
    assert "en/posts/alone/img.png" in result.files and "zh/posts/alone/img.png" in result.files


def test_shared_key_disagreement_names_both_files(tmp_path):
    write_site(tmp_path, {
        "content/posts/x.en.md": "---\ndate: 2025-02-01\ntitle: X\n---\nx\n",
        "content/posts/x.zh.md": "---\ndate: 2025-02-02\ntitle: 叉\n---\nx\n",
    })
    errs = errors(build_fixture(tmp_path))
    assert len(errs) == 1
    assert "content/posts/x.zh.md:2:" in errs[0] and "content/posts/x.en.md:2" in errs[0]


def test_pages_become_language_urls(tmp_path):
    write_site(tmp_path, {"content/pages/about.md": "---\nen: {title: About}\nzh: {title: 关于}\n---\n"
                                                    "<!-- lang: en -->\nMe.\n<!-- lang: zh -->\n我。\n"})
    result = build_fixture(tmp_path)
    assert errors(result) == []
    assert "Me." in text_of(result, "en/about/index.html")
    assert "我。" in text_of(result, "zh/about/index.html")


def test_chinese_file_name_gives_pinyin_slug(tmp_path):
    write_site(tmp_path, {"content/posts/写作的理由.zh.md": "---\ndate: 2025-06-15\ntitle: 写作的理由\n---\n写。\n"})
    result = build_fixture(tmp_path)
    assert errors(result) == []
    assert "zh/posts/xie-zuo-de-li-you/index.html" in result.files


def test_unspellable_file_name_asks_for_slug(tmp_path):
    write_site(tmp_path, {"content/posts/ひとり.en.md": "---\ndate: 2025-06-15\ntitle: Alone\n---\nx\n"})
    errs = errors(build_fixture(tmp_path))
    assert len(errs) == 1 and "add 'slug: some-words'" in errs[0]


def test_bom_and_crlf_are_accepted(tmp_path):
    text = "\ufeff" + ONE_FILE.replace("\n", "\r\n")
    write_site(tmp_path, {"content/posts/crlf.md": text.encode("utf-8")})
    result = build_fixture(tmp_path)
    assert errors(result) == []
    assert "English text." in text_of(result, "en/posts/tiktok-refugees/index.html")


def test_one_language_post_marked_or_hidden(tmp_path):
    files = {"content/posts/solo.md": "---\ndate: 2025-05-04\nen: {title: Solitude}\n---\n"
                                      "<!-- lang: en -->\nAlone.\n"}
    write_site(tmp_path / "mark", files)
    marked = build_fixture(tmp_path / "mark")
    zh_home = text_of(marked, "zh/index.html")
    assert "Solitude" in zh_home and "仅英语" in zh_home and "/en/posts/solo/" in zh_home  # badge in the list's language
    assert "zh/posts/solo/index.html" not in marked.files
    switcher = text_of(marked, "en/posts/solo/index.html")
    assert "No Chinese version" in switcher
    from conftest import MINIMAL_SITE_YAML
    write_site(tmp_path / "hide", files, MINIMAL_SITE_YAML + "missing_translation: hide\n")
    hidden = build_fixture(tmp_path / "hide")
    assert "Solitude" not in text_of(hidden, "zh/index.html")
    assert "Solitude" in text_of(hidden, "en/index.html")


def test_drafts_and_future_posts(tmp_path):
    write_site(tmp_path, {
        "content/posts/draft.md": "---\ndate: 2025-01-01\ndraft: true\nen: {title: Draft}\n---\n<!-- lang: en -->\nd\n",
        "content/posts/later.md": "---\ndate: 2030-01-01\nen: {title: Later}\n---\n<!-- lang: en -->\nl\n",
    })
    plain = build_fixture(tmp_path)
    assert "en/posts/draft/index.html" not in plain.files and "en/posts/later/index.html" not in plain.files
    both = build_fixture(tmp_path, drafts=True, future=True)
    assert "en/posts/draft/index.html" in both.files and "en/posts/later/index.html" in both.files


def test_links_between_posts_resolve_per_language(tmp_path):
    write_site(tmp_path, {
        "content/posts/a.md": "---\ndate: 2025-01-01\nen: {title: A}\nzh: {title: 甲}\n---\n"
                              "<!-- lang: en -->\nSee [b](b.md#part).\n<!-- lang: zh -->\n见[乙](b.md)。\n",
        "content/posts/b.en.md": "---\ndate: 2025-01-02\ntitle: B\n---\n## Part\n",
        "content/posts/b.zh.md": "---\ndate: 2025-01-02\ntitle: 乙\n---\n乙\n",
    })
    result = build_fixture(tmp_path)
    assert errors(result) == []
    assert 'href="/en/posts/b/#part"' in text_of(result, "en/posts/a/index.html")
    assert 'href="/zh/posts/b/"' in text_of(result, "zh/posts/a/index.html")


def test_bundle_images_get_their_size_so_pages_do_not_jump(tmp_path):
    import io

    from PIL import Image

    png = io.BytesIO()
    Image.new("RGB", (120, 80), "white").save(png, "PNG")
    write_site(tmp_path, {
        "content/posts/walk/index.en.md": "---\ndate: 2025-03-01\ntitle: Walk\n---\n![river](river%20bank.png)"
                                          " and ![remote](https://example.org/x.png)\n",
        "content/posts/walk/river bank.png": png.getvalue(),
    })
    result = build_fixture(tmp_path)
    assert errors(result) == []
    html = text_of(result, "en/posts/walk/index.html")
    assert '<img src="river%20bank.png" width="120" height="80"' in html
    assert '<img src="https://example.org/x.png" alt="remote"' in html


def test_the_memo_returns_an_entrys_problems_and_keeps_its_own_copy(tmp_path):
    """The preview's memo hands back what reading found instead of adding to a caller's list."""
    from types import SimpleNamespace

    from generator.memo import BuildMemo

    post = tmp_path / "content/posts/rain.md"
    post.parent.mkdir(parents=True)
    post.write_text("---\ndate: soon\n---\n")
    config = SimpleNamespace(codes=("en", "zh"), timezone="UTC")
    reads = []

    def read(kind, ident, name, paths, bundle, root, config, diag):
        reads.append(ident)
        diag.error(paths[0], 2, "invalid date")
        return "entry"

    memo = BuildMemo()
    args = ("post", "posts/rain", "rain", [post], None, tmp_path, config)
    entry, problems = memo.read_entry(read, *args)
    assert entry == "entry" and [str(d) for d in problems] == ["content/posts/rain.md:2: error: invalid date"]
    assert isinstance(problems, tuple)  # a caller cannot change what the memo remembers
    again, remembered = memo.read_entry(read, *args)
    assert (again, remembered) == (entry, problems) and reads == ["posts/rain"] and memo.hits == 1
