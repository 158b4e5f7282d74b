"""Han/Latin spacing, language marks for Han in Latin text and Latin blocks in Chinese text."""
import html

from generator import markdown
from generator.typography import finish, mark_latin_blocks, space_html, space_text, wrap_han


def md(text: str) -> str:
    return markdown.render(text, smart_quotes=False).html


def test_spacing_between_han_and_latin_or_digits():
    assert space_text("我用Python 3数雪花") == "我用 Python 3 数雪花"
    assert space_html("<p>我用Python 3数雪花</p>") == "<p>我用 Python 3 数雪花</p>"


def test_spacing_goes_outside_emphasis_links_and_code_and_leaves_code_alone():
    html = md("我用**Python**写`print(\"中文\")`和[GitHub](https://github.com/a中文b \"标题A\")的*Vim*插件\n\n"
              "```\n中文abc 123中\n```\n")
    out = space_html(html)
    assert "<p>我用 <strong>Python</strong> 写 <code>print(&quot;中文&quot;)</code> 和 " in out
    assert '<a href="https://github.com/a%E4%B8%AD%E6%96%87b" title="标题A" rel="noopener">GitHub</a> 的 <em>Vim</em> 插件</p>' in out
    assert "<pre><code>中文abc 123中\n</code></pre>" in out  # code and attributes byte for byte


def test_spacing_never_doubles_the_authors_space_and_is_idempotent():
    html = md("我用 **Python** 写，用 `git` 管理，版本 3 很好")
    assert space_html(html) == html
    once = space_html(md("我用**Python**写2026年"))
    assert space_html(once) == once
    assert "  " not in once


def test_spacing_keeps_inline_html_code_tight_and_footnote_marks_tight():
    out = space_html(md("按<kbd>Ctrl中</kbd>键，见注释[^1]\n\n[^1]: 注释A"))
    assert "按 <kbd>Ctrl中</kbd>键" in out  # kbd content is never spaced
    assert 'class="footnote-ref"' in out and "见注释<sup" in out


def test_spacing_leaves_full_width_quotes_and_name_dots_alone():
    assert space_text("他说“Hello”很好，列夫·托尔斯泰") == "他说“Hello”很好，列夫·托尔斯泰"


def test_urls_in_text_stay_whole():
    assert space_text("看https://example.org/a中文b吧") == "看 https://example.org/a中文b吧"


def test_han_runs_in_latin_text_get_the_chinese_language():
    html = md("My teacher 李华。wrote `李华` and <span lang=\"zh-Hant\">李華</span>.")
    out = wrap_han(html, "zh-Hans")
    assert 'My teacher <span lang="zh-Hans">李华。</span>wrote <code>李华</code>' in out
    assert '<span lang="zh-Hant">李華</span>' in out  # an author's own lang wins
    assert wrap_han("<p>no Han here</p>", "zh-Hans") == "<p>no Han here</p>"


def test_latin_blocks_in_chinese_text_get_the_latin_language():
    html = md("> Whatever you do, don't stop.\n>\n> -- a friend\n\n## English heading\n\n中文 `code` 段落\n\n`only code`\n")
    out = mark_latin_blocks(html, "en")
    assert out.startswith('<blockquote lang="en">\n<p>')
    assert '<h2 id="english-heading" lang="en">' in out
    assert "<p>中文 <code>code</code> 段落</p>" in out
    assert "<p><code>only code</code></p>" in out


from hypothesis import given, settings, strategies as st  # noqa: E402

from generator import htmltext  # noqa: E402

PIECES = st.sampled_from(["<p>", "</p>", "<code>", "</code>", "<a href=\"/中文/x\">", "</a>", "<em>", "</em>",
                          "<!-- 中文 -->", "<br>", "<kbd>", "</kbd>", "<pre>", "</pre>", "&amp;", "&lt;", "<",
                          ">", "'", '"', " ", "\n", "中文", "English", "3", "“", "”", "·", "<script>a<b</script>",
                          '<img alt="中文A" src="x.png">', "<span lang=\"en\">", "</span>"])


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECES, max_size=30).map("".join))
def test_markup_and_code_survive_any_fragment(fragment):
    assert htmltext.join(htmltext.split(fragment)) == fragment
    assert htmltext.map_text(fragment, lambda t: t) == fragment
    spaced = space_html(fragment)

    def markup(s):
        return [p.raw for p in htmltext.split(s) if p.markup or p.in_code]
    assert markup(spaced) == markup(fragment)  # tags, attributes and code byte for byte
    # the text keeps every character: a changed text node is escaped anew, so `>` may come back as `&gt;`
    assert (html.unescape(spaced).replace(" ", "") == html.unescape(fragment).replace(" ", "")
            or "&" in fragment or "<" in fragment)


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECES | st.sampled_from(["<li>", "</li>", "<blockquote>", "</blockquote>", "<p/>", "Latin"]),
                max_size=30).map("".join))
def test_one_split_for_marking_and_spacing_as_two_passes_give(fragment):
    assert finish(fragment, latin_lang="en", cjk_spacing=True) == space_html(mark_latin_blocks(fragment, "en"))


import pangu  # noqa: E402

from generator.typography import _HIDE, _SHOW, ANY_CJK  # noqa: E402

# Chinese prose, the marks around it, and characters on both sides of the class pangu is skipped without
_PROSE = st.one_of(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
                   st.sampled_from("。，、；：？！「」『』（）《》【】…—“”‘’·•　 \n\u00a0\u3000\u3007\u30fbＡ１ー"
                                   "\ue000\ue00a\ue0ef\ue0f0\u2e80\u3005"),
                   st.characters(max_codepoint=0x2FFF), st.characters(min_codepoint=0xE000, max_codepoint=0xFFFF))


@settings(max_examples=500, deadline=None)
@given(st.text(_PROSE, max_size=30))
def test_spacing_skips_pangu_only_where_pangu_changes_nothing(text):
    by_pangu = pangu.space_text(text.translate(_HIDE)).translate(_SHOW) if ANY_CJK.search(text) else text
    assert space_text(text) == by_pangu


def test_pangu_and_pypinyin_are_imported_only_when_chinese_is_read():
    """Their imports take about 0.4 s: a build that reads no new Chinese never pays it."""
    import subprocess
    import sys
    from pathlib import Path

    code = ("import sys, generator.build, generator.commands.build; "
            "print('pangu' in sys.modules, 'pypinyin' in sys.modules)")
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           cwd=Path(__file__).resolve().parent.parent).stdout
    assert shown.split() == ["False", "False"]
