"""What every publish target shares: the one interface the `publish` command calls, what a sync
changes, and the rules for local folders."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from ..render import Output
from ..writer import unsafe_folder


MANIFEST = ".riji-published"  # kept in every target: the pages it was last given, one per line


class PublishError(Exception):
    """A target could not be published (an unreachable remote, a refused path); said, not traced."""


def manifest_text(files) -> bytes:
    """The manifest of a build: its HTML pages, sorted, so a later publish knows what readers may
    have bookmarked."""
    pages = sorted(p for p in files if p.endswith((".html", ".htm")))
    return ("# Pages riji published here; riji publish refuses to remove one without --allow-removals.\n"
            + "".join(p + "\n" for p in pages)).encode()


def manifest_pages(text: bytes) -> set[str]:
    """The pages a manifest lists; UnicodeDecodeError when it is damaged."""
    return {line.strip() for line in text.decode("utf-8").splitlines()
            if line.strip() and not line.startswith("#")}


@dataclass
class Changes:
    """Output paths a sync adds, changes and removes, sorted."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.added or self.changed or self.removed)

    def summary(self, dry_run: bool = False) -> str:
        if dry_run:
            return f"would add {len(self.added)}, change {len(self.changed)}, remove {len(self.removed)}"
        return f"{len(self.added)} added, {len(self.changed)} changed, {len(self.removed)} removed"

    def outcome(self, dry_run: bool) -> str:
        """The summary, or that nothing had to change."""
        return self.summary(dry_run) if (self or dry_run) else "already up to date"

    def listing(self) -> list[str]:
        return ([f"+ {p}" for p in self.added] + [f"~ {p}" for p in self.changed] +
                [f"- {p}" for p in self.removed])


@dataclass(frozen=True)
class Shipment:
    """What every target is handed: the checked build, in memory and written to `folder`."""

    files: Output
    folder: Path
    root: Path  # the site: relative target paths start here
    author: dict[str, str]
    dry_run: bool = False


@dataclass(frozen=True)
class Target:
    """One entry of site.yaml's `publish:` list; each type is a subclass with the same two methods."""

    name: str
    options: dict
    line: int | None = None

    type: ClassVar[str]
    OPTIONS: ClassVar[dict[str, object]]  # key -> default; None marks a required key

    def __str__(self) -> str:
        return f"{self.name} ({self.type}: {self.where()})"

    def where(self) -> str:
        """Where it publishes to, for messages."""
        raise NotImplementedError

    def publish(self, shipment: Shipment) -> tuple[Changes, str]:
        """Make the target hold the build (on a dry run only find out what that would change):
        the changes and a one-line summary. Raises PublishError when it cannot."""
        raise NotImplementedError

    def published(self, shipment: Shipment) -> bytes | None:
        """The manifest the target holds from the last publish, None when it has none. Raises
        PublishError when it cannot be read."""
        raise NotImplementedError


def is_remote(dest: str) -> bool:
    """rsync's rule: `host:path` is remote when a colon comes before any slash."""
    head = dest.split("/", 1)[0]
    return ":" in head


def resolve_local(root: Path, value: str) -> Path:
    return (root / Path(value).expanduser()).resolve()


def refuse_unsafe_folder(dest: Path, root: Path) -> None:
    """Never sync (and so delete) into the site itself, its sources, or a folder holding a site."""
    reason = unsafe_folder(dest, root)
    if reason:
        raise PublishError(f"refusing to publish into {dest.resolve()}: {reason}")
