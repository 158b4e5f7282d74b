"""What keeps a big diary's build small: the model's objects hold no more than their values, and
neither the forked workers nor the memo on disk leave copies behind in the build's own process."""
from __future__ import annotations

import os
import pickle
import shutil
import sys
import time

from conftest import NOW, SITES
from generator import build as build_module
from generator import parallel, render, writer
from generator.build import BuildOptions, build, build_to
from generator.packed import Packed, unpacked


def _fresh(text: str) -> str:
    return "".join([text[:1], text[1:]])  # the same characters, a new string with nothing cached


def _grown(text: str) -> bool:
    """Whether CPython keeps a UTF-8 copy in the string (pickling a non-ASCII string leaves one)."""
    return sys.getsizeof(text) != sys.getsizeof(_fresh(text))


def test_pickling_would_grow_a_chinese_string():
    text = _fresh("日记，每天写一点。" * 100)
    pickle.dumps(text)
    assert _grown(text)  # what the tests below guard against


def test_a_build_keeps_no_utf8_copies_of_its_texts(tmp_path, monkeypatch):
    """Sources and pages go to the forked Markdown workers by inheritance, not pickled; the memo
    pickles them, and digests (of bodies, of pages' values) pickle them, as UTF-8 encoded on the
    way: the model's Chinese texts stay their own size."""
    monkeypatch.setattr(build_module, "PARALLEL_THRESHOLD", 1)
    for module in (render, writer):
        monkeypatch.setattr(module, "PARALLEL_FILES", 1)
    root = tmp_path / "site"
    shutil.copytree(SITES / "golden", root, ignore=shutil.ignore_patterns("expected"))
    result = build_to(root, root / "output", BuildOptions(workers=2))
    assert result.ok, result.diagnostics
    docs = [doc for entry in result.site.entries for doc in entry.docs.values() if doc.lang == "zh"]
    assert docs
    for doc in docs:
        assert not _grown(doc.source.head) and not _grown(doc.source.body) and not _grown(doc.html), doc.url
    again = build(root, BuildOptions(now=NOW, workers=1, search=False))  # from the memo
    assert [d.html for e in again.site.entries for d in e.docs.values() if d.lang == "zh"] == [d.html for d in docs]


def test_the_build_process_leaves_the_pinyin_dictionary_to_its_workers(tmp_path, monkeypatch):
    """pypinyin's phrases take 56 MB: the workers that read the Chinese load them, so the build's
    own process, which goes on to hold the site beside the writer's workers, never does."""
    from generator import pinyin

    monkeypatch.setattr(build_module, "PARALLEL_THRESHOLD", 1)
    root = tmp_path / "site"
    shutil.copytree(SITES / "golden", root, ignore=shutil.ignore_patterns("expected"))
    pinyin.dictionary.cache_clear()
    result = build_to(root, root / "output", BuildOptions(workers=2))
    assert result.ok, result.diagnostics
    assert any(doc.pinyin for entry in result.site.entries for doc in entry.docs.values())
    assert pinyin.dictionary.cache_info().currsize == 0


def test_the_model_objects_hold_no_dict_and_pinyin_is_one_object(tmp_path):
    root = tmp_path / "site"
    shutil.copytree(SITES / "golden", root, ignore=shutil.ignore_patterns("expected"))
    result = build(root, BuildOptions(now=NOW, search=False))
    entry = result.site.posts[0]
    doc = next(d for d in entry.docs.values() if d.lang == "zh")
    for obj in (entry, doc, doc.source, doc.blocks[0]):
        assert not hasattr(obj, "__dict__"), type(obj)
    source = doc.source  # its body once: the file's text is what comes before it, and the body
    assert not source.whole and source.text == source.path.read_text(encoding="utf-8")
    assert source.head + source.body == source.text and source.body not in source.head
    assert isinstance(doc.pinyin, Packed) and unpacked(doc.pinyin).startswith(b'{"han":[')


def _pids(_shared, chunk):
    time.sleep(0.01)
    return [os.getpid() for _ in chunk]


def test_the_build_process_takes_a_share_beside_its_workers():
    """One child fewer than the cores: the build's own process works too, so a child's copy of
    the pages it touches is paid once less."""
    parts, forked = parallel.fork_map(_pids, list(range(32)), None, workers=2, min_items=1)
    pids = {pid for part in parts for pid in part}
    assert forked and os.getpid() in pids and len(pids) == 2
    assert sum(len(part) for part in parts) == 32


def _called(_shared, chunk):
    return [fn() for fn in chunk]


def test_the_items_reach_the_workers_unpickled():
    parts, forked = parallel.fork_map(_called, [lambda: 1] * 32, None, workers=2, min_items=1)
    assert forked and [x for part in parts for x in part] == [1] * 32


def test_pages_rendered_for_search_wait_packed_for_the_writer(tmp_path):
    """A first build renders every page search offers before the writer writes it: it keeps them
    compressed meanwhile, and hands out the page itself."""
    from generator.packed import head
    from generator.render import Lazy
    from generator.search import searchable

    root = tmp_path / "site"
    shutil.copytree(SITES / "golden", root, ignore=shutil.ignore_patterns("expected"))
    result = build(root, BuildOptions(now=NOW, lazy=True))
    assert result.ok, result.diagnostics
    pages = [p for p in searchable(result.site) if isinstance(result.files[p], Lazy)]
    assert pages
    for path in pages:
        page = result.files[path]
        packed, _problems = page.made
        html, _ = page()
        assert type(packed) is Packed and len(packed) < len(html) and html.startswith(b"<!DOCTYPE html>")
        assert head(packed, 100) == html[:100]


def test_without_a_share_the_children_do_all():
    parts, forked = parallel.fork_map(_pids, list(range(32)), None, workers=2, min_items=1, share=False)
    pids = {pid for part in parts for pid in part}
    assert forked and os.getpid() not in pids and len(pids) == 2


def test_cache_files_keep_any_text_and_leave_it_its_own_size(tmp_path):
    from generator import cachefiles

    texts = {"zh": _fresh("日记" * 50), "odd": "\ud800 a lone surrogate, 中", "ascii": "plain", "bytes": b"\xff"}
    assert cachefiles.save(tmp_path / "c.pickle", texts)
    assert not _grown(texts["zh"])
    assert cachefiles.load(tmp_path / "c.pickle") == texts


def test_a_documents_blocks_and_their_places_are_kept_packed():
    """The memo and the model hold some 25 blocks a document and their places in its HTML: packed
    (translations.blocks.Blocks, markdown.Spans), a third of what tuples of `Block`s and of pairs of
    numbers took, and read back as they were, through a pickle too."""
    from generator import markdown
    from generator.translations.blocks import Block, Blocks, split_tokens

    text = "".join(f"## 第{i}部分\n\n平静的早晨，我读了一本书。Morning {i}.\n\n- 一\n- 二\n\n" for i in range(12)) \
        + "```py\nx = 1\n```\n\n脚注[^1]。\n\n[^1]: 注。\n"
    r = markdown.render(text, smart_quotes=False)
    assert isinstance(r.blocks, Blocks) and isinstance(r.spans, markdown.Spans)
    blocks, spans = list(r.blocks), list(r.spans)
    assert blocks == split_tokens(markdown.parser(False).parse(text, {}))[0]
    assert all(type(b) is Block for b in blocks) and len(r.blocks) == len(blocks) == len(r.spans)
    assert r.blocks[-1] == blocks[-1] and r.spans[-1] == spans[-1] and r.html[slice(*r.spans[0])].startswith("<h2")
    again = pickle.loads(pickle.dumps(r))
    assert again.blocks == r.blocks and list(again.blocks) == blocks and list(again.spans) == spans

    def deep(o):
        return sys.getsizeof(o) + (sum(deep(x) for x in o) if isinstance(o, tuple) else 0)

    packed = sum(sys.getsizeof(getattr(r.blocks, f)) for f in Blocks.__slots__) + sys.getsizeof(r.spans.flat)
    assert packed * 2 < deep(tuple(blocks)) + deep(tuple(spans))
    odd = [Block("p", "not-hex-12ch", "x", 1, 1)]
    assert Blocks.of(odd) == tuple(odd)  # what does not pack stays as it is
