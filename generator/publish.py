"""`riji publish`: ship a fresh production build to the targets in site.yaml."""
from __future__ import annotations


def register(sub, site_arg) -> None:
    """Add the `publish` subcommand (not implemented yet)."""
