"""The `riji` commands, one module each over the core. A module holds `register(sub, site_arg)`,
which adds its subcommand to the parser, and the function that runs it; a new command is a new
module listed here."""
from __future__ import annotations

from . import build, check, init, new, publish, serve, status

COMMANDS = (build, new, init, serve, publish, check, status)  # in the order `riji --help` lists them
