"""`riji status`: which translations fell behind, and `--sync` to declare them caught up.

Exit 0; with --strict, 1 when anything is missing, outdated, both edited or orphaned (for CI);
1 also when site.yaml, content or translations.lock cannot be read.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from ..console import plural, show
from ..constants import TRANSLATIONS_LOCK


def register(sub, site_arg) -> None:
    s = sub.add_parser("status", help="list translations that are missing, outdated or not yet synced")
    site_arg(s)
    s.add_argument("--strict", action="store_true",
                   help="exit 1 when anything is missing, outdated, both edited or orphaned")
    s.add_argument("--json", action="store_true", help="print the same as JSON, for tools")
    s.add_argument("--sync", nargs="*", metavar="PATH",
                   help=f"record these documents (all, if none) as in sync in {TRANSLATIONS_LOCK}")
    s.set_defaults(func=run)


def run(args) -> int:
    from ..translations.reading import read_site

    reading = read_site(args.site, whole=args.sync is not None)
    show(reading.source_problems + reading.lock_problems)
    if reading.config is None:
        return 1
    broken = any(d.severity == "error" for d in reading.source_problems)
    if args.sync is not None:
        if broken:
            print("nothing was recorded: fix the errors above first (a document that cannot be read "
                  "would lose its record)", file=sys.stderr)
            return 1
        synced = _sync(reading, args.sync)
        if synced is None:
            return 1
    result = _status(reading)
    if args.json:
        print(json.dumps(as_json(result), ensure_ascii=False, indent=2))
    else:
        print_status(result)
    if broken or (reading.lock_problems and args.sync is None):
        return 1
    return 1 if args.strict and result.strict_failures else 0


def _status(reading):
    from ..translations.status import status

    if reading.status is not None:
        return reading.status
    return status(reading.documents, reading.lock, reading.languages)


def _sync(reading, paths: list[str]):
    from ..translations.lock import write_lock
    from ..translations.status import sync

    names = []
    for raw in paths:
        found = reading.named(Path(raw))
        if found is None:
            print(f"{raw}: error: not a post or page of this site; name its Markdown file", file=sys.stderr)
            return None
        names.append(found[0].name)
    adopt = reading.lock is None
    reading.lock = sync(reading.documents, reading.lock, names or None)
    write_lock(reading.root, reading.lock)
    what = "every translation pair" if adopt or not names else plural(len(names), "document")
    print(f"recorded {what} as in sync in {TRANSLATIONS_LOCK}", file=sys.stderr)
    return reading.lock


def print_status(result, stream=None) -> None:
    from ..translations.status import LABELS, STATES, describe, describe_change

    stream = stream or sys.stdout
    for state in STATES:
        items = [i for i in result.items if i.state == state]
        if not items:
            continue
        print(f"{LABELS[state]} ({len(items)})", file=stream)
        for item in items:
            where = f"{item.file}:{item.line}" if item.line else item.file
            print(f"  {where}: {describe(item)}", file=stream)
            for change in item.changes:
                print(f"    {describe_change(change, item)}", file=stream)
    counts = [f"{result.count(s)} {LABELS[s]}" for s in STATES] + [f"{result.in_sync} in sync"]
    print(", ".join(counts), file=stream)
    if not result.has_record:
        print(f"no {TRANSLATIONS_LOCK} yet: check the pairs, then run riji status --sync to record "
              f"them all as they are now", file=stream)


def as_json(result) -> dict:
    from ..translations.status import STATES, describe

    return {
        "documents": [{
            "state": i.state, "document": i.name, "language": i.lang, "file": i.file, "line": i.line,
            "other_language": i.other, "other_file": i.other_file, "languages": list(i.langs),
            "message": describe(i),
            "changes": [{"change": c.what, "block": c.block.label, "kind": c.block.kind, "line": c.line,
                         "first_words": c.block.words, "translation_line": c.target} for c in i.changes],
        } for i in result.items],
        "counts": {**{s: result.count(s) for s in STATES}, "in_sync": result.in_sync},
        "record": result.has_record,
    }
