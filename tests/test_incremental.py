"""A build that keeps last build's files where their inputs are unchanged gives, byte for byte,
the tree a clean build gives: after each kind of edit, after deletes and renames, and after a
build that died halfway."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

import generator.build as build_module
import generator.writer as writer
from generator.build import BuildOptions, build_to

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
POSTS = "content/posts"


@pytest.fixture
def site(tmp_path) -> Path:
    """The example site: posts in every form, a bundle, recordings, static files."""
    root = tmp_path / "site"
    root.mkdir()
    for name in ("site.yaml", "content", "static"):
        src = REPO / name
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, root / name)
    return root


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def incremental(root: Path, workers: int = 1):
    result = build_to(root, root / "output", BuildOptions(workers=workers))
    assert result.ok, [d.message for d in result.diagnostics]
    return result


def clean(root: Path, tmp: Path) -> dict[str, bytes]:
    """What a build from nothing makes of the same sources."""
    copy = tmp / "clean"
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns("output", ".riji-cache", ".output.riji-*"))
    result = build_to(copy, copy / "output", BuildOptions(workers=1, cache=False))
    assert result.ok and result.kept == 0
    return tree(copy / "output")


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), "utf-8")


def override(root: Path, name: str, old: str, new: str) -> Path:
    """A site theme file over the default one's, with one change."""
    source = REPO / "themes" / "default" / name
    target = root / "themes" / "default" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(source.read_text("utf-8").replace(old, new, 1), "utf-8")
    return target


def edit_post(root):
    replace(root / POSTS / "notes-on-solitude.md", "<!-- lang: en -->\n", "<!-- lang: en -->\nAn added line.\n\n")


def edit_tags(root):
    replace(root / POSTS / "notes-on-solitude.md", "tags: [", "tags: [newtag, ")


def edit_template(root):
    target = root / "themes/default/templates/post.html"
    replace(target, "</article>", "<p>edited template</p></article>")


def edit_string(root):
    replace(root / "themes/default/i18n.yaml", "archive_title: Archive", "archive_title: All posts")


def edit_site_yaml(root):
    replace(root / "site.yaml", "posts_per_page: 5", "posts_per_page: 2")


def edit_static(root):
    (root / "static" / "favicon.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>\n', "utf-8")


def edit_audio(root):
    shutil.copyfile(FIXTURES / "voice.mp3", root / "static/audio/xie-zuo-de-li-you.zh.mp3")  # no chapters


def edit_translation(root):
    """Changes the other column of the English side-by-side view, not the English post."""
    replace(root / POSTS / "short-video-long-reading.zh.md", "于是我做了一件", "于是，我做了一件")


def delete_post(root):
    (root / POSTS / "notes-on-solitude.md").unlink()


def rename_post(root):
    (root / POSTS / "notes-on-solitude.md").rename(root / POSTS / "on-solitude.md")


EDITS = [edit_post, edit_tags, edit_template, edit_string, edit_site_yaml, edit_static, edit_audio,
         edit_translation, delete_post, rename_post]


@pytest.fixture
def themed(site) -> Path:
    """The site with a site theme overriding a template and the UI strings (to be edited)."""
    override(site, "templates/post.html", "</article>", "</article>")
    override(site, "i18n.yaml", "", "")
    return site


@pytest.mark.parametrize("change", EDITS, ids=lambda f: f.__name__)
def test_after_each_edit_the_output_is_a_clean_builds(themed, tmp_path, change):
    incremental(themed)
    assert incremental(themed).replayed  # nothing changed: the last build stands
    change(themed)
    result = incremental(themed)
    assert not result.replayed
    assert result.kept and result.made  # the fast path ran, and something was made again
    assert tree(themed / "output") == clean(themed, tmp_path)


def test_a_template_in_a_folder_linked_into_the_theme_is_seen(themed, tmp_path):
    """Templates are read through a link to a folder (in the site); one edited there makes its
    pages again."""
    parts = themed / "parts"
    parts.mkdir()
    (parts / "note.html").write_text("<p>first note</p>\n", "utf-8")
    (themed / "themes/default/templates/parts").symlink_to(parts)
    replace(themed / "themes/default/templates/post.html", "</article>", '{% include "parts/note.html" %}</article>')
    incremental(themed)
    replace(parts / "note.html", "first", "second")
    incremental(themed)
    assert tree(themed / "output") == clean(themed, tmp_path)


def test_no_op_build_makes_no_page_and_forked_workers_keep_files_too(site, tmp_path, monkeypatch):
    first = incremental(site)
    again = build_to(site, site / "output", BuildOptions(workers=1, reuse=False))  # not the no-op shortcut
    assert not again.replayed and again.kept >= again.pages > 0 and again.made < first.made  # every page kept
    monkeypatch.setattr(writer, "PARALLEL_FILES", 1)  # fork even for a site this small
    edit_post(site)
    forked = incremental(site, workers=2)
    assert forked.kept and forked.made < first.made
    assert tree(site / "output") == clean(site, tmp_path)


def test_an_edited_text_works_out_only_the_values_of_pages_that_read_it(site, tmp_path, monkeypatch):
    """Each page records which entries its values read, and a list only their cards; after an edit of
    one post's text, the others keep last build's digest without their values being worked out
    (render.previous)."""
    from generator.render import html

    incremental(site)
    worked_out = Counter()
    for kind, values in html.PAGE_KINDS.items():
        monkeypatch.setitem(html.PAGE_KINDS, kind,
                            lambda ctx, plan, values=values: (worked_out.update([plan.output]), values(ctx, plan))[1])
    edit_post(site)  # its text, below the summary its front matter gives: no list shows what changed
    result = incremental(site)
    assert "en/posts/notes-on-solitude/index.html" in worked_out  # its own page and its side-by-side one
    assert not [p for p in worked_out if "/tags/" in p or "archive" in p or p.endswith(("en/index.html", "/2/"))]
    assert "zh/posts/xie-zuo-de-li-you/index.html" not in worked_out  # reads nothing of it
    assert len(worked_out) < result.pages / 10
    assert tree(site / "output") == clean(site, tmp_path)
    shutil.rmtree(tmp_path / "clean")
    edit_summary_before_more(site)  # what its cards show: the lists showing it too
    worked_out.clear()
    result = incremental(site)
    assert "en/posts/tiktok-refugees/index.html" in worked_out and "en/archive/index.html" in worked_out
    assert "zh/posts/xie-zuo-de-li-you/index.html" not in worked_out
    assert len(worked_out) < result.pages / 3
    assert tree(site / "output") == clean(site, tmp_path)
    shutil.rmtree(tmp_path / "clean")
    edit_tags(site)  # no longer only a text: every page's values are worked out again
    worked_out.clear()
    result = incremental(site)
    assert len(worked_out) >= result.pages
    assert tree(site / "output") == clean(site, tmp_path)


def test_an_edited_text_digests_only_the_feeds_and_readings_that_carry_it(site, tmp_path, monkeypatch):
    """A feed records its posts, a pinyin.json its document: after an edit of one post's text, the
    others keep last build's digest without digesting their posts again (render.previous)."""
    from generator.render import feeds, pinyin

    incremental(site)
    worked_out = Counter()
    for module in (feeds, pinyin):
        def spy(reads, path, names, work, real=module.recorded):
            return real(reads, path, names, lambda: (worked_out.update([path]), work())[1])
        monkeypatch.setattr(module, "recorded", spy)
    edit_post(site)
    result = incremental(site)
    assert {"en/feed.xml", "en/atom.xml", "en/tags/solitude/feed.xml"} <= set(worked_out)
    outputs = [p for p in result.files if p.endswith((".xml", "pinyin.json")) and "sitemap" not in p]
    assert "zh/posts/xie-zuo-de-li-you/pinyin.json" in outputs and not any(p.endswith("pinyin.json") for p in worked_out)
    assert not any("/tags/" in p and "/solitude/" not in p and "/attention/" not in p for p in worked_out)
    assert len(worked_out) < len(outputs) / 2
    assert tree(site / "output") == clean(site, tmp_path)


def test_a_text_edit_keeps_the_sitemap_and_the_feeds_of_other_posts(site, tmp_path, monkeypatch):
    """The sitemap is made of the site's frame only, the root feeds and podcast feeds of it and their
    posts' text: an edit to a post's text makes again only those that carry the post."""
    from generator.render import feeds, podcast, sitemap

    incremental(site)
    made = Counter()
    for module, name in ((sitemap, "_sitemap"), (feeds, "_root_feed"), (podcast, "_feed")):
        def spy(site_, *args, real=getattr(module, name), name=name):
            made.update([name])
            return real(site_, *args)
        monkeypatch.setattr(module, name, spy)
    edit_post(site)  # a post in the root feeds, not an episode
    incremental(site)
    assert made == Counter({"_root_feed": 2})
    assert tree(site / "output") == clean(site, tmp_path)
    shutil.rmtree(tmp_path / "clean")
    made.clear()
    edit_featured_lead(site)  # an episode's text: the podcast feeds that carry it (each language's)
    incremental(site)
    assert made["_feed"] and made["_root_feed"] == 2 and not made["_sitemap"]
    assert tree(site / "output") == clean(site, tmp_path)


def test_a_post_named_on_this_day_or_as_a_neighbour_keeps_the_page_that_names_it(site, tmp_path, monkeypatch):
    """Other posts' pages name a post by its title, date and URL only (its neighbours', and those of
    the same day in other years): an edit to its text leaves those pages' inputs as they were."""
    from generator.render import html

    (site / POSTS / "a-year-before.md").write_text(
        "---\ndate: 2024-01-18\nen: {title: \"A year before\"}\n---\nThe same day, a year before.\n", "utf-8")
    incremental(site)
    assert b"From TikTok to RedNote" in (site / "output/en/posts/a-year-before/index.html").read_bytes()
    worked_out = Counter()
    for kind, values in html.PAGE_KINDS.items():
        monkeypatch.setitem(html.PAGE_KINDS, kind,
                            lambda ctx, plan, values=values: (worked_out.update([plan.output]), values(ctx, plan))[1])
    replace(site / POSTS / "2025-01-18-tiktok-refugees.md", "For most of this week", "For all of this week")
    incremental(site)
    assert "en/posts/tiktok-refugees/index.html" in worked_out
    assert "en/posts/a-year-before/index.html" not in worked_out  # on this day, and its newer neighbour
    assert tree(site / "output") == clean(site, tmp_path)


def test_pinyin_files_are_kept_without_being_made_again(site, monkeypatch):
    """A pinyin.json's inputs are its runs: a build that changed nothing of them keeps each file."""
    import generator.render.pinyin as pinyin_files

    incremental(site)
    made = []
    readings = pinyin_files._readings
    monkeypatch.setattr(pinyin_files, "_readings", lambda *args: made.append(args) or readings(*args))
    again = build_to(site, site / "output", BuildOptions(workers=1, reuse=False))
    assert again.ok and any((site / "output").rglob(pinyin_files.NAME)) and not made


def test_a_hand_edited_output_file_is_made_again(site, tmp_path):
    incremental(site)
    page = site / "output" / "en" / "archive" / "index.html"
    page.write_bytes(page.read_bytes() + b"tampered")
    incremental(site)
    assert tree(site / "output") == clean(site, tmp_path)


class Killed(BaseException):
    pass


def test_a_build_killed_halfway_leaves_the_last_good_site_and_the_next_is_clean(site, tmp_path, monkeypatch):
    incremental(site)
    before = tree(site / "output")
    edit_post(site)
    real, calls = writer._unchanged, []

    def dies(*args):
        calls.append(1)
        if len(calls) > 10:
            raise Killed()
        return real(*args)

    monkeypatch.setattr(writer, "_unchanged", dies)
    with pytest.raises(Killed):
        build_to(site, site / "output", BuildOptions(workers=1))
    monkeypatch.setattr(writer, "_unchanged", real)
    assert tree(site / "output") == before  # the last good site, untouched
    incremental(site)
    assert tree(site / "output") == clean(site, tmp_path)


def test_a_build_killed_while_it_moved_its_files_in_is_finished_by_the_next(site, tmp_path, monkeypatch):
    """The journal names what was to move in and go: the next build completes the swap first."""
    incremental(site)
    edit_post(site)
    delete_post_too = site / POSTS / "about-to-change.en.md"
    delete_post_too.write_text("---\ndate: 2025-02-01\ntitle: Going\n---\nSoon gone.\n", "utf-8")
    incremental(site)
    delete_post_too.unlink()
    replace(site / POSTS / "notes-on-solitude.md", "An added line.", "Another line.")
    real, moved = os.replace, []

    def dies(src, dst):
        if ".riji-new" in str(src):
            if moved:
                raise Killed()
            moved.append(dst)
        return real(src, dst)

    monkeypatch.setattr(writer.os, "replace", dies)
    with pytest.raises(Killed):
        build_to(site, site / "output", BuildOptions(workers=1))
    monkeypatch.setattr(writer.os, "replace", real)
    assert len(moved) == 1 and (site / ".output.riji-journal").exists()
    incremental(site)
    assert not (site / ".output.riji-journal").exists()
    assert not [p for p in site.iterdir() if ".riji-new" in p.name]
    assert tree(site / "output") == clean(site, tmp_path)


def test_an_edit_updates_output_in_place(site, tmp_path):
    """No new tree: the files unchanged are the very same files, in the same folders."""
    incremental(site)
    out = site / "output"
    page = out / "en" / "about" / "index.html"
    same = (out.stat().st_ino, page.stat().st_ino)
    edit_post(site)
    result = incremental(site)
    assert 0 < result.made < result.kept
    assert (out.stat().st_ino, page.stat().st_ino) == same
    assert not [p for p in site.iterdir() if p.name.startswith(".output.riji-") and p.name != ".output.riji-lock"]
    assert tree(out) == clean(site, tmp_path)


def test_names_riji_did_not_write_go_and_nothing_is_written_through_a_link(site, tmp_path):
    incremental(site)
    out = site / "output"
    (out / "stray.txt").write_text("not riji's", "utf-8")
    (out / "en" / "junk" / "deep").mkdir(parents=True)
    (out / "en" / "junk" / "deep" / "x.html").write_text("junk", "utf-8")
    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(out / "en" / "archive", elsewhere)
    kept_there = tree(elsewhere)
    shutil.rmtree(out / "en" / "archive")
    (out / "en" / "archive").symlink_to(elsewhere)  # a folder of riji's now a link to another
    (out / "zh" / "about").rename(out / "zh" / "about-moved")
    edit_post(site)
    incremental(site)
    assert not (out / "en" / "archive").is_symlink()
    assert tree(elsewhere) == kept_there
    assert tree(out) == clean(site, tmp_path)


def test_killed_after_the_swap_before_the_manifest_was_saved(site, tmp_path, monkeypatch):
    """The manifest then describes the tree before: the new files' stamps do not match it."""
    incremental(site)
    edit_post(site)
    monkeypatch.setattr(writer, "_save_kept", lambda *args: None)
    incremental(site)
    monkeypatch.undo()
    replace(site / POSTS / "notes-on-solitude.md", "An added line.", "Another line.")
    incremental(site)
    assert tree(site / "output") == clean(site, tmp_path)


def test_a_one_post_edit_rewrites_only_the_memo_shards_it_changed(site, tmp_path):
    from generator.memo import load_memo, memo_path

    incremental(site)
    folder = memo_path(site)
    before = {p.name: os.stat(p).st_ino for p in folder.iterdir()}
    remembered = load_memo(folder)
    edit_post(site)
    incremental(site)
    after = {p.name: os.stat(p).st_ino for p in folder.iterdir()}
    rewritten = [name for name in after if before.get(name) != after[name]]
    assert 1 <= len(rewritten) <= 3 and after.keys() == before.keys()  # the entry's, the old and new Markdown's
    now = load_memo(folder)
    assert now.entries.keys() == remembered.entries.keys() and len(now.markdown) == len(remembered.markdown)
    (folder / rewritten[0]).write_bytes(b"damaged")  # a damaged shard only loses what it held
    incremental(site)
    assert tree(site / "output") == clean(site, tmp_path)
    assert load_memo(folder).entries.keys() == remembered.entries.keys()


def track_pages(monkeypatch, attribute: str) -> Counter:
    """Calls per output path of each page's `attribute` ("fn": renders, "inputs": digests) from now on."""
    calls, real = Counter(), build_module.render_html

    def tracked(*args, **kwargs):
        out = real(*args, **kwargs)
        for path, page in out.items():
            call = getattr(page, attribute)
            if call is not None:
                setattr(page, attribute, lambda *arg, call=call, path=path: (calls.update([path]), call(*arg))[1])
        return out

    monkeypatch.setattr(build_module, "render_html", tracked)
    return calls


def test_pages_rendered_for_search_keep_their_inputs_for_the_next_build(site, tmp_path, monkeypatch):
    """Search renders a language's pages before the writer: they still tell the writer their inputs,
    so a later build that reuses that language's index keeps them without rendering them."""
    from generator import cachefiles
    from generator.search import searchable

    result = incremental(site)
    _where, kept, _basis, _folders = cachefiles.load(site / ".riji-cache" / "output.pickle")
    pages = [path for path in searchable(result.site) if path in kept]
    assert pages and all(kept[path][0] is not None for path in pages)
    rendered = track_pages(monkeypatch, "fn")
    edit_post(site)  # an English-only post: the other languages' indexes are reused
    incremental(site)
    assert rendered and not [p for p in rendered if p in pages and not p.startswith("en/")]
    assert tree(site / "output") == clean(site, tmp_path)


def test_each_page_works_out_its_inputs_once(site, monkeypatch):
    """Search asks for the inputs of the pages it offers, then the writer asks again: one digest."""
    incremental(site)
    calls = track_pages(monkeypatch, "inputs")
    edit_post(site)
    incremental(site)
    assert calls and max(calls.values()) == 1


def test_titles_and_summaries_are_spaced_once_across_builds(site, tmp_path, monkeypatch):
    """Han/Latin spacing of each title and summary is remembered by the memo with the Markdown."""
    from generator import typography

    incremental(site)
    calls, real = [], typography.space_text
    monkeypatch.setattr(typography, "space_text", lambda text: (calls.append(text), real(text))[1])
    build_to(site, site / "output", BuildOptions(workers=1, reuse=False))
    assert not calls
    replace(site / POSTS / "写作的理由.zh.md", 'title: "写作的理由"', 'title: "写作的理由：Why"')
    incremental(site)
    assert sorted(calls) == ["写作的理由：Why", "寫作的理由：Why"]  # and the one OpenCC makes of it
    assert tree(site / "output") == clean(site, tmp_path)


def test_side_by_side_views_are_aligned_only_when_made(site, tmp_path, monkeypatch):
    """Aligning two languages costs more than the rest of the page: working out whether a view
    changed (its inputs digest) never aligns, so a one-post edit aligns only that post's views."""
    from generator.render import side_by_side

    incremental(site)
    aligned, real = [], side_by_side.pairs
    monkeypatch.setattr(side_by_side, "pairs", lambda doc, *rest: (aligned.append(doc.url), real(doc, *rest))[1])
    edit_translation(site)
    result = incremental(site)
    assert result.kept and "en/posts/short-video-long-reading/" in aligned
    assert {url.split("/", 1)[1] for url in aligned} == {"posts/short-video-long-reading/"}
    assert tree(site / "output") == clean(site, tmp_path)


def test_search_works_out_its_pages_inputs_on_every_core(site, tmp_path, monkeypatch):
    """Search keys each language by the inputs of all its pages: they are digested on every core, a
    forked worker (here forced on a small site) taking a share beside the build's own process."""
    from generator import render
    from generator.search import searchable

    result = incremental(site)
    monkeypatch.setattr(render, "PARALLEL_FILES", 1)
    calls = track_pages(monkeypatch, "inputs")  # counts what this process digests
    edit_post(site)
    assert build_to(site, site / "output", BuildOptions(workers=2)).ok
    pages = set(searchable(result.site))
    assert calls and pages - set(calls)
    assert tree(site / "output") == clean(site, tmp_path)


def test_templates_compiled_by_one_build_are_read_by_the_next(themed, tmp_path, monkeypatch):
    """.riji-cache/ keeps the compiled templates: a new process compiles none of them again, only a
    template whose source changed, and the page shows the change."""
    import jinja2

    from generator import theme

    incremental(themed)
    assert (themed / ".riji-cache" / "templates.pickle").is_file()
    monkeypatch.setattr(theme, "COMPILED", theme._CompiledTemplates())  # as a new process starts
    compiled, real = Counter(), jinja2.Environment.compile
    monkeypatch.setattr(jinja2.Environment, "compile", lambda self, source, name=None, filename=None, *a, **k: (
        compiled.update([name]), real(self, source, name, filename, *a, **k))[1])
    edit_post(themed)
    incremental(themed)
    assert not compiled
    edit_template(themed)
    incremental(themed)
    assert list(compiled) == ["post.html"]
    assert "edited template" in (themed / "output/en/posts/notes-on-solitude/index.html").read_text("utf-8")
    assert tree(themed / "output") == clean(themed, tmp_path)


def test_a_post_has_one_card_per_language_however_many_lists_show_it(site, monkeypatch):
    """The home pages, each tag's pages and the archive all list a post: its card is made once,
    and digested once, per language of the list."""
    from generator.render import html

    made, real = Counter(), html.Context._card
    monkeypatch.setattr(html.Context, "_card", lambda self, item: (
        made.update([(self.lang.code, item.doc.url, item.other_language)]), real(self, item))[1])
    incremental(site)
    assert made and max(made.values()) == 1


DIGESTS = """
import json, sys
from pathlib import Path
from generator.build import BuildOptions, build
from generator.render import inputs_of
result = build(Path(sys.argv[1]), BuildOptions(lazy=True, search=False, cache=False))
print(json.dumps({p: (d or b"").hex() for p, v in result.files.items() if (d := inputs_of(v)) is not None}))
"""


def test_inputs_digests_are_the_same_in_every_process(site):
    """Python salts its string hashes per process, so a set's order (and its pickle) changes from
    one run to the next: no value a digest reads may depend on it, or the next build makes again
    what it could keep (a post's code token classes, as a set, remade every tag feed)."""
    def digests(seed: str) -> dict:
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(REPO)}
        out = subprocess.run([sys.executable, "-c", DIGESTS, str(site)], env=env, capture_output=True,
                             text=True, check=True)
        return json.loads(out.stdout)

    first, second = digests("1"), digests("2")
    assert any(p.endswith("/feed.xml") for p in first) and len(first) > 50
    assert [p for p in first if first[p] != second.get(p)] == []


def test_a_moment_is_digested_with_its_zone():
    """Aware datetimes are digested as their time and zone name (not reduced object by object):
    the same instant in two zones shows two different dates, so it must not digest the same."""
    from datetime import datetime, timezone
    from zoneinfo import ZoneInfo

    from generator.inputs import digest

    utc = datetime(2026, 3, 1, 23, 30, tzinfo=timezone.utc)
    shanghai = utc.astimezone(ZoneInfo("Asia/Shanghai"))
    assert digest(utc) == digest(datetime(2026, 3, 1, 23, 30, tzinfo=timezone.utc))
    assert digest(shanghai) == digest(utc.astimezone(ZoneInfo("Asia/Shanghai")))
    assert len({digest(utc), digest(shanghai), digest(utc.replace(tzinfo=None)),
                digest(shanghai.replace(tzinfo=ZoneInfo("Asia/Taipei")))}) == 4


# -- text-only edits: the site's frame (render.previous) is unchanged, so every page whose recorded
# entries kept their text keeps last build's digest without its values being worked out ---------------

def edit_derived_fields(root):
    """An English-only post's reading time, headings, contents, footnotes and Han text (pinyin):
    its cards in every language's lists (in zh and zh-hant "only in English"), its neighbours."""
    words = " ".join(["word"] * 900)
    replace(root / POSTS / "notes-on-solitude.md", "<!-- lang: en -->\n",
            f"<!-- lang: en -->\n[TOC]\n\n{words} 孤独是一间屋子。[^x]\n\n## A new heading\n\n[^x]: A note.\n\n")


def edit_featured_lead(root):
    """The newest post's first paragraph: the lead of the first home page (and of the root's)."""
    replace(root / POSTS / "evening-walk-narrated/index.en.md", "This is a short one", "This is a very short one")


def edit_summary_before_more(root):
    """A summary made of the text before `<!-- more -->`: the cards of the post, its alias's page."""
    replace(root / POSTS / "2025-01-18-tiktok-refugees.md", "For most of this week", "For most of this long week")


def edit_chinese_only_post(root):
    """A post only in Chinese: its zh-hant pages (made by OpenCC), "only in Chinese" cards in English."""
    replace(root / POSTS / "写作的理由.zh.md", "## 周记里的谎\n", "## 周记里的谎\n\n新加的一段。" + "字" * 900 + "\n\n")


def resize_bundle_image(root):
    """The image's size is in the post's HTML, not in its text."""
    from PIL import Image

    Image.new("RGB", (80, 50), "red").save(root / POSTS / "learning-a-language-alone/notebook.png")


def add_known_code_language(root):
    """A code block in a language another post has: code.css keeps its classes, the frame stands."""
    replace(root / POSTS / "notes-on-solitude.md", "<!-- lang: en -->\n",
            "<!-- lang: en -->\n```python\nprint('hi')\n```\n\n")


TEXT_EDITS = [edit_post, edit_translation, edit_derived_fields, edit_featured_lead, edit_summary_before_more,
              edit_chinese_only_post, resize_bundle_image, add_known_code_language]


@pytest.mark.parametrize("change", TEXT_EDITS, ids=lambda f: f.__name__)
def test_after_a_text_edit_the_pages_kept_by_their_reads_are_a_clean_builds(themed, tmp_path, change):
    before = incremental(themed)
    change(themed)
    after = incremental(themed)
    # the fast path was taken
    assert before.reads.basis() is not None and after.reads.basis().frame == before.reads.basis().frame
    assert after.kept and after.made
    assert tree(themed / "output") == clean(themed, tmp_path)


def test_a_new_code_language_makes_code_css_and_every_page_again(themed, tmp_path):
    """A post's code token classes feed code.css, whose fingerprinted name every page links: a new
    language changes the shared inputs, so no page keeps last build's digest."""
    before = incremental(themed)
    old_css = {p for p in tree(themed / "output") if p.startswith("assets/code")}
    replace(themed / POSTS / "notes-on-solitude.md", "<!-- lang: en -->\n",
            '<!-- lang: en -->\n```haskell\nmain :: IO ()\nmain = putStrLn "hi" -- a comment\n```\n\n')
    after = incremental(themed)
    assert after.reads.basis().frame != before.reads.basis().frame
    assert {p for p in tree(themed / "output") if p.startswith("assets/code")} != old_css
    assert tree(themed / "output") == clean(themed, tmp_path)


def test_text_edits_of_a_locked_translation_outdated_edited_again_and_synced(themed, tmp_path, monkeypatch):
    """With translations.lock, an edit of the original makes its translation outdated (a notice on
    its own pages), a second edit leaves it outdated, a sync takes the notice away: the frame stands
    each time, so the pages of other posts are not worked out again (at 5,000 posts the first
    build after such an edit took twice as long as the next)."""
    from generator.cli import main
    from generator.render import html

    shutil.copy2(REPO / "translations.lock", themed / "translations.lock")
    post = themed / POSTS / "2025-01-18-tiktok-refugees.md"
    before = incremental(themed)
    worked_out = Counter()
    for kind, values in html.PAGE_KINDS.items():
        monkeypatch.setitem(html.PAGE_KINDS, kind,
                            lambda ctx, plan, values=values: (worked_out.update([plan.output]), values(ctx, plan))[1])
    notices = []
    for change in (lambda: replace(post, "For most of this week", "For most of this long week"),
                   lambda: replace(post, "this long week", "this very long week"),
                   lambda: main(["status", "--site", str(themed), "--sync", str(post)])):
        change()
        worked_out.clear()
        result = incremental(themed)
        assert result.reads.basis().frame == before.reads.basis().frame
        assert "zh/posts/tiktok-refugees/index.html" in worked_out
        assert "zh/posts/xie-zuo-de-li-you/index.html" not in worked_out and len(worked_out) < result.pages / 3
        notices.append(b"outdated-notice" in (themed / "output/zh/posts/tiktok-refugees/index.html").read_bytes())
        assert tree(themed / "output") == clean(themed, tmp_path)
        shutil.rmtree(tmp_path / "clean")
    assert notices == [True, True, False]


def test_a_build_reads_of_translations_lock_only_the_parts_of_documents_that_changed(site, monkeypatch):
    """`riji build` keeps each document's translation status by its text and its part of the lock;
    the next build reads only the parts it must (at 5,000 posts reading the whole file and working
    out every status took 1.6 s of a one-post build), finds what a build without cache finds, and
    still reports a problem anywhere in the file at its line."""
    from generator.build import build
    from generator.translations import lock as lockfile

    shutil.copy2(REPO / "translations.lock", site / "translations.lock")
    incremental(site)
    read = []
    part = lockfile.part
    monkeypatch.setattr(lockfile, "part", lambda line, text, name: read.append(name) or part(line, text, name))

    def same_as_without_cache():
        result = build(site, BuildOptions(workers=1))
        alone = build(site, BuildOptions(workers=1, cache=False))
        assert result.translations == alone.translations
        assert [str(d) for d in result.diagnostics] == [str(d) for d in alone.diagnostics]
        return result

    replace(site / POSTS / "2025-01-18-tiktok-refugees.md", "For most of this week", "For most of this long week")
    result = same_as_without_cache()
    assert read == ["posts/2025-01-18-tiktok-refugees"]
    assert [(i.name, i.lang, i.state) for i in result.translations.items if i.state == "outdated"] == \
        [("posts/2025-01-18-tiktok-refugees", "zh", "outdated")]
    read.clear()
    assert same_as_without_cache().translations == result.translations and read == []
    lock = site / "translations.lock"
    text = lock.read_text("utf-8")
    lock.write_text(text.replace("  slug: about\n", "  slug: about\n  colour: blue\n", 1), "utf-8")
    result = same_as_without_cache()  # a document that did not change: its part is read again all the same
    assert [d.line for d in result.diagnostics if d.path == "translations.lock" and d.severity == "error"] == [5]
    lock.write_text(text + "posts/gone:\n  slug: gone\n  en:\n    file: content/posts/gone.md\n    blocks: 1\n", "utf-8")
    result = same_as_without_cache()  # the record of a document that is no more
    assert any("posts/gone.en" in d.message for d in result.diagnostics if d.path == "translations.lock")


def test_text_edits_of_posts_on_this_day_unlisted_and_with_aliases(themed, tmp_path):
    """A post from the same day in another year (in the other's "on this day"), an unlisted post with
    an alias, an old Chinese-only post: each edited in turn, the fast path gives a clean build's tree."""
    (themed / POSTS / "old-day.md").write_text(
        '---\ndate: 2024-05-04\nslug: old-day\ntags: [solitude]\nen:\n  title: "An old day"\nzh:\n  title: "旧的一天"\n'
        '---\n<!-- lang: en -->\nFirst paragraph of an old day.\n\n<!-- lang: zh -->\n旧的一天的第一段。\n', "utf-8")
    (themed / POSTS / "hidden.md").write_text(
        '---\ndate: 2025-05-05\nslug: hidden\nvisibility: unlisted\naliases: [/old/hidden/]\ntitle: "Hidden"\n'
        '---\n<!-- lang: en -->\nHidden first paragraph.\n', "utf-8")
    (themed / POSTS / "old-writing.zh.md").write_text(
        '---\ndate: 2023-06-15\ntitle: "旧作"\ntags: [writing]\n---\n旧作的第一段。\n', "utf-8")
    last = incremental(themed)
    assert b"old-day" in (themed / "output/en/posts/notes-on-solitude/index.html").read_bytes()
    for name, old, new in (("old-day.md", "First paragraph", "The first paragraph" + " more" * 400),
                           ("old-day.md", "旧的一天的第一段。", "旧的一天的第一段，改了。" + "字" * 500),
                           ("hidden.md", "Hidden first paragraph.", "Edited.\n\n## H\n\n```python\nx = 1\n```"),
                           ("old-writing.zh.md", "旧作的第一段。", "旧作的第一段，改了。" + "字" * 500)):
        replace(themed / POSTS / name, old, new)
        result = incremental(themed)
        assert result.reads.basis().frame == last.reads.basis().frame and result.kept
        assert tree(themed / "output") == clean(themed, tmp_path), name
        shutil.rmtree(tmp_path / "clean")
        last = result
