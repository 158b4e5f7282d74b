"""URL slugs: ASCII, lowercase, readable; Chinese becomes pinyin so links stay shareable."""
from __future__ import annotations

import re
import unicodedata

_DATE_PREFIX = re.compile(r"^\d{4}-\d{2}-\d{2}[-_]")
VALID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def slugify(text: str) -> str:
    """Readable ASCII slug, or '' when the text cannot be spelled in ASCII (ask for `slug:`)."""
    if re.search(r"[\u3400-\u9fff]", text):
        from pypinyin import lazy_pinyin  # imported lazily: its dictionary takes time to load

        text = " ".join(lazy_pinyin(text))
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-zA-Z0-9]+", "-", text).strip("-").lower()
    return re.sub(r"-+", "-", text)


def from_filename(name: str) -> str:
    return slugify(_DATE_PREFIX.sub("", name))
