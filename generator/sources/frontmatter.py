"""One Markdown file read: text checked, front-matter split off and parsed, language read from the
file name."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from ..constants import CONTROL
from ..diagnostics import Diagnostics, did_you_mean, not_utf8
from ..yamlfile import Located, YamlError, load
from .discovery import LANG_SUFFIX



@dataclass
class SourceFile:
    path: Path
    lang: str | None  # from the file name
    stem: str
    located: Located
    body: str
    body_line: int
    text: str  # the whole file as read


def read_text(path: Path) -> str:
    """UTF-8 with BOM and CRLF accepted: editors on every platform write them."""
    return path.read_bytes().decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")


class UnclosedFrontMatter(ValueError):
    pass


OPENER = re.compile(r"---[ \t]*\n")  # trailing spaces allowed, as after the closing line


def split_front_matter(text: str) -> tuple[str | None, str, int]:
    """(yaml, body, body_line); yaml is None when the file has no front-matter."""
    opener = OPENER.match(text)
    if not opener:
        return None, text, 1
    start = opener.end()
    end = re.search(r"^(---|\.\.\.)[ \t]*$", text[start:], re.MULTILINE)
    if end is None:
        raise UnclosedFrontMatter("front-matter opened by '---' on line 1 is never closed: "
                                  "add a line '---' after the last key")
    yaml_text = text[start:start + end.start()]
    rest = text[start + end.end():]
    if rest.startswith("\n"):
        rest = rest[1:]
    return yaml_text, rest, yaml_text.count("\n") + 3



def read_file(path: Path, codes: list[str], diag: Diagnostics) -> SourceFile | None:
    try:
        text = read_text(path)
    except UnicodeDecodeError as exc:
        diag.error(path, *not_utf8(exc))
        return None
    except OSError as exc:
        if os.path.islink(path):
            diag.error(path, None, f"is a link to {os.readlink(path)}, which does not exist (or links loop)")
        else:
            diag.error(path, None, f"cannot read: {exc.strerror}")
        return None
    bad = CONTROL.search(text)
    if bad:
        diag.error(path, text.count("\n", 0, bad.start()) + 1,
                   f"invisible control character U+{ord(bad.group()):04X}; delete it (pages and feeds cannot hold it)")
        return None
    try:
        yaml_text, body, body_line = split_front_matter(text)
    except UnclosedFrontMatter as exc:
        diag.error(path, 1, str(exc))
        return None
    if yaml_text is None:
        first = text.lstrip().split("\n", 1)[0].strip()
        if first == "---":
            diag.error(path, 1 + text[:len(text) - len(text.lstrip())].count("\n"),
                       "front-matter must start on the first line; delete what comes before '---'")
        else:
            diag.error(path, 1, "missing front-matter: start the file with '---', a YAML block and '---'")
        return None
    try:
        located = load(yaml_text, line_offset=1)
    except YamlError as exc:
        for line, message in exc.problems:  # every duplicate key, not only the first
            diag.error(path, line, message)
        return None
    if located.data is None:
        located.data = {}
    if not isinstance(located.data, dict):
        diag.error(path, 2, "front-matter must be a mapping of keys to values")
        return None
    name = path.name[:-3]
    lang = None
    m = LANG_SUFFIX.match(name)
    if m and m.group("lang") in codes:
        name, lang = m.group("stem"), m.group("lang")
    elif m and len(m.group("lang")) == 2 and m.group("lang").islower():
        diag.error(path, None, f"file name names language '{m.group('lang')}', which site.yaml does not "
                               f"list{did_you_mean(m.group('lang'), codes)}")
        return None
    return SourceFile(path, lang, name, located, body, body_line, text)
