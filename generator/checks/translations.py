"""Translation pairs link both ways: if page A names B as its `hreflang` alternate, B names A, each
names itself, and each is written in the language its partner claims."""
from __future__ import annotations

from .pages import Page, Ref
from .problem import Problem
from .resolve import SiteMap


def _alternates(page: Page, site: SiteMap) -> dict[str, tuple[str, Ref]]:
    """Output file -> (hreflang, ref) for every alternate of this build (others are the link check's)."""
    base = site.url_of(page.path)
    out: dict[str, tuple[str, Ref]] = {}
    for hreflang, ref in page.alternates:
        if hreflang.lower() == "x-default":
            continue
        target = site.resolve(ref.url, base)
        found = site.file_for(target.path) if target.kind == "internal" else None
        if found is not None:
            out.setdefault(found, (hreflang, ref))
    return out


def _is_copy(page: Page, site: SiteMap) -> bool:
    """A page whose canonical URL is another page (the root's copy of a home page) is not indexed,
    so its alternates are not a translation pair of their own."""
    if page.canonical is None:
        return False
    target = site.resolve(page.canonical.url, site.url_of(page.path))
    return target.kind == "internal" and site.file_for(target.path) not in (None, page.path)


def check_translations(pages: dict[str, Page], site: SiteMap) -> list[Problem]:
    problems: list[Problem] = []
    named = {path: _alternates(page, site) for path, page in pages.items()
             if page.alternates and not _is_copy(page, site)}
    for path, alternates in named.items():
        page = pages[path]
        if alternates and path not in alternates:
            _, first = page.alternates[0]
            problems.append(Problem(path, first.line,
                                    "lists its translations (hreflang) but not itself; every language "
                                    "version must name all of them, itself included", first.url))
        for other, (hreflang, ref) in alternates.items():
            partner = pages.get(other)
            if partner is None:
                continue
            if partner.lang and partner.lang.lower() != hreflang.lower():
                problems.append(Problem(path, ref.line, f"names {site.path_of(other)} as its '{hreflang}' "
                                                        f"version, but that page says lang=\"{partner.lang}\"",
                                        ref.url))
            if other != path and path not in named.get(other, {}):
                problems.append(Problem(path, ref.line, f"names {site.path_of(other)} as its '{hreflang}' "
                                                        f"translation, but that page does not name this one back",
                                        ref.url))
    return problems
