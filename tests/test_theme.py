"""A site theme layered over the default one, and theme assets."""
from conftest import MINIMAL_SITE_YAML, build_fixture, errors, text_of, write_site

POST = "---\ndate: 2025-01-01\nen: {title: Hello}\nzh: {title: 你好}\n---\n<!-- lang: en -->\nhi\n<!-- lang: zh -->\n嗨\n"


def test_site_theme_overrides_and_extends_default(tmp_path):
    write_site(tmp_path, {
        "content/posts/hello.md": POST,
        "themes/mine/templates/post.html": "{% extends 'default/post.html' %}\n"
                                           "{% block content %}<p class=\"mine\">{{ t('greeting') }}</p>{{ super() }}"
                                           "{% endblock %}\n",
        "themes/mine/i18n.yaml": "en: {greeting: Welcome}\nzh: {greeting: 欢迎}\n",
    }, MINIMAL_SITE_YAML + "theme: mine\n")
    result = build_fixture(tmp_path)
    assert errors(result) == []
    en = text_of(result, "en/posts/hello/index.html")
    assert '<p class="mine">Welcome</p>' in en and "hi" in en
    assert '<p class="mine">欢迎</p>' in text_of(result, "zh/posts/hello/index.html")


def test_missing_theme_is_an_error(tmp_path):
    write_site(tmp_path, {"content/posts/hello.md": POST}, MINIMAL_SITE_YAML + "theme: nope\n")
    errs = errors(build_fixture(tmp_path))
    assert len(errs) == 1 and "theme 'nope' not found" in errs[0]


def test_assets_are_fingerprinted_and_referenced(tmp_path):
    write_site(tmp_path, {"content/posts/hello.md": POST})
    result = build_fixture(tmp_path)
    css = [p for p in result.files if p.startswith("assets/style.") and p.endswith(".css")]
    assert len(css) == 1 and len(css[0].split(".")) == 3
    assert f'href="/{css[0]}"' in text_of(result, "en/index.html")
    assert b"@media (prefers-color-scheme:dark)" in result.files[css[0]]  # minified


def test_page_metadata_for_translations(tmp_path):
    write_site(tmp_path, {"content/posts/hello.md": POST})
    result = build_fixture(tmp_path)
    en = text_of(result, "en/posts/hello/index.html")
    assert '<link rel="canonical" href="https://diary.test/en/posts/hello/">' in en
    assert '<link rel="alternate" hreflang="zh-Hans" href="https://diary.test/zh/posts/hello/">' in en
    assert '<link rel="alternate" hreflang="x-default" href="https://diary.test/en/posts/hello/">' in en
    assert '<meta property="og:locale:alternate" content="zh_CN">' in en
    # the switcher goes to this page's translation, not the other home page
    assert 'href="/zh/posts/hello/" hreflang="zh-Hans"' in en
    root = text_of(result, "index.html")
    assert "data-root" in root and 'href="/zh/"' in root and 'href="/en/"' in root
    sitemap = text_of(result, "sitemap.xml")
    assert '<xhtml:link rel="alternate" hreflang="zh-Hans" href="https://diary.test/zh/posts/hello/"/>' in sitemap
    assert "Sitemap: https://diary.test/sitemap.xml" in text_of(result, "robots.txt")
    not_found = text_of(result, "404.html")
    assert "Page not found" in not_found and "找不到页面" in not_found


def test_a_language_without_ui_strings_is_a_warning_not_a_failure(tmp_path):
    write_site(tmp_path, {"content/posts/hello.md": POST.replace("zh: {title: 你好}", "ja: {title: こんにちは}")
                                                    .replace("<!-- lang: zh -->\n嗨", "<!-- lang: ja -->\nやあ")},
               MINIMAL_SITE_YAML.replace("title: {en: \"Test Diary\", zh: \"测试日记\"}", "title: Test Diary")
               .replace("description: {en: \"A test.\", zh: \"一个测试。\"}", "description: A test.")
               .replace("  culture: {en: Culture, zh: 文化}\n", "")
               + "languages: [en, ja]\n")
    result = build_fixture(tmp_path)
    assert errors(result) == []
    warnings = [str(d) for d in result.diagnostics if d.severity == "warning"]
    assert len(warnings) == 1 and "no 'ja' UI text for" in warnings[0] and "i18n.yaml" in warnings[0]
    assert "やあ" in text_of(result, "ja/posts/hello/index.html")
    assert '<html lang="ja"' in text_of(result, "ja/posts/hello/index.html")


def test_tag_counts_are_singular_or_plural(tmp_path):
    write_site(tmp_path, {"content/posts/hello.md": POST.replace("date: 2025-01-01", "date: 2025-01-01\ntags: [culture]"),
                          "content/posts/two.md": POST.replace("date: 2025-01-01", "date: 2025-01-02\ntags: [culture, walk]")})
    result = build_fixture(tmp_path)
    en = text_of(result, "en/tags/index.html")
    assert '<span class="count">2 posts</span>' in en and '<span class="count">1 post</span>' in en
    assert '<span class="count">2 篇</span>' in text_of(result, "zh/tags/index.html")


def test_author_avatar_must_be_a_file_in_static(tmp_path):
    yaml_text = MINIMAL_SITE_YAML.replace('author: {name: "Tester", email: "t@diary.test"}',
                                          'author: {name: "Tester", email: "t@diary.test", avatar: me.png}')
    write_site(tmp_path, {"content/posts/hello.md": POST}, yaml_text)
    errs = errors(build_fixture(tmp_path))
    assert len(errs) == 1 and "site.yaml:4:" in errs[0] and "author.avatar 'me.png' not found in static/" in errs[0]
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "me.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    result = build_fixture(tmp_path)
    assert errors(result) == []
    assert '<img class="avatar" src="/me.png"' in text_of(result, "en/index.html")


def test_the_newest_post_leads_with_its_opening(tmp_path):
    body = ("---\ndate: 2025-02-01\nen: {title: Long}\n---\n<!-- lang: en -->\nShort first.[^1]\n\n"
            "The second paragraph is long enough to make the opening worth reading on the home page.\n\n"
            "A third one that stays on the post's own page.\n\n[^1]: A note.\n")
    write_site(tmp_path, {"content/posts/hello.md": POST, "content/posts/long.md": body})
    result = build_fixture(tmp_path)
    home = text_of(result, "en/index.html")
    lead = home.split('<div class="lead">', 1)[1].split("</div>", 1)[0]
    assert "<p>Short first.</p>" in lead and "The second paragraph" in lead and "third" not in lead
    assert home.count('class="lead"') == 1  # only the newest post
