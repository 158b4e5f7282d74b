"""`riji publish`: git (a local bare repository), rsync and dir targets; a fresh production build,
checked first; nothing changes on a dry run or when the site is broken."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from conftest import write_site
from generator.cli import main
from generator.commands.publish import publish_site

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082")

SITE_YAML = """\
base_url: https://me.github.io/diary/
title: {{en: "Test Diary", zh: "测试日记"}}
author: {{name: "Site Author", email: "author@diary.test"}}
check: {{validate_html: false}}
publish:
{targets}
"""

POSTS = {
    "content/posts/first.md": """\
        ---
        date: 2026-03-01
        slug: first
        en:
          title: "First"
        zh:
          title: "第一篇"
        ---
        <!-- lang: en -->
        Hello, see [the walk](walk/index.md) and [about](/en/about/).
        <!-- lang: zh -->
        你好，看[散步](walk/index.md)。
        """,
    "content/posts/walk/index.en.md": "---\ntitle: Walk\ndate: 2026-02-01\n---\n![A photo](photo.png)\n",
    "content/posts/walk/index.zh.md": "---\ntitle: 散步\ndate: 2026-02-01\n---\n![照片](photo.png)\n",
    "content/posts/walk/photo.png": PNG,
    "content/posts/secret.en.md": "---\ntitle: Secret\ndate: 2026-02-02\ndraft: true\n---\nNot yet.\n",
    "content/pages/about.md": "---\nslug: about\nen:\n  title: About\nzh:\n  title: 关于\n---\n"
                              "<!-- lang: en -->\nAbout.\n<!-- lang: zh -->\n关于。\n",
}


@pytest.fixture(autouse=True)
def git_identity(monkeypatch, tmp_path):
    """Hermetic git: no user or system config; the identity comes from the environment."""
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "no-gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for role in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{role}_NAME", "Test Publisher")
        monkeypatch.setenv(f"GIT_{role}_EMAIL", "publisher@diary.test")


def git(*args, cwd: Path) -> str:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True).stdout.strip()


def make_site(root: Path, targets: str, files: dict | None = None) -> Path:
    return write_site(root, {**POSTS, **(files or {})}, SITE_YAML.format(targets=targets))


def publish(site: Path, *names: str, dry_run: bool = False) -> tuple[int, list[str]]:
    lines: list[str] = []
    status = publish_site(site, list(names), dry_run=dry_run, out=lines.append)
    return status, lines


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not {".git", ".riji-cache"} & set(p.relative_to(folder).parts)}


def branch_files(bare: Path, branch: str = "gh-pages") -> set[str]:
    return set(git("ls-tree", "-r", "--name-only", branch, cwd=bare).splitlines())


def test_git_target_commits_once_per_change_and_never_twice(tmp_path):
    bare = tmp_path / "pages.git"
    git("init", "--quiet", "--bare", str(bare), cwd=tmp_path)
    site = make_site(tmp_path / "site", "  - {name: pages, type: git, remote: ../pages.git, branch: gh-pages, "
                                        "cname: diary.example.org}")
    status, lines = publish(site)
    assert status == 0, lines
    files = branch_files(bare)
    assert {".nojekyll", "CNAME", "index.html", "404.html", "en/posts/first/index.html",
            "zh/posts/walk/photo.png", "sitemap.xml"} <= files
    assert not any("secret" in f for f in files)  # drafts never ship
    assert git("show", "gh-pages:CNAME", cwd=bare) == "diary.example.org"
    page = git("show", "gh-pages:en/posts/first/index.html", cwd=bare)
    assert 'href="/diary/en/about/"' in page and "EventSource" not in page  # production: no preview script
    assert git("log", "--format=%s", "gh-pages", cwd=bare) == "Publish site from uncommitted work"
    assert "committed" in lines[0] and "pushed" in lines[0]

    head = git("rev-parse", "gh-pages", cwd=bare)
    status, lines = publish(site)
    assert status == 0 and git("rev-parse", "gh-pages", cwd=bare) == head  # nothing changed: no commit
    assert lines == ["pages (git: branch gh-pages of ../pages.git): already up to date; no commit"]

    (site / "content/posts/walk/index.en.md").write_text("---\ntitle: Walk\ndate: 2026-02-01\n---\nRain.\n", "utf-8")
    (site / "content/posts/walk/photo.png").unlink()
    (site / "content/posts/walk/index.zh.md").write_text("---\ntitle: 散步\ndate: 2026-02-01\n---\n雨。\n", "utf-8")
    status, lines = publish(site)
    assert status == 0, lines
    assert git("rev-list", "--count", "gh-pages", cwd=bare) == "2"
    changed = git("diff", "--name-status", "gh-pages~1", "gh-pages", cwd=bare).splitlines()
    assert "D\ten/posts/walk/photo.png" in changed and "M\ten/posts/walk/index.html" in changed


def test_git_commit_message_names_the_source_commit(tmp_path, monkeypatch):
    bare = tmp_path / "pages.git"
    git("init", "--quiet", "--bare", str(bare), cwd=tmp_path)
    site = make_site(tmp_path / "site", f"  - {{name: pages, type: git, remote: '{bare}'}}")
    (site / ".gitignore").write_text("output/\n.riji-cache/\n", "utf-8")
    git("init", "--quiet", cwd=site)
    git("add", "-A", cwd=site)
    git("commit", "--quiet", "-m", "source", cwd=site)
    sha = git("rev-parse", "--short", "HEAD", cwd=site)
    # without a git identity, the commit is made as site.yaml's author
    for var in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL"):
        monkeypatch.delenv(var)
    status, lines = publish(site)
    assert status == 0, lines
    assert git("log", "--format=%s|%an <%ae>", "gh-pages", cwd=bare) == \
        f"Publish site from {sha}|Site Author <author@diary.test>"
    assert git("status", "--porcelain", cwd=site) == ""  # the author's checkout is untouched
    assert git("branch", "--list", cwd=site).split() == ["*", git("branch", "--show-current", cwd=site)]


def test_dir_and_rsync_targets_mirror_the_build_and_copy_nothing_when_unchanged(tmp_path):
    outside = tmp_path / "keep-me.txt"
    outside.write_text("not ours", "utf-8")
    site = make_site(tmp_path / "site", "  - {name: local, type: dir, path: ../public}\n"
                                        "  - {name: mirror, type: rsync, dest: ../mirror/}")
    for folder in ("public", "mirror"):
        (tmp_path / folder / "old").mkdir(parents=True)
        (tmp_path / folder / "old/stale.html").write_text("stale", "utf-8")
    status, lines = publish(site)
    assert status == 0, lines
    public, mirror = tree(tmp_path / "public"), tree(tmp_path / "mirror")
    assert public == mirror and "old/stale.html" not in public and not (tmp_path / "public/old").exists()
    assert {"index.html", "en/posts/walk/photo.png", "assets/favicon.svg"} <= set(public)
    assert ".nojekyll" not in public and outside.read_text("utf-8") == "not ours"
    assert lines[0].startswith("local (dir: ../public): ") and "1 removed" in lines[0]
    assert lines[1].startswith("mirror (rsync: ../mirror/): ") and "1 removed" in lines[1]

    stamps = {p: p.stat().st_mtime_ns for p in (tmp_path / "public").rglob("*")}
    status, lines = publish(site)
    assert status == 0
    assert lines == ["local (dir: ../public): already up to date", "mirror (rsync: ../mirror/): already up to date"]
    assert {p: p.stat().st_mtime_ns for p in (tmp_path / "public").rglob("*")} == stamps

    status, lines = publish(site, "mirror")  # one target by name
    assert status == 0 and len(lines) == 1 and lines[0].startswith("mirror ")


def test_dry_run_lists_changes_and_changes_nothing(tmp_path):
    bare = tmp_path / "pages.git"
    git("init", "--quiet", "--bare", str(bare), cwd=tmp_path)
    site = make_site(tmp_path / "site", "  - {name: pages, type: git, remote: ../pages.git}\n"
                                        "  - {name: local, type: dir, path: ../public}\n"
                                        "  - {name: mirror, type: rsync, dest: ../mirror/}")
    (tmp_path / "public").mkdir()
    (tmp_path / "public/stale.html").write_text("stale", "utf-8")
    (tmp_path / "mirror").mkdir()
    status, lines = publish(site, dry_run=True)
    assert status == 0, lines
    assert git("for-each-ref", cwd=bare) == ""  # no branch was pushed
    assert tree(tmp_path / "public") == {"stale.html": b"stale"} and tree(tmp_path / "mirror") == {}
    text = "\n".join(lines)
    assert "pages (git: branch gh-pages of ../pages.git) (dry run): would add" in text
    assert "  + .nojekyll" in text and "  + en/posts/first/index.html" in text
    assert "  - stale.html" in text and "local (dir: ../public) (dry run): would add" in text
    assert "mirror (rsync: ../mirror/) (dry run): would add" in text

    assert publish(site)[0] == 0
    (site / "content/pages/about.md").write_text((site / "content/pages/about.md").read_text("utf-8")
                                                 .replace("About.", "About me."), "utf-8")
    head = git("rev-parse", "gh-pages", cwd=bare)
    before = tree(tmp_path / "public")
    status, lines = publish(site, dry_run=True)
    assert status == 0
    changed = [r for r in lines if r.startswith("  ")]
    # the page, and both side-by-side views that show its English text
    assert [r for r in changed if "pagefind/" not in r] == ["  ~ en/about/index.html", "  ~ en/about/parallel/index.html",
                                                            "  ~ zh/about/parallel/index.html"] * 3
    assert "  ~ pagefind/2026/pagefind-entry.json" in changed  # the page's words changed in the index
    assert git("rev-parse", "gh-pages", cwd=bare) == head and tree(tmp_path / "public") == before


BAD_POST = "---\ntitle: Bad\ndate: 2026-03-02\n---\n"
BROKEN = {  # each body's first line is line 5 of content/posts/bad.en.md
    "broken link": "See [this](/en/posts/gone/).\n",
    "missing image": "![x](/images/gone.png)\n",
    "third-party resource": '<script src="https://cdn.example.com/x.js"></script>\n',
    "link to a draft": "Soon: [the secret](secret.en.md).\n",
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_publish_refuses_a_broken_site_and_says_why(tmp_path, capsys, case):
    site = make_site(tmp_path / "site", "  - {name: local, type: dir, path: ../public}",
                     {"content/posts/bad.en.md": BAD_POST + BROKEN[case]})
    assert main(["publish", "--site", str(site)]) == 1
    err = capsys.readouterr().err
    assert "content/posts/bad.en.md:5: error:" in err, err
    assert "refusing to publish" in err and "nothing was published" in err
    assert not (tmp_path / "public").exists()


def test_targets_are_validated_with_lines_and_suggestions(tmp_path, capsys):
    targets = ("  - {name: pages, type: gti, remote: x}\n"
               "  - name: host\n    type: rsync\n    dset: me@host:/srv/\n"
               "  - {name: pages, type: git, remote: ../p.git, brnach: main, cname: 'https://x.org/'}\n"
               "  - {name: root, type: rsync, dest: 'me@host:/'}")
    site = make_site(tmp_path / "site", targets)
    assert main(["publish", "--site", str(site)]) == 1
    err = capsys.readouterr().err
    assert "site.yaml:6: error: publish target #1 needs 'type: git', 'type: rsync' or 'type: dir', not 'gti' " \
           "(did you mean 'git'?)" in err
    assert "site.yaml:9: error: unknown key 'dset' for a rsync target (did you mean 'dest'?)" in err
    assert "site.yaml:7: error: rsync target 'host' needs 'dest'" in err
    assert "site.yaml:10: error: two publish targets are named 'pages'" in err
    assert "site.yaml:10: error: unknown key 'brnach' for a git target (did you mean 'branch'?)" in err
    assert "site.yaml:10: error: 'cname' of target 'pages' must be a bare host name" in err
    assert "site.yaml:11: error: 'dest' of target 'root' names the whole home or root folder of me@host" in err
    assert "nothing was published" in err


def test_unknown_target_and_missing_targets(tmp_path, capsys):
    site = make_site(tmp_path / "site", "  - {name: local, type: dir, path: ../public}")
    assert main(["publish", "locl", "--site", str(site)]) == 1
    assert "no publish target named 'locl' (did you mean 'local'?)" in capsys.readouterr().err
    bare = write_site(tmp_path / "none", POSTS, SITE_YAML.format(targets="").replace("publish:\n", ""))
    assert main(["publish", "--site", str(bare)]) == 1
    assert "no publish targets" in capsys.readouterr().err


@pytest.mark.parametrize("path", [".", "content", "static/out", ".."])
def test_dir_target_never_deletes_the_site(tmp_path, path):
    site = make_site(tmp_path / "site", f"  - {{name: local, type: dir, path: '{path}'}}",
                     {"static/out/keep.txt": "mine"})
    before = tree(tmp_path)
    status, lines = publish(site)
    assert status == 1 and lines == []
    assert tree(tmp_path) == before


# -- cool URIs don't change: the publish guard -------------------------------------------------------

RENAMED = "content/posts/walk/index.en.md"


@pytest.mark.parametrize("kind", ["dir", "git"])
def test_a_slug_change_without_alias_is_refused_and_with_one_published(tmp_path, capsys, kind):
    if kind == "dir":
        targets, where = "  - {name: pages, type: dir, path: ../public}", tmp_path / "public"
    else:
        bare = tmp_path / "pages.git"
        git("init", "--bare", "--quiet", str(bare), cwd=tmp_path)
        targets, where = f"  - {{name: pages, type: git, remote: {bare}}}", bare
    site = make_site(tmp_path / "site", targets)
    assert publish(site)[0] == 0

    def published() -> set[str]:
        return branch_files(where) if kind == "git" else set(tree(where))

    assert ".riji-published" in published() and "en/posts/walk/index.html" in published()
    moved = POSTS[RENAMED].replace("date: 2026-02-01\n", "date: 2026-02-01\nslug: evening-walk\n")
    for name in (RENAMED, RENAMED.replace(".en.", ".zh.")):
        text = POSTS[name].replace("date: 2026-02-01\n", "date: 2026-02-01\nslug: evening-walk\n")
        (site / name).write_text(text, "utf-8")
    capsys.readouterr()
    status, lines = publish(site, dry_run=True)
    said = capsys.readouterr().err
    assert "/en/posts/walk/index.html was published before and this build removes it" in said
    assert "/zh/posts/walk/index.html" in said and "--allow-removals" in said
    status, lines = publish(site)
    assert status == 1 and "en/posts/evening-walk/index.html" not in published()
    assert "site.yaml:6: error: publish target 'pages': /en/posts/walk/index.html" in capsys.readouterr().err
    (site / RENAMED).write_text(moved.replace("title: Walk\n", "title: Walk\naliases: [posts/walk/]\n"), "utf-8")
    zh = site / RENAMED.replace(".en.", ".zh.")
    zh.write_text(zh.read_text("utf-8").replace("title: 散步\n", "title: 散步\naliases: [posts/walk/]\n"), "utf-8")
    assert publish(site)[0] == 0
    assert {"en/posts/evening-walk/index.html", "en/posts/walk/index.html"} <= published()
    if kind == "dir":
        old = (where / "en/posts/walk/index.html").read_text("utf-8")
        assert 'content="0; url=/diary/en/posts/evening-walk/"' in old


def test_allow_removals_and_an_unreadable_manifest(tmp_path, capsys):
    extra = {"content/pages/colophon.en.md": "---\ntitle: Colophon\n---\nMade by hand.\n"}
    site = make_site(tmp_path / "site", "  - {name: pages, type: dir, path: ../public}", extra)
    assert publish(site)[0] == 0
    (site / "content/pages/colophon.en.md").unlink()
    assert publish(site)[0] == 1
    assert publish_site(site, [], out=lambda _l: None, allow_removals=True) == 0
    assert not (tmp_path / "public/en/colophon/index.html").exists()
    (tmp_path / "public/.riji-published").write_bytes(b"\xff\xfe broken")
    capsys.readouterr()
    assert publish(site)[0] == 1
    said = capsys.readouterr().err
    assert "warning: publish target 'pages': cannot read what was published last time" in said
    assert publish_site(site, [], out=lambda _l: None, allow_removals=True) == 0
