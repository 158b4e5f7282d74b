"""The `riji` command line. Diagnostics are printed here, once, after each command has run."""
from __future__ import annotations

import argparse
import os
import sys
from datetime import datetime
from pathlib import Path

from . import __version__
from .diagnostics import Diagnostic


class Progress:
    """One rewritten status line on a terminal; silent when output is piped."""

    def __init__(self, stream=sys.stderr):
        self.stream = stream
        self.active = stream.isatty()
        self.width = 0

    def __call__(self, message: str) -> None:
        if self.active:
            text = message[:78]
            self.stream.write("\r" + text.ljust(self.width))
            self.width = len(text)
            self.stream.flush()

    def clear(self) -> None:
        if self.active and self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()
            self.width = 0


def print_diagnostics(diagnostics: list[Diagnostic], stream=sys.stderr) -> int:
    errors = [d for d in diagnostics if d.severity == "error"]
    for d in diagnostics:
        print(d, file=stream)
    if errors:
        print(f"{len(errors)} error{'s' if len(errors) != 1 else ''}; nothing was written "
              f"(the last good build is kept)", file=stream)
    return 1 if errors else 0


def site_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--site", type=Path, default=Path("."), metavar="DIR", help="site folder (default: .)")


def cmd_build(args) -> int:
    from .build import BuildOptions, build_to

    out = args.output or args.site / "output"
    progress = Progress()
    result = build_to(args.site, out, BuildOptions(drafts=args.drafts, future=args.future,
                                                   cache=not args.no_cache), progress,
                      background_cleanup=True)
    progress.clear()
    status = print_diagnostics(result.diagnostics)
    if status == 0:
        print(f"built {result.summary()} -> {out}")
    return status


def cmd_new(args) -> int:
    from .scaffold import new_post

    return new_post(args.site, args.title, zh_title=args.zh, split=args.split, slug=args.slug,
                    bundle=args.bundle, today=datetime.now())


def cmd_init(args) -> int:
    from .scaffold import init_site

    return init_site(args.dir)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="riji", description="Bilingual diary site generator (日记).")
    p.add_argument("--version", action="version", version=f"riji {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    b = sub.add_parser("build", help="build the site into output/")
    site_arg(b)
    b.add_argument("--output", type=Path, metavar="DIR", help="where to write (default: SITE/output)")
    b.add_argument("--drafts", action="store_true", help="include posts marked draft: true")
    b.add_argument("--future", action="store_true", help="include posts dated in the future")
    b.add_argument("--no-cache", action="store_true", help="ignore the Markdown cache in .riji-cache/")
    b.set_defaults(func=cmd_build)

    n = sub.add_parser("new", help="write a skeleton post for both languages, dated today")
    site_arg(n)
    n.add_argument("title", help="English title")
    n.add_argument("--zh", metavar="标题", help="Chinese title")
    n.add_argument("--slug", help="URL slug (default: from the English title)")
    n.add_argument("--split", action="store_true", help="one file per language (<slug>.en.md, <slug>.zh.md)")
    n.add_argument("--bundle", action="store_true", help="a folder for the post and its images/audio")
    n.set_defaults(func=cmd_new)

    i = sub.add_parser("init", help="create a new site that builds at once")
    i.add_argument("dir", type=Path)
    i.set_defaults(func=cmd_init)

    from . import check, publish, serve

    for module in (serve, publish, check):
        module.register(sub, site_arg)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug in riji, not the writer's input: say so without a traceback
        if os.environ.get("RIJI_DEBUG"):
            raise
        print(f"riji: internal error: {type(exc).__name__}: {exc}\n"
              f"This is a bug in riji, not in your site. Run again with RIJI_DEBUG=1 to see where it "
              f"happened, and please report it.", file=sys.stderr)
        return 2
