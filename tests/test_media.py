"""The media stage: real recordings measured from their contents, bad ones reported one message each,
and the post page's audio player in both languages."""
from __future__ import annotations

import io
import wave
from pathlib import Path

import pytest
from conftest import build_fixture, errors, write_site

from generator.config import load_config
from generator.diagnostics import Diagnostics
from generator.media import Audio, probe_media
from generator.urls import site_urls
from generator.sources import read_entries
from generator.theme import load_theme

FIXTURES = Path(__file__).parent / "fixtures"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def wav_bytes() -> bytes:
    """A tenth of a second of silence: real audio, but not a podcast format."""
    buf = io.BytesIO()
    with wave.open(buf, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"\0\0" * 800)
    return buf.getvalue()


def bundle_post(audio: str, title: str = "Walk") -> str:
    return f"---\ndate: 2025-03-01\ntitle: \"{title}\"\naudio: {audio}\n---\nWalked.\n"


def probe(tmp_path: Path, files: dict):
    """Run the media stage alone on a fixture site: (media, diagnostics)."""
    write_site(tmp_path, files)
    diag = Diagnostics(tmp_path)
    config = load_config(tmp_path, diag)
    media, problems = probe_media(config, site_urls(config), tmp_path, read_entries(tmp_path, config, diag))
    diag.items += problems
    return media, diag


@pytest.mark.parametrize("name, mime, low, high", [
    ("voice.mp3", "audio/mpeg", 2.0, 2.3),
    ("voice.m4a", "audio/x-m4a", 2.7, 3.0),
    ("voice.ogg", "audio/ogg", 1.9, 2.2),
])
def test_real_files_are_measured(tmp_path, name, mime, low, high):
    media, diag = probe(tmp_path, {"content/posts/walk/index.en.md": bundle_post(name),
                                   f"content/posts/walk/{name}": fixture(name)})
    assert diag.items == []
    audio = media.audio[("posts/walk", "en")]
    assert audio.mime == mime
    assert audio.length == len(fixture(name))
    assert low < audio.duration < high
    assert audio.url == f"en/posts/walk/{name}"


def test_the_type_comes_from_the_contents_not_the_name(tmp_path):
    media, diag = probe(tmp_path, {"content/posts/walk/index.en.md": bundle_post("m4a-named.mp3"),
                                   "content/posts/walk/m4a-named.mp3": fixture("m4a-named.mp3")})
    assert media.audio[("posts/walk", "en")].mime == "audio/x-m4a"
    (warning,) = diag.items
    assert warning.severity == "warning" and warning.line == 4
    assert "holds M4A (AAC) audio but its name ends in '.mp3'; rename it to end in '.m4a'" in warning.message


def test_static_audio_and_a_shared_file(tmp_path):
    post = ("---\ndate: 2025-03-01\nen: {title: Walk, audio: /audio/voice file.mp3}\n"
            "zh: {title: 散步, audio: /audio/voice file.mp3}\n---\n<!-- lang: en -->\nx\n<!-- lang: zh -->\ny\n")
    media, diag = probe(tmp_path, {"content/posts/walk.md": post, "static/audio/voice file.mp3": fixture("voice.mp3")})
    assert diag.items == []
    assert media.audio[("posts/walk", "en")].url == "audio/voice%20file.mp3"
    assert media.audio[("posts/walk", "zh")].length == len(fixture("voice.mp3"))


def test_every_bad_recording_is_reported_with_file_and_line_in_one_run(tmp_path):
    files = {
        "content/posts/missing/index.en.md": bundle_post("gone.mp3"),
        "content/posts/corrupt/index.en.md": bundle_post("corrupt.m4a"),
        "content/posts/corrupt/corrupt.m4a": fixture("corrupt.m4a"),
        "content/posts/unknown/index.en.md": bundle_post("notes.txt"),
        "content/posts/unknown/notes.txt": b"just some words, no sound at all\n" * 4,
        "content/posts/wave/index.en.md": bundle_post("beep.wav"),
        "content/posts/wave/beep.wav": wav_bytes(),
        "content/posts/web/index.en.md": bundle_post("https://cdn.test/a.mp3"),
        "content/posts/outside/index.en.md": bundle_post("../missing/voice.mp3"),
        "content/posts/single.en.md": "---\ndate: 2025-03-01\ntitle: Single\naudio: voice.mp3\n---\nx\n",
        "content/posts/nostatic/index.en.md": bundle_post("/audio/nothing.mp3"),
        "content/posts/missing/voice.mp3": fixture("voice.mp3"),
    }
    result = build_fixture(write_site(tmp_path, files))
    errs = errors(result)
    expected = [
        ("content/posts/corrupt/index.en.md:4:", "audio file 'corrupt.m4a' is corrupt or not audio"),
        ("content/posts/missing/index.en.md:4:", "audio file 'gone.mp3' not found in content/posts/missing/"),
        ("content/posts/nostatic/index.en.md:4:", "audio file '/audio/nothing.mp3' not found in static/"),
        ("content/posts/outside/index.en.md:4:", "'audio: ../missing/voice.mp3' points outside content/posts/outside/"),
        ("content/posts/single.en.md:4:", "'audio: voice.mp3' must sit beside the post"),
        ("content/posts/unknown/index.en.md:4:", "audio file 'notes.txt' is not a known audio type"),
        ("content/posts/wave/index.en.md:4:", "audio file 'beep.wav' is WAVE audio, which podcast apps do not play"),
        ("content/posts/web/index.en.md:4:", "'audio: https://cdn.test/a.mp3' is a web address"),
    ]
    for where, message in expected:
        assert any(e.startswith(where) and message in e for e in errs), (where, message, errs)
    assert len(errs) == len(expected), "\n".join(errs)


@pytest.mark.parametrize("seconds, en, zh", [
    (2.4, "Recording, 2 s", "录音，2秒"),
    (192.2, "Recording, 3 min 12 s", "录音，3分12秒"),
    (3725, "Recording, 1 h 2 min 5 s", "录音，1小时2分5秒"),
])
def test_player_duration_in_each_language(tmp_path, seconds, en, zh):
    write_site(tmp_path, {})
    theme, _problems = load_theme(tmp_path, "default")
    audio = Audio("en/posts/walk/a%20b.mp3", Path("a b.mp3"), "audio/mpeg", 212_345, seconds)
    template = theme.env.get_template("partials/audio.html")
    for code, caption in (("en", en), ("zh", zh)):
        html = template.render(audio=audio, url=lambda u: "/" + u,
                               t=lambda key, **kw: theme.strings[code][key].format(**kw))
        assert f"<figcaption>{caption}</figcaption>" in html
        assert 'preload="metadata"' in html and 'type="audio/mpeg"' in html
        assert 'href="/en/posts/walk/a%20b.mp3" download' in html
        assert ("</a> (212 KB)" if code == "en" else "</a>（212 KB）") in html  # full-width in Chinese


def test_post_pages_have_the_player_in_both_languages(tmp_path):
    files = {
        "content/posts/walk/index.en.md": bundle_post("voice.mp3"),
        "content/posts/walk/index.zh.md": bundle_post("voice.m4a", title="散步"),
        "content/posts/walk/voice.mp3": fixture("voice.mp3"),
        "content/posts/walk/voice.m4a": fixture("voice.m4a"),
        "content/posts/quiet.md": "---\ndate: 2025-01-01\nen: {title: Quiet}\n---\n<!-- lang: en -->\nx\n",
    }
    result = build_fixture(write_site(tmp_path, files))
    assert errors(result) == []
    en = result.files["en/posts/walk/index.html"].decode()
    assert '<source src="/en/posts/walk/voice.mp3" type="audio/mpeg">' in en
    assert "Recording, 2 s" in en and "Download the recording" in en
    zh = result.files["zh/posts/walk/index.html"].decode()
    assert '<source src="/zh/posts/walk/voice.m4a" type="audio/x-m4a">' in zh
    assert "录音，3秒" in zh and "下载录音" in zh
    assert "<audio" not in result.files["en/posts/quiet/index.html"].decode()
    assert result.site.posts[0].docs["en"].audio.length == len(fixture("voice.mp3"))


def test_audio_sizes_read_well():
    def size(n):
        return Audio("x", Path("x"), "audio/mpeg", n, 1.0).size_text
    assert [size(400), size(212_345), size(4_260_000)] == ["1 KB", "212 KB", "4.3 MB"]
    assert Audio("x", Path("x"), "audio/mpeg", 1, 0.2).hms == (0, 0, 1)  # never "0 s"
