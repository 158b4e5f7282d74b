"""OpenCC conversion touches text only."""
import pytest

from generator.conversion import convert_html, convert_text


def test_s2twp_uses_taiwan_phrasing():
    assert convert_text("互联网上的信息和视频", "s2twp") == "網際網路上的資訊和影片"


def test_only_text_nodes_outside_code_are_converted():
    html = ('<p title="信息">互联网 <a href="/zh/posts/信息/">信息</a> 见 https://example.org/视频 '
            '<code>视频</code></p>\n<pre><code>软件 = "信息"\n</code></pre>\n<!-- 软件 -->\n')
    assert convert_html(html, "s2twp") == (
        '<p title="信息">網際網路 <a href="/zh/posts/信息/">資訊</a> 見 https://example.org/视频 '
        '<code>视频</code></p>\n<pre><code>软件 = "信息"\n</code></pre>\n<!-- 软件 -->\n')


def test_unknown_conversion_is_refused():
    with pytest.raises(ValueError):
        convert_text("信息", "s2xx")
