"""Re-run the current extraction over stored raw pages (`workercrawl reextract`).

    report = reextract.run("data/workercrawl.db", dry_run=True)   # its own raw file
    print(report.summary())

Every stored article (its page-1 raw row plus continuation pages, re-assembled in order, with
what navigation knew of it) is read back and goes through exactly what a crawl does with a
fetched page: workercrawl.ingest.read (decode → extract → validate), then ingest.record and
Store.flush (the upsert, history in article_versions, people and search rows). Only rows
whose stored values differ from the new ones are written, so a second run changes nothing.

- Only pages crawled into this database are read: the raw file must be the database's own,
  and a raw page with neither an article nor a reject row in the database (a raw file shared
  by earlier versions with another database) is skipped and counted, never imported.

- A page that now fails extraction gets a rejects row with its reason; its article row is
  kept as it was (never replaced by an empty one). The same rejection is not recorded twice.
- Pages stream from the raw file in storage order, a batch at a time (memory stays flat); a
  process pool extracts (`workers`, default: every core); writes are committed per batch in
  one transaction each. Killing the process loses at most the uncommitted batch: the database
  stays consistent and a rerun redoes that batch (rows already updated compare equal).
- `older_than_version`: only pages whose article (or, for a page without one, its last
  rejection) was produced by an older EXTRACTOR_VERSION — or by an unknown one.
"""

from __future__ import annotations

import json
import os
import signal
import threading
from collections import Counter, deque
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from typing import Callable, Iterator
from urllib.parse import urlsplit

from workercrawl import ingest
from workercrawl.extract import EXTRACTOR_VERSION
from workercrawl.items import Fetched
from workercrawl.store import Store
from workercrawl.store import rows as store_rows
from workercrawl.urls import canonical_url
from workercrawl.workers import pool as worker_pool

SPIDER = "reextract"
# Columns of an articles row that extraction decides; a difference in any of them is a change.
COMPARED = (*store_rows.ARTICLE_FIELDS, *store_rows.JSON_FIELDS, "pages", "fetched_url")
_CHUNK = 16  # articles per task sent to a worker process
_PAGE_KEYS = ("url", "fetched_url", "status", "headers", "encoding", "compression", "body", "fetched_at")


# -- one stored article back through the one ingestion path --------------------------------------

def _fetched(row: dict) -> Fetched:
    """A stored raw page as the crawl had it in hand."""
    return Fetched(row["fetched_url"] or row["url"], row["status"] or 200, json.loads(row["headers"] or "{}"),
                   store_rows.raw_body(row), row["fetched_at"], row["encoding"])


def _extract_task(task: dict) -> dict:
    try:
        pages = [_fetched(row) for row in task["pages"]]
    except Exception as exc:  # zlib.error, unknown compression: the stored page is unreadable
        return ingest.rejection(task["url"], "unreadable-raw-page", f"{type(exc).__name__}: {exc}"[:300],
                                extractor_version=EXTRACTOR_VERSION)
    return ingest.read(pages, task["nav"])


def extract_tasks(tasks: list[dict]) -> list[dict]:
    """Top level, so a worker process can run it: a chunk of stored articles → results."""
    return [_extract_task(t) for t in tasks]


# -- what changed ----------------------------------------------------------------------------

def _empty(value) -> bool:
    return value in (None, "", "[]", "{}")


def diff_rows(old: dict, new: dict) -> dict[str, tuple]:
    """{column: (old, new)} for the compared columns that differ."""
    return {name: (old.get(name), new.get(name)) for name in COMPARED
            if old.get(name) != new.get(name) and not (_empty(old.get(name)) and _empty(new.get(name)))}


def change_kind(old, new) -> str:
    return "filled" if _empty(old) else "emptied" if _empty(new) else "changed"


def _short(value, width: int = 70):
    text = value if isinstance(value, str) or value is None else json.dumps(value, ensure_ascii=False)
    if isinstance(text, str) and len(text) > width:
        return text[: width - 1] + "…"
    return text


def version_key(version: str | None) -> tuple:
    """Order extractor versions: "2" < "10", "1.2" < "1.10"; None (unknown) before all."""
    if version is None:
        return (0,)
    parts = str(version).split(".")
    return (1, *[(0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts])


def is_older(version: str | None, than: str) -> bool:
    return version_key(version) < version_key(than)


@dataclass
class Report:
    dry_run: bool = False
    pages: int = 0           # stored articles visited (after --since)
    skipped: int = 0         # not selected by --site / --older-than-version
    foreign: int = 0         # raw pages never crawled into this database: not imported
    aliases: int = 0         # pages of an article stored under another URL (article_aliases)
    extracted: int = 0
    unchanged: int = 0
    updated: int = 0         # article rows whose values changed
    new: int = 0             # pages without an article row that now are articles
    now_rejected: int = 0    # pages with an article row that now fail (row kept)
    rejects: int = 0         # rejects rows recorded (a rejection not recorded before)
    still_rejected: int = 0  # failing exactly as recorded before: nothing new
    fields: Counter = field(default_factory=Counter)  # (column, filled/emptied/changed) → rows
    samples: list[dict] = field(default_factory=list)
    run_id: int | None = None
    finish_reason: str = "finished"

    @property
    def changes(self) -> int:
        return self.updated + self.new + self.rejects

    def to_dict(self) -> dict:
        return {
            "dry_run": self.dry_run, "pages": self.pages, "skipped": self.skipped, "foreign": self.foreign,
            "aliases": self.aliases,
            "extracted": self.extracted,
            "changes": self.changes, "unchanged": self.unchanged, "updated": self.updated, "new": self.new,
            "now_rejected": self.now_rejected, "rejects": self.rejects, "still_rejected": self.still_rejected,
            "fields": {f"{name} {kind}": n for (name, kind), n in sorted(self.fields.items())},
            "samples": self.samples, "run_id": self.run_id, "finish_reason": self.finish_reason,
        }

    def summary(self, samples: bool = True) -> str:
        verb = "would change" if self.dry_run else "changed"
        lines = [
            f"{self.extracted:,} pages re-extracted ({self.skipped:,} skipped"
            + (f", {self.foreign:,} not of this database" if self.foreign else "")
            + f"): {self.changes:,} {verb} — "
            f"{self.updated:,} articles updated, {self.new:,} new, {self.unchanged:,} unchanged; "
            f"{self.now_rejected:,} pages now rejected (article kept), {self.rejects:,} rejects recorded"
        ]
        for (name, kind), count in sorted(self.fields.items(), key=lambda kv: (-kv[1], kv[0])):
            lines.append(f"  {name} {kind} on {count:,} rows")
        if samples and self.samples:
            lines.append("sample of changes:")
            for sample in self.samples:
                lines.append(f"  {sample['url']}  [{sample['change']}]")
                for name, (old, new) in sample.get("fields", {}).items():
                    lines.append(f"    {name}: {_short(old)!r} → {_short(new)!r}")
                if sample.get("reason"):
                    lines.append(f"    {sample['reason']}: {sample.get('detail')}")
        if self.finish_reason != "finished":
            lines.append(f"stopped early ({self.finish_reason}): run it again to continue")
        return "\n".join(lines)


# -- the run ---------------------------------------------------------------------------------

def _selected(site_domains: tuple[str, ...], site: str | None, older_than: str | None,
              url: str, article: dict | None, reject: dict | None) -> bool:
    if site:
        host = (urlsplit(url).hostname or "").lower()
        if not ((article and article.get("site") == site)
                or any(host == d or host.endswith("." + d) for d in site_domains)):
            return False
    if older_than:
        if article is not None:
            return is_older(article.get("extractor_version"), older_than)
        return reject is None or is_older(reject.get("extractor_version"), older_than)
    return True


def _site_domains(site: str | None) -> tuple[str, ...]:
    """--site names a sites.toml KEY (its allowed domains), a host/domain, or an articles.site value."""
    if not site:
        return ()
    from workercrawl import sites

    try:
        return sites.entry(site).allowed_domains or (site.lower(),)
    except (KeyError, ValueError):
        return (site.lower(),)


@contextmanager
def _sigterm_as_interrupt():
    """SIGTERM ends a run like Ctrl-C: the current batch is committed or rolled back whole."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum, frame):
        raise KeyboardInterrupt("SIGTERM")

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _results(chunks: Iterator[list[tuple[dict, dict]]], workers: int):
    """(context, result) for every task, in order; a bounded number of chunks in flight."""
    if workers <= 1:
        for chunk in chunks:
            yield from zip((c for c, _ in chunk), extract_tasks([t for _, t in chunk]))
        return
    pool = worker_pool(workers)  # the crawl's kind of pool: spawned, and gone with this process
    inflight: deque = deque()
    try:
        for chunk in chunks:
            inflight.append(([c for c, _ in chunk], pool.submit(extract_tasks, [t for _, t in chunk])))
            while len(inflight) >= workers * 4:
                contexts, future = inflight.popleft()
                yield from zip(contexts, future.result())
        while inflight:
            contexts, future = inflight.popleft()
            yield from zip(contexts, future.result())
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def run(db_path, raw_path=True, *, site: str | None = None, since: str | None = None,
        older_than_version: str | None = None, dry_run: bool = False, workers: int | None = None,
        batch_size: int = 200, samples: int = 5, timeout: float = 10.0,
        progress: Callable[[int], object] | None = None) -> Report:
    """Re-extract the stored raw pages of the articles database at db_path (raw_path: True for
    its own raw file, or a path, which must be its own) into it. A dry run opens both files
    read-only and changes neither.

    progress(total) may return a context manager with update(n) (e.g. click.progressbar)."""
    workers = (os.cpu_count() or 1) if workers is None else max(1, workers)
    report = Report(dry_run=dry_run)
    store = Store(db_path, raw_path or True, create=False, timeout=timeout, readonly=dry_run)
    try:
        domains = _site_domains(site)
        total = store.count_raw_articles(since)
        if not dry_run:
            args = {k: v for k, v in {"site": site, "since": since, "older_than_version": older_than_version,
                                      "workers": workers}.items() if v is not None}
            report.run_id = store.start_run(SPIDER, args, {"EXTRACTOR_VERSION": EXTRACTOR_VERSION})
        bar = progress(total) if progress else nullcontext()
        with bar as bar, _sigterm_as_interrupt():
            try:
                _run(store, report, domains, site, since, older_than_version, workers, batch_size, samples, bar)
            except KeyboardInterrupt as exc:
                report.finish_reason = "terminated" if str(exc) == "SIGTERM" else "interrupted"
                raise
            except BaseException:
                report.finish_reason = "error"
                raise
            finally:
                _finish(store, report)
    finally:
        store.close()
    return report


def _finish(store: Store, report: Report) -> None:
    """Commit what is fully handled (interrupted: a whole batch still), and close the run row."""
    if report.dry_run:
        return
    try:
        if report.finish_reason == "error":
            store.discard()
        elif store.pending:
            store.flush()
        store.finish_run(report.run_id, report.finish_reason, {
            "workercrawl/articles": report.updated + report.new, "workercrawl/rejected": report.rejects,
            **{f"reextract/{k}": v for k, v in report.to_dict().items() if isinstance(v, int)},
        })
    except Exception:
        if report.finish_reason == "finished":
            raise
        store.discard()  # already failing or interrupted: the first error is the one to report


def _run(store: Store, report: Report, domains, site, since, older_than, workers, batch_size, samples, bar) -> None:
    def chunks():
        for batch in store.raw_article_batches(since=since, size=batch_size):
            urls = [page["article_url"] for page in batch]
            articles, rejects, aliases = store.articles_by_url(urls), store.latest_rejects(urls), store.aliases_of(urls)
            chunk = []
            for page in batch:
                url = page["article_url"]
                report.pages += 1
                article, reject = articles.get(url), rejects.get(url)
                # Pages of one article fetched under several URLs (aliases): the article is read
                # again from the page it was last stored from, the other pages are counted.
                alias = url in aliases or (article is not None
                                           and page["url"] != canonical_url(article["fetched_url"] or url))
                if alias or (article is None and reject is None):
                    if alias:
                        report.aliases += 1
                    else:  # crawled into another database: never imported
                        report.foreign += 1
                    if bar is not None and hasattr(bar, "update"):
                        bar.update(1)
                    continue
                if not _selected(domains, site, older_than, page["fetched_url"] or url, article, reject):
                    report.skipped += 1
                    if bar is not None and hasattr(bar, "update"):
                        bar.update(1)
                    continue
                task = {"url": page["fetched_url"] or url, "nav": _nav(page, article),
                        "pages": [{k: p[k] for k in _PAGE_KEYS} for p in (page, *page["more"])]}
                context = {"url": url, "status": page["status"], "fetched_at": page["fetched_at"],
                           "spider": page["spider"], "parts": 1 + len(page["more"]), "article": article, "reject": reject}
                chunk.append((context, task))
                if len(chunk) >= _CHUNK:
                    yield chunk
                    chunk = []
            if chunk:
                yield chunk

    for context, result in _results(chunks(), workers):
        _apply(store, report, context, result, samples)
        if bar is not None and hasattr(bar, "update"):
            bar.update(1)
        if not report.dry_run and store.pending >= batch_size:
            store.flush()


def _nav(page: dict, article: dict | None) -> dict:
    """What navigation knew of the page, as the crawl stored it; for pages stored before it
    was kept, the e-paper 版次/版名 the article row holds."""
    if page.get("nav"):
        return json.loads(page["nav"])
    return {"page_no": article.get("page_no"), "page_name": article.get("page_name")} if article else {}


def _apply(store: Store, report: Report, context: dict, result: dict, samples: int) -> None:
    report.extracted += 1
    old = context["article"]
    if result.get("status") == "article":
        kwargs = {"fetched_at": context["fetched_at"], "spider": context["spider"], "run_id": report.run_id,
                  "pages": context["parts"]}
        new = store_rows.article_row(result, **kwargs)
        changed = diff_rows(old, new) if old is not None else None
        if old is not None and not changed:
            report.unchanged += 1
            return
        if old is None:
            report.new += 1
        else:
            report.updated += 1
            for name, (before, after) in changed.items():
                report.fields[(name, change_kind(before, after))] += 1
        if len(report.samples) < samples:
            report.samples.append({"url": context["url"], "change": "new article" if old is None else "updated",
                                   "fields": changed or {}})
        if not report.dry_run:
            ingest.record(store, result, (), url=context["url"], fetched_at=context["fetched_at"],
                          spider=context["spider"], run_id=report.run_id, parts=context["parts"])
        return
    # rejected: keep the article row as it is, record why — once
    if old is not None:
        report.now_rejected += 1
    last = context["reject"]
    version = result.get("extractor_version")
    if last is not None and (last["reason"], last["detail"] or None, last["extractor_version"]) == (
            result.get("reason"), result.get("detail") or None, version):
        report.still_rejected += 1
        if old is None:
            report.unchanged += 1
        return
    report.rejects += 1
    if len(report.samples) < samples:
        report.samples.append({"url": context["url"], "reason": result.get("reason"), "detail": result.get("detail"),
                               "change": "now rejected, article kept" if old is not None else "rejected"})
    if not report.dry_run:
        ingest.record(store, result, (), url=context["url"], status=context["status"], spider=SPIDER,
                      run_id=report.run_id, fetched_at=context["fetched_at"])
