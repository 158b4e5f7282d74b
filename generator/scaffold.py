"""`riji new` and `riji init`: files a writer starts from. Never overwrites anything."""
from __future__ import annotations

import re
import sys
from datetime import datetime
from pathlib import Path

from .constants import CACHE_DIR, CONTENT_DIR, OUTPUT_DIR, SITE_FILE, STATIC_DIR
from . import slugs
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


def find_site(start: Path) -> Path | None:
    """The site `start` is in: the nearest folder at or above it that holds site.yaml."""
    start = start.absolute()
    return next((d for d in (start, *start.parents) if (d / SITE_FILE).is_file()), None)


def is_han(text: str) -> bool:
    """A title written in Chinese characters (and punctuation, digits, spaces) is a Chinese title."""
    return bool(re.search(r"[\u3400-\u9fff]", text)) and not re.search(r"[A-Za-z]{2,}", text)


def new_post(root: Path, title: str | None, *, zh_title: str | None, split: bool, slug: str | None,
             bundle: bool, today: datetime) -> int:
    """Write a draft skeleton: in English and Chinese, or in Chinese only when the only title given
    is Chinese. Refuses to write outside content/ or anywhere but in a site."""
    site = find_site(root)
    if site is None:
        print(f"no site.yaml in {root.absolute()} or above; run 'riji new' inside a site, or start one with "
              "'riji init DIR'", file=sys.stderr)
        return 1
    if title is not None and is_han(title):
        if zh_title is not None:
            print("both titles are Chinese; give the English title first, or only --zh", file=sys.stderr)
            return 1
        title, zh_title = None, title
    if title is None and zh_title is None:
        print("give a title: riji new \"Title\" [--zh 中文标题], or riji new --zh 中文标题", file=sys.stderr)
        return 1
    titles = {"en": title, "zh": zh_title or title} if title is not None else {"zh": zh_title}
    if slug is None:
        slug = slugify(title if title is not None else zh_title)
        if not slug:
            print("cannot make a slug from that title; pass --slug some-words", file=sys.stderr)
            return 1
    elif not slugs.VALID.match(slug):  # the front-matter rule: anything else the build would refuse
        print(f"--slug {slug!r} must be lowercase ASCII letters, digits and dashes, e.g. --slug my-walk",
              file=sys.stderr)
        return 1
    posts = site / CONTENT_DIR / "posts"
    date = today.date().isoformat()
    shared = f"date: {date}\nslug: {slug}\ntags: []\ndraft: true\n"
    placeholder = {"en": "Write here.", "zh": "在这里写。"}
    if split or bundle:
        folder = posts / slug if bundle else posts
        names = ("index.{}.md" if bundle else slug + ".{}.md")
        files = {folder / names.format(code): f"---\n{shared}title: {_q(t)}\n---\n{placeholder[code]}\n"
                 for code, t in titles.items()}
    else:
        blocks = "".join(f"{code}: {{title: {_q(t)}}}\n" for code, t in titles.items())
        body = "\n".join(f"<!-- lang: {code} -->\n{placeholder[code]}\n" for code in titles)
        files = {posts / f"{slug}.md": f"---\n{shared}{blocks}---\n{body}"}
    clash = [p for p in files if p.exists()]
    if clash:
        print(f"{clash[0]} already exists; nothing was written (choose another --slug)", file=sys.stderr)
        return 1
    for path in files:
        if posts.resolve() not in path.resolve().parents:
            print(f"refusing to write {path}: it is outside {posts}", file=sys.stderr)
            return 1
    for path, text in files.items():
        _write(path, text)
    for path in files:  # after writing: a closed pipe (riji new | head -1) cannot stop half-way
        print(f"wrote {path}")
    print("it is a draft: remove 'draft: true' to publish it")
    return 0


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
