"""The `rsync` target: mirror the build into `host:path` (over ssh) or a local folder.

`--checksum` compares content, so unchanged files are not sent; `--delete` removes stale files,
only inside the destination. Permissions are set to world-readable so any web server can serve."""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from .base import (MANIFEST, Changes, PublishError, Shipment, Target, is_remote, refuse_unsafe_folder,
                   resolve_local)
from .folder import read_manifest

OPTIONS = ["--recursive", "--links", "--checksum", "--delete", "--perms", "--chmod=D0755,F0644",
           "--itemize-changes", "--8-bit-output", "--exclude=/.git"]


class RsyncTarget(Target):
    """`{type: rsync, dest: "me@host:/var/www/diary/"}`."""

    type = "rsync"
    OPTIONS = {"dest": None}

    def where(self) -> str:
        return self.options["dest"]

    def publish(self, shipment: Shipment) -> tuple[Changes, str]:
        changes = publish_rsync(self, shipment.folder, shipment.root, shipment.dry_run)
        return changes, changes.outcome(shipment.dry_run)

    def published(self, shipment: Shipment) -> bytes | None:
        dest = destination(self, shipment.root)
        if not is_remote(dest):
            return read_manifest(Path(dest))
        rsync = shutil.which("rsync")
        if rsync is None:
            raise PublishError("rsync is not installed")
        with tempfile.TemporaryDirectory(prefix="riji-manifest-") as tmp:
            proc = subprocess.run([rsync, dest.rstrip("/") + "/" + MANIFEST, tmp + "/"], capture_output=True,
                                  text=True, encoding="utf-8", errors="replace")
            got = Path(tmp) / MANIFEST
            if got.is_file():
                return got.read_bytes()
            if proc.returncode == 23 and "No such file" in proc.stderr:
                return None  # never published here by riji
            detail = proc.stderr.strip().splitlines()
            raise PublishError(f"cannot read {MANIFEST} ({proc.returncode}): {' '.join(detail[-2:])}")


def destination(target: Target, root: Path) -> str:
    dest = target.options["dest"]
    if is_remote(dest):
        return dest
    folder = resolve_local(root, dest)
    refuse_unsafe_folder(folder, root)
    return str(folder) + "/"


def publish_rsync(target: Target, folder: Path, root: Path, dry_run: bool) -> Changes:
    """Sync the written build in `folder` to the target; the changes rsync reports."""
    rsync = shutil.which("rsync")
    if rsync is None:
        raise PublishError("rsync is not installed")
    dest = destination(target, root)
    if not is_remote(dest) and not dry_run:
        Path(dest).mkdir(parents=True, exist_ok=True)
    command = [rsync, *OPTIONS, *(["--dry-run"] if dry_run else []), str(folder) + "/", dest]
    proc = subprocess.run(command, capture_output=True, text=True, encoding="utf-8", errors="replace")
    if proc.returncode != 0:
        detail = proc.stderr.strip().splitlines()
        raise PublishError(f"rsync failed ({proc.returncode}): {' '.join(detail[-3:])}")
    return parse_itemized(proc.stdout)


def parse_itemized(output: str) -> Changes:
    """rsync's --itemize-changes lines: `>f+++++++++ a` new, `>f.st...... a` changed, `*deleting a`."""
    changes = Changes()
    for row in output.splitlines():
        code, _, name = row.partition(" ")
        if not name or name.endswith("/"):
            continue  # folders follow from their files
        if code == "*deleting":
            changes.removed.append(name.strip())
        elif code[:2] in (">f", "<f", "cL", "cf"):
            (changes.added if code[2:].startswith("+") else changes.changed).append(name)
    for part in (changes.added, changes.changed, changes.removed):
        part.sort()
    return changes
