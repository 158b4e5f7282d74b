"""A seeded synthetic bilingual diary for benchmarks: N posts, ~800 English words and ~1,500
Chinese characters each, 3-5 tags; both one-file and split forms."""
from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

WORDS = ("the quiet of morning light on a page where attention drifts between screens and paper while "
         "memory keeps its own slow time in rooms we walk through with friends language learning habit "
         "reading writing city rain river notebook window evening platform feed scroll story voice").split()
HANZI = ("的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产"
         "种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从"
         "业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么"
         "利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文")
TAGS = ["internet", "culture", "reading", "attention", "language", "learning", "solitude", "writing",
        "memory", "city", "travel", "family", "work", "music", "film", "food"]

SITE_YAML = """\
base_url: https://bench.example.org/
title: {en: "Benchmark Diary", zh: "基准日记"}
description: {en: "Synthetic posts.", zh: "合成的文章。"}
author: {name: "Bench", email: "bench@example.org"}
timezone: Asia/Shanghai
posts_per_page: 10
"""


def _english(rng: random.Random, words: int) -> str:
    paras, left = [], words
    while left > 0:
        n = min(left, rng.randint(60, 120))
        sentence, out = [], []
        for _ in range(n):
            sentence.append(rng.choice(WORDS))
            if len(sentence) > rng.randint(8, 18):
                out.append(" ".join(sentence).capitalize() + ".")
                sentence = []
        if sentence:
            out.append(" ".join(sentence).capitalize() + ".")
        paras.append(" ".join(out))
        left -= n
    return "\n\n".join(paras)


def _chinese(rng: random.Random, chars: int) -> str:
    paras, left = [], chars
    while left > 0:
        n = min(left, rng.randint(120, 220))
        text = "".join(rng.choice(HANZI) + ("，" if rng.random() < 0.06 else "") for _ in range(n))
        paras.append(text.rstrip("，") + "。")
        left -= n
    return "\n\n".join(paras)


def make_site(root: Path, posts: int, seed: int = 7) -> Path:
    rng = random.Random(seed)
    (root / "content" / "posts").mkdir(parents=True, exist_ok=True)
    (root / "site.yaml").write_text(SITE_YAML, "utf-8")
    start = date(2020, 1, 1)
    for i in range(posts):
        day = (start + timedelta(days=i)).isoformat()
        tags = rng.sample(TAGS, rng.randint(3, 5))
        en_body = f"## Part one\n\n{_english(rng, 400)}\n\n## Part two\n\n{_english(rng, 400)}\n"
        zh_body = f"## 第一部分\n\n{_chinese(rng, 750)}\n\n## 第二部分\n\n{_chinese(rng, 750)}\n"
        slug = f"post-{i:05d}"
        if i % 2:
            (root / "content" / "posts" / f"{slug}.md").write_text(
                f"---\ndate: {day}\nslug: {slug}\ntags: [{', '.join(tags)}]\n"
                f"en: {{title: \"Post {i}\"}}\nzh: {{title: \"第{i}篇\"}}\n---\n"
                f"<!-- lang: en -->\n{en_body}\n<!-- lang: zh -->\n{zh_body}", "utf-8")
        else:
            for lang, title, body in (("en", f"Post {i}", en_body), ("zh", f"第{i}篇", zh_body)):
                (root / "content" / "posts" / f"{slug}.{lang}.md").write_text(
                    f"---\ndate: {day}\nslug: {slug}\ntags: [{', '.join(tags)}]\ntitle: \"{title}\"\n---\n{body}",
                    "utf-8")
    return root
