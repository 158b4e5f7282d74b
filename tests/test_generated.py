"""What a generated language is given: document versions, site.yaml texts and UI strings, converted."""
from generator.generated import add_versions, fill_strings, fill_texts
from generator.sources import SourceDoc, SourceEntry

PLAN = (("zh-hant", "zh", "s2twp"),)


def entry(docs):
    return SourceEntry("post", "posts/x", [], None, (), "x", None, None, (), False, {}, docs=docs)


def doc(lang, title):
    return SourceDoc.of(lang, None, {"title": title, "audio": "a.mp3", "chapters": [{"start": "0:00", "title": "视频"}]},
                        {}, "信息\n", 5, "---\n---\n信息\n")


def test_versions_are_converted_copies_and_a_hand_written_one_wins():
    made, kept = add_versions([entry({"zh": doc("zh", "互联网")}),
                               entry({"zh": doc("zh", "信息"), "zh-hant": doc("zh-hant", "親手")})], PLAN)
    new = made.docs["zh-hant"]
    assert (new.lang, new.meta["title"], new.meta["audio"], new.body) == ("zh-hant", "網際網路", "a.mp3", "信息\n")
    assert new.meta["chapters"][0]["title"] == "影片"
    assert made.docs["zh"].meta["title"] == "互联网"
    assert kept.docs["zh-hant"].meta["title"] == "親手"


def test_site_texts_fill_every_per_language_mapping_but_never_urls():
    data = {"title": {"en": "Notes", "zh": "信息"}, "tags": {"net": {"en": "Net", "zh": "互联网"}},
            "menu": {"zh": [{"title": "视频", "url": "video/信息/"}]}, "author": {"name": "乔林", "email": "a@b"},
            "copyright": {"en": "c", "zh": "c", "zh-hant": "自己的"}, "languages": [{"code": "zh"}]}
    out = fill_texts(data, PLAN, ["en", "zh", "zh-hant"])
    assert out["title"]["zh-hant"] == "資訊" and out["tags"]["net"]["zh-hant"] == "網際網路"
    assert out["menu"]["zh-hant"] == [{"title": "影片", "url": "video/信息/"}]
    assert out["copyright"]["zh-hant"] == "自己的" and "zh-hant" not in out["author"]
    assert out["languages"] == [{"code": "zh"}]


def test_ui_strings_are_converted_unless_the_theme_has_them():
    strings = fill_strings({"zh": {"tags": "标签", "home": "首页"}, "zh-hant": {"home": "主頁"}}, PLAN)
    assert strings["zh-hant"] == {"tags": "標籤", "home": "主頁"}
