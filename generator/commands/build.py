"""`riji build`: build the site and swap it into output/ when it has no errors."""
from __future__ import annotations

import time
from pathlib import Path

from .. import lastbuild
from ..console import Progress, report
from ..constants import OUTPUT_DIR


def register(sub, site_arg) -> None:
    b = sub.add_parser("build", help="build the site into output/")
    site_arg(b)
    b.add_argument("--output", type=Path, metavar="DIR", help="where to write (default: SITE/output)")
    b.add_argument("--drafts", action="store_true", help="include posts marked draft: true")
    b.add_argument("--future", action="store_true", help="include posts dated in the future")
    b.add_argument("--private", action="store_true",
                   help="include entries marked visibility: private (never publish such a build)")
    b.add_argument("--no-cache", action="store_true", help="build everything afresh, ignoring .riji-cache/ (the cache of parsed posts and rendered Markdown, and the last build's record)")
    b.set_defaults(func=run)


def run(args) -> int:
    started = time.perf_counter()
    out = args.output or args.site / OUTPUT_DIR
    if not args.no_cache:  # before loading the renderers, which a build with nothing changed never needs
        key = lastbuild.key(out, args.drafts, args.future, args.private, True)
        if (last := lastbuild.replay(args.site, out, key)) is not None:
            report(last.diagnostics)
            print(f"built {lastbuild.summary(last.tally, time.perf_counter() - started)} -> {out}")
            return 0

    from .. import build as core

    progress = Progress()
    result = core.build_to(args.site, out, core.BuildOptions(drafts=args.drafts, future=args.future,
                                                             private=args.private, cache=not args.no_cache,
                                                             reuse=False), progress,
                           background_cleanup=True)
    progress.clear()
    status = report(result.diagnostics, "nothing was written (the last good build is kept)", noun="error")
    if status == 0:
        print(f"built {result.summary()} -> {out}")
    return status
