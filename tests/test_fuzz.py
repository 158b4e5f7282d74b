"""No input crashes the build: whatever a writer saves, riji answers with diagnostics."""
import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import build_fixture, write_site

KEYS = ["date", "updated", "slug", "tags", "draft", "title", "summary", "en", "zh", "audio", "chapters",
        "episode", "image", "guid", "weight", "tagz", "explicit"]
VALUES = st.one_of(
    st.text(max_size=12), st.integers(-3, 3000), st.booleans(), st.none(),
    st.sampled_from(["2025-01-18", "2025-13-45", "2025-01-18 10:00", "[a, b]", "{title: T}", "{title: 标题}",
                     "[{start: '0:00', title: x}]", "walk.mp3", "/missing.png", "- x",
                     # aliases (a billion-laughs seed, a self-reference) and control characters as escapes
                     "&a [lol, lol, lol]", "*a", "&b [*a, *a, *a, *a]", "*b", "&c [x, *c]", "{<<: *a}",
                     '"A\\u0007B"', '"\\x01"', '"\\0"', '"\\x7f"', '"\\uFFFE"', '"tab\\there"']),
)
LINES = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["<!-- lang: en -->", "<!-- lang: zh -->", "<!-- lang: fr -->", "<!-- more -->",
                     "[link](other.md)", "![img](pic.png)", "[^1]: note", "text[^1]", "```python", "```",
                     "## 标题", "| a | b |", "|---|---|", "\t- tab", "---", "<p>&#7;</p>", "<b title='&#1;'>b</b>"]),
)


@st.composite
def post_file(draw):
    front = []
    for key in draw(st.lists(st.sampled_from(KEYS), max_size=6, unique=draw(st.booleans()))):  # duplicate keys too
        value = draw(VALUES)
        front.append(f"{key}: {value if not isinstance(value, str) or value.startswith(('[', '{')) else repr(value)}"
                     if draw(st.booleans()) else f"{key}: {value}")
    body = "\n".join(draw(st.lists(LINES, max_size=8)))
    opener = draw(st.sampled_from(["---\n", "---\n", "", "\ufeff---\n"]))
    closer = draw(st.sampled_from(["---\n", "---\n", "...\n", ""]))
    return opener + "\n".join(front) + "\n" + closer + body


LINK_AT = ["content/posts/l.md", "content/posts/l.en.md", "content/posts/c/pic.png", "content/posts/c/sub",
           "content/posts/c/walk.mp3", "static/x.txt", "static/dir", "themes/default/static/t.css", "content/posts/z.md"]
LINK_TO = ["/etc/passwd", "/etc", "..", ".", "missing", "l.md", "loop", "../c", "../../static"]


def add_links(root, links) -> None:
    """Symbolic links of every kind: out of the site, to folders, dangling, looping."""
    for where, target in links:
        path = root / where
        path.parent.mkdir(parents=True, exist_ok=True)
        if not os.path.lexists(path):
            os.symlink(path.name if target == "loop" else target, path)


LINKS = st.lists(st.tuples(st.sampled_from(LINK_AT), st.sampled_from(LINK_TO)), max_size=3)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(links=LINKS, files=st.lists(st.tuples(st.sampled_from(["a.md", "a.en.md", "a.zh.md", "b.md", "c/index.en.md",
                                                  "其他.md"]), post_file()), min_size=1, max_size=4))
def test_any_content_gives_diagnostics_not_exceptions(tmp_path_factory, files, links):
    root = tmp_path_factory.mktemp("fuzz")
    write_site(root, {f"content/posts/{name}": text.encode("utf-8", "surrogatepass") for name, text in files})
    add_links(root, links)
    result = build_fixture(root)  # must not raise
    for d in result.diagnostics:
        assert d.path and d.message


SITE_KEYS = ["base_url", "title", "description", "author", "languages", "default_language", "theme",
             "posts_per_page", "timezone", "missing_translation", "menu", "tags", "feeds", "podcast",
             "publish", "check", "copyright", "hosting", "titel"]
SITE_VALUES = st.one_of(VALUES, st.sampled_from([
    "https://x.test/sub", "{en: A, zh: 乙}", "[en, zh]", "[{code: en}, {code: zh, prefix: ''}]",
    "[{code: fr}]", "{name: A, email: a@b}", "{en: [{title: A, url: a/}]}", "{culture: {en: C}}",
    "{items: -1, full_content: maybe}", "{image: cover.png, owner: {email: x}}", "[{type: git}]",
    "{allowed_hosts: 3}", "{redirects: true}", "Asia/Shanghai", "hide"]))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pairs=st.lists(st.tuples(st.sampled_from(SITE_KEYS), SITE_VALUES), max_size=8))
def test_any_site_yaml_gives_diagnostics_not_exceptions(tmp_path_factory, pairs):
    root = tmp_path_factory.mktemp("fuzz-site")
    site_yaml = "base_url: https://diary.test/\ntitle: T\n" + "".join(f"{k}: {v}\n" for k, v in dict(pairs).items())
    write_site(root, {"content/posts/a.md": "---\ndate: 2025-01-01\nen: {title: A}\nzh: {title: 甲}\n---\n"
                                            "<!-- lang: en -->\na\n<!-- lang: zh -->\n甲\n"}, site_yaml)
    result = build_fixture(root)  # must not raise
    for d in result.diagnostics:
        assert d.path and d.message
