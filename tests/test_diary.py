"""Diary features: figures, the [TOC] marker, on this day, the writing calendar."""
from __future__ import annotations

from datetime import date, datetime, timezone
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from generator import diary
from generator.markdown import render
from generator.markdown_diary import TOC_MARK

SHANGHAI = ZoneInfo("Asia/Shanghai")


def md(text: str) -> str:
    return render(text, smart_quotes=True).html


def test_image_alone_with_title_is_a_figure_and_keeps_its_alt():
    html = md('![A grey heron](heron.jpg "A heron at dusk")\n')
    assert html.startswith("<figure><img")
    assert 'alt="A grey heron"' in html and "title=" not in html
    assert "<figcaption>A heron at dusk</figcaption></figure>" in html


def test_images_without_title_or_inside_text_stay_images():
    assert md("![a](b.png)\n").startswith("<p><img")
    assert md('see ![a](b.png "t") here\n').startswith('<p>see <img src="b.png" alt="a" title="t"')


def test_caption_is_escaped():
    assert "<figcaption>a &lt;b&gt; &amp; c</figcaption>" in md('![x](p.png "a <b> & c")\n')


def test_toc_marker_only_outside_code():
    html = md("[TOC]\n\n## One\n\n`[TOC]`\n\n```\n[TOC]\n```\n")
    assert html.count(TOC_MARK) == 1 and "[TOC]" in html.replace(TOC_MARK, "")
    assert "<p>[TOC]</p>" not in html


def doc(y, m, d, hour=9, name=""):
    return SimpleNamespace(date=datetime(y, m, d, hour, tzinfo=SHANGHAI), name=name or f"{y}-{m}-{d}")


def test_on_this_day_groups_by_local_month_day_newest_first():
    a, b, c = doc(2023, 3, 1), doc(2025, 3, 1), doc(2024, 3, 2)
    late_utc = SimpleNamespace(date=datetime(2022, 2, 28, 20, tzinfo=timezone.utc), name="late")  # 03-01 in Shanghai
    groups = diary.by_month_day([a, b, c, late_utc], SHANGHAI)
    assert list(groups) == ["03-01", "03-02"]
    assert groups["03-01"] == [b, a, late_utc]
    assert diary.on_this_day(b, groups, SHANGHAI) == [a, late_utc]
    assert diary.on_this_day(c, groups, SHANGHAI) == []


def test_on_this_day_leaves_out_the_same_year():
    a, b = doc(2025, 5, 4, 8), doc(2025, 5, 4, 20)
    groups = diary.by_month_day([a, b], SHANGHAI)
    assert diary.on_this_day(a, groups, SHANGHAI) == []


def test_calendar_has_a_cell_per_day_in_weekday_rows():
    entries = [doc(2024, 1, 1), doc(2024, 1, 1, 18), doc(2024, 12, 31), doc(2022, 6, 15)]
    years = diary.calendar(entries, SHANGHAI)
    assert [y.year for y in years] == [2024, 2022]
    y2024 = years[0]
    assert len(y2024.rows) == 7
    cells = [c for row in y2024.rows for c in row if c is not None]
    assert len(cells) == 366 and y2024.written == 2
    assert y2024.rows[0][0].day == date(2024, 1, 1)  # a Monday
    assert len(y2024.rows[0][0].docs) == 2
    assert years[1].rows[2][0] is None  # 2022 starts on a Saturday: Monday to Friday of week 0 are empty
