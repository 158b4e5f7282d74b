"""Publish targets: site.yaml's `publish:` list, validated in full, and what syncing one changes.

    publish:
      - {name: pages, type: git, remote: git@github.com:me/diary.git, branch: gh-pages, cname: diary.example.org}
      - {name: host, type: rsync, dest: "me@host:/var/www/diary/"}
      - {name: local, type: dir, path: ../public}
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from ..config import Config
from ..constants import SITE_FILE
from ..diagnostics import Diagnostics, did_you_mean
from .base import Changes, PublishError, Shipment, Target
from .folder import DirTarget
from .git import GitTarget
from .rsync import RsyncTarget

__all__ = ["Changes", "PublishError", "Shipment", "Target", "TYPES", "parse_targets"]

TYPES: dict[str, type[Target]] = {t.type: t for t in (GitTarget, RsyncTarget, DirTarget)}
COMMON = {"name", "type"}
_HOSTNAME = re.compile(r"^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$")
_BRANCH = re.compile(r"^(?!/|.*(\.\.|//|@\{|\.lock$|/$|\.$))[^\s~^:?*\[\\\x00-\x1f\x7f]+$")


def parse_targets(root: Path, config: Config, diag: Diagnostics) -> list[Target]:
    """Every target of `root`'s site.yaml, each problem reported at its line; invalid targets are
    dropped."""
    path = root / SITE_FILE
    lines = config.publish_lines
    targets: list[Target] = []
    seen: dict[str, int | None] = {}
    for i, raw in enumerate(config.publish):
        at = lines[i] if i < len(lines) else {}
        line = at.get("") or config.line("publish")
        if not isinstance(raw, Mapping):
            diag.error(path, line, f"publish target #{i + 1} must be a mapping like "
                                   "{name: pages, type: git, remote: ..., branch: gh-pages}")
            continue
        own = Diagnostics(root)  # this target's own problems: it is kept only if it has none
        target = _target(i, raw, at, line, path, seen, own)
        diag.items += own.items
        if target is not None and not own.errors:
            targets.append(target)
    return targets


def _target(i, raw, at, line, path, seen, diag) -> Target | None:
    """One entry of `publish:`, its problems reported into `diag`."""
    kind = raw.get("type")
    name = raw.get("name", kind)
    if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", name):
        diag.error(path, at.get("name", line), f"publish target name '{name}' must be one word "
                                               "(letters, digits, - _ .), to type after `riji publish`")
        name = str(name)
    if name in seen:
        diag.error(path, at.get("name", line), f"two publish targets are named '{name}'; "
                                               "give each its own 'name:'")
    seen[name] = line
    if kind not in TYPES:
        hint = did_you_mean(str(kind), TYPES) if kind is not None else ""
        diag.error(path, at.get("type", line),
                   f"publish target #{i + 1} needs 'type: git', 'type: rsync' or 'type: dir'"
                   + (f", not '{kind}'" if kind is not None else "") + hint)
        return None
    spec = TYPES[kind].OPTIONS
    for key in raw:
        if key not in COMMON and key not in spec:
            diag.error(path, at.get(key, line), f"unknown key '{key}' for a {kind} target"
                                                f"{did_you_mean(str(key), set(spec) | COMMON)}")
    options: dict = {}
    for key, default in spec.items():
        value = raw.get(key, default)
        if value is None:
            diag.error(path, line, f"{kind} target '{name}' needs '{key}'")
            continue
        if not isinstance(value, str) or (default is None and not value.strip()):
            diag.error(path, at.get(key, line), f"'{key}' of target '{name}' must be text")
            continue
        options[key] = value.strip()
    _check_values(kind, name, options, at, line, path, diag)
    return TYPES[kind](name, options, line)


def _check_values(kind, name, options, at, line, path, diag) -> None:
    for key in ("remote", "dest", "path"):
        if options.get(key, "").startswith("-"):  # git and rsync would read it as an option
            diag.error(path, at.get(key, line), f"'{key}' of target '{name}' must not start with '-'")
    if kind == "git":
        branch = options.get("branch", "")
        if branch and not _BRANCH.match(branch):
            diag.error(path, at.get("branch", line), f"'{branch}' is not a valid git branch name")
        cname = options.get("cname", "")
        if cname and not _HOSTNAME.match(cname):
            diag.error(path, at.get("cname", line), f"'cname' of target '{name}' must be a bare host name "
                                                    f"such as diary.example.org, not '{cname}'")
    if kind == "rsync":
        dest = options.get("dest", "")
        host, colon, rest = dest.partition(":")
        if colon and "/" not in host and rest.strip() in ("", "/", "~", "~/", "."):
            diag.error(path, at.get("dest", line), f"'dest' of target '{name}' names the whole home or root "
                                                   f"folder of {host}; give the site's own folder, "
                                                   f"e.g. {host}:/var/www/diary/")
