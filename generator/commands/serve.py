"""`riji serve`: the live preview (`generator.serve`), which never writes output/."""
from __future__ import annotations

from ..serve import DEFAULT_PORT


def register(sub, site_arg) -> None:
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
    s.set_defaults(func=run)


def run(args) -> int:
    from ..serve.app import run as serve

    return serve(args.site, host=args.host, port=args.port, drafts=args.drafts, future=args.future,
                 open_browser=args.open)
