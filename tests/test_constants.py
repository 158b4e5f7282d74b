"""The shared names and patterns: one definition each, used by every stage."""
import re

from generator import constants


def test_base_path_is_the_url_path_with_one_trailing_slash():
    assert constants.base_path("https://diary.test/") == "/"
    assert constants.base_path("https://diary.test") == "/"
    assert constants.base_path("https://me.github.io/diary") == "/diary/"
    assert constants.base_path("https://me.github.io/diary/") == "/diary/"


def test_ignored_names_are_editor_and_dot_files():
    for name in (".DS_Store", "post.md~", ".post.md.swp", "x.swx", "#post.md#", "4913"):
        assert constants.IGNORED.search(name), name
    for name in ("post.md", "2025-01-18-notes.zh.md", "cover.png"):
        assert not constants.IGNORED.search(name), name


def test_fingerprint_piece_matches_what_the_theme_names_assets():
    from generator.theme import fingerprint
    named = fingerprint("style.css", b"body{}")
    assert re.fullmatch(r"style" + constants.FINGERPRINT + r"\.css", named)


def test_url_scheme_tells_external_urls_from_site_paths():
    for url in ("https://x.test/", "mailto:me@x.test", "data:image/png;base64,AA"):
        assert constants.URL_SCHEME.match(url)
    for url in ("/en/posts/", "posts/a/", "cover.png", "1:2.png"):
        assert not constants.URL_SCHEME.match(url), url
