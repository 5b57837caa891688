"""The `workercrawl` command: a thin click layer over the library."""

from __future__ import annotations

import gzip
import io
import json
import os
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

import click

from . import __version__
from .extract import extract_article
from .extract.dom import meta_content
from .extract.decode import DecodeError, decode_html

HTML_SUFFIXES = (".html", ".htm", ".shtml", ".html.gz", ".htm.gz", ".shtml.gz")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="workercrawl")
def cli():
    """Crawl and clean Chinese trade-union news."""


def _html_files(paths: tuple[str, ...]) -> list[Path]:
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.is_file() and p.name.lower().endswith(HTML_SUFFIXES))
        elif path.is_file():
            files.append(path)
        else:
            raise click.BadParameter(f"no such file or folder: {raw}", param_hint="PATH")
    return files


def _read(path: Path) -> bytes:
    data = path.read_bytes()
    if path.name.lower().endswith(".gz"):
        data = gzip.decompress(data)
    return data


def page_url(path: Path, body: bytes) -> str:
    """The page's URL: a sidecar NAME.url, else <link rel=canonical> / og:url, else file://."""
    stem = path.name[:-3] if path.name.lower().endswith(".gz") else path.name
    for sidecar in (path.with_name(stem + ".url"), path.with_name(Path(stem).stem + ".url")):
        if sidecar.is_file():
            return sidecar.read_text("utf-8").strip()
    try:
        from .extract.dom import parse

        tree = parse(decode_html(body)[0])
        for link in tree.iter("link"):
            if (link.get("rel") or "").lower() == "canonical" and link.get("href", "").startswith("http"):
                return link.get("href").strip()
        og = meta_content(tree, "og:url")
        if og and og.startswith("http"):
            return og
    except (DecodeError, ValueError):
        pass
    return path.resolve().as_uri()


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--url", help="URL of the page (only with a single file).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per page to stdout.")
def extract(paths, url, as_json):
    """Extract articles from saved HTML files or folders (.html, .htm, .shtml, optionally .gz)."""
    files = _html_files(paths)
    if url and len(files) != 1:
        raise click.UsageError("--url needs exactly one file")
    rejected = 0
    for path in files:
        try:
            body = _read(path)
        except (OSError, EOFError, gzip.BadGzipFile) as exc:
            click.echo(f"error: cannot read {path}: {exc}", err=True)
            rejected += 1
            continue
        result = extract_article(body, url or page_url(path, body))
        record = result.to_dict()
        if record["status"] != "article":
            rejected += 1
            record = {k: record[k] for k in ("url", "status", "reason", "detail")}
        if as_json:
            click.echo(json.dumps(record, ensure_ascii=False))
        elif record["status"] == "article":
            click.echo(f"{path}: {record['published_at'] or '-'}  {record['title']}  [{record['source'] or '-'}]")
        else:
            click.echo(f"{path}: rejected ({record['reason']}: {record['detail']})")
    if not as_json:
        click.echo(f"{len(files)} pages, {len(files) - rejected} articles, {rejected} rejected", err=True)


@cli.command("sites")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per site.")
def sites_command(as_json):
    """List the sites configured for `scrapy crawl sites -a site=KEY` (workercrawl/spiders/sites.toml)."""
    from .spiders.sites import catalog

    for row in catalog():
        if as_json:
            click.echo(json.dumps(row, ensure_ascii=False))
            continue
        parts = [f"{row['key']:<14}", row["name"], f"[{row['family']}]" if row["family"] else ""]
        if row["unsupported"]:
            parts.append(f"UNSUPPORTED: {row['unsupported']}")
        else:
            parts += [f"start: {' '.join(row['start_urls'])}" if row["start_urls"] else "",
                      f"issue: {row['issue_url']}" if row["issue_url"] else ""]
        click.echo("  ".join(p for p in parts if p))


# -- the store: search, stats, export (each a few lines over the Store method of the same name) --

DEFAULT_DB = "data/workercrawl.db"


def _since(ctx, param, value):
    from .store.report import check_since

    try:
        return check_since(value)
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
def opened_store(db_path: str, timeout: float):
    """The Store, or a one-line error and exit status 1 (locked, read-only, corrupt, too new…)."""
    from .store import Store, StoreError

    try:
        store = Store(db_path, create=False, timeout=timeout)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None
    try:
        yield store
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        store.close()


@cli.command()
@click.argument("query")
@click.option("-n", "--limit", type=click.IntRange(1, 10000), default=10, show_default=True, help="How many matches.")
@click.option("--since", callback=_since, help="Only articles published on or after this date (YYYY[-MM[-DD]]).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per match.")
@db_options
def search(query, limit, since, as_json, db_path, timeout):
    """Full-text search in Chinese: the best matches (bm25) with date, source and a snippet."""
    with opened_store(db_path, timeout) as store:
        matches = store.search(query, limit=limit, since=since)
    for rank, hit in enumerate(matches, start=1):
        if as_json:
            click.echo(json.dumps(hit, ensure_ascii=False))
        else:
            click.echo(f"{rank:>2}. {hit['published_at'] or '-'}  {hit['source'] or '-'}  {hit['title']}")
            click.echo(f"    {hit['snippet']}")
            click.echo(f"    {hit['url']}")
    if not matches:
        click.echo(f"no matches for {query!r}", err=True)


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
    """Counts per site, channel, source and month, and field coverage: the quick health view."""
    with opened_store(db_path, timeout) as store:
        report = store.stats()
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
        return
    click.echo(f"{report['database']}: {report['articles']:,} articles, {report['versions']:,} earlier versions, "
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


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl"]), required=True, help="Output format.")
@click.option("--since", callback=_since, help="Only articles published on or after this date (YYYY[-MM[-DD]]).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True),
              help="Write to this file (all or nothing) instead of standard output.")
@click.option("--bom", is_flag=True, help="Start a CSV with a UTF-8 byte-order mark (for Excel).")
@db_options
def export(fmt, since, output, bom, db_path, timeout):
    """Articles as CSV or JSON lines, oldest first, for spreadsheets and pandas."""
    encoding = "utf-8-sig" if bom and fmt == "csv" else "utf-8"
    with opened_store(db_path, timeout) as store:
        if output is None:
            out = io.TextIOWrapper(sys.stdout.buffer, encoding=encoding, newline="", write_through=False)
            try:
                count = store.export(out, fmt, since)
                out.flush()
            except BrokenPipeError:  # `| head`: the reader has all it wants
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
                sys.exit(0)
            finally:
                out.detach()
        else:
            count = _export_to_file(store, Path(output), fmt, since, encoding)
    click.echo(f"{count} articles exported" + (f" to {output}" if output else ""), err=True)


def _export_to_file(store, target: Path, fmt: str, since: str | None, encoding: str) -> int:
    """Write a temporary file beside the target and rename it: never a half-written export."""
    try:
        handle, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent or Path("."))
    except OSError as exc:
        raise click.ClickException(f"{target}: cannot write ({exc.strerror})") from None
    try:
        with os.fdopen(handle, "w", encoding=encoding, newline="") as out:
            count = store.export(out, fmt, since)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600: give the file the usual mode
        os.replace(tmp, target)
        return count
    except OSError as exc:
        raise click.ClickException(f"{target}: cannot write ({exc.strerror})") from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def main():  # pragma: no cover - console entry point
    cli(prog_name="workercrawl")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
