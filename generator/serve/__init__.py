"""The live preview behind `riji serve`. Sits outside the core: it calls `build` and serves the result
from memory, so nothing it shows (drafts included) can reach `output/`."""
from __future__ import annotations

DEFAULT_PORT = 8000
PORT_TRIES = 20  # with the default port, the next free one of these
