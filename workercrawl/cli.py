"""The `workercrawl` command: a thin click layer over the library."""

from __future__ import annotations

import gzip
import json
import sys
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


def main():  # pragma: no cover - console entry point
    cli(prog_name="workercrawl")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
