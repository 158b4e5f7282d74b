"""`/<lang>/on-this-day.json`: every listed post by month and day, for the home page's "on this day".

The build cannot know the reader's date (and must not read the clock), so the theme's script looks
up today in this index; without JavaScript nothing is shown.
"""
from __future__ import annotations

import json
from functools import partial

from ..model import Site
from . import Lazy, Output


def render_on_this_day(site: Site) -> Output:
    """Made when asked for: the preview rebuilds after every save, and a tab rarely asks for it."""
    return {site.urls.on_this_day(code): Lazy(partial(_index, site, code)) for code in site.config.codes}


def _index(site: Site, code: str) -> tuple[bytes, tuple]:
    urls, tz = site.urls, site.config.tz
    days = {key: [{"title": d.title, "url": urls.path(d.url), "year": d.date.astimezone(tz).year}
                  for d in docs]
            for key, docs in site.days(code).items()}
    return json.dumps(days, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode(), ()
