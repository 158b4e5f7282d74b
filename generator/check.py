"""`riji check`: build, then verify links, anchors, media, feeds, translations and HTML."""
from __future__ import annotations


def register(sub, site_arg) -> None:
    """Add the `check` subcommand (not implemented yet)."""
