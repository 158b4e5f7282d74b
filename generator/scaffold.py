"""`riji new` and `riji init`: files a writer starts from. Never overwrites anything."""
from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

from .constants import CACHE_DIR, CONTENT_DIR, OUTPUT_DIR, SITE_FILE, STATIC_DIR
from .slugs import slugify

SITE_YAML = """\
# riji site settings: see README.md for every key.
base_url: https://example.org/
title: {en: "My Diary", zh: "我的日记"}
description:
  en: "Notes in two languages."
  zh: "用两种语言写下的笔记。"
author: {name: "Your Name", email: "you@example.org"}
languages:
  - {code: en}
  - {code: zh}
default_language: en
timezone: UTC
posts_per_page: 10
missing_translation: mark
menu:
  en: [{title: About, url: about/}]
  zh: [{title: 关于, url: about/}]
tags:
  diary: {en: Diary, zh: 日记}
"""

HELLO = """\
---
date: {date}
slug: hello
tags: [diary]
en: {{title: "Hello", summary: "The first entry."}}
zh: {{title: "你好", summary: "第一篇日记。"}}
---
<!-- lang: en -->
This is the first entry of a diary written in two languages.

<!-- lang: zh -->
这是用两种语言写的日记的第一篇。
"""

ABOUT = """\
---
slug: about
en: {title: "About"}
zh: {title: "关于"}
---
<!-- lang: en -->
Who writes here, and why.

<!-- lang: zh -->
谁在这里写字，为什么写。
"""


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "x", encoding="utf-8") as fh:  # "x": never overwrite a writer's file
        fh.write(text)


def init_site(target: Path) -> int:
    if (target / SITE_FILE).exists() or (target / CONTENT_DIR).exists():
        print(f"{target} already holds a site; nothing was written", file=sys.stderr)
        return 1
    today = datetime.now().date().isoformat()
    _write(target / SITE_FILE, SITE_YAML)
    _write(target / CONTENT_DIR / "posts" / "hello.md", HELLO.format(date=today))
    _write(target / CONTENT_DIR / "pages" / "about.md", ABOUT)
    (target / STATIC_DIR).mkdir(exist_ok=True)
    _write(target / ".gitignore", f"/{OUTPUT_DIR}/\n/{CACHE_DIR}/\n/.{OUTPUT_DIR}.riji-*\n")
    print(f"created a site in {target}; now: cd {target} && riji build")
    return 0


def new_post(root: Path, title: str, *, zh_title: str | None, split: bool, slug: str | None,
             bundle: bool, today: datetime) -> int:
    slug = slug or slugify(title)
    if not slug:
        print("cannot make a slug from that title; pass --slug some-words", file=sys.stderr)
        return 1
    posts = root / CONTENT_DIR / "posts"
    zh_title = zh_title or title
    date = today.date().isoformat()
    shared = f"date: {date}\nslug: {slug}\ntags: []\ndraft: true\n"
    if split or bundle:
        folder = posts / slug if bundle else posts
        names = ("index.{}.md" if bundle else slug + ".{}.md")
        files = {
            folder / names.format("en"): f"---\n{shared}title: {_q(title)}\n---\nWrite here.\n",
            folder / names.format("zh"): f"---\n{shared}title: {_q(zh_title)}\n---\n在这里写。\n",
        }
    else:
        files = {posts / f"{slug}.md": (
            f"---\n{shared}en: {{title: {_q(title)}}}\nzh: {{title: {_q(zh_title)}}}\n---\n"
            "<!-- lang: en -->\nWrite here.\n\n<!-- lang: zh -->\n在这里写。\n")}
    clash = [p for p in files if p.exists()]
    if clash:
        print(f"{clash[0]} already exists; nothing was written (choose another --slug)", file=sys.stderr)
        return 1
    for path, text in files.items():
        _write(path, text)
        print(f"wrote {path}")
    print("it is a draft: remove 'draft: true' to publish it")
    return 0


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
