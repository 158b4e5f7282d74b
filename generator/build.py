"""The pipeline: read sources -> site model -> renderers -> (one) writer. Nothing here prints."""
from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from . import collector, lastbuild, markdown, typography
from .constants import TRANSLATIONS_LOCK
from .config import Config, load_config
from .constants import CACHE_DIR
from .media import probe_media
from .constants import SITE_FILE
from .diagnostics import Diagnostic, Diagnostics, in_order
from .inputs import code_digest, digest
from .memo import BuildMemo, load_memo, memo_path, save_memo
from .parallel import Forked, fork_map
from .model import Site, build_site
from .render import Lazy, Output, inputs_of, materialize, work_out_inputs
from .render.assets import code_classes, theme_assets
from .render.diary import render_on_this_day
from .render.feeds import feed_links, render_feeds, render_root_feeds
from .render.files import bundle_files
from .render.hosting import render_hosting
from .render.html import render_html
from .render.pinyin import render_pinyin
from .render.previous import Previous, Reads
from .render.podcast import render_podcast
from .render.sitemap import render_sitemap
from .search import Indexing, Reuse, load_reuse, save_reuse, search_groups, start_languages
from .sources import list_files, read_entries
from .theme import Theme, default_theme_dir, load_theme
from .translations import status as translations
from .translations.lock import from_text as lock_from_text, read_lock, read_text as read_lock_text
from .translations.status import Status
from .urls import site_urls
from .writer import UnsafeOutput, last_build, write_output

TEMPLATES_FILE = "templates.pickle"  # in .riji-cache/: the templates as compiled by the last build
PARALLEL_THRESHOLD = 48  # below this many uncached documents a process pool costs more than it saves


@dataclass
class BuildOptions:
    drafts: bool = False
    future: bool = False
    private: bool = False  # include `visibility: private` entries (the preview; never `riji publish`)
    now: datetime | None = None
    extra_body: str = ""  # the preview server's reload script; never set by `riji build`
    cache: bool = True
    workers: int | None = None
    lazy: bool = False  # leave pages as render.Lazy for the preview to render on request
    memo: BuildMemo | None = None  # the preview's memory between builds; None: .riji-cache/ (if cache)
    search: bool = True  # index for search (when site.yaml enables it); the preview indexes on its own
    reuse: bool = True  # build_to: nothing changed since the last build (lastbuild.py): write nothing
    # last build's bytes of a page whose inputs digest is unchanged, or None (build_to, from output/)
    written: Callable[[str, bytes], bytes | None] | None = None
    # record which entries each page reads (build_to keeping a manifest; the preview), with last build's
    # record of them
    track_reads: bool = False
    previous: Previous | None = None

    @property
    def cores(self) -> int:
        """Processes to spread work over: `workers`, or every core."""
        return self.workers or os.cpu_count() or 1

    @property
    def search_beside_writer(self) -> bool:
        """Pagefind indexes in a child while the writer writes: an edit of a build in output/ (the
        writer then mostly keeps files); a first build, which renders every page, indexes before."""
        return self.lazy and self.written is not None


@dataclass
class BuildResult:
    files: Output = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    site: Site | None = None
    config: Config | None = None
    theme: Theme | None = None  # as loaded for this build, so later stages (checks) need not read it again
    made: int = 0  # files the writer rendered or copied
    kept: int = 0  # files the writer kept from the last build, their inputs unchanged
    root: Path | None = None  # the site folder it was built from (resolved): checks name files in it
    reads: Reads | None = None  # with BuildOptions.track_reads: which entries its pages read, and the basis
    translations: Status | None = None  # each translation against translations.lock
    seconds: float = 0.0
    changes_at: datetime | None = None  # when a post dated in the future would be published
    replayed: str | None = None  # the last build's tally, when nothing changed since it (no site then)
    # a lazy build's search bundle, still being made: waits for it and returns (files, diagnostics)
    searching: Callable[[], tuple[Output, list[Diagnostic]]] | None = None

    @property
    def ok(self) -> bool:
        return not any(d.severity == "error" for d in self.diagnostics)

    @property
    def pages(self) -> int:
        return sum(1 for p in self.files if p.endswith(".html"))

    def tally(self) -> str:
        per_lang = ", ".join(f"{code} {len(self.site.posts_in(code))}" for code in self.site.config.codes)
        private = sum(1 for e in self.site.entries if e.visibility == "private")
        including = f" (including {private} private)" if private else ""
        return f"{self.pages} pages, posts: {per_lang}{including}"

    def summary(self) -> str:
        if self.replayed is not None:
            return lastbuild.summary(self.replayed, self.seconds)
        if self.site is None:
            return f"build failed in {self.seconds:.2f} s"
        return f"{self.tally()}, in {self.seconds:.2f} s"


def _render_chunk(_shared, missing: list) -> list:
    return [(key, markdown.render(text, line_offset=offset, **settings))
            for key, (text, offset, settings) in missing]


def markdown_job(doc, settings: dict) -> tuple[str, int, dict]:
    """What rendering a document's Markdown reads: its text, the file line before it, its settings."""
    return doc.body, doc.body_line - 1, settings


def markdown_key(text: str, offset: int, settings: dict) -> str:
    """A document's key in the memo's Markdown: what its rendering depends on, digested."""
    h = hashlib.blake2b(digest_size=16)
    h.update(f"{markdown.RENDER_VERSION}\0{offset}\0{sorted(settings.items())}\0".encode())
    h.update(text.encode())
    return h.hexdigest()


def shared_inputs(root: Path, theme: Theme, asset_urls: dict, statics: dict, options: BuildOptions) -> bytes | None:
    """A digest of what every page and feed may read besides its own values: riji's code, site.yaml,
    the theme's templates and UI strings, asset names, the static files' names, the build's options.
    Of the preview's script only its presence counts: its build token changes with every rebuild,
    and the preview, which never writes, reuses the search index of a language whose pages are
    otherwise unchanged."""
    try:
        settings = (root / SITE_FILE).read_bytes()
    except OSError:
        return None
    return digest(code_digest(), settings, theme.templates_digest, theme.strings,
                  asset_urls, sorted(statics), bool(options.extra_body), options.drafts, options.future)


def static_files(root: Path, diag: Diagnostics) -> dict[str, Path]:
    """The site's static/ folder, copied as it is: listed here, with the sources, not by a renderer."""
    static = root / "static"
    return dict(list_files(static, root, diag)) if static.is_dir() else {}


def markdown_settings(config: Config, strings: dict) -> dict[str, dict]:
    """What Markdown rendering depends on besides the text, per language."""
    def tr(code, key, default):
        return strings.get(code, {}).get(key) or strings.get(config.default_language, {}).get(key, default)

    # Latin-only blocks in CJK text take the first Latin language's lang, Han runs in Latin text the
    # first Chinese language's
    latin = next((lang.hreflang for lang in config.languages if not lang.is_cjk), "")
    han = next((lang.hreflang for lang in config.languages if lang.code.split("-")[0] == "zh"), "")
    return {lang.code: {"smart_quotes": not lang.is_cjk, "base_url": config.base_url,
                        "labels": (tr(lang.code, "footnotes", "Notes"), tr(lang.code, "footnote_back", "Back")),
                        "convert": lang.convert, "cjk_spacing": lang.cjk_spacing, "pinyin": lang.pinyin,
                        "latin_lang": latin if lang.is_cjk else "", "han_lang": "" if lang.is_cjk else han}
            for lang in config.languages}


def render_markdown(config: Config, sources, workers: int, memo: BuildMemo | None = None,
                    settings: dict | None = None) -> dict:
    """Render every document's Markdown on both cores, reusing what `memo` remembers by content
    hash. An entry the memo handed back (the very object of the last build) keeps its documents'
    keys, unhashed: on a preview rebuild that is all of them but the one saved."""
    settings = settings or markdown_settings(config, {})
    cache: dict = memo.markdown if memo is not None else {}
    before = memo.markdown_keys if memo is not None and memo.markdown_settings == settings else {}
    keyed: dict = {}  # entry name -> (the entry, ((entry name, lang), key) of each document)
    missing = {}
    for entry in sources:
        old = before.get(entry.name)
        if old is None or old[0] is not entry:
            pairs = []
            for code, doc in entry.docs.items():
                job = markdown_job(doc, settings[code])
                key = markdown_key(*job)
                pairs.append(((entry.name, code), key))
                if key not in cache:
                    missing[key] = job
            old = (entry, tuple(pairs))
        keyed[entry.name] = old
    # pypinyin's dictionary (56 MB) is loaded where Chinese is read: by each worker, when there
    # are, not here, where it would stay beside the rest of the build and the writer's workers
    if any(s["cjk_spacing"] for _text, _offset, s in missing.values()):
        typography.pangu_spacing()  # loaded once, before the workers fork, so they share it
    # the workers send back each document's HTML and more: this process unpickles it, working no share
    parts, _forked = fork_map(_render_chunk, list(missing.items()), None, workers, PARALLEL_THRESHOLD, share=False)
    fresh = {key: r for part in parts for key, r in part}
    out = {}
    used = {}
    for _entry, pairs in keyed.values():
        for ident, key in pairs:
            r = cache.get(key) or fresh[key]
            r.key = key
            used[key] = r
            out[ident] = r
    if memo is not None:
        memo.markdown_changed = bool(fresh) or len(used) != len(cache)
        memo.markdown, memo.markdown_keys, memo.markdown_settings = used, keyed, settings
    return out


def _translations(root: Path, sources, rendered: dict, languages: list[str], memo: BuildMemo | None,
                  preview: bool, problems: list) -> Status:
    """Each translation against translations.lock, a source too: what each was last synced with.
    The preview keeps the file read, and the documents, by the very objects, for its next rebuild;
    `riji build` keeps each document's status by what it was worked out from, and reads of the
    file only what changed."""
    if memo is not None and not preview:
        text, found = read_lock_text(root)
        kept = None if found else translations.of_lock_text(sources, rendered, text, languages, root, memo.status)
        if kept is not None:
            memo.status_changed = kept[1] != memo.status
            memo.status = kept[1]
            return kept[0]
        lock, found = lock_from_text(text, found)  # read whole, from the text read already
    else:
        lock, found = memo.read_lock(read_lock, root) if memo is not None else read_lock(root)
    problems += found
    return translations.of_build(sources, rendered, lock, languages, root, memo.documents if preview else None)


def index_search(site: Site, theme: Theme, root: Path, files: Output, workers: int = 1,
                 reuse: Reuse | None = None, written: Callable[[str, bytes], bytes | None] | None = None,
                 background: bool = False) -> tuple[Indexing, list[Diagnostic]]:
    """(a function that gives Pagefind's bundle for the pages search offers, its diagnostics and
    what the next build may reuse; the diagnostics of the pages rendered for it). The pages of a
    language whose inputs changed are read back from the last build when `written` has them
    unchanged, else rendered here, on `workers` processes, and left rendered in `files`, so the
    writer does not render them again. With `background`, Pagefind indexes them in a forked child
    while the caller goes on (the writer writes every other file meanwhile)."""
    groups = {key: {p: t for p, t in pages.items() if p in files} for key, pages in search_groups(site).items()}
    templates = {p: t for pages in groups.values() for p, t in pages.items()}
    problems: list[Diagnostic] = []
    if written is not None:  # an edit: the writer mostly keeps files, and needs every digest first
        work_out_inputs(files, templates, workers)  # search keys each language by its pages' inputs

    def render(paths: list[str]) -> dict[str, bytes]:
        kept = {}
        if written is not None:  # a one-post edit: the language's other pages are as last written
            for path in paths:
                digest = inputs_of(files[path])
                if digest is not None and (old := written(path, digest)) is not None:
                    kept[path] = old
        # packed until Pagefind and the writer read them
        unmade = {p: files[p] for p in paths if p not in kept}
        rendered, found = materialize(unmade, workers, packed=True) if unmade else ({}, [])
        problems.extend(found)
        for path, value in rendered.items():  # still lazy, so the writer records its inputs digest
            page = files[path]
            if isinstance(page, Lazy):
                page.made = (value, ())  # its problems are in `found`
        return {**kept, **rendered}

    names = Diagnostics(root)  # a theme's template path, relative to the site, for the message
    indexing = start_languages(
        groups, lambda path: inputs_of(files[path]), render, site.config.base_path,
        lambda path: names._rel(theme.template_path(theme.root_template(templates[path]))), reuse,
        run=Forked if background else None, last_written=written)
    return indexing, problems


def joined(root: Path, files: Output, part: Output) -> list[Diagnostic]:
    """Adds `part` to `files`: every output path is made once, a copied file never silently
    replaces a page."""
    own = Diagnostics(root)
    for name, value in part.items():
        if name not in files:
            files[name] = value
        elif isinstance(value, Path):
            own.error(value, None, f"would overwrite the generated /{name}; rename the file")
        else:
            own.error(root / "site.yaml", None, f"two pages would both be written to /{name}")
    return own.items


def build(root: Path, options: BuildOptions | None = None,
          progress: Callable[[str], None] | None = None) -> BuildResult:
    """Build the site in memory; the caller decides whether to write or serve the result. Each stage
    returns its own diagnostics; the result holds them all, in order, in a list of its own."""
    with collector.paused():
        return _build(root, options, progress)


def _build(root: Path, options: BuildOptions | None, progress: Callable[[str], None] | None) -> BuildResult:
    options = options or BuildOptions()
    started = time.perf_counter()
    say = progress or (lambda _msg: None)
    root = root.resolve()
    problems: list[Diagnostic] = []
    result = BuildResult(root=root)

    def stage(run):
        """`run(diag)` with a collector of its own, for the stages that take one."""
        own = Diagnostics(root)
        value = run(own)
        problems.extend(own.items)
        return value

    def finish() -> BuildResult:
        result.diagnostics = in_order(problems)
        result.seconds = time.perf_counter() - started
        return result

    say("reading site.yaml")
    config = stage(lambda d: load_config(root, d))
    if config is None:
        return finish()
    result.config = config
    config_broken = any(d.severity == "error" for d in problems)  # content is still checked, not rendered
    memo, memo_file = options.memo, None
    if memo is None and options.cache:  # the preview brings its own memo; `riji build` keeps one on disk
        memo_file = memo_path(root)
        memo = load_memo(memo_file)
    theme, found = options.memo.theme(load_theme, root, config) if options.memo is not None else \
        load_theme(root, config.theme, config.codes, config.generated)  # the preview's memo outlives a build
    problems += found
    result.theme = theme
    say("reading content")
    sources = stage(lambda d: read_entries(root, config, d, memo))
    say(f"rendering Markdown of {len(sources)} documents")
    rendered = render_markdown(config, sources, options.cores, memo,
                               markdown_settings(config, theme.strings))
    written = [lang.code for lang in config.languages if not lang.source]  # generated ones follow by themselves
    result.translations = _translations(root, sources, rendered, written, memo, options.memo is not None, problems)
    if (line := translations.summary(result.translations, TRANSLATIONS_LOCK)) is not None:
        problems.append(line)
    now = options.now or datetime.now(timezone.utc)
    result.changes_at = min((e.date for e in sources if e.date is not None and e.date > now), default=None)
    say("measuring audio")
    urls = site_urls(config)  # the one URL scheme of this site
    media, found = probe_media(config, urls, root, sources)
    problems += found
    space, spaced = memo.spacing(typography.space_text) if memo is not None else (typography.space_text, None)
    site, found = build_site(config, urls, sources, rendered, root, now=now, drafts=options.drafts,
                             future=options.future, private=options.private, media=media.audio, images=media.images,
                             outdated=translations.outdated(result.translations), space=space,
                             known=memo.made if memo is not None else None)
    problems += found
    if spaced is not None:
        spaced()
    if memo_file is not None:
        save_memo(memo_file, memo)
    result.site = site
    if config_broken:
        return finish()

    say("rendering pages")
    asset_urls, files = theme_assets(theme, code_classes(site))
    statics = stage(lambda d: static_files(root, d))

    def add(part: Output) -> None:
        problems.extend(joined(root, files, part))

    inputs = shared_inputs(root, theme, asset_urls, statics, options)
    result.reads = Reads(site, inputs, options.previous) if options.track_reads else None
    if result.reads is not None and options.memo is None:
        result.reads.basis()  # `riji build`: before its writer's workers fork, so they share it
    add(render_feeds(site, inputs, result.reads))
    add(render_root_feeds(site, result.reads))
    add(render_podcast(site, result.reads))
    add(render_sitemap(site, result.reads))
    add(render_on_this_day(site))
    add(render_pinyin(((doc.url, doc.pinyin, entry.name) for entry in site.entries for doc in entry.docs.values()),
                      inputs, result.reads))
    add(render_hosting(site, asset_urls))
    add(render_html(site, theme, root, asset_urls=asset_urls, static_names=set(statics),
                    feeds_for=lambda code, tag=None: feed_links(site, theme.strings, code, tag),
                    extra_body=options.extra_body, inputs=inputs, reads=result.reads))
    add(bundle_files(site))
    add(statics)
    compiled = root / CACHE_DIR / TEMPLATES_FILE if options.cache else None
    if compiled is not None:
        theme.recall(compiled)
    if options.cores > 1:
        theme.compile()
        if compiled is not None:
            theme.keep(compiled)
    if config.search["enabled"] and options.search:
        say("indexing for search")
        reuse_file = root / CACHE_DIR / "search.pickle" if options.cache else None
        before = load_reuse(reuse_file) if reuse_file else {}
        # not beside a first build's writer: it would hold Pagefind's memory and its workers' at once
        indexing, found = index_search(site, theme, root, files, options.cores, before, options.written,
                                       background=options.search_beside_writer)
        problems += found

        def searched(indexing=indexing) -> tuple[Output, list[Diagnostic]]:
            try:
                bundle, found, reuse = indexing()
            except RuntimeError as exc:  # the child indexing died: a bug or a kill, not bad input
                return {}, [Diagnostic("site.yaml", None, f"search: indexing failed: {exc}")]
            if reuse_file is not None and not any(d.severity == "error" for d in found):
                save_reuse(reuse_file, reuse, before)
            return bundle, found

        if options.lazy:  # build_to writes the bundle last, once Pagefind is done
            taken = dict.fromkeys(files)

            def later() -> tuple[Output, list[Diagnostic]]:
                bundle, found = searched()
                return bundle, found + joined(root, taken, bundle)

            result.searching = later
        else:
            bundle, found = searched()
            problems += found
            add(bundle)
    if not options.lazy:
        say(f"rendering {len(files)} pages")
        files, found = materialize(files, options.cores)
        problems += found
    result.files = files
    return finish()


def build_to(root: Path, out_dir: Path, options: BuildOptions | None = None,
             progress: Callable[[str], None] | None = None, background_cleanup: bool = False) -> BuildResult:
    """Build and, only when there are no errors, swap the result into `out_dir`. Pages are rendered
    while they are written, on both cores, so the disk works while templates render."""
    with collector.paused():
        return _build_to(root, out_dir, options, progress, background_cleanup)


def _build_to(root: Path, out_dir: Path, options: BuildOptions | None, progress: Callable[[str], None] | None,
              background_cleanup: bool) -> BuildResult:
    started = time.perf_counter()
    options = replace(options or BuildOptions(), lazy=True)
    # the record of the last build stands for riji build's own options only: not for the preview's
    recorded = options.cache and options.now is None and options.memo is None and not options.extra_body
    key = lastbuild.key(out_dir, options.drafts, options.future, options.private, options.search)
    if recorded and options.reuse and (last := lastbuild.replay(root, out_dir, key)) is not None:
        return BuildResult(diagnostics=last.diagnostics, kept=last.files, root=root.resolve(),
                           replayed=last.tally, seconds=time.perf_counter() - started)
    lastbuild.forget(root)  # whatever happens next, the record no longer describes output/
    if recorded:
        before = lastbuild.snapshot(root, [default_theme_dir()])
    manifest = root / CACHE_DIR / "output.pickle" if options.cache else None
    if manifest is not None:
        written, previous = last_build(manifest, out_dir)
        options = replace(options, written=written, track_reads=True, previous=previous)
    result = build(root, options, progress)
    searching, result.searching = result.searching, None
    bundle: Output = {}

    def searched() -> tuple[Output, list[Diagnostic]]:
        nonlocal searching
        wait, searching = searching, None
        if progress:
            progress("waiting for the search index")
        files, found = wait()
        bundle.update(files)
        return files, found

    if result.ok:
        problems = list(result.diagnostics)
        try:
            if progress:
                progress(f"rendering and writing {len(result.files)} files")
            # Pagefind indexing beside the writer takes a core of its own
            indexing = searching is not None and options.search_beside_writer
            written = write_output(result.files, out_dir, root, max(1, options.cores - indexing), background_cleanup,
                                   manifest, searched if searching is not None else None,
                                   result.reads.basis() if result.reads is not None else None)
            result.files.update(bundle)
            if options.cache and options.cores == 1:  # the templates this process compiled as it rendered
                result.theme.keep(result.root / CACHE_DIR / TEMPLATES_FILE)
            problems += written.diagnostics
            result.made, result.kept = written.made, written.kept
            if recorded and written.swapped:
                until = result.changes_at.timestamp() if result.changes_at else None
                lastbuild.save(root, out_dir, key, before, in_order(problems), result.tally(),
                               len(result.files), until, written.stamps)
        except (UnsafeOutput, OSError) as exc:
            problems.append(Diagnostic(str(out_dir), None, str(exc)))
        result.diagnostics = in_order(problems)
    if searching is not None:  # nothing was written: the indexing child is let finish
        searching()
    result.seconds = time.perf_counter() - started
    return result
