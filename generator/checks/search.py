"""Search works in every language: the index pagefind.js will pick for each search page (by its
`<html lang>`) exists, and a word from the newest post in that language finds that post."""
from __future__ import annotations

import re

from ..model import Site
from ..search import BUNDLE, ENTRY, bundles, find, indexed_languages, searchable
from .pages import Page
from .problem import Problem


def check_search(site: Site, files: dict[str, bytes], pages: dict[str, Page]) -> list[Problem]:
    config = site.config
    if not config.search["enabled"]:
        return []
    urls = site.urls
    offered = searchable(site)
    if not bundles(files):
        return [Problem(urls.search(config.default_language) + "index.html", None,
                        f"search is on, but the site has no search index (no /{BUNDLE}<shard>/{ENTRY[len(BUNDLE):]})")]
    indexed = sorted(indexed_languages(files))
    problems: list[Problem] = []
    for code in config.codes:
        search_page = urls.search(code) + "index.html"
        page = pages.get(search_page)
        language = (page.lang if page else "").lower()
        if language not in indexed:
            problems.append(Problem(search_page, None, f"the search page says lang=\"{page.lang if page else ''}\", "
                                    f"but the search index has only {', '.join(indexed) or 'no languages'}; "
                                    "a search there finds nothing"))
            continue
        newest = next((d for d in site.posts_in(code) if d.url + "index.html" in offered), None)
        if newest is None:
            continue
        words = sorted(set(re.findall(r"\w+", newest.title)), key=lambda w: (-len(w), w))
        target = urls.path(newest.url)
        if not any(target in find(files, language, w) for w in words):
            problems.append(Problem(newest.url + "index.html", None,
                                    f"search on /{urls.search(code)} cannot find the newest post "
                                    f"'{newest.title}' by '{words[0] if words else newest.title}', a word of "
                                    f"its title"))
    return problems
