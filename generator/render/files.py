"""Files copied as they are: each post's bundle assets, beside every translation."""
from __future__ import annotations

import os

from ..model import Site
from . import Output


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
