"""`riji serve`: the live preview. Sits outside the core: it calls `build` and serves the result from
memory, so nothing it shows (drafts included) can reach `output/`."""
from __future__ import annotations

DEFAULT_PORT = 8000
PORT_TRIES = 20  # with the default port, the next free one of these


def register(sub, site_arg) -> None:
    """Add the `serve` subcommand."""
    s = sub.add_parser("serve", help="preview the site at http://127.0.0.1:8000/, reloading on every save",
                       description="Build in memory, serve, and rebuild on every change to content/, "
                                   "themes/, static/ or site.yaml; open tabs reload by themselves. "
                                   "Never writes output/.")
    site_arg(s)
    s.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default: 127.0.0.1, this computer only)")
    s.add_argument("--port", type=int, default=None,
                   help=f"port (default: {DEFAULT_PORT}, or the next free one)")
    s.add_argument("--drafts", action="store_true", help="include posts marked draft: true")
    s.add_argument("--future", action="store_true", help="include posts dated in the future")
    s.add_argument("--open", action="store_true", help="open the site in a web browser")
    s.set_defaults(func=cmd_serve)


def cmd_serve(args) -> int:
    from .app import run

    return run(args.site, host=args.host, port=args.port, drafts=args.drafts, future=args.future,
               open_browser=args.open)
