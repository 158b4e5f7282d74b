"""site.yaml's `podcast:` channel: what Apple, Spotify and the Podcasting 2.0 apps require."""
from __future__ import annotations

import uuid

from ..diagnostics import did_you_mean
from .podcast_categories import CATEGORIES
from .types import Podcast, freeze
from .values import per_language, unknown_keys

PODCAST_KEYS = {"title", "description", "author", "owner", "image", "category", "subcategory", "explicit",
                "type", "guid", "locked", "link"}
PODCAST_TEXT_LIMIT = 255  # Apple's limit for channel texts, in characters
PODCAST_DESCRIPTION_BYTES = 4000  # Apple counts bytes: a Chinese character takes 3


def podcast_channel(raw, codes, title, description, author, diag, path, located) -> Podcast | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        diag.error(path, located.line("podcast"), "'podcast' must be a mapping (title, owner, image, category, ...)")
        return None
    unknown_keys(raw, PODCAST_KEYS, diag, path, located, "podcast")

    def line(*keys):
        return located.line("podcast", *keys)

    def texts(value, key, default):
        given = per_language(value, codes, diag, path, line(*key), "podcast." + ".".join(key), required=False)
        return {c: (given[c] or default[c]).strip() for c in codes}

    def flag(key, default):
        value = raw.get(key, default)
        if not isinstance(value, bool):
            diag.error(path, line(key), f"'podcast.{key}' must be true or false")
            return default
        return value

    site_author = {c: str(author.get("name") or "") for c in codes}
    p_title = texts(raw.get("title"), ("title",), title)
    p_description = texts(raw.get("description"), ("description",), description)
    p_author = texts(raw.get("author"), ("author",), site_author)
    for c in codes:
        for key, value in (("title", p_title[c]), ("author", p_author[c])):
            if len(value) > PODCAST_TEXT_LIMIT:
                diag.error(path, line(key), f"'podcast.{key}' for '{c}' has {len(value)} characters; "
                                            f"podcast apps take at most {PODCAST_TEXT_LIMIT}")
        size = len(p_description[c].encode("utf-8"))
        if not p_description[c]:
            diag.error(path, line("description") or line(), f"the podcast needs a description for '{c}': "
                       "set 'podcast.description' (or the site's 'description')")
        elif size > PODCAST_DESCRIPTION_BYTES:
            diag.error(path, line("description"), f"'podcast.description' for '{c}' is {size} bytes; podcast "
                       f"apps take at most {PODCAST_DESCRIPTION_BYTES} (a Chinese character is 3 bytes)")

    owner = raw.get("owner")
    owner_name, owner_email = dict(p_author), ""
    if owner is not None and not isinstance(owner, dict):
        diag.error(path, line("owner"), "'podcast.owner' must be {name: ..., email: ...}")
    elif owner is not None:
        unknown_keys(owner, {"name", "email"}, diag, path, located, "podcast", "owner")
        owner_name = texts(owner.get("name"), ("owner", "name"), p_author)
        owner_email = str(owner.get("email") or "").strip()
    if not owner_email:
        diag.error(path, line("owner", "email") if owner else line(),
                   "'podcast.owner.email' is required: Apple and Spotify send ownership codes there, "
                   "and YouTube rejects a podcast without it")
    elif "@" not in owner_email or " " in owner_email:
        diag.error(path, line("owner", "email"), f"'podcast.owner.email' '{owner_email}' is not an email address")

    image = raw.get("image")
    if image is None:
        diag.error(path, line(), "'podcast.image' is required: a square JPEG or PNG cover in static/, "
                                 "1400 to 3000 pixels a side")
        image = ""
    elif not isinstance(image, str) or not image.strip() or "://" in image or image.startswith("//"):
        diag.error(path, line("image"), "'podcast.image' must name a file in static/, e.g. podcast-cover.png")
        image = ""
    image = image.strip().lstrip("/")

    category = raw.get("category")
    subcategory = raw.get("subcategory") or ""
    if category is None:
        diag.error(path, line(), "'podcast.category' is required: one of Apple's categories, "
                                 "e.g. 'Society & Culture'")
        category = ""
    elif str(category) not in CATEGORIES:
        diag.error(path, line("category"), f"unknown podcast category '{category}'"
                   f"{did_you_mean(str(category), CATEGORIES)}; use one of Apple's: {', '.join(CATEGORIES)}")
        category = ""
    elif subcategory and str(subcategory) not in CATEGORIES[category]:
        subs = CATEGORIES[category]
        hint = did_you_mean(str(subcategory), subs) + (f"; '{category}' has: {', '.join(subs)}" if subs
                                                       else f"; '{category}' has no subcategories")
        diag.error(path, line("subcategory"), f"unknown subcategory '{subcategory}' of '{category}'{hint}")
        subcategory = ""

    kind = raw.get("type", "episodic")
    if kind not in ("episodic", "serial"):
        diag.error(path, line("type"), f"'podcast.type' must be 'episodic' or 'serial', not '{kind}'")
        kind = "episodic"

    guid: dict[str, str] = {}
    raw_guid = raw.get("guid")
    if raw_guid is not None and not isinstance(raw_guid, dict):
        diag.error(path, line("guid"), "'podcast.guid' must map each language to its feed's GUID "
                                       "({en: ..., zh: ...}): every language is its own podcast")
    elif raw_guid:
        for c, value in raw_guid.items():
            if c not in codes:
                diag.error(path, line("guid", c),
                           f"'podcast.guid' has unknown language '{c}'{did_you_mean(str(c), codes)}")
                continue
            try:
                guid[c] = str(uuid.UUID(str(value)))
            except ValueError:
                diag.error(path, line("guid", c), f"'podcast.guid.{c}' '{value}' is not a UUID")

    fields = dict(
        title=p_title, description=p_description, author=p_author, owner_name=owner_name,
        owner_email=owner_email, image=image, category=str(category), subcategory=str(subcategory),
        explicit=flag("explicit", False), type=kind, guid=guid, locked=flag("locked", False),
        link=texts(raw.get("link"), ("link",), {c: "" for c in codes}),
    )
    return Podcast(**{name: freeze(value) for name, value in fields.items()})
