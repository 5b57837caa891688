"""Saved pages — HTML files (optionally .gz) and WARC archives — read and stored
(`workercrawl extract PATH…`).

`saved_pages(paths)` yields one SavedPage per HTML file and per WARC response record holding
HTML; `import_pages(store, pages)` stores each through workercrawl.ingest, exactly as a crawl
stores a fetched page: the raw page into the database's raw file (so `workercrawl reextract`
can read it again), then its article or reject; `row_of(page)` is that row, unstored.
"""

from __future__ import annotations

import datetime as dt
import gzip
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from . import ingest
from .extract.decode import DecodeError, decode_html
from .extract.dom import meta_content
from .items import Fetched, utcnow

HTML_SUFFIXES = (".html", ".htm", ".shtml", ".html.gz", ".htm.gz", ".shtml.gz")
WARC_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")
SPIDER = "extract"  # the spider name of stored rows (articles.spider, rejects.spider, runs.spider)
# As a crawl's DOWNLOAD_MAXSIZE: a saved page (a .gz decompressed, a WARC record) above this is
# read no further and recorded as `too-large` — a gzip bomb must not fill the memory.
MAX_PAGE_BYTES = 16 * 1024 * 1024


class TooLarge(Exception):
    pass


@dataclass(repr=False)
class SavedPage:
    source: str                    # the file, or "FILE#OFFSET" for a WARC record
    url: str
    body: bytes = b""
    headers: dict = field(default_factory=dict)
    status: int = 200
    fetched_at: str | None = None  # WARC-Date; None: now
    error: str | None = None       # why the file could not be read (no body then)
    too_large: str | None = None   # the page is over MAX_PAGE_BYTES: recorded as `too-large`, not read


def is_warc(path: Path) -> bool:
    return path.name.lower().endswith(WARC_SUFFIXES)


def files(paths: Iterable[str]) -> list[Path]:
    """The files named, folders walked recursively for HTML and WARC files. Raises
    FileNotFoundError for a path that does not exist."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found += sorted(p for p in path.rglob("*")
                            if p.is_file() and p.name.lower().endswith(HTML_SUFFIXES + WARC_SUFFIXES))
        elif path.is_file():
            found.append(path)
        else:
            raise FileNotFoundError(raw)
    return found


def read(path: Path, limit: int = MAX_PAGE_BYTES) -> bytes:
    """The page's bytes (a .gz decompressed); TooLarge past `limit`, read no further."""
    if path.name.lower().endswith(".gz"):
        with gzip.open(path, "rb") as stream:
            return bounded(stream, limit, f"{path} decompresses")
    if path.stat().st_size > limit:
        raise TooLarge(f"{path} is {path.stat().st_size:,} bytes; the limit is {limit:,}")
    return path.read_bytes()


def bounded(stream, limit: int, what: str) -> bytes:
    """Read a stream to its end, or TooLarge once it passes `limit` (reads may come short)."""
    chunks, size = [], 0
    while True:
        chunk = stream.read(min(1 << 20, limit + 1 - size))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            raise TooLarge(f"{what} to more than {limit:,} bytes (the limit)")


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


def warc_pages(path: Path) -> Iterator[SavedPage]:
    """The HTML responses of a WARC (or ARC) file: response records whose HTTP Content-Type is
    HTML (or missing), with the target URI, HTTP status and headers, and WARC-Date."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    try:
        with path.open("rb") as stream:
            records = ArchiveIterator(stream, arc2warc=True)
            for record in records:
                if record.rec_type != "response" or record.http_headers is None:
                    continue
                ctype = (record.http_headers.get_header("Content-Type") or "text/html").lower()
                if "html" not in ctype:
                    continue
                try:
                    status = int(record.http_headers.get_statuscode() or 0)
                except ValueError:
                    status = 0
                url = (record.rec_headers.get_header("WARC-Target-URI") or "").strip("<>")
                when = _warc_date(record.rec_headers.get_header("WARC-Date"))
                try:
                    body = bounded(record.content_stream(), MAX_PAGE_BYTES, f"the record of {url}")
                except TooLarge as exc:
                    yield SavedPage(f"{path}#{records.get_record_offset()}", url, b"", {}, status, when,
                                    too_large=str(exc))
                    continue
                source = f"{path}#{records.get_record_offset()}"  # only after the body: asked before, warcio empties the stream
                headers = {k: v for k, v in record.http_headers.headers
                           if k.lower() not in ("content-encoding", "transfer-encoding", "content-length")}
                yield SavedPage(source, url, body, headers, status, when)
    except (ArchiveLoadFailed, OSError, EOFError, gzip.BadGzipFile) as exc:
        yield SavedPage(str(path), "", error=f"cannot read WARC {path}: {exc}")


def _warc_date(value: str | None) -> str | None:
    if not value:
        return None
    try:
        when = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when.astimezone(dt.timezone.utc).isoformat(timespec="seconds")


def saved_pages(paths: list[Path], url: str | None = None) -> Iterator[SavedPage]:
    """Every page of these files: one per HTML file, one per HTML response of a WARC."""
    for path in paths:
        if is_warc(path):
            yield from warc_pages(path)
            continue
        try:
            body = read(path)
        except TooLarge as exc:
            yield SavedPage(str(path), url or page_url(path, b""), too_large=str(exc))
            continue
        except (OSError, EOFError, gzip.BadGzipFile, zlib.error) as exc:
            yield SavedPage(str(path), "", error=f"cannot read {path}: {exc}")
            continue
        yield SavedPage(str(path), url or page_url(path, body), body)


def fetched(page: SavedPage) -> Fetched:
    """A saved page as a crawl would have fetched it (WARC-Date, else now)."""
    return Fetched(page.url, page.status, dict(page.headers or {}), page.body, page.fetched_at or utcnow())


def result_of(page: SavedPage) -> dict:
    """The one ingestion path's result for a readable saved page: non-2xx WARC responses are
    `http-error` rejects, as in a crawl."""
    if page.too_large:
        return ingest.rejection(page.url, "too-large", page.too_large)
    if 200 <= page.status < 300:
        return ingest.read([fetched(page)])
    return ingest.rejection(page.url, "http-error", f"HTTP {page.status}")


def row_of(page: SavedPage) -> dict:
    """Exactly the row `import_pages` stores for this page (`workercrawl extract --json`)."""
    return ingest.stored_row(result_of(page), spider=SPIDER, run_id=None, fetched_at=fetched(page).fetched_at,
                             status=page.status, url=page.url)


def import_pages(store, pages: Iterable[SavedPage], run_id: int | None, batch_size: int = 50
                 ) -> Iterator[tuple[SavedPage, dict | None]]:
    """Store each readable page through workercrawl.ingest — raw page, then its article or
    reject — and yield (page, result); result is None for a page that could not be read
    (nothing stored)."""
    for page in pages:
        if page.error is not None:
            yield page, None
            continue
        got = fetched(page)
        result = result_of(page)
        ingest.record(store, result, [got], url=page.url, spider=SPIDER, run_id=run_id, fetched_at=got.fetched_at,
                      status=page.status)
        if store.pending >= batch_size:
            store.flush()
        yield page, result
    store.flush()
