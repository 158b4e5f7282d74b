"""Pinyin: phrase-aware readings of polyphones, never inside code, as runs of the text for pinyin.js."""
import json

from generator.pinyin import pinyin_runs, readings
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
    files = render_pinyin([("zh/posts/x/", (("银行", "yín háng"),)), ("zh/posts/none/", ())])
    assert list(files) == ["zh/posts/x/pinyin.json"]
    assert json.loads(files["zh/posts/x/pinyin.json"]()[0]) == {"han": ["银行"], "py": ["yín háng"]}
