"""`riji status` and `riji new --translate` as a translator runs them, on the fixture site with one
document per state (tests/sites/translations/)."""
from __future__ import annotations

import json
import shutil

import feedparser
import pytest

from generator.cli import main

from conftest import SITES


@pytest.fixture
def site(tmp_path):
    root = tmp_path / "site"
    shutil.copytree(SITES / "translations", root)
    return root


def riji(capsys, *args) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_status_lists_each_state_with_lines_and_ends_with_counts(site, capsys):
    code, out, err = riji(capsys, "status", "--site", str(site))
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0] == "outdated (1)"
    assert lines[1].startswith("  content/posts/outdated.zh.md:10: zh translation is outdated")
    assert lines[2] == ('    content/posts/outdated.en.md:12: changed paragraph '
                        '"On the way back it began to pour." -> zh line 10')
    for heading in ("both edited (1)", "orphaned (1)", "missing (1)", "untracked (1)"):
        assert heading in lines
    assert lines[-1] == "1 outdated, 1 both edited, 1 orphaned, 1 missing, 1 untracked, 3 in sync"


def test_strict_exits_1_on_problems_and_0_once_synced(site, capsys):
    assert riji(capsys, "status", "--site", str(site), "--strict")[0] == 1
    # syncing the outdated, both-edited and orphaned documents leaves the missing one
    code, _out, err = riji(capsys, "status", "--site", str(site), "--sync", str(site / "content/posts/outdated.zh.md"),
                           str(site / "content/posts/both.md"), "content/posts/orphan.zh.md")
    assert code == 0 and "recorded 3 documents" in err
    code, out, _ = riji(capsys, "status", "--site", str(site), "--strict")
    assert code == 1 and out.splitlines()[-1] == "0 outdated, 0 both edited, 0 orphaned, 2 missing, 1 untracked, 5 in sync"
    (site / "content/posts/only-english.en.md").unlink()
    (site / "content/posts/orphan.zh.md").unlink()
    assert riji(capsys, "status", "--site", str(site), "--strict")[0] == 0  # untracked alone passes


def test_json_says_the_same_for_tools(site, capsys):
    code, out, _ = riji(capsys, "status", "--site", str(site), "--json")
    data = json.loads(out)
    assert code == 0 and data["record"] is True
    assert data["counts"] == {"outdated": 1, "both_edited": 1, "orphaned": 1, "missing": 1, "untracked": 1,
                              "in_sync": 3}
    (outdated,) = [d for d in data["documents"] if d["state"] == "outdated"]
    assert outdated["language"] == "zh" and outdated["other_language"] == "en"
    assert outdated["changes"] == [{"change": "changed", "block": "paragraph", "kind": "p", "line": 12,
                                    "first_words": "On the way back it began to pour.", "translation_line": 10}]


def test_first_sync_adopts_everything_and_rewrites_a_corrupt_lock(site, capsys):
    (site / "translations.lock").unlink()
    code, out, _ = riji(capsys, "status", "--site", str(site))
    assert code == 0 and "no translations.lock yet" in out and "6 untracked" in out
    code, _out, err = riji(capsys, "status", "--site", str(site), "--sync")
    assert code == 0 and "every translation pair" in err
    assert "0 untracked, 6 in sync" in riji(capsys, "status", "--site", str(site))[1]
    lock = site / "translations.lock"
    good = lock.read_text("utf-8")
    lock.write_text(good.replace("    - p ", "    - p zz", 1), "utf-8")
    code, _out, err = riji(capsys, "status", "--site", str(site))
    assert code == 1 and "translations.lock:" in err and "riji status --sync" in err and "Traceback" not in err
    assert riji(capsys, "status", "--site", str(site), "--sync")[0] == 0
    assert lock.read_text("utf-8") == good


def test_sync_refuses_unknown_paths_and_broken_content(site, capsys):
    code, _out, err = riji(capsys, "status", "--site", str(site), "--sync", "content/posts/nope.md")
    assert code == 1 and "not a post or page" in err
    before = (site / "translations.lock").read_bytes()
    (site / "content/posts/both.md").write_text("---\ndate: [\n---\n", "utf-8")
    code, _out, err = riji(capsys, "status", "--site", str(site), "--sync")
    assert code == 1 and "content/posts/both.md:3" in err and "nothing was recorded" in err
    assert (site / "translations.lock").read_bytes() == before


def test_new_translate_writes_the_missing_language_block_by_block_and_records_the_pair(site, capsys):
    code, out, err = riji(capsys, "new", "--site", str(site), "--translate", "content/posts/only-english.en.md")
    assert code == 0, err
    made = site / "content/posts/only-english.zh.md"
    text = made.read_text("utf-8")
    assert text.startswith("---\ndate: 2025-01-05\ntitle: Only in English\ndraft: true\n---\n")
    assert text.endswith("No Chinese version of this one.\n")
    assert "posts/only-english:" in (site / "translations.lock").read_text("utf-8")
    code, out, _ = riji(capsys, "status", "--site", str(site))
    assert "content/posts/only-english.zh.md: the zh translation is not synced yet" in out
    assert "0 missing" in out
    # never over an existing file or language
    made.write_text(text.replace("No Chinese", "翻译好了"), "utf-8")
    code, _out, err = riji(capsys, "new", "--site", str(site), "--translate", "content/posts/only-english.en.md",
                           "--to", "zh")
    assert code == 1 and "already has a zh version" in err
    assert "翻译好了" in made.read_text("utf-8")
    code, _out, err = riji(capsys, "new", "--site", str(site), "--translate", "content/posts/outdated.en.md",
                           "--to", "fr")
    assert code == 1 and "no language 'fr'" in err


def test_new_translate_of_a_bundle_and_a_one_file_post(site, capsys):
    bundle = site / "content/posts/walk"
    bundle.mkdir()
    (bundle / "index.md").write_text(
        "---\ndate: 2025-03-01  # the day of the walk\ntags: [a, b]\nzh:\n  title: 散步\n  summary: 一次散步。\n"
        "---\n<!-- lang: zh -->\n第一段。\n\n![鹭](heron.jpg)\n", "utf-8")
    (bundle / "heron.jpg").write_bytes(b"")
    code, _out, err = riji(capsys, "new", "--site", str(site), "--translate", str(bundle / "index.md"))
    assert code == 0, err
    text = (bundle / "index.en.md").read_text("utf-8")
    assert "date: 2025-03-01  # the day of the walk\ntags: [a, b]\ntitle: 散步\nsummary: 一次散步。\ndraft: true\n" in text
    assert text.endswith("第一段。\n\n![鹭](heron.jpg)\n")


def test_a_draft_translation_leaves_its_original_published_and_stays_out_of_feeds(site, capsys):
    from conftest import build_fixture

    assert riji(capsys, "new", "--site", str(site), "--translate", "content/posts/only-english.en.md")[0] == 0
    published = build_fixture(site)
    assert published.ok, published.diagnostics
    assert "en/posts/only-english/index.html" in published.files
    assert "zh/posts/only-english/index.html" not in published.files
    preview = build_fixture(site, drafts=True)
    assert "zh/posts/only-english/index.html" in preview.files

    zh_feed = feedparser.parse(preview.files["zh/feed.xml"])
    assert not [e for e in zh_feed.entries if "only-english" in e.link]
    en_feed = feedparser.parse(published.files["en/feed.xml"])
    assert [e for e in en_feed.entries if "only-english" in e.link]


def test_check_warns_of_each_outdated_translation_at_its_file_and_line_and_still_passes(site, capsys):
    (site / "content/posts/orphan.zh.md").unlink()  # nothing else wrong: the check itself passes
    (site / "site.yaml").write_text((site / "site.yaml").read_text("utf-8") + "check: {validate_html: false}\n", "utf-8")
    code, _out, err = riji(capsys, "check", "--site", str(site))
    assert code == 0, err
    assert ("content/posts/outdated.zh.md:10: warning: zh translation is outdated: 1 block changed in the en "
            "version content/posts/outdated.en.md") in err.splitlines()
    assert "content/posts/both.md:8: warning: en and zh both changed since the last sync" in err
    code, out, err = riji(capsys, "build", "--site", str(site))
    assert code == 0 and [line for line in err.splitlines() if "warning" in line] == [
        "translations.lock: warning: 1 translation is outdated; 1 document changed in several languages; "
        "run riji status"]


def test_status_after_a_build_parses_no_markdown_and_says_what_it_says_without_the_cache(site, capsys, monkeypatch):
    import generator.markdown
    import generator.translations.lock
    import generator.translations.status

    before = riji(capsys, "status", "--site", str(site), "--json")
    assert riji(capsys, "build", "--site", str(site))[0] == 0
    split, part = generator.markdown.split_blocks, generator.translations.lock.part
    parsed, read = [], []
    counted = lambda *a, **k: parsed.append(a) or split(*a, **k)  # noqa: E731
    monkeypatch.setattr(generator.markdown, "split_blocks", counted)
    monkeypatch.setattr(generator.translations.status, "split_blocks", counted)
    monkeypatch.setattr(generator.translations.lock, "part", lambda *a: read.append(a[2]) or part(*a))
    assert riji(capsys, "status", "--site", str(site), "--json") == before
    # every document's blocks and status came from the build's memo; of the lock, only the record
    # no document has by name was read (new-name.*.md was old-name.*.md: it finds it by slug)
    assert parsed == [] and read == ["posts/old-name"]
    read.clear()
    (site / "content/posts/outdated.en.md").write_text(
        (site / "content/posts/outdated.en.md").read_text("utf-8").replace("began to pour", "began to rain"), "utf-8")
    code, out, _ = riji(capsys, "status", "--site", str(site), "--json")
    assert len(parsed) == 1 and "began to rain" in out  # the edited document alone is parsed again
    assert sorted(read) == ["posts/old-name", "posts/outdated"]
    shutil.rmtree(site / ".riji-cache")
    assert riji(capsys, "status", "--site", str(site), "--json") == (code, out, "")
