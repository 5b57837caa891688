"""`scrapy crawl`, ending with the run's verdict: one summary line on stderr (articles stored,
rejects by reason, failed fetches, OK / DEGRADED / FAILED and why) and exit status 1 when the
run failed — bad arguments, a store error, nothing fetched, every fetch failed, or fewer
articles stored than extracted. Scrapy's own `crawl` exits 0 for all of these.

With `-s WORKERCRAWL_VERDICT_FILE=PATH` the verdict is also written there as JSON: that is how
`workercrawl crawl` learns it, so both commands print the same verdict.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.exceptions import UsageError

from workercrawl import health


class Command(ScrapyCrawlCommand):
    def short_desc(self) -> str:
        return "Run a spider of the project; print its verdict, exit 1 if the run failed"

    def run(self, args: list[str], opts) -> None:
        if len(args) != 1:
            raise UsageError("give exactly one spider: scrapy crawl NAME [-a NAME=VALUE …]")
        crawler = self._create_crawler(args[0])
        self.crawler_process.crawl(crawler, **opts.spargs)
        self.crawler_process.start()
        verdict = self.verdict(crawler)
        print(f"workercrawl: {verdict.line()}", file=sys.stderr, flush=True)
        target = crawler.settings.get("WORKERCRAWL_VERDICT_FILE")
        if target:
            Path(target).write_text(json.dumps(verdict.to_dict(), ensure_ascii=False), "utf-8")
        if verdict.status == health.FAILED or self.crawler_process.bootstrap_failed:
            self.exitcode = 1

    @staticmethod
    def verdict(crawler) -> health.Verdict:
        spider = crawler.spider
        name = getattr(spider, "name", None) or "?"
        site = getattr(spider, "site_key", None) or getattr(spider, "key", None) or name
        stats = crawler.stats.get_stats() if crawler.stats else {}
        if not stats.get("finish_reason"):
            verdict = health.Verdict(stats.get("workercrawl/run_id"), site)
            verdict.flag(health.FAILED, "the crawl could not start (see the error above)")
            return verdict
        return health.after_crawl(stats, spider=name, site=site, db_path=crawler.settings.get("WORKERCRAWL_DB"),
                                  timeout=crawler.settings.getfloat("WORKERCRAWL_DB_TIMEOUT", 30.0))
