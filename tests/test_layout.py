"""The package's layering, read from its own imports: no module imports itself back through a
circle, and the core (sources -> model -> render -> writer) never imports what sits above it."""
from __future__ import annotations

import ast
from pathlib import Path

import generator

PACKAGE = Path(generator.__file__).parent
ABOVE_CORE = ("generator.cli", "generator.console", "generator.commands", "generator.serve",
              "generator.checks", "generator.targets", "generator.__main__")


def _name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports() -> dict[str, set[str]]:
    """Module -> the generator modules it imports (anywhere in it, function bodies included)."""
    modules = {_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module
                if node.level:
                    base = package
                    for _ in range(node.level - 1):
                        base = base.rpartition(".")[0]
                    base = f"{base}.{node.module}" if node.module else base
                # `from . import x` names a submodule when one exists, else a name in the package
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
            else:
                continue
            found.update(t for t in targets if t in modules and t != name)
        graph[name] = found
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                out.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def _above(name: str) -> bool:
    return any(name == top or name.startswith(top + ".") for top in ABOVE_CORE)


def test_the_graph_sees_the_imports_it_should():
    graph = imports()
    assert "generator.commands.build" in graph["generator.commands"]
    assert "generator.build" in graph["generator.commands.build"]  # a function-level import
    assert "generator.targets.base" in graph["generator.targets.git"]


def test_no_import_circle_inside_the_package():
    assert cycles(imports()) == []


def test_a_circle_would_be_found():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_the_core_imports_nothing_above_it():
    wrong = {f"{name} -> {dep}" for name, deps in imports().items() if not _above(name)
             for dep in deps if _above(dep)}
    assert wrong == set()


def test_commands_are_one_module_each():
    from generator.cli import parser
    from generator.commands import COMMANDS

    names = {c.__name__.rpartition(".")[2] for c in COMMANDS}
    assert names == {"build", "new", "init", "check", "publish", "serve", "status"}
    sub = next(a for a in parser()._actions if a.dest == "command")
    assert set(sub.choices) == names


def test_publish_targets_share_one_interface():
    import inspect

    from generator.targets import TYPES, Target

    base = inspect.signature(Target.publish)
    for kind, cls in TYPES.items():
        assert cls.type == kind and issubclass(cls, Target)
        assert cls.publish is not Target.publish and cls.where is not Target.where
        assert inspect.signature(cls.publish) == base


def test_every_subpackage_is_installed():
    import tomllib

    listed = set(tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text("utf-8"))
                 ["tool"]["setuptools"]["packages"])
    assert {_name(p) for p in PACKAGE.rglob("__init__.py")} <= listed
    scripts = tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text("utf-8"))["project"]["scripts"]
    module, _, func = scripts["riji"].partition(":")
    assert callable(getattr(__import__(module, fromlist=[func]), func))


def test_no_diagnostics_list_is_shared_or_sliced_by_length():
    """Each stage returns its own problems: a collector's list aliased into another object, sliced
    from a length taken earlier, or counted to see what is new is the shared state issue 8 removed."""
    import re

    banned = {
        "a collector's list aliased": re.compile(r"(?<![=!<>+*/|&-])=\s*[A-Za-z_][\w.]*\.items\s*(#.*)?$"),
        "a list sliced from a length taken before": re.compile(r"\[\s*before\s*:\s*\]"),
        "a collector counted to see what is new": re.compile(r"len\(\s*[\w.]*diag[\w.]*\s*\)"),
    }
    found = [f"{path.relative_to(PACKAGE.parent)}:{n}: {what}"
             for path in sorted(PACKAGE.rglob("*.py"))
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             for what, pattern in banned.items() if pattern.search(line)]
    assert found == []
