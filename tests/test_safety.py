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
