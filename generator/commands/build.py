"""`riji build`: build the site and swap it into output/ when it has no errors."""
from __future__ import annotations

from pathlib import Path

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
    b.add_argument("--no-cache", action="store_true", help="ignore the Markdown cache in .riji-cache/")
    b.set_defaults(func=run)


def run(args) -> int:
    from .. import build as core

    out = args.output or args.site / OUTPUT_DIR
    progress = Progress()
    result = core.build_to(args.site, out, core.BuildOptions(drafts=args.drafts, future=args.future,
                                                             private=args.private, cache=not args.no_cache), progress,
                           background_cleanup=True)
    progress.clear()
    status = report(result.diagnostics, "nothing was written (the last good build is kept)", noun="error")
    if status == 0:
        print(f"built {result.summary()} -> {out}")
    return status
