"""The media stage: measure each recording and check podcast artwork once, before the model is built.

The only code that opens audio and image files. It hands the model plain values (`Audio`), so the
model stays free of I/O, and reports every unusable file as a diagnostic at its front-matter or
site.yaml line. Types come from the files' contents, not their names.
"""
from __future__ import annotations

import os

from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import quote

import mutagen
from PIL import Image, UnidentifiedImageError

from .config import Config
from .constants import URL_SCHEME as _SCHEME
from .diagnostics import Diagnostic, Diagnostics
from .urls import Urls
from .sources import SourceDoc, SourceEntry

# mutagen's reading of a file -> (enclosure MIME type, label, file name endings that say so honestly)
AUDIO_TYPES = {
    "MP3": ("audio/mpeg", "MP3", (".mp3",)),
    "MP4": ("audio/x-m4a", "M4A (AAC)", (".m4a", ".mp4", ".m4b")),
    "OggVorbis": ("audio/ogg", "Ogg Vorbis", (".ogg", ".oga")),
    "OggOpus": ("audio/opus", "Opus", (".opus", ".ogg")),
}
ART_FORMATS = {"JPEG": (".jpg", ".jpeg"), "PNG": (".png",)}
ART_SIDE = (1400, 3000)  # Apple: square, 1400 to 3000 pixels a side


@dataclass(frozen=True)
class Audio:
    """One recording, as the audio player and the podcast feed describe it."""

    url: str  # site-relative and URL-quoted, e.g. "en/posts/walk/walk.en.mp3"
    path: Path
    mime: str
    length: int  # bytes, exactly: the enclosure's length
    duration: float  # seconds, read from the audio itself
    art: str | None = None  # site-relative URL of the episode's artwork when it suits podcast apps

    @property
    def seconds(self) -> int:
        return max(1, round(self.duration))

    @property
    def hms(self) -> tuple[int, int, int]:
        s = self.seconds
        return s // 3600, s % 3600 // 60, s % 60

    @property
    def size_text(self) -> str:
        if self.length >= 1_000_000:
            return f"{self.length / 1_000_000:.1f} MB"
        return f"{max(1, round(self.length / 1000))} KB"


@dataclass(frozen=True)
class Artwork:
    path: Path
    format: str
    width: int
    height: int


@dataclass
class Media:
    audio: dict[tuple[str, str], Audio] = field(default_factory=dict)  # (entry name, language) -> recording
    cover: Artwork | None = None  # the podcast's cover, when site.yaml has a usable one
    images: dict[Path, tuple[int, int]] = field(default_factory=dict)  # bundle image -> (width, height)


@dataclass(frozen=True)
class _Probe:
    mime: str
    length: int
    duration: float


def probe_media(config: Config, urls: Urls, root: Path, sources: list[SourceEntry]) -> tuple[Media, list[Diagnostic]]:
    """(what the recordings and images are, the diagnostics of the files that are unusable)."""
    diag = Diagnostics(root)
    media = Media()
    probes: dict[Path, _Probe | str] = {}  # each file read once, even when several documents share it
    # the few documents with a recording or an image, found in one pass (the preview's every save)
    named = [(src, code, sdoc) for src in sources for code, sdoc in src.docs.items()
             if "audio" in sdoc.meta or "image" in sdoc.meta]
    for src, code, sdoc in named:
        if "audio" not in sdoc.meta:
            continue
        found = _locate(sdoc.meta["audio"], "audio", src, sdoc, code, root, urls, diag)
        if found is None:
            continue
        path, url = found
        key = Path(os.path.realpath(path))
        if key not in probes:
            probes[key] = _probe(path)
        probe = probes[key]
        line = sdoc.lines.get("audio")
        if isinstance(probe, str):
            diag.error(sdoc.path, line, f"audio file '{sdoc.meta['audio']}' {probe}")
            continue
        _check_name(path, probe, sdoc, line, diag)
        media.audio[(src.name, code)] = Audio(url, path, probe.mime, probe.length, probe.duration,
                                              _episode_art(src, sdoc, code, config, root, urls, diag))
    for src, code, sdoc in named:  # an Open Graph image must exist too (a web address is taken as given)
        image = sdoc.meta.get("image")
        if image is not None and not (isinstance(image, str) and _SCHEME.match(image.strip())):
            _locate(image, "image", src, sdoc, code, root, urls, diag)
    if config.podcast is not None and config.podcast.image:
        media.cover = _cover(config, root, diag)
    if config.author.get("avatar"):  # the home page shows it
        _static_file("author.avatar", config.author["avatar"], config.line("author", "avatar"), root, diag)
    media.images = _image_sizes(sources)
    return media, diag.items


IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif")


def _image_sizes(sources: list[SourceEntry]) -> dict[Path, tuple[int, int]]:
    """Pixel sizes of bundle images, so pages reserve their space and do not jump as they load.
    Only headers are read; a file Pillow cannot open simply gets no size."""
    sizes = {}
    for src in sources:
        for asset in src.assets:
            if src.bundle is not None and asset.lower().endswith(IMAGE_SUFFIXES):
                path = Path(os.path.normpath(src.bundle / asset))  # as the model looks it up
                try:
                    with Image.open(path) as image:
                        sizes[path] = image.size
                except (OSError, UnidentifiedImageError, ValueError):
                    continue
    return sizes


def _locate(value, key: str, src: SourceEntry, sdoc: SourceDoc, code: str, root: Path, urls: Urls,
            diag: Diagnostics) -> tuple[Path, str] | None:
    """(file, site-relative URL) of a front-matter file reference: beside the post, or /path in static/."""
    line = sdoc.lines.get(key)
    if not isinstance(value, str) or not value.strip():
        diag.error(sdoc.path, line, f"'{key}' must name a file: one in the post's folder, or /path in static/")
        return None
    value = value.strip()
    if _SCHEME.match(value) or value.startswith("//"):
        diag.error(sdoc.path, line, f"'{key}: {value}' is a web address; put the file in the post's folder or "
                                    f"in static/ so its size and duration can be read")
        return None
    if value.startswith("/"):
        base, rel, where = root / "static", value.lstrip("/"), "static/"
        url = rel
    else:
        if src.bundle is None:
            diag.error(sdoc.path, line, f"'{key}: {value}' must sit beside the post, which needs a folder of its "
                                        f"own (<name>/index.{code}.md); or write /{value} for a file in static/")
            return None
        base, rel, where = src.bundle, value, f"{diag._rel(src.bundle)}/"
        url = urls.document(src.kind, code, src.slug) + rel
    path = base / rel
    try:
        inside = Path(os.path.realpath(path)).relative_to(os.path.realpath(base)).as_posix()
    except ValueError:
        diag.error(sdoc.path, line, f"'{key}: {value}' points outside {where}")
        return None
    if not path.is_file() or (src.bundle is not None and base == src.bundle and inside not in src.assets):
        diag.error(sdoc.path, line, f"{key} file '{value}' not found in {where}")
        return None
    return path, quote(PurePosixPath(url).as_posix(), safe="/")


def _probe(path: Path) -> _Probe | str:
    """The file's real type, size and duration, or what is wrong with it (completing 'audio file X ...')."""
    try:
        length = path.stat().st_size
        audio = mutagen.File(path)
    except OSError as exc:
        return f"cannot be read: {exc.strerror or exc}"
    except Exception as exc:  # mutagen raises many kinds of error on damaged data; any of them means corrupt
        return f"is corrupt or not audio ({exc or type(exc).__name__})"
    if audio is None:
        return "is not a known audio type: use MP3, M4A (AAC), Ogg Vorbis or Opus"
    kind = type(audio).__name__
    if kind not in AUDIO_TYPES:
        return f"is {kind} audio, which podcast apps do not play: use MP3, M4A (AAC), Ogg Vorbis or Opus"
    duration = float(getattr(audio.info, "length", 0) or 0)
    if duration <= 0:
        return "is corrupt: it holds no playable audio"
    return _Probe(AUDIO_TYPES[kind][0], length, duration)


def _check_name(path: Path, probe: _Probe, sdoc: SourceDoc, line: int | None, diag: Diagnostics) -> None:
    """Browsers and some apps trust the file name; say so when it disagrees with the contents."""
    mime, label, endings = next(v for v in AUDIO_TYPES.values() if v[0] == probe.mime)
    if path.suffix.lower() not in endings:
        diag.warning(sdoc.path, line, f"audio file '{path.name}' holds {label} audio but its name ends in "
                                      f"'{path.suffix}'; rename it to end in '{endings[0]}' "
                                      f"(the feed announces it as {mime})")


def check_artwork(path: Path) -> tuple[Artwork | None, list[str]]:
    """Apple's artwork rules (JPEG or PNG named as such, square, 1400-3000 px, RGB), as messages."""
    try:
        with Image.open(path) as image:
            fmt, (width, height), mode = image.format, image.size, image.mode
            image.verify()
    except FileNotFoundError:
        return None, ["is not there"]
    except Exception as exc:  # Pillow signals damaged or unknown images with several exception types
        return None, [f"is not a readable image ({exc})"]
    if fmt not in ART_FORMATS:
        return None, [f"is a {fmt} image; podcast apps need JPEG or PNG"]
    problems = []
    if path.suffix.lower() not in ART_FORMATS[fmt]:
        problems.append(f"is a {fmt} image but its name ends in '{path.suffix}'; "
                        f"rename it to end in '{ART_FORMATS[fmt][0]}'")
    low, high = ART_SIDE
    if width != height or not low <= width <= high:
        problems.append(f"is {width}×{height} pixels; it must be square, {low} to {high} pixels a side")
    if mode not in ("RGB", "RGBA", "P", "L", "LA", "1"):
        problems.append(f"uses the {mode} colour model; save it as RGB")
    return (None if problems else Artwork(path, fmt, width, height)), problems


def _static_file(what: str, name: str, line: int | None, root: Path, diag: Diagnostics) -> Path | None:
    """A file site.yaml names in static/ (the podcast cover, the author's picture), or an error at its line."""
    static = root / "static"
    path = static / name
    if Path(os.path.realpath(static)) not in Path(os.path.realpath(path)).parents:
        diag.error(root / "site.yaml", line, f"{what} '{name}' points outside static/")
        return None
    if not path.is_file():
        diag.error(root / "site.yaml", line, f"{what} '{name}' not found in static/")
        return None
    return path


def _cover(config: Config, root: Path, diag: Diagnostics) -> Artwork | None:
    line = config.line("podcast", "image")
    path = _static_file("podcast cover", config.podcast.image, line, root, diag)
    if path is None:
        return None
    artwork, problems = check_artwork(path)
    for problem in problems:
        diag.error(root / "site.yaml", line, f"podcast cover static/{config.podcast.image} {problem}")
    return artwork


def _episode_art(src: SourceEntry, sdoc: SourceDoc, code: str, config: Config, root: Path, urls: Urls,
                 diag: Diagnostics) -> str | None:
    """A narrated post's episode artwork: `episode_image:`, which must be good artwork; else its
    `image:` (the Open Graph card) when podcast apps would accept it, with a warning when not."""
    if config.podcast is None:
        return None
    chosen = sdoc.meta.get("episode_image")
    if chosen is not None:
        found = _locate(chosen, "episode_image", src, sdoc, code, root, urls, diag)
        if found is None:
            return None
        artwork, problems = check_artwork(found[0])
        for problem in problems:
            diag.error(sdoc.path, sdoc.lines.get("episode_image"), f"episode_image '{chosen}' {problem}")
        return found[1] if artwork else None
    value = sdoc.meta.get("image")
    if not value or not isinstance(value, str) or _SCHEME.match(value):
        return None
    found = _locate(value, "image", src, sdoc, code, root, urls, Diagnostics())  # reported above, once
    if found is None:
        return None
    artwork, problems = check_artwork(found[0])
    if problems:
        diag.warning(sdoc.path, sdoc.lines.get("image"),
                     f"image '{value}' is not used as episode artwork: it {problems[0]}; set 'episode_image:' "
                     f"to a square one (the card image stays for links)")
    return found[1] if artwork else None
