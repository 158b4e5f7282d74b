"""YAML that remembers where each key was written, so a bad value is reported at its own line."""
from __future__ import annotations

from dataclasses import dataclass

import yaml

_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C parser is several times faster


class _Loader(_Base):
    """Safe loader that leaves dates as text: riji parses them itself, so a bad date is a clear
    message at its line instead of an exception deep inside PyYAML."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _Base.yaml_implicit_resolvers.items()
}


class YamlError(Exception):
    def __init__(self, line: int | None, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass
class Located:
    """Parsed YAML data plus the 1-based line of every mapping key and list item, addressed by
    key path (a list item by its index)."""

    data: object
    lines: dict[tuple, int]
    offset: int = 0

    def line(self, *path) -> int | None:
        for n in range(len(path), 0, -1):
            if path[:n] in self.lines:
                return self.lines[path[:n]] + self.offset
        return self.offset + 1 if self.offset else None


def _collect(node, prefix: tuple, out: dict) -> None:
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            key = k.value if isinstance(k, yaml.ScalarNode) else None
            out[prefix + (key,)] = k.start_mark.line + 1
            _collect(v, prefix + (key,), out)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            out[prefix + (i,)] = item.start_mark.line + 1
            _collect(item, prefix + (i,), out)


def load(text: str, line_offset: int = 0) -> Located:
    """Parse one YAML document; `line_offset` shifts reported lines (front-matter starts after ---)."""
    if "\t" in text:
        for i, row in enumerate(text.split("\n"), 1):
            stripped = row.lstrip(" ")
            if stripped.startswith("\t"):
                raise YamlError(i + line_offset, "tab used for indentation; YAML needs spaces")
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 + line_offset if mark else None
        msg = " ".join(str(p) for p in (exc.context, exc.problem) if p)
        raise YamlError(line, f"invalid YAML: {msg}") from None
    except (yaml.YAMLError, ValueError, TypeError) as exc:
        raise YamlError(line_offset + 1, f"invalid YAML: {exc}") from None
    finally:
        loader.dispose()
    lines: dict[tuple, int] = {}
    if node is not None:
        _collect(node, (), lines)
    return Located(data, lines, line_offset)
