"""The build never writes where it must not, and odd settings are messages, not crashes."""
import os

from conftest import MINIMAL_SITE_YAML, build_fixture, errors, write_site

from generator.build import BuildOptions, build_to

POST = "---\ndate: 2025-01-01\nen: {title: A}\nzh: {title: 甲}\n---\n<!-- lang: en -->\na\n<!-- lang: zh -->\n甲\n"


def build_into(root, out):
    return [str(d) for d in build_to(root, out, BuildOptions(cache=False)).diagnostics if d.severity == "error"]


def test_output_inside_sources_or_a_checkout_is_refused(tmp_path):
    root = write_site(tmp_path / "site", {"content/posts/a.md": POST, "static/keep.txt": "keep\n"})
    (tmp_path / "pages/.git").mkdir(parents=True)
    for out in (root / "content/posts", root / "static", root / "themes/x", tmp_path / "pages", root):
        errs = build_into(root, out)
        assert len(errs) == 1 and "refusing to build into" in errs[0], (out, errs)
    assert (root / "content/posts/a.md").read_text("utf-8") == POST
    assert (root / "static/keep.txt").exists() and (tmp_path / "pages/.git").is_dir()


def test_a_symlinked_output_is_updated_where_it_points(tmp_path):
    root = write_site(tmp_path / "site", {"content/posts/a.md": POST})
    (tmp_path / "www").mkdir()
    (root / "output").symlink_to(tmp_path / "www", target_is_directory=True)
    assert build_into(root, root / "output") == []
    assert (tmp_path / "www/en/posts/a/index.html").is_file()
    assert build_into(root, root / "output") == []  # and again, over the previous build
    assert (tmp_path / "www/zh/posts/a/index.html").is_file()


def test_language_prefix_cannot_leave_the_output(tmp_path):
    root = write_site(tmp_path / "site", {"content/posts/a.md": POST},
                      MINIMAL_SITE_YAML + "languages: [{code: en, prefix: '..'}, {code: zh, prefix: '../content'}]\n")
    errs = errors(build_fixture(root))
    assert len(errs) == 2 and all("must be a folder name" in e for e in errs)
    assert not (tmp_path / "en").exists()


def test_a_bundle_file_never_replaces_a_generated_page(tmp_path):
    root = write_site(tmp_path, {"content/posts/walk/index.en.md": "---\ndate: 2025-01-01\ntitle: Walk\n---\nw\n",
                                 "content/posts/walk/index.html": "<p>mine</p>\n"})
    errs = errors(build_fixture(root))
    assert len(errs) == 1 and "content/posts/walk/index.html" in errs[0] and "would overwrite" in errs[0]


def test_static_link_to_outside_is_left_out_with_a_warning(tmp_path):
    (tmp_path / "secret.txt").write_text("secret\n")
    root = write_site(tmp_path / "site", {"content/posts/a.md": POST})
    (root / "static").mkdir()
    os.symlink(tmp_path / "secret.txt", root / "static/key.txt")
    result = build_fixture(root)
    assert errors(result) == [] and "key.txt" not in result.files
    assert any("key.txt" in str(d) and d.severity == "warning" for d in result.diagnostics)


def test_malformed_urls_and_shapes_in_settings_are_messages(tmp_path):
    root = write_site(tmp_path, {
        "content/posts/a.md": POST,
        "themes/mine/i18n.yaml": "- just\n- a list\n",
    }, MINIMAL_SITE_YAML.replace("https://diary.test/", "https://[x/") + "menu: {en: 5, zh: [{title: X, url: 'http://[x'}]}\ntheme: mine\n")
    errs = errors(build_fixture(root))
    assert any("site.yaml:1:" in e and "base_url" in e for e in errs)
    assert any("'menu.en' must be a list" in e for e in errs)
    assert any("menu URL 'http://[x'" in e for e in errs)
    assert any("themes/mine/i18n.yaml:1:" in e for e in errs)
    assert len(errs) == 4, errs


def test_front_matter_image_must_exist_and_stay_inside(tmp_path):
    root = write_site(tmp_path, {
        "content/posts/walk/index.en.md": "---\ndate: 2025-01-01\ntitle: Walk\nimage: missing.png\n---\nw\n",
        "content/posts/away/index.en.md": "---\ndate: 2025-01-01\ntitle: Away\nimage: ../../../site.yaml\n---\nw\n",
        "content/posts/web.en.md": "---\ndate: 2025-01-01\ntitle: Web\nimage: https://example.org/card.png\n---\nw\n",
    })
    errs = errors(build_fixture(root))
    assert any(e.startswith("content/posts/walk/index.en.md:4:") and "not found" in e for e in errs)
    assert any(e.startswith("content/posts/away/index.en.md:4:") and "outside" in e for e in errs)
    assert len(errs) == 2, errs


def test_nothing_outside_the_site_is_published_from_a_theme_or_static(tmp_path):
    """A downloaded theme could carry links to your secrets; each is left out with a warning naming it."""
    secrets = tmp_path / "secrets"
    secrets.mkdir()
    (secrets / "key.txt").write_text("PRIVATE KEY\n")
    root = write_site(tmp_path / "site", {"content/posts/a.md": POST, "themes/mine/templates/.keep": "",
                                          "themes/mine/static/ok.css": "p{}\n", "static/inside.txt": "in\n"},
                      MINIMAL_SITE_YAML + "theme: mine\n")
    theme_static = root / "themes/mine/static"
    os.symlink("/etc/passwd", theme_static / "passwd.txt")
    os.symlink(secrets, theme_static / "keys")  # a folder link
    os.symlink(root / "static/inside.txt", theme_static / "shared.txt")  # inside the site: fine
    os.symlink(root / "nothing-here", theme_static / "dangling.txt")
    os.symlink("loop.txt", theme_static / "loop.txt")
    result = build_fixture(root)
    assert errors(result) == []
    published = set(result.files)
    assert not {"assets/passwd.txt", "passwd.txt", "keys/key.txt", "assets/keys/key.txt"} & published
    assert any(p.endswith("shared.txt") for p in published) and any("/ok." in p and p.endswith(".css") for p in published)
    warnings = [str(d) for d in result.diagnostics if d.severity == "warning"]
    for name in ("passwd.txt", "keys", "dangling.txt", "loop.txt"):
        assert any(f"themes/mine/static/{name}: warning:" in w for w in warnings), (name, warnings)
    assert not any("key.txt" in str(v) or "PRIVATE" in str(v) for v in result.files.values())


def test_a_static_folder_that_links_outside_publishes_nothing(tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "id_rsa").write_text("PRIVATE KEY\n")
    root = write_site(tmp_path / "site", {"content/posts/a.md": POST})
    os.symlink(outside, root / "static", target_is_directory=True)
    result = build_fixture(root)
    assert errors(result) == [] and "id_rsa" not in result.files
    assert [str(d) for d in result.diagnostics if d.severity == "warning"] == [
        "static: warning: is a link to a folder outside the site, so nothing in it is published; "
        "copy the folder in instead"]


def test_symlink_loops_and_dangling_links_are_messages(tmp_path):
    root = write_site(tmp_path / "site", {
        "content/posts/a.md": POST,
        "content/posts/walk/index.en.md": "---\ndate: 2025-01-01\ntitle: Walk\naudio: walk.mp3\nimage: pic.png\n---\nw\n",
    })
    os.symlink("loop.md", root / "content/posts/loop.md")
    os.symlink("gone.en.md", root / "content/posts/pair.en.md")
    os.symlink("gone.zh.md", root / "content/posts/pair.zh.md")
    os.symlink("walk.mp3", root / "content/posts/walk/walk.mp3")
    os.symlink(".", root / "content/posts/walk/self")
    result = build_fixture(root)  # must not raise
    found = [str(d) for d in result.diagnostics]
    for expected in ("content/posts/loop.md: error: is a link to loop.md, which does not exist (or links loop)",
                     "content/posts/pair.en.md: error: is a link to gone.en.md, which does not exist",
                     "content/posts/pair.zh.md: error: is a link to gone.zh.md, which does not exist",
                     "content/posts/walk/walk.mp3: warning: is a link to walk.mp3, which does not exist",
                     "content/posts/walk/self: warning: is a link to a folder, which is not followed",
                     "content/posts/walk/index.en.md:4: error: audio file 'walk.mp3' not found"):
        assert any(f.startswith(expected) for f in found), (expected, found)


def test_the_writer_refuses_a_path_that_leaves_the_output(tmp_path):
    """The last line of defence against a renderer's bad path: nothing is written outside."""
    import pytest

    from generator.writer import UnsafeOutput, write_files

    for rel in ("../escaped.html", "a/../../escaped.html", "/tmp/escaped.html"):
        with pytest.raises(UnsafeOutput):
            write_files({rel: b"x"}, tmp_path / "out")
    assert not (tmp_path / "escaped.html").exists()
    write_files({"a/../b..c/in.html": b"x", "x..y.html": b"y"}, tmp_path / "out")  # ".." inside a name is fine
    assert (tmp_path / "out/b..c/in.html").read_bytes() == b"x" and (tmp_path / "out/x..y.html").exists()
