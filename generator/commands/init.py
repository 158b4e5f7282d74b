"""`riji init`: a new site that builds at once."""
from __future__ import annotations

from pathlib import Path


def register(sub, site_arg) -> None:
    i = sub.add_parser("init", help="create a new site that builds at once")
    i.add_argument("dir", type=Path)
    i.set_defaults(func=run)


def run(args) -> int:
    from ..scaffold import init_site

    return init_site(args.dir)
