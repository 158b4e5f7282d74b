"""Files copied as they are: the site's static/ folder and each post's bundle assets."""
from __future__ import annotations

import os
from pathlib import Path

from ..model import Site
from ..diagnostics import Diagnostics
from ..sources import list_files
from . import Output


def static_files(root: Path, diag: Diagnostics) -> Output:
    static = root / "static"
    return dict(list_files(static, root, diag)) if static.is_dir() else {}


def bundle_files(site: Site) -> Output:
    """Each bundle asset beside every translation, so relative links work in each language;
    a recording goes only beside the translation it narrates (audio is large)."""
    out: Output = {}
    for entry in site.entries:
        if entry.bundle is None:
            continue
        narration = {os.path.normpath(d.audio.path): d.lang for d in entry.docs.values() if d.audio is not None}
        for doc in entry.docs.values():
            for asset in entry.assets:
                source = entry.bundle / asset
                if narration.get(os.path.normpath(source), doc.lang) == doc.lang:
                    out[doc.url + asset] = source
    return out
