"""One locale table: each language's tags derive from its locale; overrides that contradict it warn."""
from generator.locales import contradiction, derive, generation_order, parse


def test_tags_derive_from_the_locale():
    assert derive(parse("zh_Hans_CN")) == {"hreflang": "zh-Hans", "og_locale": "zh_CN", "feed_language": "zh-cn"}
    assert derive(parse("zh_Hant_TW")) == {"hreflang": "zh-Hant", "og_locale": "zh_TW", "feed_language": "zh-tw"}
    assert derive(parse("zh_Hant_HK"))["hreflang"] == "zh-Hant-HK"
    assert derive(parse("en")) == {"hreflang": "en", "og_locale": "en_US", "feed_language": "en"}
    assert derive(parse("fr")) == {"hreflang": "fr", "og_locale": "fr_FR", "feed_language": "fr"}
    assert derive(parse("en_GB"))["hreflang"] == "en-GB"


def test_an_override_of_another_script_or_language_is_a_contradiction():
    assert "zh-Hant" in contradiction("hreflang", "zh-Hans", parse("zh_Hant_TW"))
    assert contradiction("og_locale", "zh_CN", parse("zh_Hant_TW"))
    assert contradiction("hreflang", "fr", parse("en"))
    assert contradiction("hreflang", "zh-TW", parse("zh_Hant_TW")) is None
    assert contradiction("feed_language", "zh-tw", parse("zh_Hant_TW")) is None
    assert contradiction("hreflang", "en", parse("en_GB")) is None


def test_generated_languages_come_after_their_source_and_cycles_are_found():
    assert generation_order({"zh-hk": "zh-hant", "zh-hant": "zh"}) == (["zh-hant", "zh-hk"], [])
    order, cyclic = generation_order({"a": "b", "b": "a", "c": "zh"})
    assert order == ["c"] and sorted(cyclic) == ["a", "b"]
