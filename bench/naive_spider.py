"""The peer a newcomer would write: a Scrapy CrawlSpider following the channel list's pages and
article links, `trafilatura.bare_extraction` in an item pipeline, rows written by sqlite-utils
`insert_all` (batches of 50, like workercrawl's). No raw pages, no history, no search index.

    scrapy runspider bench/naive_spider.py -a start_url=http://127.0.0.1:PORT/acftu -a db=naive.db

bench/crawl.py runs it as a row of its table (with ITEM_PIPELINES={}: Scrapy alone, the same
navigation with every page discarded) from a folder without scrapy.cfg, so Scrapy's defaults
apply, plus the table's settings (32 requests in flight, delays off).
"""

from __future__ import annotations

import sqlite_utils
import trafilatura
from scrapy.linkextractors import LinkExtractor
from scrapy.spiders import CrawlSpider, Rule


class NaivePipeline:
    def open_spider(self, spider=None):
        self.db = sqlite_utils.Database(spider.db_path if spider else "naive.db")
        self.rows: list[dict] = []

    def process_item(self, item, spider=None):
        doc = trafilatura.bare_extraction(item["html"], url=item["url"], with_metadata=True)
        if doc:
            data = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
            self.rows.append({"url": item["url"], "title": data.get("title"), "date": data.get("date"),
                              "author": data.get("author"), "body": data.get("text")})
        if len(self.rows) >= 50:
            self.flush()
        return {"url": item["url"]}

    def flush(self):
        if self.rows:
            self.db["articles"].insert_all(self.rows, pk="url", replace=True)
            self.rows = []

    def close_spider(self, spider=None):
        self.flush()


class NaiveSpider(CrawlSpider):
    name = "naive"
    custom_settings = {"ITEM_PIPELINES": {"naive_spider.NaivePipeline": 300}}
    rules = (
        Rule(LinkExtractor(allow=r"/c/\d{4}-\d{2}-\d{2}/\d+\.shtml$"), callback="parse_article", follow=False),
        Rule(LinkExtractor(allow=r"/acftu/index_\d+\.shtml$"), follow=True),
    )

    def __init__(self, start_url: str = "", db: str = "naive.db", *args, **kwargs):
        self.start_urls = [start_url]
        self.db_path = db
        super().__init__(*args, **kwargs)

    def parse_article(self, response):
        yield {"url": response.url, "html": response.text}
