"""The preview's rebuild after a save, told by the watcher which paths changed, gives the files and
diagnostics a clean build gives: after each kind of edit, and whenever the watcher's report is
incomplete or doubtful (a folder, a rename, a lost event, a link, a build that stopped early)."""
from __future__ import annotations

import logging
import os
import shutil
import threading
from pathlib import Path

import pytest

import generator.memo as memo_module
import generator.sources as sources
from generator.memo import BuildMemo
from generator.render import Lazy
from generator.serve.preview import Preview
from generator.serve.watcher import Watcher

REPO = Path(__file__).resolve().parent.parent
POSTS = "content/posts"


@pytest.fixture
def site(tmp_path) -> Path:
    """The example site (posts in every form, a bundle, recordings, translations.lock) with a site
    theme overriding a template and the UI strings."""
    root = tmp_path / "site"
    root.mkdir()
    for name in ("site.yaml", "content", "static", "translations.lock"):
        src = REPO / name
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, root / name)
    for name in ("templates/post.html", "i18n.yaml"):
        target = root / "themes/default" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / "themes/default" / name, target)
    return root.resolve()


def contents(preview: Preview) -> dict[str, bytes]:
    out = {}
    for path, value in preview.good.files.items():
        if isinstance(value, Lazy):
            value = preview.render(value, preview.good)[0]
        out[path] = value.read_bytes() if isinstance(value, Path) else value
    return out


def same_as_clean(preview: Preview, changed: set[str] | None, root: Path, ok: bool = True):
    """Rebuild, and compare with what a preview without a memo makes of the same sources, with the
    same build token: the diagnostics, and the files of a build that succeeded."""
    rebuilt = preview.rebuild(changed)
    fresh = Preview(root, cache=False)
    fresh.instance, fresh.count = preview.instance, preview.count - 1
    expected = fresh.rebuild()
    assert (rebuilt.ok, rebuilt.diagnostics) == (expected.ok, expected.diagnostics)
    assert rebuilt.ok == ok, rebuilt.diagnostics
    if ok:
        mine, files = contents(preview), contents(fresh)
        assert mine.keys() == files.keys()
        assert [p for p in files if mine[p] != files[p]] == []


def replace(path: Path, old: str, new: str) -> Path:
    text = path.read_text("utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), "utf-8")
    return path


def edit_post(root):
    return {replace(root / POSTS / "notes-on-solitude.md", "<!-- lang: en -->\n", "<!-- lang: en -->\nAdded.\n\n")}


def edit_split_post(root):
    return {replace(root / POSTS / "short-video-long-reading.zh.md", "reading]\n---\n", "reading]\n---\n新的一段。\n\n")}


def edit_unlinked(root):
    """A post without links to others: the memo hands its entry back between builds."""
    return {replace(root / POSTS / "写作的理由.zh.md", "## 周记里的谎\n", "## 周记里的谎\n\n新的一段。\n")}


def edit_page(root):
    return {replace(root / "content/pages/about.md", 'title: "About this diary"', 'title: "About"')}


def edit_footnote_string(root):
    """Markdown renders footnotes with a UI string: the same text gives other HTML."""
    return {replace(root / "themes/default/i18n.yaml", "footnotes: Notes", "footnotes: Endnotes")}


def edit_tags(root):
    return {replace(root / POSTS / "notes-on-solitude.md", "tags: [", "tags: [newtag, ")}


def edit_title(root):
    return {replace(root / POSTS / "notes-on-solitude.md", 'title: "Notes on Solitude"', 'title: "On Solitude"')}


def edit_bundle(root):
    return {replace(root / POSTS / "evening-walk-narrated/index.en.md", '"An Evening Walk, Read Aloud"',
                    '"An Evening Walk"')}


def add_bundle_file(root):
    target = root / POSTS / "evening-walk-narrated/extra.txt"
    target.write_text("an added file\n", "utf-8")
    return {target}


def add_post(root):
    target = root / POSTS / "a-new-day.md"
    target.write_text("---\ndate: 2025-03-01\ntags: [internet]\nen: {title: A new day}\n---\n"
                      "<!-- lang: en -->\nA new day.\n", "utf-8")
    return {target}


def add_language(root):
    target = root / POSTS / "short-video-long-reading.fr.md"
    text = (root / POSTS / "short-video-long-reading.en.md").read_text("utf-8")
    target.write_text(text, "utf-8")  # not a language of the site: an error, shown, then removed
    return {target}


def delete_post(root):
    target = root / POSTS / "notes-on-solitude.md"
    target.unlink()
    return {target}


def rename_post(root):
    old, new = root / POSTS / "notes-on-solitude.md", root / POSTS / "on-solitude.md"
    old.rename(new)
    return {old, new}


def rename_over_another(root):
    """`mv a.md b.md` onto an existing post: b changed, and a is gone."""
    old, new = root / POSTS / "notes-on-solitude.md", root / POSTS / "unfinished-thoughts.md"
    os.replace(old, new)
    return {old, new}


def delete_bundle(root):
    target = root / POSTS / "evening-walk-narrated"
    shutil.rmtree(target)
    return {target}


def rename_bundle(root):
    old, new = root / POSTS / "evening-walk-narrated", root / POSTS / "walk"
    old.rename(new)
    return {old, new}


def delete_linked_bundle(root):
    """Another post links to it: the rebuild fails, as a clean build does."""
    target = root / POSTS / "learning-a-language-alone"
    shutil.rmtree(target)
    return {target}


def edit_site_yaml(root):
    return {replace(root / "site.yaml", "posts_per_page: 5", "posts_per_page: 2")}


def edit_template(root):
    return {replace(root / "themes/default/templates/post.html", "</article>", "<p>edited</p></article>")}


def edit_string(root):
    return {replace(root / "themes/default/i18n.yaml", "archive_title: Archive", "archive_title: All posts")}


def edit_lock(root):
    """The English title as last synced differs from today's: the Chinese page is outdated."""
    return {replace(root / "translations.lock", "title 97606098279e", "title 000000000000")}


def slug_onto_an_unchanged_post(root):
    """The saved post takes the URL of a later one that the memo would hand back as it was: that
    one now has the duplicate URL, as in a clean build."""
    return {replace(root / POSTS / "2025-01-18-tiktok-refugees.md", "slug: tiktok-refugees", "slug: xie-zuo-de-li-you")}


def temporary_file_gone(root):
    """`sed -i`: written aside, renamed over the post; the aside name is reported, and gone."""
    post = root / POSTS / "notes-on-solitude.md"
    aside = root / POSTS / "sedX1b2c3"
    aside.write_text(post.read_text("utf-8").replace("<!-- lang: en -->\n", "<!-- lang: en -->\nSed.\n\n"), "utf-8")
    os.replace(aside, post)
    return {aside, post}


def unchanged_post_becomes_a_draft(root):
    """写作的理由 has no link: the memo would hand it back. Its neighbours, lists and tags lose it."""
    return {replace(root / POSTS / "写作的理由.zh.md", "date:", "draft: true\ndate:")}


def unchanged_post_becomes_unlisted(root):
    return {replace(root / POSTS / "写作的理由.zh.md", "date:", "visibility: unlisted\ndate:")}


def unchanged_post_becomes_private(root):
    return {replace(root / POSTS / "写作的理由.zh.md", "date:", "visibility: private\ndate:")}


def unchanged_post_becomes_future(root):
    return {replace(root / POSTS / "写作的理由.zh.md", "date: 2025-06-15", "date: 2099-06-15")}


def neighbour_of_an_unchanged_post_moves(root):
    """The handed-back 写作的理由's older and newer posts change: they belong to the site, not to it."""
    return {replace(root / POSTS / "2025-01-18-tiktok-refugees.md", "date: 2025-01-18", "date: 2025-07-01")}


def unchanged_post_gets_a_translation(root):
    target = root / POSTS / "写作的理由.en.md"
    target.write_text("---\ntitle: Why write\ndate: 2025-06-15\ntags: [writing]\n---\nWhy.\n", "utf-8")
    return {target}


def replace_recording(root):
    """The handed-back 写作的理由's recording, another file under the same name: its length and
    duration change, so its page, feeds and podcast do."""
    target = root / "static/audio/xie-zuo-de-li-you.zh.mp3"
    shutil.copyfile(root / POSTS / "evening-walk-narrated/evening-walk.en.mp3", target)
    return {target}


def edit_tag_name(root):
    """A tag's name is in site.yaml: every entry is made again."""
    return {replace(root / "site.yaml", "writing: {en: Writing", "writing: {en: Writings")}


def hide_missing_translations(root):
    """How lists show a post in one language only is kept with the entry: site.yaml changes it."""
    return {replace(root / "site.yaml", "missing_translation: mark", "missing_translation: hide")}


def add_theme_stylesheet(root):
    target = root / "themes/default/static/style.css"
    target.parent.mkdir()
    target.write_text((REPO / "themes/default/static/style.css").read_text("utf-8") + "\np { margin: 0 }\n", "utf-8")
    return {target}


def remove_theme_strings(root):
    target = root / "themes/default/i18n.yaml"
    target.unlink()
    return {target}


def remove_lock(root):
    """Every translation is untracked now, the unchanged entries' too."""
    target = root / "translations.lock"
    target.unlink()
    return {target}


EDITS = [edit_post, edit_split_post, edit_unlinked, edit_page, edit_footnote_string, edit_tags, edit_title, edit_bundle, add_bundle_file, add_post,
         delete_post, rename_post, rename_over_another, delete_bundle, rename_bundle, edit_site_yaml,
         edit_template, edit_string, edit_lock, temporary_file_gone, slug_onto_an_unchanged_post, delete_linked_bundle, add_language,
         unchanged_post_becomes_a_draft, unchanged_post_becomes_unlisted, unchanged_post_becomes_private,
         unchanged_post_becomes_future, neighbour_of_an_unchanged_post_moves, unchanged_post_gets_a_translation,
         replace_recording, edit_tag_name, hide_missing_translations, add_theme_stylesheet, remove_theme_strings, remove_lock]


@pytest.mark.parametrize("change", EDITS, ids=lambda f: f.__name__)
def test_a_rebuild_told_what_changed_is_a_clean_build(site, change):
    preview = Preview(site, memo=BuildMemo(), cache=False)
    assert preview.rebuild().ok
    same_as_clean(preview, set(), site)  # nothing changed
    changed = {str(p) for p in change(site)}
    ok = change not in (delete_linked_bundle, add_language, slug_onto_an_unchanged_post)
    same_as_clean(preview, changed, site, ok)
    same_as_clean(preview, set(), site, ok)  # and once more, from what that rebuild remembered


def test_unchanged_entries_are_not_looked_at_and_content_is_not_listed_again(site, monkeypatch):
    memo = BuildMemo()
    preview = Preview(site, memo=memo, cache=False)
    preview.rebuild()
    listed = []
    discover = sources.discover
    monkeypatch.setattr(sources, "discover", lambda folder: listed.append(folder) or discover(folder))
    for change, lists in ((edit_post, 0), (temporary_file_gone, 0), (add_post, 2)):  # a new file: listed
        listed.clear()
        assert preview.rebuild({str(p) for p in change(site)}).ok
        assert len(listed) == lists, change
        if not lists:  # only the saved post was read (a listing checks the others' stamps, and
            assert memo.misses == 1  # reads again one saved within seconds: not counted here)
        same_as_clean(preview, set(), site)


def test_entries_no_save_touched_are_handed_back_with_their_pages(site):
    """Those with nothing of the rest of the site in them (no link, alias or sized image)."""
    preview = Preview(site, memo=BuildMemo(), cache=False)
    preview.rebuild()
    before = {e.name: e for e in preview.good.site.entries}
    same_as_clean(preview, {str(p) for p in edit_page(site)}, site)
    after = {e.name: e for e in preview.good.site.entries}
    assert after["posts/写作的理由"] is before["posts/写作的理由"]  # reused, pages and all:
    assert after["posts/写作的理由"].cache[("plans", "zh")]
    assert after["pages/about"] is not before["pages/about"]  # the saved one is made again
    assert after["posts/notes-on-solitude"] is not before["posts/notes-on-solitude"]  # it links to others


def test_an_unchanged_entrys_problems_are_reported_again(site):
    """The memo hands an entry back with the problems found making it: a save elsewhere does not
    hide them."""
    preview = Preview(site, memo=BuildMemo(), cache=False)
    replace(site / "content/pages/about.md", "slug: about\n", "slug: about\nepisode_type: long\n")
    assert not preview.rebuild().ok
    same_as_clean(preview, {str(p) for p in edit_unlinked(site)}, site, ok=False)
    assert any("'episode_type' must be one of" in d.message for d in preview.rebuild(set()).diagnostics)


def test_the_theme_is_kept_until_a_file_of_it_changes(site, monkeypatch):
    """Loading it again each rebuild made a new template environment, which loaded every template
    of the page a tab shows again; a saved template or string file, or a new one, is seen."""
    import generator.build as build_module

    loads = []
    load_theme = build_module.load_theme
    monkeypatch.setattr(build_module, "load_theme", lambda *a: loads.append(a) or load_theme(*a))
    monkeypatch.setattr(memo_module, "RACY_NS", 0)  # the files were all written just now
    preview = Preview(site, memo=BuildMemo(), cache=False)
    preview.rebuild()
    theme = preview.good.theme
    assert preview.rebuild({str(p) for p in edit_post(site)}).ok
    assert preview.good.theme is theme and len(loads) == 1
    added = site / "themes/default/templates/extra.html"
    for change in (edit_template, edit_string, lambda root: [added.write_text("new", "utf-8") or added]):
        assert preview.rebuild({str(p) for p in change(site)}).ok
        assert preview.good.theme is not theme
        theme = preview.good.theme
    assert len(loads) == 4
    same_as_clean(preview, set(), site)


def test_a_post_put_back_with_an_older_time_is_read_again(site, monkeypatch):
    """The same for a post: its modification time and size as they were, its change time moved."""
    monkeypatch.setattr(memo_module, "RACY_NS", 0)
    preview = Preview(site, memo=BuildMemo(), cache=False)
    preview.rebuild()
    post = site / POSTS / "notes-on-solitude.md"
    before = post.stat()
    text = post.read_text("utf-8")
    post.write_text(text.replace("Notes on Solitude", "NOTES ON SOLITUDE", 1), "utf-8")  # the same size
    os.utime(post, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert post.stat().st_size == before.st_size
    same_as_clean(preview, {str(post)}, site)


def test_a_theme_file_put_back_with_an_older_time_is_seen(site, monkeypatch):
    """`cp -p`, `touch -r` or `rsync -a` give a file an older modification time, here the very
    time and size it had: the change time still moves."""
    monkeypatch.setattr(memo_module, "RACY_NS", 0)
    preview = Preview(site, memo=BuildMemo(), cache=False)
    preview.rebuild()
    template = site / "themes/default/templates/post.html"
    before = template.stat()
    text = template.read_text("utf-8")
    template.write_text(text.replace("</article>", "</ARTICLE>"), "utf-8")  # the same size
    os.utime(template, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert template.stat().st_size == before.st_size
    same_as_clean(preview, {str(template)}, site)


def test_a_theme_folder_made_where_there_was_none_is_seen(site, monkeypatch):
    """site.yaml names a theme whose folder is missing: an error, until the folder is made (empty,
    it falls back to the default theme's files)."""
    monkeypatch.setattr(memo_module, "RACY_NS", 0)
    replace(site / "site.yaml", "posts_per_page:", "theme: mine\nposts_per_page:")
    preview = Preview(site, memo=BuildMemo(), cache=False)
    assert not preview.rebuild().ok
    (site / "themes/mine").mkdir()
    same_as_clean(preview, {str(site / "themes/mine")}, site)


def test_a_theme_folder_linked_to_another_in_the_site_is_looked_into(site, monkeypatch):
    """A theme's static/ may be a link to a folder elsewhere in the site; the theme reads through
    it, and a stylesheet edited there is seen."""
    monkeypatch.setattr(memo_module, "RACY_NS", 0)
    shared = site / "styles"
    shared.mkdir()
    (shared / "extra.css").write_text("p { color: red }\n", "utf-8")
    (site / "themes/default/static").symlink_to(shared)
    preview = Preview(site, memo=BuildMemo(), cache=False)
    assert preview.rebuild().ok
    replace(shared / "extra.css", "red", "blue")
    same_as_clean(preview, {str(shared / "extra.css")}, site)


def test_an_error_shown_then_fixed(site):
    preview = Preview(site, memo=BuildMemo(), cache=False)
    preview.rebuild()
    added = add_language(site)
    same_as_clean(preview, {str(p) for p in added}, site, ok=False)
    for path in added:
        path.unlink()
    same_as_clean(preview, {str(p) for p in added}, site)


def test_without_a_report_everything_is_checked(site):
    preview = Preview(site, memo=BuildMemo(), cache=False)
    preview.rebuild()
    edit_post(site)
    same_as_clean(preview, None, site)


def test_a_report_naming_paths_otherwise_is_not_trusted(site, tmp_path):
    """A path outside the site (here: through a link to it) says nothing of what is inside."""
    preview = Preview(site, memo=BuildMemo(), cache=False)
    preview.rebuild()
    (tmp_path / "link").symlink_to(site)
    edit_post(site)
    same_as_clean(preview, {str(tmp_path / "link" / POSTS / "notes-on-solitude.md")}, site)


def test_changes_add_up_over_a_build_that_stopped_early(site, monkeypatch, capsys):
    """A build that stops before content/ is read (a broken site.yaml, a crash): the post edited
    meanwhile is read by the next build, though that one's report does not name it."""
    import generator.build as build_module

    preview = Preview(site, memo=BuildMemo(), cache=False)
    preview.rebuild()
    config = site / "site.yaml"
    good = config.read_text("utf-8")
    config.write_text(good + "\nlanguages: [\n", "utf-8")
    same_as_clean(preview, {str(config), *map(str, edit_post(site))}, site, ok=False)
    config.write_text(good, "utf-8")
    same_as_clean(preview, {str(config)}, site)

    load_config = build_module.load_config

    def crash(*args):
        raise RuntimeError("a bug")

    monkeypatch.setattr(build_module, "load_config", crash)
    assert not preview.rebuild({str(p) for p in edit_unlinked(site)}).ok
    monkeypatch.setattr(build_module, "load_config", load_config)
    same_as_clean(preview, {str(site / "static/favicon.svg")}, site)
    assert "a bug" in capsys.readouterr().err


def test_a_linked_post_is_looked_at_though_unreported(site, tmp_path):
    """Editing a linked file's target elsewhere sends no event for the link."""
    outside = tmp_path / "drafts" / "linked.md"
    outside.parent.mkdir()
    outside.write_text("---\ndate: 2025-03-02\nen: {title: Linked}\n---\n<!-- lang: en -->\nFirst.\n", "utf-8")
    (site / POSTS / "linked.md").symlink_to(outside)
    preview = Preview(site, memo=BuildMemo(), cache=False)
    preview.rebuild()
    replace(outside, "First.", "Second.")
    same_as_clean(preview, set(), site)
    assert b"Second." in contents(preview)["en/posts/linked/index.html"]


def test_a_folder_or_the_whole_site_in_the_report_lists_content_again(site):
    memo = BuildMemo()
    preview = Preview(site, memo=memo, cache=False)
    preview.rebuild()
    assert memo.plan(site, site / "content") == (memo.layout.groups, set())
    for path in (site, site / "content", site / "content/posts", site / POSTS / "evening-walk-narrated",
                 site / POSTS / "new-folder"):
        (site / POSTS / "new-folder").mkdir(exist_ok=True)
        memo.dirty = {str(path)}
        assert memo.plan(site, site / "content") is None, path
    memo.dirty = {str(site / "static/style.css"), str(site / "site.yaml")}
    assert memo.plan(site, site / "content") == (memo.layout.groups, set())


def _watch(root: Path):
    calls: list[set[str]] = []
    seen = threading.Event()

    def rebuild(paths):
        calls.append(paths)
        seen.set()

    return Watcher(root, rebuild, quiet=0.3, settled=0.3).start(), calls, seen


def test_a_rename_reports_the_name_that_left_too(site):
    watcher, calls, seen = _watch(site)
    try:
        os.replace(site / POSTS / "notes-on-solitude.md", site / POSTS / "unfinished-thoughts.md")
        assert seen.wait(15)
    finally:
        watcher.stop()
    assert {str(site / POSTS / "notes-on-solitude.md"), str(site / POSTS / "unfinished-thoughts.md")} <= set().union(*calls)


def test_lost_events_report_the_whole_site(site):
    """watchdog only logs an overflow of the kernel's event queue."""
    watcher, calls, seen = _watch(site)
    try:
        logging.getLogger("watchdog.observers.inotify_c").warning("Inotify queue overflowed; filesystem events were lost")
        assert seen.wait(15)
    finally:
        watcher.stop()
    assert calls == [{str(site)}]
    memo = BuildMemo()
    Preview(site, memo=memo, cache=False).rebuild()
    memo.hint(calls[0])
    assert memo.plan(site, site / "content") is None


def test_a_lock_saved_just_now_is_read_again_by_the_next_rebuild(site):
    """Within the file system clock's margin a second save can keep the first one's stamps."""
    memo = BuildMemo()
    preview = Preview(site, memo=memo, cache=False)
    preview.rebuild()
    assert memo.lock_read is not None  # copied with its old stamps: remembered
    same_as_clean(preview, {str(p) for p in edit_lock(site)}, site)
    assert memo.lock_read is None


def test_a_page_rendered_while_search_digests_another_is_its_own(site):
    """Search's thread works out pages' inputs digests (the values a page's template receives,
    handed on to its render) while a browser's request renders a page: the thread may switch
    between any two lines, and a page must never be rendered with another page's values. Here the
    switch happens inside the request's render, after its first line."""
    import sys

    preview = Preview(site, memo=BuildMemo(), cache=False)
    preview.rebuild()
    files = preview.good.files
    page, other = files["en/posts/notes-on-solitude/index.html"], files["zh/posts/xie-zuo-de-li-you/index.html"]
    expected = Preview(site, cache=False)
    expected.instance, expected.count = preview.instance, preview.count - 1
    expected.rebuild()
    want = expected.good.files["en/posts/notes-on-solitude/index.html"]()[0]
    for thread in threading.enumerate():  # the search index of the build, made meanwhile
        if thread.name == "riji-search":
            thread.join()
    page.inputs(*page.args)  # search's thread: this page's values, kept for its render
    lines = []

    def trace(frame, event, arg):
        if event == "call" and frame.f_code.co_name == "values_of" and not lines:
            return step

    def step(frame, event, arg):
        if event == "line":
            lines.append(frame.f_lineno)
            if len(lines) == 2:  # the request's thread is switched out here: search digests the next page
                sys.settrace(None)
                other.inputs(*other.args)
        return step

    sys.settrace(trace)
    try:
        got = page.fn(*page.args)[0]  # the request's render
    finally:
        sys.settrace(None)
    assert len(lines) >= 2
    assert got == want


def test_a_theme_file_saved_twice_in_one_tick_is_read_again(site):
    """Two saves of a template within the file system clock's tick, of the same size, leave the same
    stamps: a theme loaded from a file saved that lately is not kept."""
    template = site / "themes/default/templates/post.html"
    preview = Preview(site, memo=BuildMemo(), cache=False)
    preview.rebuild()
    replace(template, "</article>", "<p>one</p></article>")
    stamp = os.stat(template).st_mtime_ns
    same_as_clean(preview, {str(template)}, site)
    replace(template, "<p>one</p>", "<p>two</p>")
    os.utime(template, ns=(stamp, stamp))
    same_as_clean(preview, {str(template)}, site)
