"""`riji new`, `riji init` and the build summary, run as a writer would run them."""
import subprocess
import sys
from datetime import date

from conftest import REPO


def riji(*args, cwd):
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, capture_output=True, text=True,
                          env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"})


def test_init_scaffolds_a_site_that_builds_at_once(tmp_path):
    made = riji("init", "diary", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    built = riji("build", "--site", "diary", cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    # piped output: no progress lines, only the one-line summary
    assert built.stdout.count("\n") == 1 and built.stdout.startswith("built ")
    assert "posts: en 1, zh 1" in built.stdout and built.stderr == ""
    assert (tmp_path / "diary/output/zh/posts/hello/index.html").is_file()
    again = riji("init", "diary", cwd=tmp_path)
    assert again.returncode == 1 and "already holds a site" in again.stderr


def test_new_writes_dated_skeletons_in_both_forms(tmp_path):
    riji("init", "s", cwd=tmp_path)
    site = tmp_path / "s"
    one = riji("new", "Learning Alone", "--zh", "独自学习", cwd=site)
    assert one.returncode == 0, one.stderr
    text = (site / "content/posts/learning-alone.md").read_text("utf-8")
    assert f"date: {date.today().isoformat()}" in text and "独自学习" in text and "<!-- lang: zh -->" in text
    split = riji("new", "Split Post", "--split", cwd=site)
    assert split.returncode == 0
    assert (site / "content/posts/split-post.en.md").exists() and (site / "content/posts/split-post.zh.md").exists()
    clash = riji("new", "Learning Alone", cwd=site)
    assert clash.returncode == 1 and "already exists" in clash.stderr
    # skeletons are drafts: they build with --drafts and stay out otherwise
    assert riji("build", "--drafts", cwd=site).returncode == 0
    assert (site / "output/en/posts/learning-alone/index.html").exists()
    assert riji("build", cwd=site).returncode == 0
    assert not (site / "output/en/posts/learning-alone").exists()


def test_a_bug_in_riji_is_one_line_not_a_traceback(tmp_path, monkeypatch, capsys):
    import generator.build
    from generator.cli import main

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(generator.build, "build_to", broken)
    monkeypatch.delenv("RIJI_DEBUG", raising=False)
    assert main(["build", "--site", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "internal error: RuntimeError: boom" in err and "RIJI_DEBUG=1" in err and "Traceback" not in err


def test_second_build_reuses_the_memo_and_still_reports_errors(tmp_path):
    from conftest import build_fixture, errors, write_site

    from generator.memo import load_memo, memo_path

    write_site(tmp_path, {"content/posts/a.md": "---\ndate: 2025-01-01\nen: {title: A}\ntagz: [x]\n---\n"
                                                "<!-- lang: en -->\nHello [b](b.md).\n",
                          "content/posts/b.en.md": "---\ndate: 2025-01-02\ntitle: B\n---\nB\n"})
    first = build_fixture(tmp_path, cache=True)
    memo = load_memo(memo_path(tmp_path))
    assert len(memo.entries) == 2 and len(memo.markdown) == 2
    second = build_fixture(tmp_path, cache=True)
    assert errors(second) == errors(first) and len(errors(first)) == 1 and "tagz" in errors(first)[0]
    assert second.files.keys() == first.files.keys()
    assert all(second.files[k] == first.files[k] for k in first.files if isinstance(first.files[k], bytes))
    # a deleted post is forgotten by the next save
    (tmp_path / "content/posts/b.en.md").unlink()
    build_fixture(tmp_path, cache=True)
    assert len(load_memo(memo_path(tmp_path)).entries) == 1


def test_new_checks_the_slug_and_never_writes_outside_content(tmp_path):
    riji("init", "s", cwd=tmp_path)
    site = tmp_path / "s"
    before = sorted(p for p in tmp_path.rglob("*"))
    for slug in ("../../../x", "../x", "Bad Slug", "a\nslug: injected", "x/y", "-x", ""):
        made = riji("new", "Title", f"--slug={slug}", cwd=site)
        assert made.returncode == 1 and "Traceback" not in made.stderr, (slug, made.stderr)
        assert "--slug" in made.stderr, slug
    assert sorted(p for p in tmp_path.rglob("*")) == before
    outside = riji("new", "Title", cwd=tmp_path)  # no site.yaml here or above
    assert outside.returncode == 1 and "no site.yaml" in outside.stderr
    assert not (tmp_path / "content").exists()
    (site / "content/posts/deep").mkdir()
    below = riji("new", "From Below", cwd=site / "content/posts/deep")  # inside a site: its content/
    assert below.returncode == 0 and (site / "content/posts/from-below.md").is_file()
    assert riji("build", "--drafts", cwd=site).returncode == 0


def test_new_with_a_chinese_title_or_only_zh_makes_a_chinese_post(tmp_path):
    riji("init", "s", cwd=tmp_path)
    site = tmp_path / "s"
    han = riji("new", "重庆的银行行长", cwd=site)
    assert han.returncode == 0, han.stderr
    text = (site / "content/posts/chong-qing-de-yin-hang-hang-zhang.md").read_text("utf-8")
    assert 'zh: {title: "重庆的银行行长"}' in text and "en:" not in text and "<!-- lang: en -->" not in text
    only = riji("new", "--zh", "标题", "--split", cwd=site)
    assert only.returncode == 0, only.stderr
    assert (site / "content/posts/biao-ti.zh.md").is_file() and not (site / "content/posts/biao-ti.en.md").exists()
    none = riji("new", cwd=site)
    assert none.returncode == 1 and "give a title" in none.stderr
    built = riji("build", "--drafts", cwd=site)
    assert built.returncode == 0, built.stderr
    assert (site / "output/zh/posts/chong-qing-de-yin-hang-hang-zhang/index.html").is_file()
    assert not (site / "output/en/posts/chong-qing-de-yin-hang-hang-zhang").exists()


def test_a_closed_pipe_ends_quietly(tmp_path):
    riji("init", "s", cwd=tmp_path)
    proc = subprocess.Popen([sys.executable, "-m", "generator", "new", "Piped", "--split"], cwd=tmp_path / "s",
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"})
    proc.stdout.close()  # like `| head -1` once it has its line
    err = proc.stderr.read().decode()
    proc.wait()
    assert err == "" and proc.returncode == 141
    assert (tmp_path / "s/content/posts/piped.en.md").is_file() and (tmp_path / "s/content/posts/piped.zh.md").is_file()


def test_the_command_ends_without_tearing_the_interpreter_down(tmp_path):
    """Freeing a large build's objects on the way out took 1.5 s at 5,000 posts: the `riji`
    command flushes its output and ends at once, with the command's code, running nothing at exit."""
    riji("init", "s", cwd=tmp_path)
    script = ("import atexit, sys; atexit.register(lambda: print('torn down', file=sys.stderr)); "
              "sys.argv = ['riji', 'build']; from generator.cli import entry; entry()")
    for site, code in ((tmp_path / "s", 0), (tmp_path, 1)):  # a folder with no site.yaml fails
        ran = subprocess.run([sys.executable, "-c", script], cwd=site, capture_output=True, text=True,
                             env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"})
        assert ran.returncode == code and "torn down" not in ran.stderr, ran.stderr
        assert (ran.stdout.startswith("built ") if code == 0 else "error" in ran.stderr)
