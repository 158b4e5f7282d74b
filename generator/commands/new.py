"""`riji new`: a skeleton post for every language, dated today; or with `--translate`, the
missing language of an existing post or page, recorded in translations.lock as started."""
from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path


def register(sub, site_arg) -> None:
    n = sub.add_parser("new", help="write a skeleton post for both languages (or Chinese only), dated today; "
                                   "or, with --translate, the missing language of an existing one")
    site_arg(n)
    n.add_argument("title", nargs="?", help="English title (a title in Chinese characters is the Chinese one)")
    n.add_argument("--zh", metavar="标题", help="Chinese title; alone, it makes a Chinese-only post")
    n.add_argument("--slug", help="URL slug (default: from the English title)")
    n.add_argument("--split", action="store_true", help="one file per language (<slug>.en.md, <slug>.zh.md)")
    n.add_argument("--bundle", action="store_true", help="a folder for the post and its images/audio")
    n.add_argument("--translate", type=Path, metavar="PATH",
                   help="write the missing language of this post or page, to translate block by block")
    n.add_argument("--to", metavar="LANG", help="with --translate: the language to write (default: the one missing)")
    n.set_defaults(func=run)


def run(args) -> int:
    if args.translate is not None:
        if args.title or args.zh or args.split or args.bundle or args.slug:
            print("--translate takes only PATH and --to", file=sys.stderr)
            return 2
        return translate(args.site, args.translate, args.to)
    from ..scaffold import new_post

    return new_post(args.site, args.title, zh_title=args.zh, split=args.split, slug=args.slug,
                    bundle=args.bundle, today=datetime.now())


def translate(site: Path, path: Path, to: str | None) -> int:
    from ..console import show
    from ..translations.lock import write_lock
    from ..translations.reading import read_site
    from ..translations.skeleton import CannotTranslate, skeleton
    from ..translations.status import Version, started

    reading = read_site(site)
    show(reading.source_problems + reading.lock_problems)
    if reading.config is None or any(d.severity == "error" for d in reading.source_problems + reading.lock_problems):
        print("nothing was written: fix the errors above first", file=sys.stderr)
        return 1
    found = reading.named(path)
    if found is None:
        print(f"{path}: error: not a post or page of this site; name its Markdown file", file=sys.stderr)
        return 1
    doc, entry = found
    source = _source_language(entry, path, reading.languages)
    missing = [code for code in reading.languages if code not in entry.docs]
    if to is None:
        if len(missing) != 1:
            print(f"{path}: error: " + ("it exists in every language already" if not missing else
                  f"it lacks {', '.join(missing)}: choose one with --to"), file=sys.stderr)
            return 1
        to = missing[0]
    try:
        made = skeleton(entry, source, to, reading.languages)
    except CannotTranslate as exc:
        print(f"{path}: error: {exc}; nothing was written", file=sys.stderr)
        return 1
    try:
        made.path.parent.mkdir(parents=True, exist_ok=True)
        with open(made.path, "x", encoding="utf-8") as fh:  # "x": never overwrite a writer's file
            fh.write(made.text)
    except FileExistsError:
        print(f"{made.path} already exists; nothing was written", file=sys.stderr)
        return 1
    lock = dict(reading.lock or {})
    relative = made.path.resolve().relative_to(reading.root).as_posix()
    lock[doc.name] = started(doc, lock, to, Version(relative, ()))
    write_lock(reading.root, lock)
    print(f"wrote {made.path}: the {source} text to translate block by block, as a draft")
    print(f"when it is done, remove 'draft: true' and run: riji status --sync {made.path}")
    return 0


def _source_language(entry, path: Path, languages) -> str:
    """The language of the file named, else the first the document has in site order."""
    stem, _, suffix = path.name[:-3].rpartition(".")
    if stem and suffix in entry.docs:
        return suffix
    return next(code for code in [*languages, *entry.docs] if code in entry.docs)
