"""The `git` target: the build as one commit on a branch such as gh-pages, pushed to a remote.

Works in a throw-away shallow clone of that branch, so the author's own checkout, index and
branches are never touched. A publish that changes no file makes no commit."""
from __future__ import annotations

import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..constants import CACHE_DIR, OUTPUT_DIR
from ..render import Output
from .base import MANIFEST, Changes, PublishError, Shipment, Target, resolve_local
from .folder import sync_folder

SAFE = ["-c", "core.autocrlf=false", "-c", "core.safecrlf=false", "-c", "core.quotepath=false"]


@dataclass
class GitOutcome:
    changes: Changes
    commit: str | None = None  # short sha of the new commit, None when nothing changed (or dry run)
    message: str = ""


class GitTarget(Target):
    """`{type: git, remote: ..., branch: gh-pages, cname: diary.example.org}`."""

    type = "git"
    OPTIONS = {"remote": None, "branch": "gh-pages", "cname": ""}

    def where(self) -> str:
        return f"branch {self.options['branch']} of {self.options['remote']}"

    def published(self, shipment: Shipment) -> bytes | None:
        return published_git(self, shipment.root)

    def publish(self, shipment: Shipment) -> tuple[Changes, str]:
        outcome = publish_git(self, shipment.files, shipment.root, shipment.dry_run, shipment.author)
        changes = outcome.changes
        if shipment.dry_run:
            return changes, changes.summary(dry_run=True)
        if outcome.commit:
            return changes, f"{changes.summary()}; committed {outcome.commit} \"{outcome.message}\" and pushed"
        return changes, "already up to date; no commit"


def published_git(target: Target, root: Path) -> bytes | None:
    """The manifest on the target's branch, from a shallow clone (None: no branch or no manifest)."""
    remote = remote_url(target, root)
    branch = target.options["branch"]
    if not _git("ls-remote", "--heads", remote, f"refs/heads/{branch}").stdout.strip():
        return None
    with tempfile.TemporaryDirectory(prefix="riji-publish-git-") as tmp:
        work = Path(tmp) / "pages"
        _git("clone", "--quiet", "--depth", "1", "--single-branch", "--branch", branch, "--no-tags",
             "--no-checkout", _clone_source(remote), str(work))
        shown = _git("show", f"HEAD:{MANIFEST}", cwd=work, check=False)
        if shown.returncode != 0:
            return None
        return _git("cat-file", "blob", f"HEAD:{MANIFEST}", cwd=work, text=False).stdout


def _git(*args, cwd: Path | None = None, check: bool = True, env: dict | None = None,
         text: bool = True) -> subprocess.CompletedProcess:
    """Run git; output is captured for messages, while a password prompt still reaches the terminal."""
    try:
        proc = subprocess.run(["git", *SAFE, *args], cwd=cwd, capture_output=True, text=text,
                              env={**os.environ, **(env or {})},
                              **({"encoding": "utf-8", "errors": "replace"} if text else {}))
    except FileNotFoundError:
        raise PublishError("git is not installed") from None
    if check and proc.returncode != 0:
        said = proc.stderr or proc.stdout
        detail = (said.decode("utf-8", "replace") if isinstance(said, bytes) else said).strip().splitlines()
        raise PublishError(f"git {args[0]} failed: {' '.join(detail[-3:]) or f'exit status {proc.returncode}'}")
    return proc


def remote_url(target: Target, root: Path) -> str:
    """A remote given as a folder path is taken relative to the site, like every other path."""
    remote = target.options["remote"]
    if "://" in remote or (":" in remote.split("/", 1)[0] and not Path(remote).exists()):
        return remote
    return str(resolve_local(root, remote))


def source_commit(root: Path) -> str | None:
    """Short sha of the site's commit, or None when the site is not in git or has uncommitted changes."""
    try:
        inside = _git("rev-parse", "--is-inside-work-tree", cwd=root, check=False)
    except PublishError:
        return None
    if inside.returncode != 0 or inside.stdout.strip() != "true":
        return None
    head = _git("rev-parse", "--short", "HEAD", cwd=root, check=False)
    if head.returncode != 0:
        return None
    dirty = _git("status", "--porcelain", "--", ".", f":(exclude){OUTPUT_DIR}", f":(exclude){CACHE_DIR}",
                 cwd=root, check=False)
    if dirty.returncode != 0 or dirty.stdout.strip():
        return None
    return head.stdout.strip()


def commit_message(root: Path) -> str:
    sha = source_commit(root)
    return f"Publish site from {sha}" if sha else "Publish site from uncommitted work"


def publish_git(target: Target, files: Output, root: Path, dry_run: bool,
                author: dict[str, str] | None = None) -> GitOutcome:
    remote = remote_url(target, root)
    branch = target.options["branch"]
    extra: Output = {".nojekyll": b""}  # GitHub Pages: serve the files as they are, no Jekyll
    if target.options.get("cname"):
        extra["CNAME"] = (target.options["cname"] + "\n").encode()
    wanted = {**files, **extra}
    listed = _git("ls-remote", "--heads", remote, f"refs/heads/{branch}")
    with tempfile.TemporaryDirectory(prefix="riji-publish-git-") as tmp:
        work = Path(tmp) / "pages"
        if listed.stdout.strip():
            _git("clone", "--quiet", "--depth", "1", "--single-branch", "--branch", branch, "--no-tags",
                 _clone_source(remote), str(work))
        else:  # first publish: the branch starts with no history of its own
            _git("init", "--quiet", str(work))
            _git("remote", "add", "origin", remote, cwd=work)
            _git("symbolic-ref", "HEAD", f"refs/heads/{branch}", cwd=work)
        changes = sync_folder(wanted, work, dry_run=dry_run)
        if dry_run:
            return GitOutcome(changes)
        _git("add", "--all", cwd=work)
        if not _git("status", "--porcelain", cwd=work).stdout.strip():
            return GitOutcome(changes)
        message = commit_message(root)
        _git("commit", "--quiet", "--no-verify", "-m", message, cwd=work, env=_identity(work, author))
        _git("push", "--quiet", "origin", f"HEAD:refs/heads/{branch}", cwd=work)
        sha = _git("rev-parse", "--short", "HEAD", cwd=work).stdout.strip()
        return GitOutcome(changes, sha, message)


def _clone_source(remote: str) -> str:
    """Shallow clones of a local path need file:// (git ignores --depth for plain paths)."""
    path = Path(remote)
    return path.as_uri() if path.is_absolute() and path.exists() else remote


def _identity(work: Path, author: dict[str, str] | None) -> dict[str, str]:
    """Commit as the author of site.yaml when git knows no identity (as on a fresh CI machine)."""
    if _git("var", "GIT_COMMITTER_IDENT", cwd=work, check=False).returncode == 0:
        return {}
    author = author or {}
    name = author.get("name") or "riji"
    email = author.get("email") or "riji@localhost"
    return {"GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email,
            "GIT_COMMITTER_NAME": name, "GIT_COMMITTER_EMAIL": email}
