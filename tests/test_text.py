from generator import slugs, text
from generator.markdown import heading_id, render


def test_cjk_reading_time_counts_characters_not_spaces():
    assert text.count("我今天读了一本书 and two words") == (3, 8)
    assert text.minutes(*text.count("字" * 1200)) == 3
    assert text.minutes(*text.count("word " * 460)) == 2


def test_shorten_cuts_at_a_sentence_in_either_script():
    zh = "第一句话很短。第二句话稍微长一点，但还是不长。第三句话会被剪掉，因为太长了太长了太长了。"
    assert text.shorten(zh, 50) == "第一句话很短。第二句话稍微长一点，但还是不长。"
    en = "One short sentence. Another one follows here! And a third that is far too long to keep."
    assert text.shorten(en, 50) == "One short sentence. Another one follows here!"
    assert text.shorten("no sentence end but many words here", 20).endswith("…")


def test_slugs_from_chinese_names_are_pinyin():
    assert slugs.from_filename("写作的理由") == "xie-zuo-de-li-you"
    assert slugs.from_filename("2025-01-18-tiktok-refugees") == "tiktok-refugees"
    assert slugs.slugify("Café & Crème") == "cafe-creme"


def test_heading_ids_are_stable_for_chinese():
    assert heading_id("为什么 写 日记？") == "为什么-写-日记"
    html = render("## 为什么要写\n\n## 为什么要写\n", smart_quotes=False).html
    assert 'id="为什么要写"' in html and 'id="为什么要写-1"' in html


def test_markdown_features():
    src = """\
"Quoted" -- text ~~gone~~

| a | b |
|---|---|
| 1 | 2 |

- [x] done

Note[^1]

[^1]: The note.

```python
print("hi")
```

![alt](photo.png)
"""
    en = render(src, smart_quotes=True).html
    assert "“Quoted”" in en and "<s>gone</s>" in en and "<table>" in en
    assert 'type="checkbox"' in en and 'class="footnotes"' in en
    assert '<span class="nb">print</span>' in en  # Pygments classes, no JS
    assert 'loading="lazy"' in en
    zh = render('他说"你好"', smart_quotes=False).html
    assert '&quot;你好&quot;' in zh  # no smart quotes in Chinese


def test_links_to_markdown_files_become_placeholders_with_lines():
    r = render("text\n\nsee [it](other.md#part)\n", smart_quotes=True, line_offset=10)
    assert 'href="riji:md/other.md#part"' in r.html
    assert r.links == [("other.md#part", 13)]


from hypothesis import given, settings, strategies as st  # noqa: E402

_PROSE = st.lists(st.sampled_from(list("ab 字句。！？.!?…\"'”’」』）)\n，") + ["  ", "Word "]), max_size=120).map("".join)


@settings(max_examples=1000, deadline=None)
@given(_PROSE, st.integers(min_value=1, max_value=60))
def test_shorten_measures_only_the_start_it_can_keep(prose, limit):
    for long in ("。" + '"' * 12 + "a", "。" + "」" * 3 + " b" * 40):
        assert text.shorten(long, 1) == text._shorten(long, 1)
    assert text.shorten(prose, limit) == text._shorten(" ".join(prose.split()), limit)
