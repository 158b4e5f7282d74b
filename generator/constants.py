"""Names and patterns several stages agree on, kept in one place so they cannot drift apart."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

# A site's folders and files, relative to its root.
SITE_FILE = "site.yaml"
CONTENT_DIR = "content"
STATIC_DIR = "static"
THEMES_DIR = "themes"
OUTPUT_DIR = "output"
CACHE_DIR = ".riji-cache"
TRANSLATIONS_LOCK = "translations.lock"  # what each translation was last synced with; committed
SOURCE_DIRS = (CONTENT_DIR, STATIC_DIR, THEMES_DIR)  # what the author writes; never overwritten

# A file changed this lately (ns) may change again within the same tick of the file system's clock
# with its stamp (size, modification time) unchanged: what is remembered by stamp checks its bytes too.
RACY_NS = 3_000_000_000

# Names the build skips wherever it walks: dot files, editor backups and swap files, emacs #x#,
# and vim's 4913 probe.
IGNORED = re.compile(r"(^\.|~$|\.swp$|\.swx$|^#.*#$|^4913$)")

# Fingerprinted assets are named stem.<10 hex digits>.ext, so they can be cached forever.
FINGERPRINT_LENGTH = 10
FINGERPRINT = r"\.[0-9a-f]{%d}" % FINGERPRINT_LENGTH  # a regex piece, to embed in each use's pattern
IMMUTABLE_CACHE = "public, max-age=31536000, immutable"  # Cache-Control for fingerprinted assets

# Characters XML 1.0 cannot hold (lxml refuses them) and HTML forbids: C0 controls but tab and
# newlines, DEL, and the two non-characters U+FFFE and U+FFFF.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")

# A URL that starts with a scheme (https:, mailto:, data:, ...) leaves the site's own paths.
URL_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def base_path(base_url: str) -> str:
    """The URL path a site lives under: '/' or e.g. '/diary/' for a project page."""
    path = urlsplit(base_url).path or "/"
    return path if path.endswith("/") else path + "/"
