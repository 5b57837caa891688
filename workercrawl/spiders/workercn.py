"""中工网 workercn.cn: channel list pages → pagination → articles of all three URL families.

    scrapy crawl workercn [-a start_url=URL[,URL…]] [-a max_pages=N]

A start URL that is an article is fetched as one; any other is read as a list page. A start
URL that is not a list page itself (a home page) is a hub: its channel-list links are followed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from scrapy.http import Request

from workercrawl.items import LIST
from workercrawl.urls import canonical_url

from .base import NewsSpider

_DECOR = re.compile(r"[\s\[\]【】()（）<>《》«»‹›〈〉]+")  # "[下一页]", "下一页 >>", "《 下一页"


class WorkercnSpider(NewsSpider):
    name = "workercn"

    def __init__(self, *args, max_pages: str | int | None = None, **kwargs):
        super().__init__(*args, max_pages=max_pages, **kwargs)
        default = self.site.extra.get("max_list_pages", 0)
        self.max_pages = int(max_pages) if max_pages not in (None, "") else int(default)
        if self.max_pages < 0:
            raise ValueError(f"max_pages must be >= 0, got {max_pages!r}")

    async def start(self):
        for url in self.start_urls:
            if self.site.is_article(url):
                yield self.article_request(url)
            else:
                yield self.list_request(url, page=1, hub=not self.site.is_list(url))

    def list_request(self, url: str, page: int, hub: bool = False) -> Request:
        return Request(
            canonical_url(url), callback=self.parse_list, errback=self.on_error,
            meta={"kind": LIST, "list_page": page, "hub": hub},
        )

    def parse_list(self, response) -> Iterator:
        self.crawler.stats.inc_value("workercrawl/list_pages")
        links = self.links(response)
        articles = self.article_urls(links)
        self.crawler.stats.inc_value("workercrawl/article_links", len(articles))
        for url in articles:
            yield self.article_request(url, nav={"list_url": response.url})
        page = response.meta.get("list_page", 1)
        following = self.next_page(response, links, page)
        if following and (not self.max_pages or page < self.max_pages):
            yield self.list_request(following, page + 1)
        if response.meta.get("hub"):
            for url, _ in links:
                if self.site.is_list(url) and self.hosts.allows(url):
                    yield self.list_request(url, page=1)

    def next_page(self, response, links, page: int) -> str | None:
        """The "下一页" link, else the numbered link to page+1, on an allowed host."""
        here = canonical_url(response.url)
        candidates = [
            (url, text) for url, text in links
            if self.hosts.allows(url) and not self.site.is_article(url) and canonical_url(url) != here
        ]
        for url, text in candidates:
            if text.replace(" ", "") in self.site.next_texts or _DECOR.sub("", text) in self.site.next_texts:
                return url
        numbered = {int(text): url for url, text in candidates if text.isdigit()}
        return numbered.get(page + 1)
