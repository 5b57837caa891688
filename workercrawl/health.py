"""Is a finished crawl run healthy? The verdict every crawl prints, and its exit status.

Runs are judged per site (runs.site: the sites.toml KEY; `scrapy crawl sites` serves many).
A run is

- failed: no runs row, never finished (killed), closed for another reason than `finished`
  (bad arguments, store-error, an error-count cap, a shutdown), not one page read (the site
  is unreachable: every fetch failed, whatever the count), or a store error: the database
  refused a batch, so fewer articles were stored than extracted;
- degraded: it ran, but the site or our reading of it has changed —
  * collapse: far fewer article links per list page than recent runs of the same site and
    arguments found (an incremental run that stops paginating early reads fewer list pages,
    not emptier ones);
  * rejected: most fetched article pages were not read as articles (a new template);
  * coverage: far fewer of its articles have a time of day or a source than the same site's
    earlier articles (the template moved the date or 来源 line); a first run has no baseline;
  * errors: many fetches failed (5xx, timeouts, resets) after retries;
  * capped: stopped by CLOSESPIDER_TIMEOUT / CLOSESPIDER_PAGECOUNT before it was done;
- ok otherwise.

Everything is read through the Store (all SQL stays in workercrawl/store/).
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

OK, DEGRADED, FAILED = "ok", "degraded", "failed"
COLLAPSE = 0.3           # article links below 30% of the recent median: collapsed
MIN_LINKS = 5            # ...when the recent median is at least this
REJECTED = 0.5           # more than half of the fetched article pages not read as articles
COVERAGE_DROP = 0.5      # a field's share below half of the spider's earlier share
MIN_SAMPLE = 3           # pages/articles a share needs before it is judged
ERROR_RATE = 0.25        # failed fetches per fetch attempt
MIN_ERRORS = 3
CAPS = ("closespider_timeout", "closespider_pagecount", "closespider_itemcount")
CONTENT_REJECTS = ("not-article", "invalid", "empty", "binary", "too-large", "undecodable",
                   "unparseable", "extractor-error")
# Not failures of the site: requests we chose not to make (robots.txt, off-site hosts).
NOT_FAILURES = ("robots-disallowed", "offsite")


@dataclass
class Verdict:
    run_id: int | None
    spider: str                  # what was crawled: the site KEY (or the spider without one)
    status: str = OK
    reasons: list[str] = field(default_factory=list)
    run: dict | None = None
    summary: str | None = None   # the line as the run itself printed it (read back from a verdict file)

    def flag(self, status: str, reason: str) -> None:
        if status == FAILED or self.status == OK:
            self.status = status
        self.reasons.append(reason)

    @property
    def ok(self) -> bool:
        return self.status == OK

    def counts(self) -> str:
        run = self.run or {}
        stats = run.get("stats") or {}
        rejects = run.get("rejects") or 0
        reasons = sorted(((k.rsplit("/", 1)[1], v) for k, v in stats.items()
                          if k.startswith("workercrawl/rejected/") and v), key=lambda kv: (-kv[1], kv[0]))
        by_reason = f" ({', '.join(f'{r} {n}' for r, n in reasons)})" if rejects and reasons else ""
        return (f"{run.get('articles') or 0} articles stored, {rejects} rejects{by_reason}, "
                f"{failed_fetches(stats)} fetches failed, {stats.get('workercrawl/skipped_known', 0)} known skipped, "
                f"{run.get('pages') or 0} pages")

    def line(self) -> str:
        if self.summary:
            return self.summary
        head = f"{self.spider}: run {self.run_id or '-'} {self.status.upper()}"
        return f"{head} ({self.counts()})" + (": " + "; ".join(self.reasons) if self.reasons else "")

    def to_dict(self) -> dict:
        return {"run_id": self.run_id, "site": self.spider, "status": self.status, "reasons": self.reasons,
                "line": self.line()}

    @classmethod
    def from_dict(cls, data: dict) -> "Verdict":
        return cls(data.get("run_id"), data.get("site") or "?", data.get("status") or FAILED,
                   list(data.get("reasons") or []), summary=data.get("line"))


def _failures(stats: dict) -> dict[str, int]:
    """{reason: fetches} that failed after retries (not robots.txt refusals or off-site links)."""
    return {k.rsplit("/", 1)[1]: v for k, v in stats.items()
            if k.startswith("workercrawl/failed/") and v and k.rsplit("/", 1)[1] not in NOT_FAILURES}


def failed_fetches(stats: dict) -> int:
    return sum(_failures(stats).values())


def run_from_stats(stats: dict, *, spider: str, site: str | None, args: str | None = None) -> dict:
    """A runs row as the crawl's own final stats describe it: the truth even when the database
    could not record it (a full disk, a store that never opened)."""
    return {
        "id": stats.get("workercrawl/run_id"), "spider": spider, "site": site or spider,
        "finish_reason": stats.get("finish_reason"), "finished_at": stats.get("finish_time") or "now",
        "articles": stats.get("workercrawl/articles", 0), "rejects": stats.get("workercrawl/rejected", 0),
        "pages": stats.get("response_received_count", 0), "stats": stats, "args": args,
    }


def judge(store, run_id: int | None, spider: str = "?") -> Verdict:
    """The verdict on a recorded run (read from the store)."""
    run = store.run(run_id) if run_id else None
    if run is None:
        verdict = Verdict(run_id, spider)
        verdict.flag(FAILED, "no run was recorded (the crawl did not start)")
        return verdict
    return judge_run(run, store)


def judge_run(run: dict, store=None) -> Verdict:
    """The verdict on one run (a runs row, or run_from_stats); `store` (optional) holds the
    same site's earlier runs to compare with."""
    verdict = Verdict(run.get("id"), run.get("site") or run["spider"], run=run)
    stats = run.get("stats") or {}
    reason = run.get("finish_reason")
    if not run.get("finished_at"):
        verdict.flag(FAILED, "the run did not finish (killed?)")
        return verdict
    _store_errors(run, stats, verdict)
    if reason in CAPS:
        verdict.flag(DEGRADED, f"stopped by a safety cap ({reason})")
    elif reason != "finished":
        why = stats.get("workercrawl/argument_error") if reason == "bad-arguments" else None
        if not any(r.startswith("store error") for r in verdict.reasons):
            verdict.flag(FAILED, f"closed: {reason}" + (f" ({why})" if why else ""))
        return verdict
    _nothing_read(run, stats, verdict)
    if store is not None and run.get("id"):
        _collapse(store, run, stats, verdict)
        _coverage(store, run, verdict)
    _rejected(run, stats, verdict)
    _errors(run, stats, verdict)
    return verdict


def _store_errors(run, stats, verdict) -> None:
    """The database refused a batch (full disk, locked past the busy timeout): rows were lost."""
    errors, lost = stats.get("workercrawl/store_errors", 0), stats.get("workercrawl/lost", 0)
    extracted, stored = stats.get("workercrawl/extracted"), run.get("articles") or 0
    if errors or run.get("finish_reason") == "store-error":
        why = stats.get("workercrawl/store_error") or "the database refused a write"
        verdict.flag(FAILED, f"store error: {why}" + (f"; {lost} rows not stored" if lost else ""))
    elif extracted is not None and stored < extracted:
        verdict.flag(FAILED, f"stored {stored} of {extracted} articles extracted")


def _nothing_read(run, stats, verdict) -> None:
    """Not one page read: the site is down, unreachable or refusing us, whatever the count."""
    fetched = stats.get("workercrawl/fetched")
    if fetched is None or fetched > 0:  # None: a run recorded before this counter existed
        return
    failed = {k.rsplit("/", 1)[1]: v for k, v in stats.items() if k.startswith("workercrawl/failed/") and v}
    if failed:
        named = ", ".join(f"{r} {n}" for r, n in sorted(failed.items(), key=lambda kv: (-kv[1], kv[0])))
        verdict.flag(FAILED, f"every fetch failed ({named})")
    else:
        verdict.flag(FAILED, "nothing was fetched (no start page, or every URL filtered)")


def _collapse(store, run, stats, verdict) -> None:
    """Far fewer article links than recent runs found. Counted per list page when the runs say
    how many they read: an incremental run that stops paginating once page 1 holds only known
    articles reads one list page, not 250, and its page holds as many links as ever."""
    links, pages = stats.get("workercrawl/article_links", 0), stats.get("workercrawl/list_pages", 0)
    recent = [r["stats"] for r in store.recent_runs(run.get("site") or run["spider"], run.get("args") or "{}",
                                                      run["id"])]
    if not recent:
        return
    usual = statistics.median(r.get("workercrawl/article_links", 0) for r in recent)
    densities = [r["workercrawl/article_links"] / r["workercrawl/list_pages"] for r in recent
                 if r.get("workercrawl/list_pages") and "workercrawl/article_links" in r]
    if pages and densities:
        per_page = statistics.median(densities)
        if usual >= MIN_LINKS and per_page > 0 and links / pages < COLLAPSE * per_page:
            verdict.flag(DEGRADED, f"collapse: {links} article links on {pages} list pages, recent runs "
                                   f"found {per_page:.3g} a list page")
        return
    if usual >= MIN_LINKS and links < COLLAPSE * usual:
        verdict.flag(DEGRADED, f"collapse: {links} article links found, recent runs found {usual:g}")


def _rejected(run, stats, verdict) -> None:
    reasons = {k.rsplit("/", 1)[1]: v for k, v in stats.items() if k.startswith("workercrawl/rejected/")}
    bad = sum(n for reason, n in reasons.items() if reason in CONTENT_REJECTS)
    read = bad + (run.get("articles") or 0)
    if read >= MIN_SAMPLE and bad > REJECTED * read:
        named = ", ".join(f"{r} {n}" for r, n in sorted(reasons.items()) if r in CONTENT_REJECTS)
        verdict.flag(DEGRADED, f"rejected: {bad} of {read} article pages not read as articles ({named}); "
                               "a new template?")


def _coverage(store, run, verdict) -> None:
    """Compared with the same site's own earlier runs: a first run has no baseline."""
    site = run.get("site") or run["spider"]
    now = store.coverage(site, run_id=run["id"])
    before = store.coverage(site, before_id=run["id"])
    if now["articles"] < MIN_SAMPLE or before["articles"] < MIN_SAMPLE:
        return
    for name, label in (("time", "a publish time"), ("source", "a source")):
        if before[name] >= 0.5 and now[name] < COVERAGE_DROP * before[name]:
            verdict.flag(DEGRADED, f"coverage: {now[name]:.0%} of this run's articles have {label}, "
                                   f"earlier articles {before[name]:.0%}")


def _errors(run, stats, verdict) -> None:
    if verdict.status == FAILED:
        return  # every fetch failed: said already
    failed = failed_fetches(stats)
    # Every failed fetch is also a reject; list and issue pages that loaded are counted apart.
    attempts = ((run.get("articles") or 0) + (run.get("rejects") or 0) + stats.get("workercrawl/list_pages", 0)
                + stats.get("workercrawl/issue_pages", 0))
    if failed >= MIN_ERRORS and failed > ERROR_RATE * max(1, attempts):
        named = ", ".join(f"{reason} {n}" for reason, n in sorted(_failures(stats).items(), key=lambda kv: (-kv[1], kv[0])))
        verdict.flag(DEGRADED, f"errors: {failed} fetches failed after retries ({named})")


def after_crawl(stats: dict, *, spider: str, site: str, db_path: str | None, timeout: float = 10.0) -> Verdict:
    """The verdict on the crawl that just ended, from its own final stats; the database (when
    it can be read) adds the run's arguments and the same site's earlier runs to compare with."""
    from pathlib import Path

    from workercrawl.store import Store, StoreError

    run = run_from_stats(stats, spider=spider, site=site)
    store = None
    if db_path and run["id"] and Path(db_path).is_file():
        try:
            store = Store(db_path, create=False, timeout=timeout)
            row = store.run(run["id"])
            run["args"] = row["args"] if row else None
        except StoreError:  # a full disk, a lock: judge from the stats alone
            if store is not None:
                store.close_files()
            store = None
    try:
        return judge_run(run, store)
    except StoreError:
        return judge_run(run, None)
    finally:
        if store is not None:
            store.close_files()
