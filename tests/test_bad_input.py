"""Bad input: one clear message per problem with file and line, all in one run, last good site kept."""
import subprocess
import sys

from conftest import REPO, build_fixture, errors, text_of, write_site

GOOD = "---\ndate: 2025-01-01\nen: {title: Good}\nzh: {title: 好}\n---\n<!-- lang: en -->\nok\n<!-- lang: zh -->\n好\n"

BAD = {
    "content/posts/broken-yaml.md": "---\ndate: 2025-01-01\nen: {title: \"Broken\"\nzh: {title: 坏}\n---\nx\n",
    "content/posts/tab.md": "---\ndate: 2025-01-01\nen:\n\ttitle: Tab\n---\n<!-- lang: en -->\nx\n",
    "content/posts/bad-date.md": "---\ndate: 2025-13-45\nen: {title: Date}\n---\n<!-- lang: en -->\nx\n",
    "content/posts/no-title.md": "---\ndate: 2025-01-01\nen: {summary: none}\n---\n<!-- lang: en -->\nx\n",
    "content/posts/unknown-key.md": "---\ndate: 2025-01-01\ntagz: [a]\nen: {title: Key}\n---\n<!-- lang: en -->\nx\n",
    "content/posts/dup-one.md": "---\ndate: 2025-01-01\nslug: same\nen: {title: One}\n---\n<!-- lang: en -->\nx\n",
    "content/posts/dup-two.md": "---\ndate: 2025-01-02\nslug: same\nen: {title: Two}\n---\n<!-- lang: en -->\nx\n",
    "content/posts/no-marker.md": "---\ndate: 2025-01-01\nen: {title: En}\nzh: {title: 中}\n---\n<!-- lang: en -->\nonly english\n",
    "content/posts/dead-link.md": "---\ndate: 2025-01-01\nen: {title: Dead}\n---\n<!-- lang: en -->\npara\n\n"
                                  "[x](nowhere.md) and ![i](missing.png)\n",
}


def test_every_problem_reported_once_with_file_and_line(tmp_path):
    write_site(tmp_path, {"content/posts/good.md": GOOD, **BAD})
    errs = errors(build_fixture(tmp_path))
    expected = [
        ("content/posts/bad-date.md:2:", "invalid date '2025-13-45'"),
        ("content/posts/broken-yaml.md:4:", "invalid YAML"),
        ("content/posts/dead-link.md:8:", "nowhere.md"),
        ("content/posts/dead-link.md:8:", "'missing.png' points at nothing"),
        ("content/posts/dup-two.md:3:", "same URL /en/posts/same/ as content/posts/dup-one.md"),
        ("content/posts/no-marker.md:4:", "has 'zh:' but the body has no '<!-- lang: zh -->'"),
        ("content/posts/no-title.md:3:", "missing title for 'en'"),
        ("content/posts/tab.md:4:", "tab"),
        ("content/posts/unknown-key.md:3:", "unknown front-matter key 'tagz' (did you mean 'tags'?)"),
    ]
    for where, what in expected:
        assert any(e.startswith(where) and what in e for e in errs), (where, what, errs)
    assert len(errs) == len(expected), "\n".join(errs)


def run_cli(*args, cwd):
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, capture_output=True, text=True,
                          env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"})


def test_cli_exit_code_no_traceback_and_last_good_site_kept(tmp_path):
    write_site(tmp_path, {"content/posts/good.md": GOOD})
    ok = run_cli("build", cwd=tmp_path)
    assert ok.returncode == 0, ok.stderr
    assert "pages, posts: en 1, zh 1" in ok.stdout
    before = (tmp_path / "output/en/posts/good/index.html").read_bytes()
    write_site(tmp_path, BAD, site_yaml=None)
    bad = run_cli("build", cwd=tmp_path)
    assert bad.returncode == 1
    assert "Traceback" not in bad.stderr
    assert "9 errors" in bad.stderr
    assert (tmp_path / "output/en/posts/good/index.html").read_bytes() == before
    assert not (tmp_path / "output/en/posts/same").exists()


def test_refuses_output_that_holds_a_site(tmp_path):
    write_site(tmp_path, {"content/posts/good.md": GOOD})
    result = run_cli("build", "--output", ".", cwd=tmp_path)
    assert result.returncode == 1 and "refusing to build into" in result.stderr
    assert (tmp_path / "site.yaml").exists() and (tmp_path / "content/posts/good.md").exists()


def test_script_in_title_is_text(tmp_path):
    write_site(tmp_path, {"content/posts/x.md": "---\ndate: 2025-01-01\nen: {title: \"<script>alert(1)</script> & co\"}\n"
                                                "---\n<!-- lang: en -->\nx\n"})
    result = build_fixture(tmp_path)
    html = result.files["en/posts/x/index.html"].decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in html


def test_template_error_is_reported_with_template_line(tmp_path):
    write_site(tmp_path, {
        "content/posts/good.md": GOOD,
        "themes/mine/templates/page.html": "{% extends 'default/page.html' %}\n{% block content %}\n{{ nope.x }}\n{% endblock %}\n",
        "content/pages/about.md": "---\nen: {title: About}\n---\n<!-- lang: en -->\nme\n",
    }, site_yaml=None)
    from conftest import MINIMAL_SITE_YAML
    (tmp_path / "site.yaml").write_text(MINIMAL_SITE_YAML + "theme: mine\n")
    errs = errors(build_fixture(tmp_path))
    assert len(errs) == 1 and "themes/mine/templates/page.html:3:" in errs[0] and "nope" in errs[0]


MORE_BAD = {
    "content/posts/list.md": "---\n- a\n- b\n---\nx\n",
    "content/posts/binary.md": b"\xff\xfe\x00bad",
    "content/posts/block-string.md": "---\ndate: 2025-01-01\nen: just a string\n---\n<!-- lang: en -->\nx\n",
    "content/posts/eng.md": "---\ndate: 2025-01-01\nen: {title: X}\n---\n<!-- lang: eng -->\nx\n",
    "content/posts/same-tag.md": "---\ndate: 2025-01-01\ntags: [Café, cafe]\nen: {title: Tags}\n---\n"
                                 "<!-- lang: en -->\nx\n",
    "content/posts/unclosed.md": "---\ndate: 2025-01-01\nen: {title: X}\n<!-- lang: en -->\nx\n",
    "content/pages/tags.md": "---\nslug: tags\nen: {title: Tags}\n---\n<!-- lang: en -->\nx\n",
}


def test_more_shapes_of_bad_input_each_get_one_message(tmp_path):
    write_site(tmp_path, {"content/posts/good.md": GOOD, **MORE_BAD,
                          "content/posts/numeric-title.md": "---\ndate: 2025-01-01\ntags: solo\nen: {title: 1984}\n"
                                                            "---\n<!-- lang: en -->\nok\n"})
    result = build_fixture(tmp_path)
    errs = errors(result)
    expected = [
        ("content/pages/tags.md:2:", "page slug 'tags' is reserved"),
        ("content/posts/binary.md:", "not UTF-8"),
        ("content/posts/block-string.md:3:", "'en:' must be a mapping"),
        ("content/posts/eng.md:5:", "'eng', which site.yaml does not list (did you mean 'en'?)"),
        ("content/posts/list.md:2:", "front-matter must be a mapping"),
        ("content/posts/same-tag.md:3:", "would share the URL tags/cafe/"),
        ("content/posts/unclosed.md:1:", "never closed"),
    ]
    for where, what in expected:
        assert any(e.startswith(where) and what in e for e in errs), (where, what, errs)
    assert len(errs) == len(expected), "\n".join(errs)
    # a numeric title is a title, and a single tag may be written without brackets
    assert "1984" in text_of(result, "en/posts/numeric-title/index.html")
    assert "en/tags/solo/index.html" in result.files


def alias_bomb(key: str, levels: int = 7, indent: str = "") -> str:
    """Billion laughs: each anchor holds ten aliases of the one before, so `key` stands for 10**levels values."""
    rows = [f'{indent}l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    rows += [f"{indent}l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 10) + "]" for i in range(1, levels)]
    return "\n".join(rows) + f"\n{indent}{key}: *l{levels - 1}\n"


def test_yaml_alias_bombs_are_refused_at_their_line(tmp_path):
    write_site(tmp_path, {
        "content/posts/good.md": GOOD,
        "content/posts/date-bomb.md": "---\n" + alias_bomb("date") + "en: {title: D}\n---\n<!-- lang: en -->\nx\n",
        "content/posts/slug-bomb.md": "---\ndate: 2025-01-01\n" + alias_bomb("slug") + "en: {title: S}\n---\n"
                                      "<!-- lang: en -->\nx\n",
        "content/posts/loop.md": "---\ndate: 2025-01-01\ntags: &t [a, *t]\nen: {title: L}\n---\n<!-- lang: en -->\nx\n",
        "content/posts/deep.md": "---\ndate: 2025-01-01\nen: {title: Deep}\nx: " + "{a: " * 500 + "1" + "}" * 500
                                 + "\n---\n<!-- lang: en -->\nx\n",
    })
    errs = errors(build_fixture(tmp_path))
    expected = [
        ("content/posts/date-bomb.md:9:", "YAML aliases (*name) expand this value to 11,111,111 values"),
        ("content/posts/deep.md:4:", "nested more than 64 levels deep"),
        ("content/posts/loop.md:3:", "alias (*name) inside the value it names"),
        ("content/posts/slug-bomb.md:10:", "YAML aliases (*name) expand this value"),
    ]
    for where, what in expected:
        assert any(e.startswith(where) and what in e for e in errs), (where, what, errs)
    assert len(errs) == len(expected), "\n".join(errs)


def test_an_alias_bomb_in_site_yaml_is_one_message(tmp_path):
    from conftest import MINIMAL_SITE_YAML

    site_yaml = MINIMAL_SITE_YAML.replace('author: {name: "Tester", email: "t@diary.test"}\n', "") + \
        "bombs:\n" + alias_bomb("x", indent="  ") + "author:\n  name: *l6\n"
    write_site(tmp_path, {"content/posts/good.md": GOOD}, site_yaml)
    errs = errors(build_fixture(tmp_path))
    assert len(errs) == 1 and errs[0].startswith("site.yaml:17:") and "expand this value" in errs[0], errs


def test_harmless_aliases_and_merge_keys_still_work(tmp_path):
    write_site(tmp_path, {"content/posts/a.md": "---\ndate: &d 2025-01-01\nupdated: *d\ntags: &t [culture]\n"
                                                "en: &en {title: Same, summary: S}\nzh: {<<: *en, title: 同}\n---\n"
                                                "<!-- lang: en -->\nx\n<!-- lang: zh -->\n甲\n"})
    result = build_fixture(tmp_path)
    assert errors(result) == []
    assert "en/tags/culture/index.html" in result.files


def test_duplicate_keys_are_errors_naming_both_lines(tmp_path):
    from conftest import MINIMAL_SITE_YAML

    write_site(tmp_path, {
        "content/posts/good.md": GOOD,
        "content/posts/two-dates.md": "---\ndate: 2025-01-01\nslug: two\ndate: 2025-02-02\nen: {title: T}\n---\n"
                                      "<!-- lang: en -->\nx\n",
        "content/posts/same-line.md": "---\ndate: 2025-01-01\nen: {title: A, title: B}\n---\n<!-- lang: en -->\nx\n",
        "content/posts/split.en.md": "---\ndate: 2025-01-01\ntitle: A\n\"title\": B\n---\nx\n",
        "themes/mine/i18n.yaml": "en:\n  read_more: Read on\n  read_more: More\n",
    }, MINIMAL_SITE_YAML + "theme: mine\n")
    errs = errors(build_fixture(tmp_path))
    expected = [
        ("content/posts/same-line.md:3:", "duplicate key 'title' twice on line 3"),
        ("content/posts/split.en.md:4:", "duplicate key 'title' on lines 3 and 4"),
        ("content/posts/two-dates.md:4:", "duplicate key 'date' on lines 2 and 4"),
        ("themes/mine/i18n.yaml:3:", "duplicate key 'read_more' on lines 2 and 3"),
    ]
    for where, what in expected:
        assert any(e.startswith(where) and what in e for e in errs), (where, what, errs)
    assert len(errs) == len(expected), "\n".join(errs)

    (tmp_path / "site.yaml").write_text(MINIMAL_SITE_YAML + "title: Again\n", "utf-8")
    errs = errors(build_fixture(tmp_path))
    assert errs == ["site.yaml:8: error: duplicate key 'title' on lines 2 and 8; keep one (YAML would silently "
                    "take the last)"]


def test_control_characters_written_as_yaml_escapes_are_messages(tmp_path):
    """XML cannot hold them: they ended in an lxml ValueError inside the feed renderer."""
    from conftest import MINIMAL_SITE_YAML

    write_site(tmp_path, {
        "content/posts/good.md": GOOD,
        "content/posts/bell.md": '---\ndate: 2025-01-01\nen: {title: "A\\u0007B"}\n---\n<!-- lang: en -->\nx\n',
        "content/posts/tag.md": '---\ndate: 2025-01-01\ntags: ["x\\x01"]\nen: {title: T}\n---\n<!-- lang: en -->\nx\n',
    })
    errs = errors(build_fixture(tmp_path))
    assert errs == [
        "content/posts/bell.md:3: error: invisible control character U+0007 (the escape \\u0007); delete it "
        "(pages and feeds cannot hold it)",
        "content/posts/tag.md:3: error: invisible control character U+0001 (the escape \\u0001); delete it "
        "(pages and feeds cannot hold it)"], errs
    (tmp_path / "site.yaml").write_text(MINIMAL_SITE_YAML.replace('title: {en: "Test Diary", zh: "测试日记"}',
                                                                  'title: "My\\u0001Diary"'), "utf-8")
    errs = errors(build_fixture(tmp_path))
    assert len(errs) == 1 and errs[0].startswith("site.yaml:2: error: invisible control character U+0001"), errs


def test_a_character_reference_to_a_control_character_in_raw_html_reaches_the_feed_as_written(tmp_path):
    write_site(tmp_path, {"content/posts/raw.md": "---\ndate: 2025-01-01\nen: {title: Raw}\n---\n<!-- lang: en -->\n"
                                                  "<p title='&#1;'>bell &#7; here</p>\n"})
    result = build_fixture(tmp_path)  # must not raise
    assert errors(result) == []
    assert "bell &#7; here" in text_of(result, "en/feed.xml")
    assert "bell &amp;#7; here" in text_of(result, "en/atom.xml")


def test_language_markers_inside_fenced_code_are_text(tmp_path):
    body = ("<!-- lang: en -->\nMark a language like this:\n\n```markdown\n<!-- lang: en -->\nEnglish\n```\n\n"
            "~~~~\n<!-- lang: zh -->\n~~~\n~~~~\n\n<!-- lang: zh -->\n中文正文\n\n```\n<!-- lang: en -->\n```\n")
    write_site(tmp_path, {"content/posts/a.md": "---\ndate: 2025-01-01\nen: {title: A}\nzh: {title: 甲}\n---\n" + body,
                          "content/posts/b.en.md": "---\ndate: 2025-01-01\ntitle: B\n---\n```\n<!-- lang: en -->\n```\n"})
    result = build_fixture(tmp_path)
    assert result.diagnostics == [], [str(d) for d in result.diagnostics]
    en, zh = text_of(result, "en/posts/a/index.html"), text_of(result, "zh/posts/a/index.html")
    assert "&lt;!-- lang: en --&gt;" in en and "English" in en and "中文正文" not in en
    assert "中文正文" in zh and "&lt;!-- lang: en --&gt;" in zh


def test_first_minutes_messages_say_what_is_wrong(tmp_path):
    from conftest import MINIMAL_SITE_YAML

    write_site(tmp_path, {
        "content/posts/latin1.md": b"---\ndate: 2025-01-01\nen: {title: Caf\xe9}\n---\n<!-- lang: en -->\nx\n",
        "content/posts/spaced.md": "--- \ndate: 2025-01-01\nen: {title: Spaced}\n---\n<!-- lang: en -->\nx\n",
        "content/posts/late.md": b"\n\n---\ndate: 2025-01-01\nen: {title: Late}\n---\n<!-- lang: en -->\nx\n",
        "content/posts/empty.md": "---\ndate: 2025-01-01\nen: {title: Empty}\nzh: {title: 空}\n---\n\n",
        "content/pages/about.md": "---\nen: {title: About}\nzh: {title: 关于}\n---\n<!-- lang: en -->\nme\n"
                                  "<!-- lang: zh -->\n我\n",
    }, MINIMAL_SITE_YAML + "languages: [{code: en, prefix: x}, {code: zh, prefix: x}]\n")
    result = build_fixture(tmp_path)
    found = [str(d) for d in result.diagnostics]
    assert found == [
        "content/posts/empty.md:6: warning: the body is empty, so this is an empty post in en and zh; write each "
        "language after '<!-- lang: xx -->'",
        "content/posts/late.md:3: error: front-matter must start on the first line; delete what comes before '---'",
        "content/posts/latin1.md:3: error: not UTF-8 text (invalid continuation byte); save the file as UTF-8",
        "site.yaml:8: error: two languages share the URL prefix 'x'",
    ], found
    (tmp_path / "site.yaml").write_bytes(MINIMAL_SITE_YAML.encode() + b"copyright: \xa9 me\n")
    found = [str(d) for d in build_fixture(tmp_path).diagnostics if d.path == "site.yaml"]
    assert found == ["site.yaml:8: error: not UTF-8 text (invalid start byte); save the file as UTF-8"], found


def test_a_tag_without_a_name_warns_once_per_language(tmp_path):
    from conftest import MINIMAL_SITE_YAML

    post = "---\ndate: 2025-01-0{n}\ntags: [{tags}]\nen: {{title: T{n}}}\nzh: {{title: 题{n}}}\n---\n" \
           "<!-- lang: en -->\nx\n<!-- lang: zh -->\n甲\n"
    write_site(tmp_path, {"content/posts/a.md": post.format(n=1, tags="culture, cultur"),
                          "content/posts/b.md": post.format(n=2, tags="cultur, reading")},
               MINIMAL_SITE_YAML + "  reading: {en: Reading}\n")
    result = build_fixture(tmp_path)
    warnings = [str(d) for d in result.diagnostics if d.severity == "warning"]
    assert warnings == [
        "content/posts/b.md:3: warning: tag 'cultur' has no en name in site.yaml, so en pages show 'cultur' (did you "
        "mean 'culture'?); add it under tags: cultur: {en: ...}",
        "content/posts/b.md:3: warning: tag 'cultur' has no zh name in site.yaml, so zh pages show 'cultur' (did you "
        "mean 'culture'?); add it under tags: cultur: {zh: ...}",
        "content/posts/b.md:3: warning: tag 'reading' has no zh name in site.yaml, so zh pages show 'reading'; add it "
        "under tags: reading: {zh: ...}",
    ], warnings


def test_every_duplicate_key_of_a_file_is_reported_in_one_run(tmp_path):
    write_site(tmp_path, {"content/posts/twice.md": "---\ndate: 2025-01-01\nslug: a\ndate: 2025-01-02\nslug: b\n"
                                                    "en: {title: T}\n---\n<!-- lang: en -->\nx\n"})
    errs = errors(build_fixture(tmp_path))
    assert [e.split(": error: ")[0] for e in errs] == ["content/posts/twice.md:4", "content/posts/twice.md:5"], errs
