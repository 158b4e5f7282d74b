"""`riji new`: a skeleton post for every language, dated today."""
from __future__ import annotations

from datetime import datetime


def register(sub, site_arg) -> None:
    n = sub.add_parser("new", help="write a skeleton post for both languages (or Chinese only), dated today")
    site_arg(n)
    n.add_argument("title", nargs="?", help="English title (a title in Chinese characters is the Chinese one)")
    n.add_argument("--zh", metavar="标题", help="Chinese title; alone, it makes a Chinese-only post")
    n.add_argument("--slug", help="URL slug (default: from the English title)")
    n.add_argument("--split", action="store_true", help="one file per language (<slug>.en.md, <slug>.zh.md)")
    n.add_argument("--bundle", action="store_true", help="a folder for the post and its images/audio")
    n.set_defaults(func=run)


def run(args) -> int:
    from ..scaffold import new_post

    return new_post(args.site, args.title, zh_title=args.zh, split=args.split, slug=args.slug,
                    bundle=args.bundle, today=datetime.now())
