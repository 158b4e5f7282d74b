from conftest import MINIMAL_SITE_YAML, write_site

from generator.config import load_config
from generator.diagnostics import Diagnostics


def load(tmp_path, text):
    write_site(tmp_path, {}, text)
    diag = Diagnostics(tmp_path)
    return load_config(tmp_path, diag), [str(d) for d in diag.errors]


def test_defaults_make_en_and_zh_symmetric(tmp_path):
    config, errs = load(tmp_path, MINIMAL_SITE_YAML)
    assert errs == []
    en, zh = config.languages
    assert (en.code, en.prefix, en.hreflang, en.feed_language) == ("en", "en", "en", "en")
    assert (zh.code, zh.prefix, zh.hreflang, zh.feed_language, zh.name) == ("zh", "zh", "zh-Hans", "zh-cn", "中文")
    assert config.default_language == "en"
    assert config.title == {"en": "Test Diary", "zh": "测试日记"}
    assert config.tags["culture"] == {"en": "Culture", "zh": "文化"}
    assert config.base_path == "/"


def test_unknown_keys_get_line_and_did_you_mean(tmp_path):
    _, errs = load(tmp_path, MINIMAL_SITE_YAML + "posts_per_pag: 3\nfeeds: {ful_content: true}\n")
    assert any("site.yaml:8:" in e and "posts_per_pag" in e and "did you mean 'posts_per_page'" in e for e in errs)
    assert any("feeds.ful_content" in e and "full_content" in e for e in errs)


def test_every_problem_is_reported_at_once(tmp_path):
    text = """\
base_url: diary.test
title: {en: "T"}
default_language: fr
timezone: Mars/Olympus
missing_translation: maybe
posts_per_page: 0
"""
    _, errs = load(tmp_path, text)
    joined = "\n".join(errs)
    for needle in ("base_url", "no text for language 'zh'", "default_language 'fr'", "Mars/Olympus",
                   "missing_translation", "posts_per_page"):
        assert needle in joined
    assert len(errs) == 6


def test_broken_yaml_is_one_message_with_line(tmp_path):
    config, errs = load(tmp_path, "base_url: https://x.test/\ntitle: [unclosed\nfoo: 1\n")
    assert config is None
    assert len(errs) == 1 and errs[0].startswith("site.yaml:3:")


def test_sub_path_base_url(tmp_path):
    config, errs = load(tmp_path, MINIMAL_SITE_YAML.replace("https://diary.test/", "https://me.github.io/diary"))
    assert errs == [] and config.base_url == "https://me.github.io/diary/" and config.base_path == "/diary/"


PODCAST_YAML = """\
podcast:
  owner: {email: me@diary.test}
  image: cover.png
  category: Society & Culture
publish:
  - {name: pages, type: git, remote: ../pages.git}
  - name: local
    type: dir
    path: ../public
"""


def test_config_is_frozen_all_the_way_down(tmp_path):
    import dataclasses

    import pytest

    config, errs = load(tmp_path, MINIMAL_SITE_YAML + PODCAST_YAML)
    assert errs == []
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.base_url = "https://elsewhere.test/"
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.podcast.image = "other.png"
    for mapping, key in ((config.title, "en"), (config.feeds, "items"), (config.check, "validate_html"),
                         (config.hosting, "headers"), (config.tags["culture"], "en"), (config.author, "name"),
                         (config.podcast.title, "en"), (config.publish[0], "remote"), (config.menu, "en")):
        with pytest.raises(TypeError):
            mapping[key] = "changed"
    assert isinstance(config.menu["en"], tuple) and isinstance(config.check["allowed_hosts"], tuple)
    assert isinstance(config.publish, tuple)


def test_publish_targets_keep_their_lines_without_reading_site_yaml_again(tmp_path):
    from generator.targets import parse_targets

    config, errs = load(tmp_path, MINIMAL_SITE_YAML + PODCAST_YAML.replace("path: ../public", "pat: ../public"))
    assert errs == []
    first = MINIMAL_SITE_YAML.count("\n") + 6
    assert config.publish_lines[0][""] == first and config.publish_lines[1]["type"] == first + 2
    (tmp_path / "site.yaml").unlink()  # later stages take the parsed config, not the file
    diag = Diagnostics(tmp_path)
    targets = parse_targets(tmp_path, config, diag)
    assert [t.name for t in targets] == ["pages"]
    assert [str(d) for d in diag.errors] == [
        f"site.yaml:{first + 3}: error: unknown key 'pat' for a dir target (did you mean 'path'?)",
        f"site.yaml:{first + 1}: error: dir target 'local' needs 'path'"]


def test_the_config_holds_settings_not_the_site_folder(tmp_path):
    """site.yaml's values only: stages that need the folder are given it, so one parsed config can
    serve a copy of the site elsewhere."""
    from dataclasses import fields

    from generator.config import Config

    config, errs = load(tmp_path, MINIMAL_SITE_YAML)
    assert errs == []
    assert "root" not in {f.name for f in fields(Config)} and not hasattr(config, "root")
