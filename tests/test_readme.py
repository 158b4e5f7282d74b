"""What the README tells a new user holds in the repository itself."""
import re

from conftest import REPO


def test_the_readme_venv_is_ignored():
    """The set-up commands make `.venv` inside the checkout; it must not show up as untracked."""
    patterns = {line.strip() for line in (REPO / ".gitignore").read_text("utf-8").splitlines()}
    assert {".venv", ".venv/", "/.venv/"} & patterns
    assert "python3 -m venv .venv" in (REPO / "README.md").read_text("utf-8")


def test_the_readme_says_only_the_default_port_moves():
    """As test_serve_http checks: `--port N` on a taken port stops; only the default moves on."""
    readme = (REPO / "README.md").read_text("utf-8")
    preview = readme[readme.index("## Live preview"):]
    preview = preview[:preview.index("\n## ", 3)]
    assert re.search(r"Without `--port`, if 8000\s+is taken, it uses the next free port", preview)
    assert re.search(r"A port you name with `--port` is used as given", preview)
