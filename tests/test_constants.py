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


def test_shared_patterns_are_spelled_out_only_in_constants():
    """A second copy of a shared pattern drifts from the first: outside constants.py, no string in
    generator/ spells out the fingerprint, the URL scheme, the ignore pattern, the one-year cache
    header or the cache folder's name."""
    import io
    import tokenize
    from pathlib import Path

    spelled = {
        "the asset fingerprint": re.compile(r"\[0-9a-f\]\{+10\}+"),
        "the one-year Cache-Control": re.compile(r"max-age=31536000"),
        "the cache folder's name": re.compile(r"""^[rbfu]*["']\.riji-cache/?["']$"""),
        "the URL-scheme pattern": re.compile(re.escape("[A-Za-z][A-Za-z0-9+.-]*:")),
        "the ignore pattern": re.compile(re.escape(r"\.swp$")),
    }
    package = Path(constants.__file__).parent
    found = []
    for path in sorted(package.rglob("*.py")):
        if path.name == "constants.py" and path.parent == package:
            continue
        tokens = tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline)
        for tok in tokens:
            if tok.type != tokenize.STRING:
                continue
            for what, pattern in spelled.items():
                if pattern.search(tok.string):
                    found.append(f"{path.relative_to(package.parent)}:{tok.start[0]}: {what}")
    assert found == []
