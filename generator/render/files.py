"""Files copied as they are: each post's bundle assets, beside every translation."""
from __future__ import annotations

import os

from ..model import Site
from . import Output


def bundle_files(site: Site) -> Output:
    """Each bundle asset beside every translation, so relative links work in each language;
    a recording goes only beside the translations it narrates (audio is large; a generated
    language narrates with its source's recording)."""
    out: Output = {}
    for entry in site.entries:
        if entry.bundle is None:
            continue
        narration: dict[str, set[str]] = {}
        for d in entry.docs.values():
            if d.audio is not None:
                narration.setdefault(os.path.normpath(d.audio.path), set()).add(d.lang)
        for doc in entry.docs.values():
            for asset in entry.assets:
                source = entry.bundle / asset
                if doc.lang in narration.get(os.path.normpath(source), {doc.lang}):
                    out[doc.url + asset] = source
    return out
