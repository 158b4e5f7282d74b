"""`riji publish`: ship a fresh production build to the targets in site.yaml.

Always a new build without drafts or the preview script, written to a private temporary folder and
checked like `riji check`; any build error or check problem stops the publish before any target
is touched. Targets: see `generator.targets`."""
from __future__ import annotations

import tempfile
from pathlib import Path

from ..console import Progress, report, say
from ..diagnostics import Diagnostic, Diagnostics, did_you_mean


def register(sub, site_arg) -> None:
    p = sub.add_parser("publish", help="build, check and publish the site to the targets in site.yaml")
    site_arg(p)
    p.add_argument("target", nargs="?", metavar="TARGET", help="publish only to this target (default: all)")
    p.add_argument("--dry-run", action="store_true",
                   help="list what would be added, changed and removed, and change nothing")
    p.add_argument("--allow-removals", action="store_true",
                   help="publish even when pages published before would disappear (see 'aliases:')")
    p.set_defaults(func=run)


def run(args) -> int:
    progress = Progress()
    try:
        return publish_site(args.site, [args.target] if args.target else [], args.dry_run, progress,
                            allow_removals=args.allow_removals)
    finally:
        progress.clear()


def publish_site(root: Path, names: list[str], dry_run: bool = False, progress=None, out=None,
                 allow_removals: bool = False) -> int:
    """Build, check and publish to the named targets (all when none named); the exit status.
    Cool URIs don't change: a target whose published pages the new build would remove is left as
    it is, unless `allow_removals`."""
    from ..build import BuildOptions, build
    from ..checks import check_site
    from ..config import load_config
    from ..targets import PublishError, Shipment, parse_targets
    from ..targets.base import MANIFEST, manifest_text
    from ..writer import write_files

    say_line = out or say
    clear = getattr(progress, "clear", lambda: None)
    root = root.resolve()
    diag = Diagnostics(root)
    config = load_config(root, diag)
    targets = parse_targets(root, config, diag) if config is not None else []
    if config is not None and not config.publish and not diag:
        diag.error(root / "site.yaml", None, "no publish targets: add for example\n"
                                             "publish:\n  - {name: local, type: dir, path: ../public}")
    chosen = targets
    if names:
        by_name = {t.name: t for t in targets}
        chosen = []
        for name in names:
            if name in by_name:
                chosen.append(by_name[name])
            elif config is not None:
                diag.error(root / "site.yaml", config.line("publish"),
                           f"no publish target named '{name}'{did_you_mean(name, by_name)}; "
                           f"site.yaml names: {', '.join(by_name) or 'none'}")
    if diag:
        return report(diag.sorted(), "nothing was published")

    result = build(root, BuildOptions(drafts=False, future=False), progress)
    clear()
    if not result.ok or result.site is None:
        return report(result.diagnostics, "refusing to publish: the build has errors (nothing was published)")
    with tempfile.TemporaryDirectory(prefix="riji-publish-") as tmp:
        folder = Path(tmp) / "site"
        write_files(result.files, folder)
        if progress:
            progress(f"checking {result.pages} pages")
        problems = result.diagnostics + check_site(result, folder=folder)
        clear()
        if any(d.severity == "error" for d in problems):
            return report(problems, "refusing to publish: riji check failed (nothing was published)")
        report(problems)  # warnings only
        files = {**result.files, MANIFEST: manifest_text(result.files)}
        (folder / MANIFEST).write_bytes(files[MANIFEST])
        shipment = Shipment(files, folder, root, config.author, dry_run)
        failed: list[Diagnostic] = []
        for target in chosen:
            if progress:
                progress(f"publishing to {target.name}")
            try:
                lost = [] if allow_removals else removals(target, shipment, diag._rel(root / "site.yaml"))
                if any(d.severity == "error" for d in lost) and not dry_run:
                    failed += lost
                    continue
                report(lost)
                changes, summary = target.publish(shipment)
            except PublishError as exc:
                failed.append(Diagnostic(diag._rel(root / "site.yaml"), target.line,
                                         f"publish target '{target.name}': {exc}"))
                continue
            finally:
                clear()
            say_line(f"{target}{' (dry run)' if dry_run else ''}: {summary}")
            if dry_run:
                for row in changes.listing():
                    say_line("  " + row)
    if failed:
        return report(failed, "some targets were not published")
    return 0


def removals(target, shipment, where: str) -> list[Diagnostic]:
    """What publishing would take from readers: each page the target's manifest lists that the new
    build no longer has (an error each), or why the manifest could not be read (a warning, and an
    error that stops this target unless --allow-removals)."""
    from ..targets import PublishError
    from ..targets.base import manifest_pages

    def said(message: str, severity: str = "error") -> Diagnostic:
        return Diagnostic(where, target.line, f"publish target '{target.name}': {message}", severity)

    try:
        text = target.published(shipment)
        before = manifest_pages(text) if text is not None else set()
    except (PublishError, UnicodeDecodeError) as exc:
        reason = exc if isinstance(exc, PublishError) else "it is not UTF-8"
        return [said(f"cannot read what was published last time ({reason})", "warning"),
                said("publishing could remove pages readers have bookmarked; pass --allow-removals "
                     "to publish anyway")]
    return [said(f"/{page} was published before and this build removes it; add its old URL to the "
                 f"'aliases:' of the post that replaces it, or pass --allow-removals")
            for page in sorted(before - set(shipment.files))]
