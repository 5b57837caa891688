"""The `workercrawl` command: a thin click layer over the library."""

from __future__ import annotations

import io
import json
import os
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

import click

from . import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="workercrawl")
def cli():
    """Crawl and clean Chinese trade-union news."""


@cli.command("sites")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per site.")
def sites_command(as_json):
    """List the site registry (workercrawl/sites.toml): `scrapy crawl sites -a site=KEY` crawls any.

    \b
    Examples:
      workercrawl sites
      workercrawl sites --json | jq -r .key
    """
    from .sites import catalog

    for row in catalog():
        if as_json:
            click.echo(json.dumps(row, ensure_ascii=False))
            continue
        parts = [f"{row['key']:<14}", row["name"], f"[{row['family']}]" if row["family"] else "",
                 f"(scrapy crawl {row['spider']})" if row["spider"] != "sites" else ""]
        if row["unsupported"]:
            parts.append(f"UNSUPPORTED: {row['unsupported']}")
        else:
            parts += [f"start: {' '.join(row['start_urls'])}" if row["start_urls"] else "",
                      f"issue: {row['issue_url']}" if row["issue_url"] else ""]
        click.echo("  ".join(p for p in parts if p))


# -- the store: search, stats, export (each a few lines over the Store method of the same name) --

DEFAULT_DB = "data/workercrawl.db"


def _date(ctx, param, value):
    from .store.report import check_date

    try:
        return check_date(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


def db_options(command):
    """--db PATH (env WORKERCRAWL_DB) and --timeout SECONDS, shared by the store commands."""
    command = click.option("--timeout", type=click.FloatRange(min=0), default=10.0, show_default=True,
                           help="Seconds to wait while another process holds a write lock.")(command)
    return click.option("--db", "db_path", type=click.Path(dir_okay=False), default=DEFAULT_DB,
                        envvar="WORKERCRAWL_DB", show_envvar=True, show_default=True,
                        help="The articles database.")(command)


@contextmanager
def opened_store(db_path: str, timeout: float, raw_path: str | None = None, create: bool = False):
    """The Store, or a one-line error and exit status 1 (locked, read-only, corrupt, too new…)."""
    from .store import Store, StoreError

    try:
        store = Store(db_path, raw_path, create=create, timeout=timeout)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None
    try:
        yield store
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        store.close()


SEARCH_OPTIONS = ("--limit", "--since", "--until", "--newest", "--stories", "--json", "--db", "--timeout", "--help")


@cli.command(context_settings={"ignore_unknown_options": True})
@click.argument("query", nargs=-1, required=True, type=click.UNPROCESSED)
@click.option("-n", "--limit", type=click.IntRange(1, 10000), default=10, show_default=True, help="How many matches.")
@click.option("--since", callback=_date, help="Only articles published on or after this date (YYYY[-MM[-DD]]).")
@click.option("--until", callback=_date,
              help="Only articles published on or before this date (YYYY[-MM[-DD]]; 2024-05: to the end of May).")
@click.option("--newest", is_flag=True, help="Newest first instead of best first (the same matches).")
@click.option("--stories", "by_story", is_flag=True,
              help="One match per story: the copies of a report reprinted on several sites collapse into one.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per match.")
@db_options
def search(query, limit, since, until, newest, by_story, as_json, db_path, timeout):
    """Full-text search in Chinese: the best matches (bm25) with date, source, title, snippet and
    URL on standard output; the total number of matches on standard error.

    \b
    QUERY (one argument or several, joined by spaces):
      工会 农民工          every part must match (words typed together stand together)
      农民工 OR 民工       either part; OR joins the two parts beside it
      工会 -职工           not articles matching 职工; also: 工会 NOT 职工
      "职工权益"           an exact phrase, character for character (quote the
                           quotes in a shell: '"职工权益"'); “中文引号” work too
    OR, NOT and AND are upper case (or, not, and are words). A query cannot be
    exclusions only. A word after - that starts with n or h, or a part that starts
    with --, goes inside a quoted query: "工会 -h5".

    \b
    Examples:
      workercrawl search 劳动竞赛
      workercrawl search 工会 农民工 OR 民工 --since 2024-05 --until 2024-06
      workercrawl search 工会 -职工 -n 50 --json
      workercrawl search '"职工权益" -女职工'
      workercrawl search 送温暖 --stories
      workercrawl search 农民工 欠薪 --newest
    """
    import difflib

    from .store.search import BadQuery
    from .validate import strip_controls

    for part in query:  # ignore_unknown_options lets -职工 through; a mistyped --option must not be searched
        if part.startswith("--") and len(part) > 2:
            raise click.NoSuchOption(part, possibilities=difflib.get_close_matches(part, SEARCH_OPTIONS))
    text = " ".join(query)
    with opened_store(db_path, timeout) as store:
        try:
            matches = store.search(text, limit=limit, since=since, until=until,
                                   order="newest" if newest else "relevance", by_story=by_story)
            total = len(matches) if len(matches) < limit else store.count_matches(
                text, since=since, until=until, by_story=by_story)
        except BadQuery as exc:
            raise click.BadParameter(str(exc), param_hint="QUERY") from None
    for rank, hit in enumerate(matches, start=1):
        if as_json:
            click.echo(json.dumps(hit, ensure_ascii=False))
        else:  # rows stored before control characters were stripped must not reach the terminal raw
            hit = {k: strip_controls(v) for k, v in hit.items()}
            copies = f"  ({hit['copies']} copies)" if by_story and (hit.get("copies") or 1) > 1 else ""
            click.echo(f"{rank:>2}. {hit['published_at'] or '-'}  {hit['source'] or '-'}  {hit['title']}{copies}")
            click.echo(f"    {hit['snippet']}")
            click.echo(f"    {hit['url']}")
    if not matches:
        click.echo(f"no matches for {text!r}", err=True)
    else:
        shown = f" (showing {len(matches)})" if total > len(matches) else ""
        unit = ("story" if total == 1 else "stories") if by_story else ("match" if total == 1 else "matches")
        click.echo(f"{total} {unit} for {text}{shown}", err=True)


def _table(title: str, rows: list[dict], keys: tuple[str, ...], top: int) -> None:
    click.echo(f"\n{title}")
    for row in rows[:top] if top else rows:
        label = " / ".join(str(row[k]) if row[k] is not None else "(none)" for k in keys)
        click.echo(f"  {row['articles']:>9,}  {label}")
    if top and len(rows) > top:
        click.echo(f"  … {len(rows) - top} more (--top 0 shows all)")


@cli.command()
@click.option("--top", type=click.IntRange(min=0), default=15, show_default=True,
              help="Rows per site/channel/source list (0: all).")
@click.option("--json", "as_json", is_flag=True, help="Print everything as one JSON object.")
@db_options
def stats(top, as_json, db_path, timeout):
    """Counts per site, channel, source and month, and field coverage: the quick health view.

    \b
    Examples:
      workercrawl stats
      workercrawl stats --top 0 --db data/workercrawl.db
      workercrawl stats --json
    """
    with opened_store(db_path, timeout) as store:
        report = store.stats()
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
        return
    click.echo(f"{report['database']}: {report['articles']:,} articles ({report['stories']:,} distinct stories, "
               f"{report['reprinted']:,} reprinted), {report['versions']:,} earlier versions, "
               f"{report['rejects']:,} rejects, {report['runs']:,} runs")
    click.echo("coverage  " + "  ".join(f"{name} {share:.1%}" for name, share in report["coverage"].items()))
    run = report["last_run"]
    if run:
        click.echo(f"last run  #{run['id']} {run['spider']} {run['started_at']} → {run['finished_at'] or 'unfinished'} "
                   f"({run['finish_reason'] or '-'}): {run['pages'] or 0} pages, {run['articles'] or 0} articles, "
                   f"{run['rejects'] or 0} rejects, {run['errors'] or 0} errors")
    _table("by site", report["by_site"], ("site",), top)
    _table("by channel", report["by_channel"], ("site", "channel"), top)
    _table("by source", report["by_source"], ("source",), top)
    _table("by month", report["by_month"], ("month",), 0)


@cli.command("stories")
@click.option("--since", callback=_date, help="Only stories first published on or after this date (YYYY[-MM[-DD]]).")
@click.option("--min-copies", type=click.IntRange(min=1), default=2, show_default=True,
              help="Only stories printed at least this many times.")
@click.option("-n", "--limit", type=click.IntRange(min=0), default=20, show_default=True, help="How many stories (0: all).")
@click.option("--rebuild", is_flag=True, help="Assign every article to a story again first (after a re-extraction).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per story.")
@db_options
def stories_command(since, min_copies, limit, rebuild, as_json, db_path, timeout):
    """The most reprinted stories: one report on several papers and sites (a new headline, trimmed
    paragraphs, an editor's note), its original (the earliest published copy) and each copy's
    site and delay after it. Copies are grouped as they are stored (see docs/store.md#stories).

    \b
    Examples:
      workercrawl stories
      workercrawl stories --since 2024-05 --min-copies 3
      workercrawl stories --json --db data/workercrawl.db
      workercrawl stories --rebuild
    """
    from .validate import strip_controls

    with opened_store(db_path, timeout) as store:
        if rebuild:
            total = store.rebuild_stories()
            click.echo(f"{total:,} stories after the rebuild", err=True)
        found = store.stories(since=since, min_copies=min_copies, limit=limit or None)
    for story in found:
        if as_json:
            click.echo(json.dumps(story, ensure_ascii=False))
            continue
        story = {k: strip_controls(v) if isinstance(v, str) else v for k, v in story.items()}
        click.echo(f"{story['copies']} copies on {story['sites']} sites  {story['first_published_at'] or '-'}  "
                   f"{story['title']}")
        for copy in story["copies_list"]:
            if copy["original"]:
                delay = "original"
            elif copy["delay_hours"] is not None:
                delay = f"+{copy['delay_hours']:g} h"
            elif copy["delay_days"] is not None:
                delay = "same day" if copy["delay_days"] == 0 else f"+{copy['delay_days']} d"
            else:
                delay = "+?"
            click.echo(f"    {delay:>10}  {strip_controls(copy['site'] or '-')}  {strip_controls(copy['url'])}")
    if not found:
        click.echo(f"no story with {min_copies} copies or more", err=True)


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl"]), required=True, help="Output format.")
@click.option("--since", callback=_date, help="Only articles published on or after this date (YYYY[-MM[-DD]]).")
@click.option("--until", callback=_date,
              help="Only articles published on or before this date (YYYY[-MM[-DD]]; 2024-05: to the end of May).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True),
              help="Write to this file (all or nothing) instead of standard output.")
@click.option("--bom", is_flag=True, help="Start a CSV with a UTF-8 byte-order mark (for Excel).")
@db_options
def export(fmt, since, until, output, bom, db_path, timeout):
    """Articles as CSV or JSON lines, oldest first, for spreadsheets and pandas; how many on
    standard error.

    \b
    Examples:
      workercrawl export --format csv --output articles.csv --bom
      workercrawl export --format jsonl --since 2024-05 --until 2024-06 > may-june.jsonl
    """
    encoding = "utf-8-sig" if bom and fmt == "csv" else "utf-8"
    with opened_store(db_path, timeout) as store:
        if output is None:
            count = _export_to_stdout(store, fmt, (since, until), encoding)
        else:
            count = _export_to_file(store, Path(output), fmt, (since, until), encoding)
    click.echo(f"{count} articles exported" + (f" to {output}" if output else ""), err=True)


def _export_to_stdout(store, fmt: str, dates: tuple[str | None, str | None], encoding: str) -> int:
    out = io.TextIOWrapper(sys.stdout.buffer, encoding=encoding, newline="", write_through=False)
    try:
        count = store.export(out, fmt, *dates)
        out.flush()
        return count
    except BrokenPipeError:  # `| head`: the reader has all it wants
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(0)
    except OSError as exc:  # > /dev/full, a disk that filled up: one line, not a traceback
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # nothing left to flush at exit
        raise click.ClickException(f"cannot write to standard output ({exc.strerror or exc})") from None
    finally:
        out.detach()


def _export_to_file(store, target: Path, fmt: str, dates: tuple[str | None, str | None], encoding: str) -> int:
    """A regular file (or a symlink to one, kept a symlink) is written beside and renamed: never
    a half-written export. A device or FIFO (/dev/null, a pipe) is written into, never replaced."""
    real = Path(os.path.realpath(target))
    try:
        if real.exists() and not real.is_file():
            with open(real, "w", encoding=encoding, newline="") as out:
                return store.export(out, fmt, *dates)
        handle, tmp = tempfile.mkstemp(prefix=f".{real.name}.", dir=real.parent)
    except OSError as exc:
        raise click.ClickException(f"{target}: cannot write ({exc.strerror or exc})") from None
    try:
        with os.fdopen(handle, "w", encoding=encoding, newline="") as out:
            count = store.export(out, fmt, *dates)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600: give the file the usual mode
        os.replace(tmp, real)
        return count
    except OSError as exc:
        raise click.ClickException(f"{target}: cannot write ({exc.strerror or exc})") from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def raw_option(command):
    return click.option("--raw", "raw_path", type=click.Path(dir_okay=False), default=None,
                        envvar="WORKERCRAWL_RAW_DB", show_envvar=True,
                        help="The raw-page file (default: the database's own — recorded in it, else "
                             "NAME.raw.db beside NAME.db). Another database's raw file is refused.")(command)


# -- scheduled crawls (workercrawl/schedule.py, workercrawl/health.py) --------------------------

@cli.command("crawl")
@click.argument("spiders", nargs=-1)
@click.option("--all", "everything", is_flag=True, help="Every configured spider and supported site.")
@click.option("-a", "spider_args", multiple=True, metavar="NAME=VALUE",
              help="Spider argument for every run (since=YYYY-MM-DD, refresh=1, start_url=…).")
@click.option("-s", "settings", multiple=True, metavar="NAME=VALUE", help="Scrapy setting for every run.")
@click.option("--lock", "lock_path", type=click.Path(dir_okay=False),
              help="Lock file that keeps runs from overlapping (default: the database path + .lock).")
@click.option("--parallel", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Sites crawled at once, each in its own process with its own politeness.")
@click.option("--sites", "sites_file", type=click.Path(dir_okay=False, exists=True), envvar="WORKERCRAWL_SITES",
              show_envvar=True, help="A sites file of your own: its [site.KEY] entries replace the packaged list.")
@raw_option
@db_options
def crawl_command(spiders, everything, spider_args, settings, lock_path, parallel, sites_file, raw_path, db_path,
                  timeout):
    """Run spiders in turn (for cron / systemd timers); exit 1 if a run failed or degraded.

    \b
    Examples:
      workercrawl crawl workercn
      workercrawl crawl --all -a since=2024-05-01 --db data/workercrawl.db
      workercrawl crawl --all --sites my-sites.toml --parallel 8
    """
    from . import schedule
    from .sites import SITES_FILE_ENV
    from .store.store import raw_choice

    if sites_file:  # read here (targets) and by every crawl this starts
        os.environ[SITES_FILE_ENV] = str(Path(sites_file).resolve())
    try:
        chosen = schedule.targets(spiders, everything)
        args = schedule.pairs(spider_args, "-a")
        overrides = schedule.pairs(settings, "-s")
    except (schedule.ScheduleError, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
    db = Path(overrides.setdefault("WORKERCRAWL_DB", db_path))
    if raw_path:
        overrides.setdefault("WORKERCRAWL_RAW_DB", raw_path)
    lock = Path(lock_path) if lock_path else db.with_name(db.name + ".lock")
    verdicts = []
    try:
        with schedule.crawl_lock(lock) as held:
            if db.exists():  # locked, read-only, corrupt, not ours, another's raw file: say so first
                raw = raw_choice(overrides.get("WORKERCRAWL_RAW_DB"))
                with opened_store(str(db), timeout, raw, create=True) as store:
                    store.check_writable()
            def done(verdict):
                verdicts.append(verdict)
                click.echo(verdict.line())

            schedule.run_many(chosen, args, overrides, lambda m: click.echo(m, err=True), held, parallel, done)
    except schedule.ScheduleError as exc:
        raise click.ClickException(str(exc)) from None
    except schedule.Interrupted as stop:
        click.echo(stop.verdict.line())
        click.echo(f"stopped by SIGTERM after {len(verdicts) + 1} of {len(chosen)} runs", err=True)
        sys.exit(1)
    bad = [v for v in verdicts if not v.ok]
    if bad:
        click.echo(f"{len(bad)} of {len(verdicts)} runs failed or degraded", err=True)
        sys.exit(1)


# -- the demo: bundled replica sites, served and crawled offline (workercrawl/demo/) -------------

@cli.command("demo")
@click.option("--db", "db_path", type=click.Path(dir_okay=False), default="data/demo.db", show_default=True,
              help="The demo database (its raw pages go to NAME.raw.db beside it, crawl logs to NAME.log).")
@click.option("--fresh", is_flag=True,
              help="Delete the demo database, its raw file and log first. Without it a re-run is "
                   "incremental: same local addresses, known articles are not fetched again.")
@click.option("--only", "only", multiple=True, metavar="FAMILY",
              help="Crawl only this family (repeatable): workercn, grrb, ldwb, acftu-people, nfgb, bjzgh, union-a.")
@click.option("--start-url", "start_urls", multiple=True, metavar="FAMILY=URL",
              help="Crawl FAMILY from URL instead of its replica (the demo must then fail loudly if "
                   "nothing there is an article).")
@click.option("--timeout", type=click.FloatRange(min=0), default=10.0, show_default=True,
              help="Seconds to wait while another process holds a write lock.")
def demo_command(db_path, fresh, only, start_urls, timeout):
    """See it work, offline, in under a minute: serve the bundled replica sites (中工网 new and old
    pages, 工人日报 and 劳动午报 e-papers, 中国工会新闻, 南方工报, 北京市总工会 and an unknown union
    site) on 127.0.0.1, crawl each with the real spiders into the demo database, print what was
    stored and the commands to try next. Exit 1, with one line saying why, if any family stored
    no articles or its run failed.

    \b
    Examples:
      workercrawl demo
      workercrawl demo --fresh --db /tmp/demo.db
    """
    import time

    from . import schedule
    from .demo import runner

    started = time.monotonic()
    db = Path(db_path)
    try:
        overrides = schedule.pairs(start_urls, "--start-url")
        outcomes = runner.run(db, fresh=fresh, only=only, start_urls=overrides, timeout=timeout,
                              echo=click.echo, note=lambda m: click.echo(m, err=True))
    except (runner.DemoError, schedule.ScheduleError) as exc:
        raise click.ClickException(str(exc)) from None
    except KeyboardInterrupt:
        click.echo("workercrawl demo interrupted; run it again to continue (or --fresh to start over)", err=True)
        sys.exit(130)
    failed = runner.failure(outcomes, db)
    if failed:
        click.echo(failed, err=True)
        sys.exit(1)
    for line in runner.report(db, outcomes):
        click.echo(line)
    click.echo(f"demo done in {time.monotonic() - started:.0f} s", err=True)


# -- saved pages and stored raw pages: extract, reextract -------------------------------------

@cli.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--url", help="URL of the page (only with a single HTML file).")
@click.option("--json", "as_json", is_flag=True, help="Print the row each page would be stored as; store nothing.")
@raw_option
@db_options
def extract(paths, url, as_json, raw_path, db_path, timeout):
    """Extract articles from saved pages into the database: HTML files or folders (.html, .htm,
    .shtml, optionally .gz) and WARC files (.warc, .warc.gz). --json prints, one per line, the
    exact row that would be stored (articles or rejects), and stores nothing.

    \b
    Examples:
      workercrawl extract saved-pages/ crawl.warc.gz
      workercrawl extract page.html --url http://www.workercn.cn/c/2024-05-20/8250001.shtml --json
    """
    from . import saved

    try:
        files = saved.files(paths)
    except FileNotFoundError as exc:
        raise click.BadParameter(f"no such file or folder: {exc.args[0]}", param_hint="PATH") from None
    if url and (len(files) != 1 or saved.is_warc(files[0])):
        raise click.UsageError("--url needs exactly one HTML file")
    pages = saved.saved_pages(files, url)
    total = rejected = 0
    if as_json:
        for page in pages:
            if page.error is not None:
                click.echo(f"error: {page.error}", err=True)
                continue
            click.echo(json.dumps(saved.row_of(page), ensure_ascii=False))
        return
    with opened_store(db_path, timeout, raw_path or True, create=True) as store:
        run_id = store.start_run(saved.SPIDER, {"paths": list(paths), **({"url": url} if url else {})})
        for page, record in saved.import_pages(store, pages, run_id):
            total += 1
            if record is None:
                click.echo(f"error: {page.error}", err=True)
                rejected += 1
            elif record["status"] == "article":
                click.echo(f"{page.source}: {record['published_at'] or '-'}  {record['title']}  [{record['source'] or '-'}]")
            else:
                rejected += 1
                click.echo(f"{page.source}: rejected ({record['reason']}: {record['detail']})")
        store.finish_run(run_id, "finished", {"workercrawl/articles": total - rejected, "workercrawl/rejected": rejected})
        raw_path = store.raw_path
    click.echo(f"{total} pages, {total - rejected} articles, {rejected} rejected; stored in {db_path} "
               f"(raw pages: {raw_path})", err=True)


class _Progress:
    """click's progress bar on stderr, with the rate beside the ETA (only on a terminal)."""

    def __init__(self, total: int):
        import time

        self.clock, self.started, self.done = time.monotonic, time.monotonic(), 0
        self.bar = click.progressbar(length=total, label="re-extracting", file=sys.stderr, show_eta=True,
                                     show_pos=True, item_show_func=lambda rate: rate)

    def __enter__(self):
        self.bar.__enter__()
        return self

    def __exit__(self, *exc):
        return self.bar.__exit__(*exc)

    def update(self, n: int) -> None:
        self.done += n
        elapsed = self.clock() - self.started
        self.bar.update(n, f"{self.done / elapsed:,.0f} pages/s" if elapsed > 0 else None)


@cli.command()
@click.option("--site", help="Only pages of this site: a sites.toml KEY, a host or domain, or an articles.site value (中工网).")
@click.option("--since", callback=_date, help="Only pages fetched on or after this date (YYYY[-MM[-DD]]).")
@click.option("--older-than-version", metavar="VERSION",
              help="Only pages whose stored result an older extractor version produced.")
@click.option("--dry-run", is_flag=True, help="Report what would change; write nothing.")
@click.option("--workers", type=click.IntRange(min=1), help="Extraction processes (default: one per CPU core).")
@click.option("--samples", type=click.IntRange(min=0), default=5, show_default=True, help="Changes shown as examples.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON object.")
@raw_option
@db_options
def reextract(site, since, older_than_version, dry_run, workers, samples, as_json, raw_path, db_path, timeout):
    """Run the current extraction over stored raw pages and update the articles (same upsert and
    history as a crawl). A page that now fails is recorded as a reject; its article is kept.

    \b
    Examples:
      workercrawl reextract --dry-run
      workercrawl reextract --site workercn --since 2024-05 --workers 2
    """
    from . import reextract as library
    from .store import StoreError

    try:
        report = library.run(db_path, raw_path, site=site, since=since, older_than_version=older_than_version,
                             dry_run=dry_run, workers=workers, samples=samples, timeout=timeout,
                             progress=_Progress if sys.stderr.isatty() else None)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None
    except KeyboardInterrupt:
        click.echo("interrupted: every committed batch is kept; run the same command again to continue", err=True)
        sys.exit(130)
    click.echo(json.dumps(report.to_dict(), ensure_ascii=False, default=str) if as_json else report.summary())


# -- serve: datasette with workercrawl's plugin ----------------------------------------------------

@cli.command()
@click.argument("db_path", metavar="[DB]", required=False, type=click.Path(dir_okay=False),
                default=DEFAULT_DB, envvar="WORKERCRAWL_DB")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (0.0.0.0 shows the database to the whole network).")
@click.option("-p", "--port", type=click.IntRange(0, 65535), default=8001, show_default=True,
              help="Port to listen on (0: any free port).")
def serve(db_path, host, port):
    """Browse an articles database in datasette: readable tables, article pages, Chinese search
    and a chart dashboard (at /DB/-/dashboard), whatever the file is called.

    DB defaults to $WORKERCRAWL_DB, else data/workercrawl.db. The file is checked to be a
    workercrawl database first, and datasette only reads it (its connections are read-only).

    \b
    Examples:
      workercrawl serve data/demo.db
      workercrawl serve archive/2024.db --port 8080
    """
    from .store import Store, StoreError
    from .store.db import DatabaseMissing

    try:  # one line for a missing, foreign, damaged or too-new file, before datasette starts
        Store(db_path, create=False, readonly=True).close()
    except DatabaseMissing:
        raise click.ClickException(f"{db_path}: no such database (run a crawl first, or name the file: "
                                   "workercrawl serve PATH)") from None
    except StoreError as exc:  # the store's refusal of a foreign file speaks of writing: serve only reads
        raise click.ClickException(str(exc).replace("; refusing to write to it", "; not serving it")) from None
    try:
        from datasette.cli import cli as datasette_cli
        from datasette.plugins import pm
    except ImportError as exc:  # pragma: no cover - datasette is a dependency
        raise click.ClickException(f"datasette is not installed ({exc}): pip install 'datasette>=0.65,<1'") from None
    from .store import datasette_plugin

    if not pm.is_registered(datasette_plugin) and not any(
            getattr(p, "__name__", "") == datasette_plugin.__name__ for p in pm.get_plugins()):
        pm.register(datasette_plugin, name="workercrawl")  # a checkout run without `pip install`
    datasette_cli.main(["serve", str(db_path), "--host", host, "--port", str(port)],
                       prog_name="workercrawl serve")


def main():  # pragma: no cover - console entry point
    cli(prog_name="workercrawl")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
