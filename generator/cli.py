"""The `riji` command line: it parses arguments and hands them to one module of `commands/`."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import __version__
from .commands import COMMANDS
from .console import guarded


def site_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--site", type=Path, default=Path("."), metavar="DIR", help="site folder (default: .)")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="riji", description="Bilingual diary site generator (日记).")
    p.add_argument("--version", action="version", version=f"riji {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        command.register(sub, site_arg)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return guarded(args.func, args)


def entry() -> None:
    """The `riji` command (and `python -m generator`): `main`, then out at once. The interpreter
    would otherwise free a build's objects one by one on its way out, 1.5 s after a 5,000-post
    build has written and closed every file; riji registers nothing to run at exit."""
    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:  # the reader left after the last line: as `guarded` ends such a command
        code = code or 141
    os._exit(code)
