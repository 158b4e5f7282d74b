"""Translations as pairs: blocks and their fingerprints, alignment, the lock file and each state.

tests/sites/translations/ holds one document per state; its translations.lock was written by a sync
before the edits that make those states (an English paragraph edited, both sides of one post
edited, an original deleted, a pair renamed, a slug changed, a pair added).
"""
from __future__ import annotations

import shutil
from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st

from generator.config import load_config
from generator.diagnostics import Diagnostics
from generator.sources import read_entries
from generator.translations import lock as lockfile
from generator.translations.align import align, by_text
from generator.translations.blocks import Block
from generator.markdown import render, split_blocks as split
from generator.translations.status import (BOTH_EDITED, MISSING, ORPHANED, OUTDATED, UNTRACKED, describe,
                                           describe_change, document, record, status, sync, warnings)

from conftest import SITES

FIXTURE = SITES / "translations"


def documents(root: Path):
    from generator.translations.reading import read_site

    reading = read_site(root)
    assert not reading.source_problems, reading.source_problems
    return reading.documents, reading.languages


def site_status(root: Path):
    docs, codes = documents(root)
    lock, problems = lockfile.read_lock(root)
    assert not problems
    return status(docs, lock, codes)


def copy_fixture(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    shutil.copytree(FIXTURE, root)
    return root


# -- blocks ------------------------------------------------------------------------------------

BODY = """\
Intro paragraph
over two lines.

## A heading

- one
- two
  continued

> quoted
> text

```python
if x:
    y = 1
```

| a | b |
|---|---|
| 1 | 2 |

![a heron](heron.jpg)

A note[^1] and <!-- more --> text.

<!-- more -->

---

[^1]: The note.
"""


def test_blocks_are_markdown_blocks_with_their_file_lines():
    blocks = split(BODY, line_offset=10)
    assert [b.kind for b in blocks] == ["p", "h2", "list", "quote", "code", "table", "image", "p", "hr", "note"]
    assert [(b.line, b.end) for b in blocks[:3]] == [(11, 12), (14, 14), (16, 19)]
    assert blocks[0].words == "Intro paragraph over two lines."
    assert blocks[6].words == "a heron"
    assert blocks[-1].line == 40  # footnotes come last, at their own lines


def test_rewrapping_and_spacing_keep_fingerprints():
    rewrapped = BODY.replace("Intro paragraph\nover two lines.", "Intro   paragraph over\n  two lines.") \
        .replace("> quoted\n> text", "> quoted text").replace("- two\n  continued", "- two continued")
    assert [b.fingerprint for b in split(rewrapped)] == [b.fingerprint for b in split(BODY)]
    zh = "早上我们走到河边，看了看苍鹭。回来的路上下起了雨。\n"
    assert split("早上我们走到河边，\n看了看苍鹭。回来的路上\n下起了雨。\n")[0].fingerprint == split(zh)[0].fingerprint
    assert split("早上我们 走到河边，看了看苍鹭。 回来的路上下起了雨。\n")[0].fingerprint == split(zh)[0].fingerprint


def test_any_change_of_words_markup_or_code_changes_the_fingerprint():
    base = [b.fingerprint for b in split(BODY)]
    for old, new in [("over two lines", "over three lines"), ("Intro paragraph", "Intro *paragraph*"),
                     ("    y = 1", "  y = 1"), ("- two\n", "- three\n"), ("| 1 | 2 |", "| 1 | 3 |"),
                     ("heron.jpg", "egret.jpg"), ("The note.", "The other note.")]:
        changed = [b.fingerprint for b in split(BODY.replace(old, new))]
        assert sum(a != b for a, b in zip(base, changed)) == 1, (old, new)
    # trailing spaces in code are layout, not content
    assert split(BODY.replace("    y = 1", "    y = 1   "))[4].fingerprint == base[4]


# -- alignment ---------------------------------------------------------------------------------

EN = """\
Lead.

## One

First.

An extra English paragraph.

```
shared code
```

## Two

Second.

Third.
"""
ZH = """\
导语。

## 一

第一。

```
shared code
```

## 二

第二。

第三。
"""


def words(a, b, rows):
    return [(a[i].words if i is not None else None, b[j].words if j is not None else None) for i, j in rows]


def test_an_extra_paragraph_leaves_one_empty_cell_instead_of_shifting_later_pairs():
    en, zh = split(EN), split(ZH)
    assert words(en, zh, align(en, zh)) == [
        ("Lead.", "导语。"), ("One", "一"), ("First.", "第一。"), ("An extra English paragraph.", None),
        ("shared code", "shared code"), ("Two", "二"), ("Second.", "第二。"), ("Third.", "第三。")]


def test_an_extra_section_and_unequal_tails_align_by_section():
    en = split(EN + "\n## Three\n\nOnly in English.\n")
    zh = split(ZH.replace("第三。\n", "第三。\n\n第四。\n"))
    rows = words(en, zh, align(en, zh))
    assert ("Third.", "第三。") in rows and (None, "第四。") in rows
    assert rows[-2:] == [("Three", None), ("Only in English.", None)]
    assert align([], zh) == [(None, j) for j in range(len(zh))]


@given(st.lists(st.sampled_from(["p", "h2", "ul", "code"]), max_size=30))
def test_two_documents_of_one_shape_pair_block_by_block_as_the_full_alignment_would(keys):
    """Most translations have their original's shape: that alignment is made without the table of
    common runs, and is the one the table gives."""
    from generator.translations.align import _common_run, _matches

    assert _matches(keys, list(keys)) == _common_run(keys, list(keys)) == [(i, i) for i in range(len(keys))]


@given(st.lists(st.tuples(st.sampled_from(["p", "h2", "h3", "list", "code"]), st.sampled_from(["a", "b"])),
                max_size=30), st.booleans())
def test_documents_of_one_shape_align_block_by_block_as_by_sections(shape, over_time):
    """The shortcut for two documents of one shape gives what pairing section by section gives."""
    from generator.translations.align import by_sections, by_shape

    a = [Block(kind, f"{n:012x}", word) for n, (kind, word) in enumerate(shape)]
    b = [Block(kind, f"{n:012x}" if over_time else "0" * 12, word) for n, (kind, word) in enumerate(shape)]
    key = by_text if over_time else by_shape
    assert align(a, b, key) == by_sections(a, b, key) == [(i, i) for i in range(len(a))]


def test_one_language_over_time_aligns_by_text():
    old = split(EN)
    new = split(EN.replace("First.", "First, edited.").replace("Third.", "Third.\n\nFourth."))
    rows = words(old, new, align(old, new, by_text))
    assert ("First.", "First, edited.") in rows and (None, "Fourth.") in rows


# -- the lock file -----------------------------------------------------------------------------

def test_lock_round_trips_sorted_and_byte_stable():
    docs, _codes = documents(FIXTURE)
    written = lockfile.dump(sync(docs, None))
    parsed, problems = lockfile.parse(written)
    assert not problems
    assert lockfile.dump(parsed) == written
    names = [line[:-1] for line in written.splitlines() if line and not line.startswith((" ", "#", "-"))]
    assert names == sorted(names) and "posts/only-english" not in names  # nothing to pair
    assert "    - p " in written  # one block a line: a sync reads as a diff


def test_committed_fixture_lock_is_what_a_sync_of_the_old_text_wrote():
    parsed, problems = lockfile.read_lock(FIXTURE)
    assert not problems
    assert lockfile.dump(parsed) == (FIXTURE / "translations.lock").read_text("utf-8")


def test_corrupt_or_hand_edited_lock_is_an_error_with_its_line():
    cases = {
        "posts/a:\n  slug: a\n  en: [unclosed\n": 4,
        "- just\n- a list\n": 1,
        "posts/a:\n  slug: a\n  en:\n    file: a.md\n    blocks:\n    - p 0123456789ab fine\n    - p 12 bad\n": 7,
        "posts/a:\n  slug: a\n  en:\n    file: a.md\n    blokcs: []\n": 5,
        "posts/a:\n  en:\n    file: a.md\n    blocks: []\n": 1,
        "notes/a:\n  slug: a\n": 1,
        "posts/a:\n  slug: a\n  zh: 3\n": 3,
        "<<<<<<< HEAD\nposts/a:\n  slug: a\n=======\n": 1,
    }
    for text, line in cases.items():
        _lock, problems = lockfile.parse(text)
        assert problems and problems[0].line == line, (text, problems)
        assert all("riji status --sync" in p.message for p in problems)
    assert "did you mean 'blocks'" in lockfile.parse("posts/a:\n  slug: a\n  en:\n    file: a.md\n    blokcs: []\n")[1][0].message


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("posts/a: -\n{}[]'\"#0123456789abcdef pending blocks file slug")),
               max_size=200))
def test_any_lock_text_parses_to_values_never_an_exception(text):
    lock, problems = lockfile.parse(text)
    assert isinstance(lock, dict) and all(p.severity == "error" for p in problems)


_NASTY = st.text(alphabet=st.sampled_from(list("ab 汉字:#'\"-[]{}&*!|>%@`,?\\\t\r\x85\u2028\u3000\ufeff=<~01.")),
                min_size=1, max_size=12)
_SCALARS = st.one_of(_NASTY, st.sampled_from(["true", "no", "On", "~", "null", "1", "0x1f", "1.5", "[]", "{}", "=", "<<",
                                              "'it''s'", "'a' b", "'a'", "''", "p 0123456789ab words", "a: b",
                                              "a #b", "a#b", "a:", "- x", " x", "2024-01-01", "'unclosed"]))
_KEYS = st.sampled_from(["posts/a", "posts/b", "slug", "en", "zh", "no", "file", "blocks", "pending", "'en'", "a b",
                         "x#y", "? k", "<<", "yes", "posts/a:"])
_ROWS = st.one_of(
    _KEYS.map(lambda k: f"{k}:"), st.tuples(_KEYS, _SCALARS).map(lambda kv: f"  {kv[0]}: {kv[1]}"),
    _KEYS.map(lambda k: f"  {k}:"), st.tuples(_KEYS, _SCALARS).map(lambda kv: f"    {kv[0]}: {kv[1]}"),
    _KEYS.map(lambda k: f"    {k}:"), _SCALARS.map(lambda v: f"    - {v}"), _SCALARS.map(lambda v: f"      - {v}"),
    _SCALARS.map(lambda v: f"   {v}"), st.sampled_from(["# note", "", "  # note", "---", "...", "    - ", "  en: "]))


def yaml_data(text: str):
    from generator.yamlfile import YamlError, load

    try:
        located = load(text)
    except YamlError:
        return "error", {}
    return located.data, {key[0]: line for key, line in located.lines.items() if len(key) == 1}


_PLAIN = st.tuples(st.sampled_from(list("abz汉字p")), st.text(alphabet=st.sampled_from(
    list("abz   汉字0123456789.,;!?'\"-/#:（）…\\\u3000")), max_size=16)).map(lambda t: (t[0] + t[1]).rstrip())


@st.composite
def lock_rows(draw) -> list[str]:
    """Rows in the shape `dump` writes, each key and value mostly a plain word or sentence, now and
    then an awkward one, and a few rows of any shape put in anywhere."""
    def value(awkward=_SCALARS) -> str:
        return draw(awkward) if draw(st.integers(0, 7)) == 0 else draw(_PLAIN)

    def key(usual: str) -> str:
        return draw(_KEYS) if draw(st.integers(0, 7)) == 0 else usual

    rows = []
    for n in range(draw(st.integers(0, 3))):
        rows += [f"{key(f'posts/p{n}')}:", f"  {key('slug')}: {value()}"]
        for code in draw(st.lists(st.sampled_from(["en", "zh", "fr"]), max_size=2)):
            rows += [f"  {key(code)}:", f"    {key('file')}: {value()}"]
            if draw(st.integers(0, 4)) == 0:
                rows.append(f"    {key('pending')}: {value(st.sampled_from(['true', 'no', 'yes', '1', '~']))}")
            else:
                rows.append(f"    {key('blocks')}:")
                rows += [f"    - {value()}" for _ in range(draw(st.integers(0, 3)))]
    for _ in range(draw(st.integers(0, 1))):
        rows.insert(draw(st.integers(0, len(rows))), draw(_ROWS))
    return rows


@settings(max_examples=800, deadline=None)
@given(lock_rows())
def test_the_fast_lock_reader_reads_what_yaml_reads_or_leaves_the_text_to_yaml(rows):
    """The reader of the shape `dump` writes (ten times faster than YAML on a large diary's lock)
    gives exactly YAML's data, the same line for each document, or declines."""
    text = "\n".join(rows) + "\n"
    fast = lockfile.as_written(text)
    if fast is None:
        return
    data, lines = yaml_data(text)
    assert data != "error", text
    assert fast.data == (data or {}), text
    assert {name: fast.line(name) for name in fast.data} == lines, text


@settings(max_examples=500, deadline=None)
@given(lock_rows())
@example(["   #\x850"])  # NEL ends YAML's comment: the 0 after it is the file's one document
def test_a_lock_read_part_by_part_is_the_lock_read_whole(rows):
    """What `parts` cuts the file into, each read alone (`part`), is the whole file's record, each
    at its line; a part that reads badly alone is left to the reading of the whole file."""
    text = "\n".join(rows) + "\n"
    found = lockfile.parts(text)
    if found is None:
        return
    whole, problems = lockfile.parse(text)
    records = {name: lockfile.part(line, chunk, name) for name, (line, chunk) in found.items()}
    assert "".join(chunk for _line, chunk in found.values()) == text[len(text) - sum(map(len, (
        chunk for _line, chunk in found.values()))):]
    if None in records.values():
        return
    assert not problems and records == whole, text
    assert {name: r.line for name, r in records.items()} == {name: r.line for name, r in whole.items()}, text


_WORDS = st.text(alphabet=st.sampled_from(list("ab 汉字:#'\"-[]&*!|>%@`,?\\\u3000=<~01.…")), max_size=20)
_BLOCK = st.tuples(st.sampled_from(["p", "h2", "list", "title", "code"]),
                   st.text(alphabet="0123456789abcdef", min_size=12, max_size=12), _WORDS)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.sampled_from(["posts/a", "posts/b-c", "pages/about", "posts/2024/x"]), st.tuples(
    st.sampled_from(["a", "no", "yes", "1", "x: y", "'q'", "汉字"]),
    st.dictionaries(st.sampled_from(["en", "zh", "no", "zh-hant"]), st.tuples(
        st.sampled_from(["content/a.md", "content/it's.md", "content/a #b.md", "yes"]),
        st.none() | st.lists(_BLOCK, max_size=4)), max_size=3)), max_size=3))
def test_a_written_lock_reads_back_the_same_by_the_fast_reader_as_by_yaml(records):
    lock = {name: lockfile.Record(name, slug, {code: lockfile.Recorded(file, None if blocks is None else tuple(
        Block(kind, fp, " ".join(words.split())) for kind, fp, words in blocks)) for code, (file, blocks) in langs.items()})
        for name, (slug, langs) in records.items()}
    text = lockfile.dump(lock)
    fast = lockfile.parse(text)
    real, lockfile.as_written = lockfile.as_written, lambda _text: None
    try:
        slow = lockfile.parse(text)
    finally:
        lockfile.as_written = real
    assert fast == slow, text
    found = lockfile.parts(text)  # and part by part, as a build reads it
    assert found is not None and list(found) == list(slow[0])
    assert all(lockfile.part(line, chunk, name) == slow[0][name] for name, (line, chunk) in found.items())
    typed = {"no", "yes", "1"}  # values YAML reads as a bool or a number: quoted, and left to YAML
    if not any(typed & {slug, code, file} for slug, langs in records.values() for code, (file, _b) in langs.items()):
        assert lockfile.as_written(text) is not None, text


_TEXT = st.one_of(_NASTY, _WORDS, _PLAIN, st.sampled_from(["", "-", "?", ":", "---x", "...", "a:", "2024-01-01",
                                                          "1_000", "0o17", ".inf", "NULL", "a #b", "a#b", "x: y", "x:y",
                                                          "x" * 200]),
                 st.integers(118, 130).map(lambda n: "posts/" + "k" * (n - 6)),
                 st.integers(118, 130).map(lambda n: "'" + "k" * (n - 1)))


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(_TEXT, st.tuples(_TEXT, st.dictionaries(_TEXT, st.tuples(
    _TEXT, st.none() | st.lists(_TEXT, max_size=3)), max_size=2)), max_size=3))
def test_the_lock_is_written_byte_for_byte_as_pyyaml_writes_it(records):
    """`dump` writes the rows itself (PyYAML's emitter took 13 s for a 5,000-post diary's lock),
    and every byte is what PyYAML writes: plain or quoted, key or list item, long or short."""
    lock = {name: lockfile.Record(name, slug, {code: lockfile.Recorded(file, None if blocks is None else tuple(
        Block("p", "0" * 12, words) for words in blocks)) for code, (file, blocks) in langs.items()})
        for name, (slug, langs) in records.items()}
    text = lockfile.dump(lock)
    real, lockfile._emitted = lockfile._emitted, lambda _name, _entry: None
    try:
        assert text == lockfile.dump(lock)
    finally:
        lockfile._emitted = real


def test_a_recorded_block_is_read_by_splitting_as_the_pattern_reads_it():
    from generator.translations.blocks import KINDS

    fp = "0123456789ab"
    for item in [f"p {fp}", f"p {fp} ", f"p {fp} a b", f"p {fp}  a", f"h2 {fp} x", f"list {fp}x", f"p {fp[:-1]}",
                 f"p {fp[:-1]}g", f"P {fp}", f"pp {fp}", f" p {fp}", f"p  {fp}", f"p {fp} a\n", f"p {fp}\n",
                 f"p {fp} a\nb", "p", "", f"{fp}", f"code {fp.upper()}", f"note {fp} \u3000", f"p\t{fp}"]:
        m = lockfile._BLOCK.match(item)
        expected = (m["kind"], m["fp"], m["words"] or "") if m is not None and m["kind"] in KINDS else None
        block = lockfile._block(item)
        assert (block and (block.kind, block.fingerprint, block.words)) == expected, item


def test_unreadable_lock_is_an_error_and_no_lock_is_no_record(tmp_path):
    assert lockfile.read_lock(tmp_path) == (None, [])
    (tmp_path / "translations.lock").write_bytes(b"posts/a:\xff\n")
    _lock, problems = lockfile.read_lock(tmp_path)
    assert problems and "UTF-8" in problems[0].message


# -- status ------------------------------------------------------------------------------------

def test_each_state_of_the_fixture_site():
    result = site_status(FIXTURE)
    states = sorted((i.state, i.name, i.lang) for i in result.items)
    assert states == [
        (BOTH_EDITED, "posts/both", None),
        (MISSING, "posts/only-english", "zh"),
        (ORPHANED, "posts/orphan", "zh"),
        (OUTDATED, "posts/outdated", "zh"),
        (UNTRACKED, "posts/untracked", None),
    ]
    # in sync: posts/in-sync; posts/new-name (renamed files, followed by slug); pages/about (slug
    # changed, followed by its path)
    assert result.in_sync == 3
    assert result.strict_failures == 4
    orphan = result.of("posts/orphan", "zh", ORPHANED)
    assert orphan.other == "en" and orphan.other_file == "content/posts/orphan.en.md"
    assert "rename" in describe(orphan)


def test_editing_one_english_paragraph_outdates_exactly_that_block_and_rewrapping_nothing():
    item = site_status(FIXTURE).of("posts/outdated", "zh")
    assert item.other == "en" and item.file == "content/posts/outdated.zh.md"
    (change,) = item.changes  # the first paragraph was only re-wrapped
    assert (change.what, change.block.kind, change.line, change.target) == ("changed", "p", 12, 10)
    assert describe_change(change, item) == ('content/posts/outdated.en.md:12: changed paragraph '
                                             '"On the way back it began to pour." -> zh line 10')
    assert item.line == 10
    assert [str(w) for w in warnings(site_status(FIXTURE)) if "outdated.zh" in w.path] == [
        "content/posts/outdated.zh.md:10: warning: zh translation is outdated: 1 block changed in the "
        "en version content/posts/outdated.en.md"]


def test_added_removed_and_title_changes_name_their_lines(tmp_path):
    root = copy_fixture(tmp_path)
    path = root / "content/posts/outdated.en.md"
    text = path.read_text("utf-8").replace("title: Outdated", "title: Outdated, retitled") \
        .replace("It rained until the evening.\n", "") \
        .replace("the herons.\n", "the herons.\n\nA new paragraph.\n")
    path.write_text(text, "utf-8")
    item = site_status(root).of("posts/outdated", "zh")
    got = [(c.what, c.block.kind, c.line, c.target) for c in item.changes]
    assert got == [("changed", "title", 4, 4), ("added", "p", 10, 6),
                   ("changed", "p", 14, 10), ("removed", "p", 14, 12)]
    assert 'removed paragraph "It rained until the evening."' in describe_change(item.changes[-1], item)


def test_first_sync_adopts_everything_and_a_named_sync_only_that_document(tmp_path):
    root = copy_fixture(tmp_path)
    docs, codes = documents(root)
    adopted = sync(docs, None, names=["posts/outdated"])  # no record yet: everything
    after = status(docs, adopted, codes)
    assert {i.state for i in after.items} == {MISSING} and after.in_sync == 6
    lock, _ = lockfile.read_lock(root)
    partial = sync(docs, lock, names=["posts/outdated"])
    left = {(i.state, i.name) for i in status(docs, partial, codes).items}
    assert (OUTDATED, "posts/outdated") not in left and (BOTH_EDITED, "posts/both") in left
    # a full sync rewrites it whole: the orphan, now in one language, has nothing left to pair
    full = sync(docs, lock)
    assert "posts/orphan" not in full
    assert "posts/old-name" not in full and "posts/new-name" in full
    assert full["pages/about"].slug == "about-us"


def test_a_started_translation_is_untracked_until_synced_then_follows_the_original(tmp_path):
    root = copy_fixture(tmp_path)
    (root / "content/posts/only-english.zh.md").write_text(
        "---\ndate: 2025-01-05\ntitle: Only in English\n---\nNo Chinese version of this one.\n", "utf-8")
    docs, codes = documents(root)
    lock, _ = lockfile.read_lock(root)
    doc = next(d for d in docs if d.name == "posts/only-english")
    lock["posts/only-english"] = record(doc, pending=["zh"])
    assert "pending: true" in lockfile.dump(lock)
    item = next(i for i in status(docs, lock, codes).items if i.name == "posts/only-english")
    assert (item.state, item.lang) == (UNTRACKED, "zh")
    en = root / "content/posts/only-english.en.md"
    en.write_text(en.read_text("utf-8").replace("this one.", "this one, yet."), "utf-8")
    docs, codes = documents(root)
    item = next(i for i in status(docs, lock, codes).items if i.name == "posts/only-english")
    assert (item.state, item.lang, item.other) == (OUTDATED, "zh", "en")


def test_three_languages_are_symmetric(tmp_path):
    root = copy_fixture(tmp_path)
    yaml_path = root / "site.yaml"
    yaml_path.write_text(yaml_path.read_text("utf-8").replace('zh: "成对"}', 'zh: "成对", fr: "Paires"}')
                         .replace('zh: "译文状态。"}', 'zh: "译文状态。", fr: "États."}')
                         + "languages: [{code: en}, {code: zh}, {code: fr}]\n", "utf-8")
    (root / "content/posts/in-sync.fr.md").write_text(
        "---\ndate: 2025-01-01\ntitle: Synchro\n---\nLe premier paragraphe.\n", "utf-8")
    docs, codes = documents(root)
    lock, _ = lockfile.read_lock(root)
    result = status(docs, lock, codes)
    assert result.of("posts/in-sync", "fr", UNTRACKED) is not None
    assert result.of("posts/outdated", "fr", MISSING) is not None
    synced = sync(docs, lock, ["posts/in-sync"])
    en = root / "content/posts/in-sync.en.md"
    en.write_text(en.read_text("utf-8").replace("The second paragraph.", "The second paragraph, changed."), "utf-8")
    docs, codes = documents(root)
    result = status(docs, synced, codes)
    assert {i.lang for i in result.items if i.name == "posts/in-sync" and i.state == OUTDATED} == {"zh", "fr"}


def test_rendering_finds_the_same_blocks_and_where_each_is_in_the_html():
    for smart_quotes in (True, False):
        r = render(BODY, smart_quotes=smart_quotes, line_offset=10)
        assert list(r.blocks) == split(BODY, line_offset=10)  # smart quotes change no fingerprint
        assert r.html[slice(*r.spans[0])] == "<p>Intro paragraph\nover two lines.</p>\n"
        assert r.html[slice(*r.spans[4])].startswith("<pre><code") and "<ol class=\"footnotes-list\">" in \
            r.html[slice(*r.notes)]


def test_the_example_site_ships_a_lock_in_sync():
    from conftest import REPO

    result = site_status(REPO)
    behind = [f"{i.file}: {describe(i)}" for i in result.items if i.state != MISSING]
    assert not behind, "content changed since translations.lock; check the translations, then run " \
                       "riji status --sync:\n" + "\n".join(behind)
    assert result.in_sync >= 6
