"""One seeded synthetic bilingual diary, written both as a riji site and as an equivalent Hugo site,
so the two generators are timed on the same posts (~830 English words, ~1,520 Chinese characters,
3-5 of 50 tags, a code block in every tenth post; one file per language).

`python benchmarks/corpus.py N OUT` writes OUT/riji and OUT/hugo.
"""
from __future__ import annotations

import datetime
import random
import sys
from pathlib import Path

EN = ("the of and to reading language short video platform diary reflect migrate community friend "
      "podcast blog time lonely anxious knowledge feed city night train letter morning window rain "
      "habit memory translate write listen quiet slowly attention screen").split()
ZH = "我们的生活短视频平台阅读语言学习孤独焦虑知识朋友博客播客时间城市夜晚火车书信早晨窗户雨习惯记忆翻译写作倾听安静慢慢注意屏幕"

RIJI_SITE = """\
base_url: https://example.org/
title: {en: "Bench", zh: "基准"}
description: {en: "Synthetic posts.", zh: "合成的文章。"}
author: {name: "Bench", email: "bench@example.org"}
timezone: UTC
posts_per_page: 10
tags:
""" + "".join(f"  tag{k}: {{en: Topic {k}, zh: 话题{k}}}\n" for k in range(50))
HUGO_CONFIG = """\
baseURL = "https://example.org/"
title = "Bench"
defaultContentLanguage = "en"
defaultContentLanguageInSubdir = true
[pagination]
pagerSize = 10
[languages.en]
weight = 1
[languages.zh]
weight = 2
hasCJKLanguage = true
[taxonomies]
tag = "tags"
"""
HUGO_LAYOUTS = {
    "baseof.html": '<!doctype html><html lang="{{ .Language.Lang }}"><head><title>{{ .Title }}</title></head>'
                   '<body>{{ block "main" . }}{{ end }}</body></html>',
    "single.html": '{{ define "main" }}<h1>{{ .Title }}</h1><time>{{ .Date | time.Format ":date_long" }}</time>'
                   '{{ range .Translations }}<a hreflang="{{ .Lang }}" href="{{ .RelPermalink }}">'
                   '{{ .Language.Lang }}</a>{{ end }}{{ .Content }}{{ end }}',
    "list.html": '{{ define "main" }}<h1>{{ .Title }}</h1>{{ range .Paginator.Pages }}'
                 '<a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Summary }}{{ end }}{{ end }}',
}


def _en(r: random.Random, n: int) -> str:
    return " ".join(r.choice(EN) for _ in range(n)).capitalize() + "."


def _zh(r: random.Random, n: int) -> str:
    return "".join(r.choice(ZH) for _ in range(n)) + "。"


def post(r: random.Random, i: int) -> dict:
    tags = sorted(r.sample([f"tag{k}" for k in range(50)], r.randint(3, 5)))
    date = datetime.date(2020, 1, 1) + datetime.timedelta(days=(i * 7919) % 1800)
    en, zh = [], []
    for s in range(6):
        en += [f"## Part {s}", _en(r, 60), f"- {_en(r, 6)}\n- [a link](https://example.org/{i}/{s})", _en(r, 50)]
        zh += [f"## 第{s}部分", _zh(r, 120), f"- {_zh(r, 12)}\n- [链接](https://example.org/{i}/{s})", _zh(r, 100)]
    en.insert(3, "> " + _en(r, 20))
    zh.insert(3, "> " + _zh(r, 40))
    if i % 10 == 0:
        code = "```python\nfor i in range(3):\n    print(i)\n```"
        en.append(code)
        zh.append(code)
    return dict(slug=f"day-{i:05d}", date=date.isoformat(), tags=tags,
                en_title=f"Diary {i}: " + _en(r, 4)[:-1], zh_title=f"日记 {i}：" + _zh(r, 8)[:-1],
                en="\n\n".join(en), zh="\n\n".join(zh))


def write(n: int, out: Path, seed: int = 42) -> tuple[Path, Path]:
    """(the riji site, the Hugo site) of `n` posts below `out`."""
    r = random.Random(seed)
    riji, hugo = out / "riji", out / "hugo"
    for site in (riji, hugo):
        (site / "content" / "posts").mkdir(parents=True, exist_ok=True)
    (riji / "site.yaml").write_text(RIJI_SITE, "utf-8")
    (hugo / "hugo.toml").write_text(HUGO_CONFIG, "utf-8")
    (hugo / "layouts" / "_default").mkdir(parents=True, exist_ok=True)
    for name, text in HUGO_LAYOUTS.items():
        (hugo / "layouts" / "_default" / name).write_text(text, "utf-8")
    for i in range(n):
        p = post(r, i)
        for lang in ("en", "zh"):
            text = (f'---\ntitle: "{p[lang + "_title"]}"\ndate: {p["date"]}\nslug: {p["slug"]}\n'
                    f'tags: [{", ".join(p["tags"])}]\n---\n{p[lang]}\n')
            for site in (riji, hugo):
                (site / "content" / "posts" / f"{p['slug']}.{lang}.md").write_text(text, "utf-8")
    return riji, hugo


def post_file(site: Path, n: int, lang: str = "en") -> Path:
    """A post in the middle of the site, the one the benchmarks edit."""
    return site / "content" / "posts" / f"day-{n // 2:05d}.{lang}.md"


if __name__ == "__main__":
    write(int(sys.argv[1]), Path(sys.argv[2]))
