from conftest import build_fixture, errors, write_site
from generator import model, slugs, text
from generator.markdown import heading_id, render
from generator.typography import space_text


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


def test_summaries_made_with_the_markdown_are_those_of_the_finished_page(tmp_path):
    """A document's summary and description are made once, as its Markdown is rendered (and cached
    with it): the same as made from the finished HTML, whether the front matter gives one, the
    text has a `<!-- more -->`, note markers or a link the model resolves, or the Chinese is spaced."""
    long_en = "A first sentence that says something. " * 12
    long_zh = "今天用Python写了日记，很长的一句话。" * 12

    def post(slug, en_body, zh_body, extra=""):
        return (f"---\ndate: 2025-03-01\nslug: {slug}\n{extra}en:\n  title: \"{slug}\"\nzh:\n  title: \"{slug} 中文\"\n"
                f"---\n<!-- lang: en -->\n{en_body}\n<!-- lang: zh -->\n{zh_body}\n")
    site = write_site(tmp_path, {
        "content/posts/plain.md": post("plain", long_en, long_zh),
        "content/posts/more.md": post("more", "Above the fold.[^1]\n\n<!-- more -->\n\nBelow.\n\n[^1]: A note.",
                                      "折叠之上用了Python。\n\n<!-- more -->\n\n之下。"),
        "content/posts/linked.md": post("linked", "See [the other](plain.md). " + long_en, "看[另一篇](plain.md)。"),
        "content/posts/given.md": post("given", long_en, long_zh,
                                       "summary: Given by hand with Python\ndescription: Described by hand\n"),
    })
    result = build_fixture(site)
    assert not errors(result)
    docs = {(e.slug, code): doc for e in result.site.entries for code, doc in e.docs.items()}
    assert len(docs) == 8
    for (slug, code), doc in docs.items():
        spaced = space_text if code == "zh" else str
        summary = spaced(model._summary(doc.source.meta, doc.html))
        description = spaced(str(doc.source.meta.get("description") or text.shorten(summary, 160)))
        assert (doc.summary, doc.description) == (summary, description), (slug, code)
    assert docs["more", "en"].summary == "Above the fold."
    assert docs["more", "zh"].summary == "折叠之上用了 Python。"
    assert docs["given", "zh"].summary == "Given by hand with Python"
    assert docs["given", "en"].description == "Described by hand"
    assert docs["plain", "en"].summary.endswith("something.") and len(docs["plain", "en"].summary) <= 240
