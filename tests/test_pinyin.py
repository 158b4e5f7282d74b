"""Pinyin: phrase-aware readings of polyphones, never inside code, as runs of the text for pinyin.js."""
import json

from hypothesis import given, settings, strategies as st
from pypinyin import Style, lazy_pinyin
from pypinyin.seg.simpleseg import seg

from generator.pinyin import HAN, _words, pinyin_runs, readings, readings_file
from generator.render.pinyin import render_pinyin


def test_polyphones_read_by_phrase():
    assert readings("重庆") == ("chóng", "qìng")
    assert readings("银行") == ("yín", "háng")
    assert readings("行长") == ("háng", "zhǎng")
    assert readings("我去银行找行长") == ("wǒ", "qù", "yín", "háng", "zhǎo", "háng", "zhǎng")


def test_the_runs_of_the_text_in_order_never_code_attributes_or_existing_ruby():
    runs = pinyin_runs('<p>去重庆，<a href="/zh/银行/">银行</a> <code>行长</code>'
                       '<ruby>汉<rt>hàn</rt></ruby>&#x5B57;</p>')
    assert runs == (("去重庆", "qù chóng qìng"), ("银行", "yín háng"), ("字", "zì"))


def test_converted_runs_keep_the_readings_of_the_source():
    runs = pinyin_runs("<p>头发和银行</p>", lambda text: text.replace("头发", "頭髮"))
    assert runs == (("頭髮和银行", "tóu fà hé yín háng"),)
    # a conversion that changes a run's length reads the converted run itself
    assert pinyin_runs("<p>银行</p>", lambda text: "銀行行") == (("銀行行", " ".join(readings("銀行行"))),)


def test_the_file_holds_runs_and_readings_side_by_side():
    files = render_pinyin([("zh/posts/x/", readings_file((("银行", "yín háng"),)), "posts/x"),
                           ("zh/posts/none/", b"", "posts/none")])
    assert list(files) == ["zh/posts/x/pinyin.json"]
    assert json.loads(files["zh/posts/x/pinyin.json"]()[0]) == {"han": ["银行"], "py": ["yín háng"]}


def test_words_as_pypinyin_cuts_them():
    # 一无可 ends a run as the start of 一无可取 with no phrase in it: pypinyin reads it character by
    # character, while before 的 it matches again from 无 and finds 无可
    for run in ("一无可", "一无可的", "一氧化", "一氧化碳", "我去银行找行长", "重庆", "a重庆1", "〇"):
        assert _words(run) == seg(run)


# characters of polyphones and of phrases that overlap, so that words split differently by context
_PHRASEY = "重庆银行行长长大大学学生生长中国人民了不起的地得还会都觉着朝阳和乐一无可取氧化碳"
_text = st.text(st.one_of(st.sampled_from(_PHRASEY), st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
                          st.characters(min_codepoint=0x3400, max_codepoint=0x4DBF), st.sampled_from("〇，。a 1")),
                max_size=40)


@settings(max_examples=400, deadline=None)
@given(st.lists(_text, min_size=1, max_size=4))
def test_readings_cached_per_word_equal_lazy_pinyin_of_the_whole_run(texts):
    for text in texts:  # several texts per example: the per-word cache carries over between them
        for run in HAN.findall(text):
            whole = tuple(lazy_pinyin(run, style=Style.TONE, errors=lambda chars: [""] * len(chars)))
            assert _words(run) == seg(run)
            assert readings(run) == (whole if len(whole) == len(run) else tuple("" for _ in run))
