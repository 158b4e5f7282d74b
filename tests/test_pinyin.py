"""Pinyin ruby: phrase-aware readings of polyphones, never inside code, readings outside the text."""
from generator.pinyin import readings, ruby_html


def test_polyphones_read_by_phrase():
    assert readings("重庆") == ("chóng", "qìng")
    assert readings("银行") == ("yín", "háng")
    assert readings("行长") == ("háng", "zhǎng")
    assert readings("我去银行找行长") == ("wǒ", "qù", "yín", "háng", "zhǎo", "háng", "zhǎng")


def test_ruby_per_character_with_reading_in_an_attribute():
    out = ruby_html('<p>去重庆，<a href="/zh/银行/">银行</a> <code>行长</code></p>')
    assert out == ('<p><ruby>去<rt data-py="qù"></rt></ruby><ruby>重<rt data-py="chóng"></rt></ruby>'
                   '<ruby>庆<rt data-py="qìng"></rt></ruby>，<a href="/zh/银行/"><ruby>银<rt data-py="yín">'
                   '</rt></ruby><ruby>行<rt data-py="háng"></rt></ruby></a> <code>行长</code></p>')


def test_existing_ruby_is_left_alone():
    html = "<p><ruby>汉<rt>hàn</rt></ruby></p>"
    assert ruby_html(html) == html
