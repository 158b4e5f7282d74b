"""`riji serve`: the live preview. Sits outside the core: it calls `build` and serves the result."""
from __future__ import annotations


def register(sub, site_arg) -> None:
    """Add the `serve` subcommand (not implemented yet)."""
