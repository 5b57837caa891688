"""Is a finished crawl run healthy? The judgement behind `workercrawl crawl`'s exit status.

A run is

- failed: no runs row, never finished (killed), or closed for another reason than `finished`
  (bad arguments, an error-count cap, a shutdown);
- degraded: it ran, but the site or our reading of it has changed —
  * collapse: far fewer article links on the list pages than recent runs of the same spider and
    arguments found (list pages are fetched every run, so this holds for incremental runs too);
  * rejected: most fetched article pages were not read as articles (a new template);
  * coverage: far fewer of its articles have a time of day or a source than the spider's
    earlier articles (the template moved the date or 来源 line);
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
NOT_FAILURES = ("robots-disallowed", "offsite", "ignored")


@dataclass
class Verdict:
    run_id: int | None
    spider: str
    status: str = OK
    reasons: list[str] = field(default_factory=list)
    run: dict | None = None

    def flag(self, status: str, reason: str) -> None:
        if status == FAILED or self.status == OK:
            self.status = status
        self.reasons.append(reason)

    @property
    def ok(self) -> bool:
        return self.status == OK

    def line(self) -> str:
        run = self.run or {}
        stats = run.get("stats") or {}
        counts = (f"{run.get('articles') or 0} articles, {run.get('rejects') or 0} rejects, "
                  f"{stats.get('workercrawl/skipped_known', 0)} known skipped, {run.get('pages') or 0} pages")
        head = f"{self.spider}: run {self.run_id or '-'} {self.status.upper()}"
        return f"{head} ({counts})" + (": " + "; ".join(self.reasons) if self.reasons else "")


def judge(store, run_id: int | None, spider: str = "?") -> Verdict:
    run = store.run(run_id) if run_id else None
    if run is None:
        verdict = Verdict(run_id, spider)
        verdict.flag(FAILED, "no run was recorded (the crawl did not start)")
        return verdict
    verdict = Verdict(run_id, run["spider"], run=run)
    reason = run.get("finish_reason")
    if not run.get("finished_at"):
        verdict.flag(FAILED, "the run did not finish (killed?)")
        return verdict
    if reason in CAPS:
        verdict.flag(DEGRADED, f"stopped by a safety cap ({reason})")
    elif reason != "finished":
        verdict.flag(FAILED, f"closed: {reason}")
        return verdict
    stats = run["stats"]
    _collapse(store, run, stats, verdict)
    _rejected(store, run, verdict)
    _coverage(store, run, verdict)
    _errors(run, stats, verdict)
    return verdict


def _collapse(store, run, stats, verdict) -> None:
    links = stats.get("workercrawl/article_links", 0)
    recent = [r["stats"].get("workercrawl/article_links", 0)
              for r in store.recent_runs(run["spider"], run["args"], run["id"])]
    if not recent:
        return
    usual = statistics.median(recent)
    if usual >= MIN_LINKS and links < COLLAPSE * usual:
        verdict.flag(DEGRADED, f"collapse: {links} article links found, recent runs found {usual:g}")


def _rejected(store, run, verdict) -> None:
    reasons = store.reject_reasons(run["id"])
    bad = sum(n for reason, n in reasons.items() if reason in CONTENT_REJECTS)
    read = bad + (run.get("articles") or 0)
    if read >= MIN_SAMPLE and bad > REJECTED * read:
        named = ", ".join(f"{r} {n}" for r, n in sorted(reasons.items()) if r in CONTENT_REJECTS)
        verdict.flag(DEGRADED, f"rejected: {bad} of {read} article pages not read as articles ({named}); "
                               "a new template?")


def _coverage(store, run, verdict) -> None:
    now = store.coverage(run["spider"], run_id=run["id"])
    before = store.coverage(run["spider"], before_id=run["id"])
    if now["articles"] < MIN_SAMPLE or before["articles"] < MIN_SAMPLE:
        return
    for name, label in (("time", "a publish time"), ("source", "a source")):
        if before[name] >= 0.5 and now[name] < COVERAGE_DROP * before[name]:
            verdict.flag(DEGRADED, f"coverage: {now[name]:.0%} of this run's articles have {label}, "
                                   f"earlier articles {before[name]:.0%}")


def _errors(run, stats, verdict) -> None:
    failed = sum(v for k, v in stats.items()
                 if k.startswith("workercrawl/failed/") and k.rsplit("/", 1)[1] not in NOT_FAILURES)
    # Every failed fetch is also a reject; list and issue pages that loaded are counted apart.
    attempts = ((run.get("articles") or 0) + (run.get("rejects") or 0) + stats.get("workercrawl/list_pages", 0)
                + stats.get("workercrawl/issue_pages", 0))
    if failed >= MIN_ERRORS and failed > ERROR_RATE * max(1, attempts):
        verdict.flag(DEGRADED, f"errors: {failed} fetches failed after retries "
                               f"({', '.join(k.rsplit('/', 1)[1] for k in stats if k.startswith('workercrawl/failed/'))})")
