"""YAML that remembers where each key was written, so a bad value is reported at its own line.

It also refuses what PyYAML takes silently: a key written twice (the last would win), control
characters written as escapes (which XML cannot hold), and values
that explode once expanded (a billion-laughs alias, an alias inside its own value, deep nesting),
which would otherwise run for half a minute and end in MemoryError or RecursionError."""
from __future__ import annotations

from dataclasses import dataclass

import yaml

from .constants import CONTROL

_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C parser is several times faster


class _Loader(_Base):
    """Safe loader that leaves dates as text: riji parses them itself, so a bad date is a clear
    message at its line instead of an exception deep inside PyYAML."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _Base.yaml_implicit_resolvers.items()
}


def implicit_tag(value: str, writing: bool = False) -> str:
    """The tag YAML gives a plain scalar (int, bool, null, str...), as this loader resolves it, or
    (`writing`) as PyYAML's writer does, which quotes a date, lest it be read back as one."""
    resolvers = (yaml.SafeDumper if writing else _Loader).yaml_implicit_resolvers
    for tag, regexp in resolvers.get(value[:1], []) + resolvers.get(None, []):
        if regexp.match(value):
            return tag
    return "tag:yaml.org,2002:str"


MAX_ALIASED = 10_000  # values that aliases may add; real settings add a handful, a bomb 10**9
MAX_DEPTH = 64  # nesting levels; front-matter and site.yaml use three or four


class YamlError(Exception):
    """The first problem of a file as `line` and `message`; `problems` holds all of them."""

    def __init__(self, line: int | None, message: str, problems: list[tuple[int | None, str]] | None = None):
        super().__init__(message)
        self.line = line
        self.message = message
        self.problems = problems or [(line, message)]


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


def _children(node) -> list:
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return node.value if isinstance(node, yaml.SequenceNode) else []


def _check(root, offset: int) -> None:
    """Walk the node graph once (an alias is a shared node, so this is linear in the text) and raise
    YamlError for duplicate keys, or for anything whose expansion would explode."""
    def at(node) -> int:
        return node.start_mark.line + 1 + offset

    size: dict[int, int] = {}  # values under a node once its aliases are expanded
    nodes, refs, open_nodes = {}, {}, set()
    problems: list[tuple[int, str]] = []
    stack = [(root, 1, False)]
    while stack:
        node, depth, done = stack.pop()
        if done:
            open_nodes.discard(id(node))
            size[id(node)] = 1 + sum(size[id(c)] for c in _children(node))
            continue
        refs[id(node)] = refs.get(id(node), 0) + 1
        if id(node) in nodes:
            continue
        if depth > MAX_DEPTH:
            raise YamlError(at(node), f"values nested more than {MAX_DEPTH} levels deep; flatten them")
        nodes[id(node)] = node
        if isinstance(node, yaml.ScalarNode) and (bad := CONTROL.search(node.value)):
            problems.append((at(node), f"invisible control character U+{ord(bad.group()):04X} (the escape "
                                       f"\\u{ord(bad.group()):04x}); delete it (pages and feeds cannot hold it)"))
        open_nodes.add(id(node))
        stack.append((node, depth, True))
        for child in reversed(_children(node)):
            if id(child) in open_nodes:
                raise YamlError(at(child), "a YAML alias (*name) inside the value it names; write the value out")
            stack.append((child, depth + 1, False))
        if isinstance(node, yaml.MappingNode):
            seen: dict[tuple, int] = {}
            for k, _ in node.value:
                if not isinstance(k, yaml.ScalarNode) or k.tag == "tag:yaml.org,2002:merge":
                    continue
                if (k.tag, k.value) in seen:
                    first = seen[k.tag, k.value]
                    where = f"twice on line {first}" if first == at(k) else f"on lines {first} and {at(k)}"
                    problems.append((at(k), f"duplicate key '{k.value}' {where}; keep one "
                                              "(YAML would silently take the last)"))
                seen.setdefault((k.tag, k.value), at(k))
    if size[id(root)] - len(size) > MAX_ALIASED:
        worst = max((n for i, n in nodes.items() if refs[i] > 1), key=lambda n: size[id(n)])
        uses = [at(k) for n in nodes.values() if isinstance(n, yaml.MappingNode) for k, v in n.value if v is worst]
        raise YamlError(max(uses, default=at(worst)), f"YAML aliases (*name) expand this value to "
                        f"{size[id(worst)]:,} values, more than the {MAX_ALIASED:,} allowed; write the values out")
    if problems:
        problems.sort()
        raise YamlError(*problems[0], problems)


def _collect(root, out: dict) -> None:
    stack = [(root, ())]
    while stack:
        node, prefix = stack.pop()
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                key = k.value if isinstance(k, yaml.ScalarNode) else None
                out[prefix + (key,)] = k.start_mark.line + 1
                stack.append((v, prefix + (key,)))
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                out[prefix + (i,)] = item.start_mark.line + 1
                stack.append((item, prefix + (i,)))


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
        if node is not None:
            _check(node, line_offset)
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
        _collect(node, lines)
    return Located(data, lines, line_offset)
