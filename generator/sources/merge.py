"""One document from its files: shared keys must agree across them, and each is checked once."""
from __future__ import annotations

import math
import re
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from .. import slugs
from ..config import Config
from ..diagnostics import did_you_mean
from ..yamlfile import Located
from .discovery import bundle_assets
from .entries import LANG_KEYS, SHARED_KEYS, VISIBILITY, SourceDoc, SourceEntry
from .frontmatter import read_file
from .languages import docs_from_file

def parse_date(value, tz: ZoneInfo, diag, path, line, key) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return whole_minutes(value if value.tzinfo else value.replace(tzinfo=tz))
    if isinstance(value, date):
        return whole_minutes(datetime.combine(value, time(), tz))
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.strip())
            return whole_minutes(parsed if parsed.tzinfo else parsed.replace(tzinfo=tz))
        except ValueError:
            pass
    diag.error(path, line, f"invalid {key} '{value}': write YYYY-MM-DD or YYYY-MM-DD HH:MM")
    return None


def whole_minutes(moment: datetime) -> datetime:
    """The same wall-clock time with its zone offset rounded to whole minutes. Before about 1900 a
    zone keeps local mean time (Shanghai: +08:05:43), which RSS, Atom and HTML cannot write."""
    offset = moment.utcoffset()
    if offset is None or not offset.seconds % 60 and not offset.microseconds:
        return moment
    # down to the minute: the moment moves seconds later, so it stays on its day in the site's zone
    return moment.replace(tzinfo=timezone(timedelta(minutes=math.floor(offset.total_seconds() / 60))))


def check_keys(data: dict, located: Located, codes, diag, path) -> None:
    known = SHARED_KEYS | LANG_KEYS | set(codes)
    for key in data:
        if key not in known:
            diag.error(path, located.line(key), f"unknown front-matter key '{key}'{did_you_mean(str(key), known)}")



def read_entry(kind, ident, name, paths, bundle, root: Path, config: Config, diag) -> SourceEntry | None:
    """`root` is the site's folder: bundle files are checked against it."""
    files = [f for p in paths if (f := read_file(p, config.codes, diag)) is not None]
    if len(files) != len(paths) or not files:
        return None
    shared: dict = {}
    shared_from: dict = {}
    docs: dict[str, SourceDoc] = {}
    for f in files:
        check_keys(f.located.data, f.located, config.codes, diag, f.path)
        for key in [k for k in f.located.data if k in SHARED_KEYS]:  # in the file's order, not a set's
            value = f.located.data[key]
            if key in shared and shared[key] != value:
                other, other_line = shared_from[key]
                diag.error(f.path, f.located.line(key),
                           f"'{key}' is {value!r} here but {shared[key]!r} in "
                           f"{diag._rel(other)}:{other_line}; shared keys must agree")
            else:
                shared[key] = value
                shared_from[key] = (f.path, f.located.line(key))
        for code, doc in docs_from_file(f, config.codes, diag).items():
            if code in docs:
                diag.error(f.path, None, f"language '{code}' is also given in {diag._rel(docs[code].path)}")
                continue
            docs[code] = doc
    if not docs:
        return None

    def line(key):
        return shared_from.get(key, (files[0].path, None))

    tz = config.tz
    date_value = parse_date(shared.get("date"), tz, diag, *line("date"), "date")
    if kind == "post" and "date" not in shared:
        diag.error(files[0].path, 2, "a post needs a 'date:' (YYYY-MM-DD)")
    updated = parse_date(shared.get("updated"), tz, diag, *line("updated"), "updated")

    slug = shared.get("slug")
    if slug is not None:
        slug = str(slug)
        if not slugs.VALID.match(slug):
            diag.error(*line("slug"), f"slug '{slug}' must be lowercase ASCII letters, digits and dashes")
    else:
        slug = slugs.from_filename(name)
        if not slug or re.search(r"[^\x00-\u024f\u3000-\u303f\u3400-\u9fff\uff00-\uffef]", name):
            diag.error(files[0].path, 2, f"cannot make a URL slug from the file name '{name}'; "
                                         f"add 'slug: some-words' to the front-matter")
            slug = "untitled"

    tags = shared.get("tags") or []
    if isinstance(tags, str):
        tags = [tags]
    if not isinstance(tags, list) or not all(isinstance(t, (str, int)) for t in tags):
        diag.error(*line("tags"), "'tags' must be a list such as [internet, culture]")
        tags = []
    visibility = shared.get("visibility", "public")
    if visibility not in VISIBILITY:
        diag.error(*line("visibility"), f"'visibility' must be one of {', '.join(VISIBILITY)}, not "
                                        f"'{visibility}'{did_you_mean(str(visibility), VISIBILITY)}")
        visibility = "private"  # never publish what the writer meant to restrict
    toc = shared.get("toc")
    if toc is not None and not isinstance(toc, bool):
        diag.error(*line("toc"), "'toc' must be true or false")
        toc = None

    extra = {}
    for key in ("episode", "season", "weight"):
        if key in shared:
            value = shared[key]
            if not isinstance(value, int) or isinstance(value, bool) or (key != "weight" and value < 1):
                diag.error(*line(key), f"'{key}' must be a whole number" + (" from 1" if key != "weight" else ""))
            else:
                extra[key] = value
    if "explicit" in shared:
        if isinstance(shared["explicit"], bool):
            extra["explicit"] = shared["explicit"]
        else:
            diag.error(*line("explicit"), "'explicit' must be true or false")

    for code, doc in docs.items():
        title = doc.meta.get("title")
        if isinstance(title, (int, float)) and not isinstance(title, bool):
            title = doc.meta["title"] = str(title)  # `title: 1984` is a title, not a number
        if doc.lines.get("_invalid"):
            doc.meta["title"] = slug  # its block was reported as broken already
        elif not isinstance(title, str) or not title.strip():
            where = doc.lines.get("title") or doc.lines.get("_block") or 2
            diag.error(doc.path, where, f"missing title for '{code}'" +
                       ("" if len(paths) > 1 else f" (add it under '{code}:' in the front-matter)"))
            doc.meta["title"] = slug
        aliases = doc.meta.get("aliases")
        if aliases is not None:
            if isinstance(aliases, str):
                aliases = doc.meta["aliases"] = [aliases]
            if not isinstance(aliases, list) or not all(isinstance(a, str) and a.strip() for a in aliases):
                diag.error(doc.path, doc.lines.get("aliases"), "'aliases' must be a list of old URLs, "
                                                               "such as [/posts/old-name/]")
                del doc.meta["aliases"]
        doc.draft = doc.meta.get("draft", False)
        if not isinstance(doc.draft, bool):
            diag.error(doc.path, doc.lines.get("draft"), "'draft' must be true or false")
            doc.draft = True
        for key in ("summary", "description", "image_alt", "guid"):
            if key in doc.meta and not isinstance(doc.meta[key], (str, int, float)):
                diag.error(doc.path, doc.lines.get(key), f"'{key}' must be text")
                del doc.meta[key]

    if kind == "post" and date_value is None:
        return None  # already reported; a post without a date cannot be placed in any list
    return SourceEntry(
        kind=kind, name=ident, paths=[f.path for f in files], bundle=bundle,
        assets=bundle_assets(bundle, root, diag) if bundle else (),
        slug=slug, date=date_value, updated=updated,
        tags=tuple(str(t) for t in tags), draft=all(d.draft for d in docs.values()), extra=extra,
        visibility=visibility, toc=toc, docs=docs, lines=shared_from,
    )
