"""工人日报 e-paper by issue date: page 1 → every page (ul#pageUrl) → its articles (ul#pageTitle).

    scrapy crawl grrb -a date=2024-05-20
    scrapy crawl grrb -a since=2024-05-01 [-a until=2024-05-20]
    scrapy crawl grrb -a date=2024-05-20 -a start_url=http://127.0.0.1:8000/

A start URL that is an issue page (…/N/page.html) or an article (…/news-K.html) is fetched as
is; any other start URL is a base under which `papers/grrb/YYYY/MM/DD/1/page.html` is built for
each date (-a date/since/until, else the issue date in the URL). A start URL with no date at all
is read as an index: the issue pages and articles it links to are followed. With no start URL and
no date, today's issue (China time) is fetched.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from urllib.parse import urlsplit, urlunsplit

from scrapy.http import Request

from workercrawl.items import ISSUE_PAGE, LIST
from workercrawl.urls import canonical_url

from .base import NewsSpider

CHINA = dt.timezone(dt.timedelta(hours=8))
_ISSUE = re.compile(r"(?:papers/)?grrb/(\d{4})/(\d{2})/(\d{2})(?:/|$)")
_PAGE_LABEL = re.compile(r"第?\s*0*(\d{1,3})\s*版\s*[:：]?\s*(.*)$")
_PAGE_DIR = re.compile(r"/0*(\d{1,3})/page\.html?$")


def parse_day(value: str, arg: str) -> dt.date:
    text = value.strip().replace("/", "-")
    if re.fullmatch(r"\d{8}", text):
        text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"-a {arg} must be a date like 2024-05-20, got {value!r}") from None


def issue_dates(date=None, since=None, until=None, max_days=400, today=None) -> list[dt.date]:
    """The issue days one run covers, oldest first."""
    if date and (since or until):
        raise ValueError("give either -a date or -a since/-a until, not both")
    if date:
        return [parse_day(date, "date")]
    if not since and not until:
        return []
    today = today or dt.datetime.now(CHINA).date()
    first = parse_day(since, "since") if since else parse_day(until, "until")
    last = parse_day(until, "until") if until else today
    if first > last:
        raise ValueError(f"-a since ({first}) is after -a until ({last})")
    days = (last - first).days + 1
    if days > max_days:
        raise ValueError(f"{days} days requested; one run covers at most {max_days} (sites.toml grrb.max_days)")
    return [first + dt.timedelta(days=n) for n in range(days)]


class GrrbSpider(NewsSpider):
    name = "grrb"

    def __init__(self, *args, date=None, since=None, until=None, **kwargs):
        super().__init__(*args, date=date, since=since, until=until, **kwargs)
        self.dates = issue_dates(date, since, until, int(self.site.extra.get("max_days", 400)))

    async def start(self):
        for url in self.entry_urls():
            if self.site.is_article(url):
                yield self.article_request(url, nav=self.issue_nav(url))
            elif self.site.is_page(url):
                yield self.page_request(url, {})
            else:
                yield Request(canonical_url(url), callback=self.parse_index, errback=self.on_error,
                              meta={"kind": LIST})

    def entry_urls(self) -> list[str]:
        if not self.custom_start:
            days = self.dates or [dt.datetime.now(CHINA).date()]
            return [self.site.extra["issue_url"].format(date=d) for d in days]
        out: list[str] = []
        for base in self.start_urls:
            if self.site.is_page(base) or self.site.is_article(base):
                out.append(base)
                continue
            found = _ISSUE.search(urlsplit(base).path)
            days = self.dates or ([dt.date(*map(int, found.groups()))] if found else [])
            out += [self.issue_under(base, d) for d in days] if days else [base]
        return out

    def issue_under(self, base: str, day: dt.date) -> str:
        """Page 1 of `day`'s issue under a base URL: a mirror root, …/papers/, …/papers/grrb/YYYY/MM/DD/."""
        parts = urlsplit(base)
        issue = self.site.extra["issue_path"].format(date=day)  # papers/grrb/YYYY/MM/DD/1/page.html
        path = parts.path if parts.path.endswith("/") else parts.path + "/"
        for marker, tail in (("papers/grrb/", issue), ("grrb/", issue.removeprefix("papers/")), ("papers/", issue)):
            cut = path.find(marker)
            if cut >= 0:
                return urlunsplit((parts.scheme, parts.netloc, path[:cut] + tail, "", ""))
        return urlunsplit((parts.scheme, parts.netloc, path + issue, "", ""))

    def page_request(self, url: str, nav: dict) -> Request:
        return Request(
            canonical_url(url), callback=self.parse_page, errback=self.on_error,
            meta={"kind": ISSUE_PAGE, "nav": {**self.issue_nav(url), **nav}},
        )

    def issue_nav(self, url: str) -> dict:
        found = _ISSUE.search(urlsplit(url).path)
        return {"issue_date": "-".join(found.groups())} if found else {}

    # -- parsing ---------------------------------------------------------------------------

    def parse_index(self, response) -> Iterator:
        """An index page (a mirror's front page, an archive): follow its issue pages and articles."""
        self.crawler.stats.inc_value("workercrawl/list_pages")
        links = self.links(response)
        for url in self.article_urls(links):
            yield self.article_request(url, nav=self.issue_nav(url))
        seen = set()
        for url, _ in links:
            if self.site.is_page(url) and self.hosts.allows(url) and canonical_url(url) not in seen:
                seen.add(canonical_url(url))
                yield self.page_request(url, {"page_no": self._page_no(url)})

    def parse_page(self, response) -> Iterator:
        self.crawler.stats.inc_value("workercrawl/issue_pages")
        pages = self.page_list(response)
        here = canonical_url(response.url)
        nav = dict(response.meta.get("nav") or {})
        for url, no, name in pages:
            if canonical_url(url) == here:
                nav.update(page_no=no, page_name=name)
        nav.setdefault("page_no", self._page_no(response.url))
        articles = self.page_articles(response)
        self.crawler.stats.inc_value("workercrawl/article_links", len(articles))
        for url in articles:
            yield self.article_request(url, nav={**nav, "page_url": response.url})
        for url, no, name in pages:
            yield self.page_request(url, {"page_no": no, "page_name": name})

    def page_list(self, response) -> list[tuple[str, str | None, str | None]]:
        """(page URL, 版次, 版名) for each page of this issue, from ul#pageUrl."""
        issue = self._issue_key(response.url)
        out = []
        for li in self._first(response, self.site.extra.get("page_items", ())):
            for anchor in li.css("a[href]"):
                href = anchor.attrib["href"].strip()
                if "pdf" in (anchor.attrib.get("class") or "").lower() or href.lower().endswith(".pdf"):
                    continue
                url = response.urljoin(href)
                if self.site.is_page(url) and self._issue_key(url) == issue and self.hosts.allows(url):
                    text = " ".join(" ".join(anchor.css("::text").getall()).split())
                    label = _PAGE_LABEL.search(text)
                    no = str(int(label.group(1))) if label else self._page_no(url)
                    name = (label.group(2).strip() if label else text) or None
                    out.append((url, no, name))
                    break
        if not out:  # no page list: any page of the same issue linked from here
            out = [(url, self._page_no(url), None) for url, _ in self.links(response)
                   if self.site.is_page(url) and self._issue_key(url) == issue and self.hosts.allows(url)]
        return out

    def page_articles(self, response) -> list[str]:
        """Article URLs of this page, from ul#pageTitle (else any article link of the same issue)."""
        anchors = self._first(response, self.site.extra.get("article_links", ()))
        if anchors:
            links = [(response.urljoin(a.attrib.get("href", "")), "") for a in anchors if a.attrib.get("href")]
        else:
            issue = self._issue_key(response.url)
            links = [(u, t) for u, t in self.links(response) if self._issue_key(u) == issue]
        return self.article_urls(links)

    @staticmethod
    def _first(response, selectors):
        if not hasattr(response, "css"):
            return []
        for selector in selectors:
            found = response.css(selector)
            if found:
                return found
        return []

    @staticmethod
    def _issue_key(url: str) -> str | None:
        found = _ISSUE.search(urlsplit(url).path)
        return "-".join(found.groups()) if found else None

    @staticmethod
    def _page_no(url: str) -> str | None:
        found = _PAGE_DIR.search(urlsplit(url).path)
        return str(int(found.group(1))) if found else None
