"""`riji check`: build, then verify links, anchors, media, feeds, translations and HTML.

The checks themselves live in `generator.checks`, callable without the command line."""
from __future__ import annotations

from pathlib import Path

from ..console import Progress, report


def register(sub, site_arg) -> None:
    c = sub.add_parser("check", help="build, then check every link, anchor, image, feed, translation "
                                     "and page (exit 1 on any problem)")
    site_arg(c)
    c.set_defaults(func=run)


def run_checks(root: Path, progress=None, folder: Path | None = None):
    """Build for production and check it: (BuildResult, diagnostics of both)."""
    from ..build import BuildOptions, build
    from ..checks import check_site

    result = build(root, BuildOptions(), progress)
    if not result.ok or result.site is None:
        return result, result.diagnostics
    if progress:
        progress(f"checking {result.pages} pages")
    return result, result.diagnostics + check_site(result, folder=folder)


def run(args) -> int:
    progress = Progress()
    result, diagnostics = run_checks(args.site, progress)
    progress.clear()
    build_failed = not result.ok or result.site is None
    status = report(diagnostics, "the build failed, so nothing was checked" if build_failed else
                    "fix them and run riji check again")
    if status == 0:
        print(f"checked {result.pages} pages, {len(result.files)} files: no problems")
    return status
