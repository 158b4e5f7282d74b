"""Podcast feeds per language, read as a podcast app reads them (feedparser) and checked tag by tag
with lxml; the channel settings in site.yaml; chapters; and the example site's narrated posts."""
from __future__ import annotations

import io
import json
import textwrap
from functools import lru_cache
from pathlib import Path

import feedparser
import pytest
from conftest import MINIMAL_SITE_YAML, build_fixture, errors, write_site
from lxml import etree
from PIL import Image

from generator.build import build_to
from generator.render.podcast import podcast_guid

FIXTURES = Path(__file__).parent / "fixtures"
NS = {"itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd", "podcast": "https://podcastindex.org/namespace/1.0",
      "atom": "http://www.w3.org/2005/Atom", "content": "http://purl.org/rss/1.0/modules/content/"}


@lru_cache(maxsize=None)
def image(width: int, height: int, fmt: str = "PNG", mode: str = "RGB") -> bytes:
    buf = io.BytesIO()
    Image.new(mode, (width, height)).save(buf, fmt)
    return buf.getvalue()


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


PODCAST_YAML = MINIMAL_SITE_YAML + """\
podcast:
  title: {en: "Test Cast", zh: "测试播客"}
  description: {en: "Read aloud.", zh: "念出来。"}
  owner: {name: Tester, email: t@diary.test}
  image: cover.png
  category: "Society & Culture"
  subcategory: "Personal Journals"
  locked: true
"""

WALK_EN = """\
---
date: 2025-03-01
title: "Walk & <Talk>"
tags: [culture]
audio: voice.mp3
episode: 2
season: 1
image: art.png
chapters:
  - {start: 0, title: "Setting out"}
  - {start: "0:01", title: "The heron"}
---
Walked to the [canal](#canal).
"""


def files(**extra) -> dict:
    return {
        "static/cover.png": image(1400, 1400),
        "static/audio/voice.ogg": fixture("voice.ogg"),
        "content/posts/walk/index.en.md": WALK_EN,
        "content/posts/walk/index.zh.md": """\
            ---
            date: 2025-03-01
            title: "散步"
            episode: 2
            season: 1
            audio: voice.m4a
            ---
            走了一圈。
            """,
        "content/posts/walk/voice.mp3": fixture("voice.mp3"),
        "content/posts/walk/voice.m4a": fixture("voice.m4a"),
        "content/posts/walk/art.png": image(1400, 1400),
        "content/posts/talk.md": """\
            ---
            date: 2025-04-01
            explicit: true
            en: {title: "Talk", audio: /audio/voice.ogg, guid: "talk-episode-1", episode_type: bonus}
            zh: {title: "谈话"}
            ---
            <!-- lang: en -->
            Talked.
            <!-- lang: zh -->
            谈了谈。
            """,
        "content/posts/hidden.md": """\
            ---
            date: 2025-05-01
            draft: true
            en: {title: "Hidden draft", audio: /audio/voice.ogg}
            ---
            <!-- lang: en -->
            Not yet.
            """,
        **extra,
    }


def podcast_site(tmp_path: Path, site_yaml: str = PODCAST_YAML, **extra) -> Path:
    """The fixture site; a file given as None is left out."""
    return write_site(tmp_path, {k: v for k, v in files(**extra).items() if v is not None}, site_yaml)


def built(tmp_path, **options):
    result = build_fixture(podcast_site(tmp_path), **options)
    assert errors(result) == []
    return result


def line_of(text: str, needle: str) -> int:
    """1-based line of `needle` in a dedented fixture file."""
    lines = textwrap.dedent(text).lstrip("\n").splitlines()
    return next(i for i, row in enumerate(lines, 1) if needle in row)


def test_podcast_guid_follows_the_spec_examples():
    assert podcast_guid("https://podnews.net/rss") == "9b024349-ccf0-5f69-a609-6b82873eab3c"
    assert podcast_guid("podnews.net/rss/") == "9b024349-ccf0-5f69-a609-6b82873eab3c"
    assert podcast_guid("http://mp3s.nashownotes.com/pc20rss.xml") == "917393e3-1b1e-5cef-ace4-edaa54e1f810"


def test_a_podcast_app_reads_each_language(tmp_path):
    result = built(tmp_path)
    en = feedparser.parse(result.files["en/podcast.xml"])
    zh = feedparser.parse(result.files["zh/podcast.xml"])
    assert not en.bozo and not zh.bozo
    assert (en.feed.language, zh.feed.language) == ("en", "zh-cn")
    assert (en.feed.title, zh.feed.title) == ("Test Cast", "测试播客")
    assert en.feed.image.href == "https://diary.test/cover.png"
    assert [e.title for e in en.entries] == ["Talk", "Walk & <Talk>"]  # newest first; the draft never
    assert [e.title for e in zh.entries] == ["散步"]
    walk = en.entries[1]
    (enclosure,) = walk.enclosures
    assert enclosure.href == "https://diary.test/en/posts/walk/voice.mp3"
    assert int(enclosure.length) == len(fixture("voice.mp3"))
    assert enclosure.type == "audio/mpeg"
    assert walk.itunes_duration == "2"  # 2.16 s, read from the file
    assert (walk.itunes_episode, walk.itunes_season) == ("2", "1")
    (enclosure,) = zh.entries[0].enclosures
    assert (enclosure.type, int(enclosure.length)) == ("audio/x-m4a", len(fixture("voice.m4a")))
    assert zh.entries[0].itunes_duration == "3"
    assert en.entries[0].enclosures[0].href == "https://diary.test/audio/voice.ogg"
    assert en.entries[0].enclosures[0].type == "audio/ogg"


def test_podcast_tags(tmp_path):
    result = built(tmp_path)
    root = etree.fromstring(result.files["en/podcast.xml"])
    assert root.nsmap["itunes"] == NS["itunes"] and root.nsmap["podcast"] == NS["podcast"]
    channel = root.find("channel")

    def one(path, node=channel):
        found = node.xpath(path, namespaces=NS)
        assert len(found) == 1, (path, found)
        return found[0]

    assert one("link/text()") == "https://diary.test/en/"
    assert one("atom:link[@rel='self']/@href") == "https://diary.test/en/podcast.xml"
    assert one("language/text()") == "en"
    assert one("itunes:image/@href") == "https://diary.test/cover.png"
    assert one("itunes:explicit/text()") == "false"
    assert one("itunes:category/@text") == "Society & Culture"
    assert one("itunes:category/itunes:category/@text") == "Personal Journals"
    assert one("itunes:owner/itunes:email/text()") == "t@diary.test"
    assert one("itunes:owner/itunes:name/text()") == "Tester"
    assert one("itunes:author/text()") == "Tester"
    assert one("itunes:type/text()") == "episodic"
    assert one("podcast:guid/text()") == podcast_guid("https://diary.test/en/podcast.xml")
    assert one("podcast:locked/text()") == "yes" and one("podcast:locked/@owner") == "t@diary.test"
    assert one("lastBuildDate/text()") == "Tue, 01 Apr 2025 00:00:00 +0800"
    talk, walk = channel.findall("item")
    assert one("guid/text()", talk) == "talk-episode-1" and one("guid/@isPermaLink", talk) == "false"
    assert one("itunes:explicit/text()", talk) == "true"
    assert one("itunes:episodeType/text()", talk) == "bonus"
    assert one("guid/text()", walk) == "tag:diary.test,2025-03-01:/en/walk"
    assert one("itunes:episodeType/text()", walk) == "full"
    assert not walk.xpath("itunes:explicit", namespaces=NS)  # inherits the channel's
    assert one("itunes:image/@href", walk) == "https://diary.test/en/posts/walk/art.png"
    assert one("podcast:transcript/@url", walk) == "https://diary.test/en/posts/walk/"
    assert one("podcast:transcript/@type", walk) == "text/html"
    assert one("podcast:chapters/@url", walk) == "https://diary.test/en/posts/walk/chapters.json"
    assert one("podcast:chapters/@type", walk) == "application/json+chapters"
    assert not talk.xpath("podcast:chapters", namespaces=NS)
    assert one("pubDate/text()", walk) == "Sat, 01 Mar 2025 00:00:00 +0800"
    assert 'href="https://diary.test/en/posts/walk/#canal"' in one("content:encoded/text()", walk)
    assert b"Walk &amp; &lt;Talk&gt;" in result.files["en/podcast.xml"]
    assert etree.fromstring(result.files["zh/podcast.xml"]).xpath("channel/language/text()") == ["zh-cn"]


def test_podcast_guid_can_be_pinned(tmp_path):
    pinned = PODCAST_YAML + "  guid: {zh: 917393e3-1b1e-5cef-ace4-edaa54e1f810}\n"
    result = build_fixture(podcast_site(tmp_path, pinned))
    assert errors(result) == []
    guid = etree.fromstring(result.files["zh/podcast.xml"]).xpath("//podcast:guid/text()", namespaces=NS)
    assert guid == ["917393e3-1b1e-5cef-ace4-edaa54e1f810"]
    guid = etree.fromstring(result.files["en/podcast.xml"]).xpath("//podcast:guid/text()", namespaces=NS)
    assert guid == [podcast_guid("https://diary.test/en/podcast.xml")]


def test_chapters_file(tmp_path):
    result = built(tmp_path)
    data = json.loads(result.files["en/posts/walk/chapters.json"])
    assert data == {"version": "1.2.0", "chapters": [{"startTime": 0, "title": "Setting out"},
                                                     {"startTime": 1, "title": "The heron"}]}
    assert "zh/posts/walk/chapters.json" not in result.files


@pytest.mark.parametrize("chapters, message", [
    ('  - {start: "0:01", title: A}\n  - {start: 0, title: B}\n', "chapter 2 starts at 0:00, not after chapter 1"),
    ('  - {start: 0, title: A}\n  - {start: "1:05", title: B}\n', "chapter 2 starts at 1:05, but the recording lasts"),
    ('  - {start: soon, title: A}\n', "chapter 1 starts at 'soon'"),
    ('  - {begin: 0, title: A}\n', "chapter 1 must have exactly 'start' and 'title'"),
])
def test_bad_chapters(tmp_path, chapters, message):
    text = WALK_EN.split("chapters:\n")[0] + "chapters:\n" + chapters + "---\nWalked.\n"
    result = build_fixture(podcast_site(tmp_path, **{"content/posts/walk/index.en.md": text}))
    errs = errors(result)
    assert len(errs) == 1, errs
    assert errs[0].startswith(f"content/posts/walk/index.en.md:{line_of(text, 'chapters:')}:") and message in errs[0]


def test_episode_ids_survive_a_title_change_and_builds_are_identical(tmp_path):
    first = built(tmp_path)
    second = build_fixture(tmp_path)
    for path in ("en/podcast.xml", "zh/podcast.xml", "en/posts/walk/chapters.json"):
        assert first.files[path] == second.files[path]
    post = tmp_path / "content/posts/walk/index.en.md"
    post.write_text(post.read_text("utf-8").replace("Walk & <Talk>", "A new title"), "utf-8")
    renamed = build_fixture(tmp_path)
    ids = [e.id for e in feedparser.parse(first.files["en/podcast.xml"]).entries]
    new = feedparser.parse(renamed.files["en/podcast.xml"]).entries
    assert [e.title for e in new] == ["Talk", "A new title"]
    assert [e.id for e in new] == ids


def test_drafts_are_never_episodes(tmp_path):
    result = built(tmp_path, drafts=True)
    assert "en/posts/hidden/index.html" in result.files
    assert b"Hidden draft" not in result.files["en/podcast.xml"]
    assert len(feedparser.parse(result.files["en/podcast.xml"]).entries) == 2


def test_pages_link_the_podcast_of_their_language(tmp_path):
    result = built(tmp_path)
    en = result.files["en/posts/talk/index.html"].decode()
    assert 'type="application/rss+xml" title="Test Cast (Podcast)" href="https://diary.test/en/podcast.xml"' in en
    assert 'href="/en/podcast.xml" type="application/rss+xml">Podcast</a>' in en
    zh = result.files["zh/index.html"].decode()
    assert 'href="https://diary.test/zh/podcast.xml"' in zh and ">播客</a>" in zh


def test_a_language_without_episodes_has_no_podcast(tmp_path):
    unnarrated = "---\ndate: 2025-03-01\ntitle: 散步\nepisode: 2\nseason: 1\n---\n走。\n"
    extra = {"content/posts/walk/index.zh.md": unnarrated}
    result = build_fixture(podcast_site(tmp_path, **extra))
    assert errors(result) == []
    assert "zh/podcast.xml" not in result.files
    assert "podcast.xml" not in result.files["zh/index.html"].decode()


def test_without_a_podcast_section_there_is_no_podcast_feed(tmp_path):
    result = build_fixture(podcast_site(tmp_path, MINIMAL_SITE_YAML))
    assert errors(result) == []
    assert not any(p.endswith("podcast.xml") for p in result.files)
    assert any("no 'podcast:' section" in d.message for d in result.diagnostics if d.severity == "warning")
    assert "<audio" in result.files["en/posts/walk/index.html"].decode()  # the player stays


CHANNEL_ERRORS = MINIMAL_SITE_YAML + """\
podcast:
  titel: "Typo"
  image: cover.png
  category: "Society and Culture"
  explicit: "no"
  owner: {name: Tester}
"""


def test_channel_settings_are_checked_all_at_once(tmp_path):
    result = build_fixture(podcast_site(tmp_path, CHANNEL_ERRORS))
    errs = errors(result)
    text = CHANNEL_ERRORS
    expected = [
        (line_of(text, "titel:"), "unknown key 'podcast.titel' (did you mean 'title'?)"),
        (line_of(text, "category:"), "unknown podcast category 'Society and Culture' "
                                     "(did you mean 'Society & Culture'?)"),
        (line_of(text, "explicit:"), "'podcast.explicit' must be true or false"),
        (line_of(text, "owner:"), "'podcast.owner.email' is required"),
    ]
    for line, message in expected:
        assert any(e.startswith(f"site.yaml:{line}:") and message in e for e in errs), (line, message, errs)
    assert len(errs) == len(expected), errs


def test_channel_needs_image_and_owner(tmp_path):
    text = MINIMAL_SITE_YAML + 'podcast:\n  category: Arts\n  subcategory: Cooking\n'
    errs = errors(build_fixture(podcast_site(tmp_path, text)))
    line = line_of(text, "podcast:")
    assert any(e.startswith(f"site.yaml:{line}:") and "'podcast.image' is required" in e for e in errs), errs
    assert any(e.startswith(f"site.yaml:{line}:") and "'podcast.owner.email' is required" in e for e in errs), errs
    assert any(e.startswith(f"site.yaml:{line + 2}:") and "unknown subcategory 'Cooking' of 'Arts'" in e
               and "Food" in e for e in errs), errs
    assert len(errs) == 3, errs


@pytest.mark.parametrize("name, data, message", [
    ("cover.png", image(1400, 1000), "is 1400×1000 pixels; it must be square, 1400 to 3000 pixels a side"),
    ("cover.png", image(1000, 1000), "is 1000×1000 pixels; it must be square"),
    ("cover.png", image(1400, 1400, "GIF", "P"), "is a GIF image; podcast apps need JPEG or PNG"),
    ("cover.png", image(1400, 1400, "JPEG"), "is a JPEG image but its name ends in '.png'"),
    ("cover.png", b"not an image", "is not a readable image"),
    ("other.png", image(1400, 1400), "podcast cover 'cover.png' not found in static/"),
])
def test_cover_image_is_checked_with_pillow(tmp_path, name, data, message):
    result = build_fixture(podcast_site(tmp_path, **{"static/cover.png": None, f"static/{name}": data}))
    errs = errors(result)
    assert len(errs) == 1, errs
    assert errs[0].startswith(f"site.yaml:{line_of(PODCAST_YAML, 'image:')}:") and message in errs[0]


def test_a_cmyk_cover_is_refused(tmp_path):
    text = PODCAST_YAML.replace("image: cover.png", "image: cover.jpg")
    cmyk = image(1400, 1400, "JPEG", "CMYK")
    errs = errors(build_fixture(podcast_site(tmp_path, text, **{"static/cover.jpg": cmyk})))
    assert len(errs) == 1 and "uses the CMYK colour model; save it as RGB" in errs[0], errs


def test_a_jpeg_cover_is_written_even_though_feedgen_drops_jpeg(tmp_path):
    text = PODCAST_YAML.replace("image: cover.png", "image: cover.jpeg")
    result = build_fixture(podcast_site(tmp_path, text, **{"static/cover.jpeg": image(1400, 1400, "JPEG")}))
    assert errors(result) == []
    root = etree.fromstring(result.files["en/podcast.xml"])
    assert root.xpath("channel/itunes:image/@href", namespaces=NS) == ["https://diary.test/cover.jpeg"]


def test_pitfall_feedgen_podcast_extension():
    from feedgen.feed import FeedGenerator

    fg = FeedGenerator()
    fg.load_extension("podcast")
    with pytest.raises(ValueError):
        fg.podcast.itunes_explicit("false")  # only yes/no/clean
    fg.podcast.itunes_image("https://x.test/cover.jpeg")
    assert fg.podcast.itunes_image() is None  # dropped silently (#140)


def test_every_bad_input_in_one_run_keeps_the_last_good_site(tmp_path):
    root = podcast_site(tmp_path / "site")
    out = tmp_path / "out"
    good = build_to(root, out)
    assert good.ok, good.diagnostics
    before = (out / "en/podcast.xml").read_bytes()
    bad_yaml = PODCAST_YAML.replace("  owner: {name: Tester, email: t@diary.test}\n", "") \
        .replace('"Society & Culture"', '"Culture"')
    write_site(root, {
        "static/cover.png": image(1400, 1000),
        "content/posts/walk/voice.mp3": b"this is not audio",
        "content/posts/walk/index.zh.md": "---\ndate: 2025-03-01\ntitle: 散步\nepisode: 2\nseason: 1\n"
                                          "audio: gone.m4a\n---\n走。\n",
    }, bad_yaml)
    result = build_to(root, out)
    errs = errors(result)
    expected = [
        ("content/posts/walk/index.en.md:5:", "audio file 'voice.mp3' is corrupt or not audio"),
        ("content/posts/walk/index.zh.md:6:", "audio file 'gone.m4a' not found in content/posts/walk/"),
        (f"site.yaml:{line_of(bad_yaml, 'podcast:')}:", "'podcast.owner.email' is required"),
        (f"site.yaml:{line_of(bad_yaml, 'category:')}:", "unknown podcast category 'Culture'"),
        (f"site.yaml:{line_of(bad_yaml, 'image:')}:", "is 1400×1000 pixels"),
    ]
    for where, message in expected:
        assert any(e.startswith(where) and message in e for e in errs), (where, message, errs)
    assert len(errs) == len(expected), errs
    assert (out / "en/podcast.xml").read_bytes() == before


def test_example_site_podcast(example_output):
    en = feedparser.parse((example_output / "en/podcast.xml").read_bytes())
    zh = feedparser.parse((example_output / "zh/podcast.xml").read_bytes())
    assert not en.bozo and not zh.bozo
    assert en.entries and zh.entries and len(en.entries) + len(zh.entries) >= 3
    for feed in (en, zh):
        for entry in feed.entries:
            (enclosure,) = entry.enclosures
            path = example_output / enclosure.href.removeprefix("https://riji.example.org/")
            assert int(enclosure.length) == path.stat().st_size < 300_000
            assert enclosure.type == "audio/mpeg" and int(entry.itunes_duration) > 10
    walk = next(e for e in en.entries if "evening-walk-narrated" in e.link)
    chapters = json.loads((example_output / "en/posts/evening-walk-narrated/chapters.json").read_text("utf-8"))
    starts = [c["startTime"] for c in chapters["chapters"]]
    assert chapters["version"] == "1.2.0" and starts == sorted(starts) and starts[-1] < int(walk.itunes_duration)
    cover = example_output / "podcast-cover.png"
    with Image.open(cover) as im:
        assert im.format == "PNG" and im.size[0] == im.size[1] and 1400 <= im.size[0] <= 3000
    assert cover.stat().st_size < 60_000
    page = (example_output / "zh/posts/evening-walk-narrated/index.html").read_text("utf-8")
    assert 'preload="metadata"' in page and "分" in page and "秒" in page


def test_channel_limits_and_pinned_guids_are_checked(tmp_path):
    text = PODCAST_YAML.replace('  title: {en: "Test Cast", zh: "测试播客"}\n',
                                f'  title: {{en: "{"T" * 256}", zh: "测试播客"}}\n') \
        .replace('  description: {en: "Read aloud.", zh: "念出来。"}\n',
                 f'  description: {{en: "Read aloud.", zh: "{"念" * 1400}"}}\n') \
        + "  guid: {en: not-a-uuid, fr: 917393e3-1b1e-5cef-ace4-edaa54e1f810}\n  type: seasonal\n"
    errs = errors(build_fixture(podcast_site(tmp_path, text)))
    expected = [
        (line_of(text, "  title:"), "'podcast.title' for 'en' has 256 characters; podcast apps take at most 255"),
        (line_of(text, "  description:"), "'podcast.description' for 'zh' is 4200 bytes; podcast apps take at most 4000"),
        (line_of(text, "  guid:"), "'podcast.guid.en' 'not-a-uuid' is not a UUID"),
        (line_of(text, "  guid:"), "'podcast.guid' has unknown language 'fr'"),
        (line_of(text, "  type:"), "'podcast.type' must be 'episodic' or 'serial', not 'seasonal'"),
    ]
    for line, message in expected:
        assert any(e.startswith(f"site.yaml:{line}:") and message in e for e in errs), (line, message, errs)
    assert len(errs) == len(expected), errs


def test_podcast_urls_should_be_https(tmp_path):
    result = build_fixture(podcast_site(tmp_path, PODCAST_YAML.replace("https://diary.test/", "http://diary.test/")))
    assert errors(result) == []
    assert any("podcast apps expect https" in d.message and d.line == 1 for d in result.diagnostics)


# -- the feeds as real clients read them (feedparser, and gPodder's podcastparser) -------------------


def _client_views(result, path: str):
    import podcastparser

    data = result.files[path] if isinstance(result.files[path], bytes) else None
    if data is None:
        from conftest import text_of
        data = text_of(result, path).encode()
    return feedparser.parse(data), podcastparser.parse("https://diary.test/" + path, io.BytesIO(data))


def test_each_atom_entry_sends_readers_to_its_own_language(tmp_path):
    result = built(tmp_path)
    for code in ("en", "zh"):
        fp, pp = _client_views(result, f"{code}/atom.xml")
        assert fp.entries and pp["episodes"]
        for entry in fp.entries:
            assert f"/{code}/" in entry.link, (code, entry.link)
        related = [link for entry in fp.entries for link in entry.links if link.get("rel") == "related"]
        assert related and all(f"/{code}/" not in link.href for link in related)  # the translations
        for episode in pp["episodes"]:
            assert f"/{code}/" in episode["link"], (code, episode["link"])


def test_text_feeds_give_the_duration_of_their_enclosures(tmp_path):
    result = built(tmp_path)
    for path in ("en/feed.xml", "en/tags/culture/feed.xml", "zh/feed.xml"):
        _, pp = _client_views(result, path)
        narrated = [e for e in pp["episodes"] if e["enclosures"]]
        assert narrated, path
        assert all(e["total_time"] > 0 for e in narrated), (path, [e["total_time"] for e in narrated])


def test_psc_chapters_are_inline_in_the_podcast_feed(tmp_path):
    result = built(tmp_path)
    _, pp = _client_views(result, "en/podcast.xml")
    walk = next(e for e in pp["episodes"] if "walk" in e["link"])
    assert walk["chapters"] == [{"start": 0, "title": "Setting out"}, {"start": 1, "title": "The heron"}]
    from generator.render.podcast import npt
    assert (npt(0), npt(61.5), npt(3725)) == ("00:00:00", "00:01:01.500", "01:02:05")


def test_tag_feeds_follow_the_tag_pages_rule(tmp_path):
    """A tag whose only post is in the other language has a page that lists it (marked), but an
    empty feed would say nothing: there is none, and the page links none."""
    root = podcast_site(tmp_path, **{"content/posts/solo.zh.md": "---\ndate: 2025-06-01\ntitle: 独\ntags: [solo]\n"
                                                                  "---\n只有中文。\n"})
    (root / "site.yaml").write_text(PODCAST_YAML.replace("  culture: {en: Culture, zh: 文化}\n",
                                                         "  culture: {en: Culture, zh: 文化}\n  solo: {en: Solo, zh: 独}\n"),
                                    "utf-8")
    result = build_fixture(root)
    assert errors(result) == []
    assert "en/tags/solo/index.html" in result.files and "zh/tags/solo/feed.xml" in result.files
    assert "en/tags/solo/feed.xml" not in result.files and "en/tags/solo/atom.xml" not in result.files
    from conftest import text_of
    page = text_of(result, "en/tags/solo/index.html")
    assert "tags/solo/feed.xml" not in page and "tags/solo/atom.xml" not in page
    zh_atom = text_of(result, "zh/tags/solo/atom.xml")
    assert "/en/tags/solo/atom.xml" not in zh_atom  # no alternate link to a feed that is not there
    for path, value in result.files.items():
        if path.endswith(("feed.xml", "atom.xml")):
            fp, _ = _client_views(result, path)
            assert fp.entries, f"{path} is empty"


def test_drafts_are_not_in_the_sitemap_even_in_a_drafts_build(tmp_path):
    result = built(tmp_path, drafts=True)
    from conftest import text_of
    assert "en/posts/hidden/index.html" in result.files
    assert "/posts/hidden/" not in text_of(result, "sitemap.xml")


def test_a_site_under_a_sub_path_writes_no_robots_txt_and_says_so(tmp_path):
    root = podcast_site(tmp_path, PODCAST_YAML.replace("https://diary.test/", "https://me.github.io/diary/"))
    result = build_fixture(root)
    assert errors(result) == [] and "robots.txt" not in result.files
    warnings = [str(d) for d in result.diagnostics if "robots.txt" in d.message]
    assert warnings == ["site.yaml:1: warning: the site lives under /diary/, so riji writes no robots.txt: crawlers "
                        "read it only at https://me.github.io/robots.txt; to list the sitemap there, add 'Sitemap: "
                        "https://me.github.io/diary/sitemap.xml' to that file"]
    assert "robots.txt" in built(tmp_path / "root").files


def test_a_card_image_and_episode_art_are_set_apart(tmp_path):
    """A 1200x630 Open Graph card is normal; on a narrated post it says once what to do about it."""
    card = {"content/posts/walk/art.png": image(1200, 630)}
    result = build_fixture(podcast_site(tmp_path / "card", **card))
    assert errors(result) == []
    warnings = [str(d) for d in result.diagnostics if "episode artwork" in d.message]
    assert warnings == [f"content/posts/walk/index.en.md:{line_of(WALK_EN, 'image:')}: warning: image 'art.png' is "
                        "not used as episode artwork: it is 1200×630 pixels; it must be square, 1400 to 3000 pixels a "
                        "side; set 'episode_image:' to a square one (the card image stays for links)"], warnings

    chosen = {**card, "content/posts/walk/square.png": image(1400, 1400),
              "content/posts/walk/index.en.md": WALK_EN.replace("image: art.png", "image: art.png\nepisode_image: square.png")}
    result = build_fixture(podcast_site(tmp_path / "chosen", **chosen))
    assert not [d for d in result.diagnostics if "artwork" in d.message or d.severity == "error"], result.diagnostics
    feed = etree.fromstring(result.files["en/podcast.xml"])
    arts = feed.xpath("//item/itunes:image/@href", namespaces=NS)
    assert arts == ["https://diary.test/en/posts/walk/square.png"]
    from conftest import text_of
    assert "walk/art.png" in text_of(result, "en/posts/walk/index.html")  # the card stays the Open Graph image

    bad = {**chosen, "content/posts/walk/square.png": image(1200, 630)}
    errs = errors(build_fixture(podcast_site(tmp_path / "bad", **bad)))
    assert len(errs) == 1 and "episode_image 'square.png' is 1200×630 pixels" in errs[0], errs


def test_malformed_chapters_are_errors_with_or_without_a_podcast(tmp_path):
    """They were dropped in silence when site.yaml had no podcast: section."""
    bad = WALK_EN.replace('  - {start: "0:01", title: "The heron"}', '  - {start: "9:99", title: "Late"}\n  - {start: 0}')
    for name, site_yaml in (("with", PODCAST_YAML), ("without", MINIMAL_SITE_YAML)):
        errs = errors(build_fixture(podcast_site(tmp_path / name, site_yaml,
                                                 **{"content/posts/walk/index.en.md": bad})))
        assert len(errs) == 2 and all(e.startswith("content/posts/walk/index.en.md:") for e in errs), (name, errs)
        assert any("chapter 3 must have exactly 'start' and 'title'" in e for e in errs), (name, errs)
