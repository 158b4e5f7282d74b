"""Every link, #anchor and loaded resource of the built site resolves, and nothing is loaded from a
host the author did not allow (a reader's browser would tell that host about every visit)."""
from __future__ import annotations

from .pages import Page, Ref, css_urls
from .problem import Problem
from .resolve import SiteMap

NOT_FOUND_PAGE = "404.html"


def host_allowed(host: str, allowed: list[str]) -> bool:
    """`fonts.example.com` allows that host; `*.example.com` allows its sub-domains too."""
    for pattern in allowed:
        if host == pattern or (pattern.startswith("*.") and (host == pattern[2:] or host.endswith(pattern[1:]))):
            return True
    return False


class ReferenceCheck:
    def __init__(self, pages: dict[str, Page], site: SiteMap, allowed_hosts: list[str]):
        self.pages, self.site, self.allowed = pages, site, allowed_hosts
        self.problems: list[Problem] = []

    def run(self, styles: dict[str, str]) -> list[Problem]:
        for page in self.pages.values():
            base = self.site.url_of(page.path)
            for ref in page.links:
                self.check(page.path, base, ref, loaded=False)
            for ref in page.loads:
                self.check(page.path, base, ref, loaded=True)
        for path, text in styles.items():
            for ref in css_urls(text):
                self.check(path, self.site.url_of(path), ref, loaded=True)
        return self.problems

    def add(self, file: str, ref: Ref, message: str) -> None:
        self.problems.append(Problem(file, ref.line, message, ref.url))

    def check(self, file: str, base: str, ref: Ref, loaded: bool) -> None:
        target = self.site.resolve(ref.url, base)
        if target.kind == "other":
            return
        if file == NOT_FOUND_PAGE and not ref.url.startswith(("/", "#")) and "//" not in ref.url:
            self.add(file, ref, f"the 404 page is served at any missing URL, so its relative {ref.what} "
                                f"'{ref.url}' breaks there; write it from the site's root")
            return
        if target.kind == "external":
            if loaded and not host_allowed(target.host, self.allowed):
                article = "an" if ref.what[:1] in "aeiou" else "a"
                self.add(file, ref, f"loads {article} {ref.what} from the third-party host {target.host} "
                                    f"({ref.url}); serve it from the site, or allow the host in site.yaml "
                                    f"(check: {{allowed_hosts: [{target.host}]}})")
            return
        if target.kind == "outside":
            self.add(file, ref, f"{ref.what} '{ref.url}' leaves the site's base path {self.site.base_path}; "
                                f"it would work only if the site lived at the root of its host")
            return
        found = self.site.file_for(target.path)
        if found is None:
            if loaded or ref.what != "link":
                self.add(file, ref, f"{ref.what} '{ref.url}' is missing: nothing is built at "
                                    f"{self.site.base_path}{target.path}")
            else:
                self.add(file, ref, f"broken link '{ref.url}': nothing is built at "
                                    f"{self.site.base_path}{target.path}")
            return
        if target.fragment and found in self.pages and target.fragment not in self.pages[found].ids \
                and target.fragment.lower() != "top":  # "#top" scrolls to the top without an id
            self.add(file, ref, f"link '{ref.url}': {self.site.path_of(found)} has no element "
                                f"with id '{target.fragment}'")


def check_references(pages: dict[str, Page], styles: dict[str, str], site: SiteMap,
                     allowed_hosts: list[str]) -> list[Problem]:
    return ReferenceCheck(pages, site, allowed_hosts).run(styles)
