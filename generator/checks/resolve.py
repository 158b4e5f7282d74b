"""Where a URL written in the built site leads: a file of this build, another host, or a path of our
own host that lies outside the site's base path (the classic sub-path mistake)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable
from urllib.parse import quote, unquote, urljoin, urlsplit

from ..constants import base_path

DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True)
class Target:
    kind: str  # "internal", "external", "outside" or "other" (mailto:, data:, ...)
    path: str = ""  # for "internal": the output path the URL names (which may not exist)
    fragment: str = ""
    host: str = ""


class SiteMap:
    """The build's files as the web server will serve them under `base_url`."""

    def __init__(self, base_url: str, files: Iterable[str]):
        parts = urlsplit(base_url)
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.host = (parts.hostname or "").lower()
        self.port = parts.port or DEFAULT_PORTS.get(parts.scheme)
        self.base_path = base_path(base_url)
        self.files = set(files)

    def url_of(self, out_path: str) -> str:
        """The absolute URL an output file is served at (a folder's index.html by the folder)."""
        if out_path == "index.html" or out_path.endswith("/index.html"):
            out_path = out_path[:-len("index.html")]
        return self.base_url + quote(out_path)

    def path_of(self, out_path: str) -> str:
        """The same, host-relative, for messages: /diary/en/posts/x/."""
        return unquote(urlsplit(self.url_of(out_path)).path)

    def resolve(self, url: str, base: str) -> Target:
        url = url.strip()
        try:
            written = urlsplit(url)
            full = urlsplit(urljoin(base, url))
        except ValueError:  # e.g. "http://[oops" in raw HTML: not a link riji can follow
            return Target("other")
        if not url or (written.scheme and written.scheme.lower() not in DEFAULT_PORTS):
            return Target("other")
        host = (full.hostname or "").lower()
        try:
            port = full.port or DEFAULT_PORTS.get(full.scheme)
        except ValueError:
            return Target("external", host=host)
        if host != self.host or port != self.port:
            return Target("external", host=host)
        path = unquote(full.path) or "/"
        if not path.startswith(self.base_path):
            # an absolute URL of the same host is another site there; a site-root path is our mistake
            return Target("external" if written.netloc else "outside", path=path, host=host)
        return Target("internal", path[len(self.base_path):], unquote(full.fragment), host)

    def file_for(self, rel: str) -> str | None:
        """The output file a server answers with for `rel`, or None: `x/` and `x` (redirected) -> x/index.html."""
        if rel and not rel.endswith("/") and rel in self.files:
            return rel
        index = (rel if not rel or rel.endswith("/") else rel + "/") + "index.html"
        return index if index in self.files else None
