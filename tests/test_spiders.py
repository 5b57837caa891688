"""Spider callbacks on the saved replica pages: exactly which requests and items come out.

`workercn` and `grrb` are the sites spider with their registry KEY fixed: the same callbacks
(parse_nav for lists, hubs and e-paper pages) as every other site."""

from __future__ import annotations

import asyncio

import pytest
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Request, Response
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.test import get_crawler
from twisted.python.failure import Failure

from workercrawl.items import PageItem
from workercrawl.middlewares import AllowedHostsMiddleware
from workercrawl.spiders.configured import SitesSpider
from workercrawl.spiders.epaper import issue_dates
from workercrawl.spiders.grrb import GrrbSpider
from workercrawl.spiders.workercn import WorkercnSpider
from conftest import site_dir

BASE = "http://127.0.0.1:8000"
MIRROR = "http://127.0.0.1:8001"


def spider(cls, **args):
    crawler = get_crawler(cls, {"ROBOTSTXT_OBEY": False})
    made = cls.from_crawler(crawler, **args)
    if getattr(made, "argument_exception", None):  # a crawl would close it at start: bad-arguments
        raise made.argument_exception
    return made


def response(site: str, path: str, url: str | None = None, charset: str | None = None, meta=None) -> HtmlResponse:
    """A saved replica page as Scrapy would receive it from BASE (headers as the server sends)."""
    file = site_dir(site) / path
    body = file.read_bytes().replace(b"__MIRROR__", MIRROR.encode())
    ctype = "text/html" + (f"; charset={charset}" if charset else "")
    url = url or f"{BASE}/{path}"
    request = Request(url, meta=dict(meta or {}))
    return HtmlResponse(url=url, body=body, headers={"Content-Type": ctype}, request=request)


def failure(exc: Exception, request: Request) -> Failure:
    """What Scrapy hands an errback: a Failure carrying the request."""
    failed = Failure(exc, type(exc))
    failed.request = request
    return failed


def requests_of(output) -> list[Request]:
    return [r for r in output if isinstance(r, Request)]


def article_urls(output) -> list[str]:
    return [r.url for r in requests_of(output) if r.callback.__name__ == "parse_article"]


def list_urls(output) -> list[str]:
    return [r.url for r in requests_of(output) if r.callback.__name__ == "parse_nav" and r.meta["kind"] == "list"]


def page_requests(output) -> list[Request]:
    return [r for r in requests_of(output) if r.callback.__name__ == "parse_nav" and r.meta["kind"] == "issue-page"]


# -- workercn list pages ------------------------------------------------------------------------

@pytest.fixture
def workercn():
    return spider(WorkercnSpider, start_url=f"{BASE}/acftu,{BASE}/27/27.shtml")


def test_new_list_page_one(workercn):
    page = response("workercn", "acftu/index.html", f"{BASE}/acftu", charset="utf-8", meta={"list_page": 1})
    out = list(workercn.parse_nav(page))
    assert article_urls(out) == [
        f"{BASE}/c/2024-05-20/7100010.shtml",
        f"{BASE}/c/2024-05-20/7100001.shtml",
        f"{BASE}/c/2024-05-20/7100002.shtml",
        f"{BASE}/c/2024-05-19/7100003.shtml",
        f"{BASE}/c/2024-05-19/7100004.shtml",
        f"{BASE}/papers/grrb/2024/05/18/1/news-1.html",
        f"{BASE}/papers/grrb/2024/05/18/3/news-2.html",
        f"{BASE}/preview/c/2024-05-20/7100009.shtml",  # robots.txt decides, not the spider
        f"{BASE}/c/2024-05-17/7100005.shtml",          # sidebar
    ]
    # The spam mirror (other port) and spam-mirror.example are never requested.
    assert not [r for r in requests_of(out) if not r.url.startswith(BASE)]
    assert list_urls(out) == [f"{BASE}/acftu/index_2.shtml"]
    following = requests_of(out)[-1]
    assert following.meta["list_page"] == 2
    assert workercn.crawler.stats.get_value("workercrawl/offsite_links") == 2


def test_new_list_last_page(workercn):
    page = response("workercn", "acftu/index_2.shtml", charset="utf-8", meta={"list_page": 2})
    out = list(workercn.parse_nav(page))
    assert article_urls(out) == [
        f"{BASE}/c/2024-05-17/7100005.shtml",
        f"{BASE}/c/2024-05-20/7100001.shtml",  # ?from=timeline dropped: same page as on page 1
        f"{BASE}/c/2024-05-16/7100008.shtml",
        f"{BASE}/c/2024-05-20/7100002.shtml",
    ]
    assert list_urls(out) == []  # no 下一页 and no numbered link to page 3


def test_old_gbk_list_pages(workercn):
    first = response("workercn", "27/27.shtml", meta={"list_page": 1})  # GBK, charset only in <meta>
    out = list(workercn.parse_nav(first))
    assert article_urls(out) == [
        f"{BASE}/27/202105/12/210512083015237.shtml",
        f"{BASE}/27/202105/10/210510160218904.shtml",
    ]  # the 热点排行 sidebar links to the real acftu./news. hosts: not followed in a replica crawl
    assert list_urls(out) == [f"{BASE}/27/27_2.shtml"]

    second = response("workercn", "27/27_2.shtml", meta={"list_page": 2})
    out = list(workercn.parse_nav(second))
    assert article_urls(out) == [
        f"{BASE}/27/202105/08/210508093001115.shtml",
        f"{BASE}/32841/202104/30/210430101522648.shtml",
    ]
    assert list_urls(out) == []


def test_numbered_pagination_without_next_link(workercn):
    body = """<html><body><ul><li><a href="/c/2024-01-02/1.shtml">一</a></li></ul>
      <div class="page"><a href="/x/list_1.shtml">1</a><span>2</span><a href="/x/list_3.shtml">3</a>
      <a href="/x/list_4.shtml">4</a></div></body></html>""".encode()
    page = HtmlResponse(f"{BASE}/x/list_2.shtml", body=body, encoding="utf-8",
                        request=Request(f"{BASE}/x/list_2.shtml", meta={"list_page": 2}))
    assert list_urls(list(workercn.parse_nav(page))) == [f"{BASE}/x/list_3.shtml"]


@pytest.mark.parametrize("anchor", [
    '<a href="/x/list_3.shtml">[下一页]</a>',
    '<a href="/x/list_3.shtml"><span>下一页</span> &gt;&gt;</a>',
    '<a href="/x/list_3.shtml" title="下一页"><img src="/images/next.gif"></a>',
])
def test_next_page_link_variants(workercn, anchor):
    body = f"""<html><body><a href="/x/list_1.shtml">上一页</a>{anchor}</body></html>""".encode()
    page = HtmlResponse(f"{BASE}/x/list_2.shtml", body=body, encoding="utf-8",
                        request=Request(f"{BASE}/x/list_2.shtml", meta={"list_page": 2}))
    assert list_urls(list(workercn.parse_nav(page))) == [f"{BASE}/x/list_3.shtml"]


def test_max_list_pages_stops_pagination_and_max_pages_caps_requests():
    page = response("workercn", "acftu/index.html", f"{BASE}/acftu", charset="utf-8", meta={"list_page": 1})
    capped = spider(WorkercnSpider, start_url=f"{BASE}/acftu", max_list_pages="1")
    out = list(capped.parse_nav(page))
    assert list_urls(out) == [] and len(article_urls(out)) == 9
    assert spider(WorkercnSpider).max_list_pages == 50  # sites.toml [sites] default
    # max_pages: requests per run, as for every site (the start page is one of them)
    few = spider(WorkercnSpider, start_url=f"{BASE}/acftu", max_pages="3")
    few.requested.add(f"{BASE}/acftu")
    out = list(few.parse_nav(page))
    assert len(requests_of(out)) == 2 and few.crawler.stats.get_value("workercrawl/max_pages_skipped") > 0
    with pytest.raises(ValueError, match="max_list_pages"):
        spider(WorkercnSpider, max_list_pages="-1")


def test_hub_page_follows_channel_lists(workercn):
    body = """<html><body><a href="/acftu">工会</a><a href="/right">权益</a><a href="/about/">关于</a>
      <a href="/27/27.shtml">老频道</a><a href="/c/2024-05-20/7100001.shtml">文章</a></body></html>""".encode()
    page = HtmlResponse(f"{BASE}/", body=body, encoding="utf-8", request=Request(f"{BASE}/", meta={"start": True}))
    out = list(workercn.parse_nav(page))
    assert list_urls(out) == [f"{BASE}/acftu", f"{BASE}/right", f"{BASE}/27/27.shtml"]
    assert article_urls(out) == [f"{BASE}/c/2024-05-20/7100001.shtml"]


def test_start_requests_and_allow_list():
    crawler_spider = spider(WorkercnSpider, start_url=f"{BASE}/acftu {BASE}/c/2024-05-20/7100001.shtml")

    async def collect():
        return [r async for r in crawler_spider.start()]

    out = asyncio.run(collect())
    assert [(r.url, r.callback.__name__) for r in out] == [
        (f"{BASE}/acftu", "parse_nav"), (f"{BASE}/c/2024-05-20/7100001.shtml", "parse_article")]
    hosts = crawler_spider.hosts
    assert hosts.allows(f"{BASE}/anything") and not hosts.allows(f"{MIRROR}/c/2024-05-20/7100001.shtml")
    assert not hosts.allows("https://www.workercn.cn/c/2024-05-20/7100001.shtml")  # stays on the replica
    default = spider(WorkercnSpider)
    assert default.start_urls[0] == "https://www.workercn.cn/acftu"
    assert default.hosts.allows("http://news.workercn.cn/32841/201901/18/190118124637372.shtml")
    assert not default.hosts.allows("http://agustinmoreno.com/443/201910/15/191015000000000.shtml")
    real = spider(WorkercnSpider, start_url="https://www.workercn.cn/right")
    assert real.hosts.allows("http://acftu.workercn.cn/27/27.shtml")  # a real start keeps the family
    with pytest.raises(ValueError):
        spider(WorkercnSpider, start_url="www.workercn.cn/acftu")


def test_workercn_is_the_sites_spider_with_its_key_fixed():
    dedicated = spider(WorkercnSpider, start_url=f"{BASE}/acftu")
    configured = spider(SitesSpider, site="workercn", start_url=f"{BASE}/acftu")
    assert (dedicated.site_key, configured.site_key) == ("workercn", "workercn")
    assert dedicated.site == configured.site and dedicated.entry_urls() == configured.entry_urls()
    page = response("workercn", "acftu/index.html", f"{BASE}/acftu", charset="utf-8", meta={"list_page": 1})
    assert [r.url for r in requests_of(dedicated.parse_nav(page))] == [r.url for r in requests_of(configured.parse_nav(page))]
    assert dedicated.spider_args == {"start_url": f"{BASE}/acftu"}  # no site=: the name says it
    assert spider(GrrbSpider).site_key == "grrb" and spider(SitesSpider, start_url=f"{BASE}/").site_key is None
    with pytest.raises(ValueError, match="scrapy crawl sites -a site=nfgb"):
        spider(WorkercnSpider, site="nfgb")
    assert spider(WorkercnSpider, site="workercn").site_key == "workercn"
    # -a since on a list site is the incremental cut-off only; on an e-paper, the issues to fetch
    assert spider(WorkercnSpider, since="2020-01-01").dates == []
    with pytest.raises(ValueError, match="max_days"):
        spider(GrrbSpider, since="2020-01-01", until="2024-01-01")


def test_refused_spider_still_names_its_site():
    for cls, args, key in ((GrrbSpider, {"date": "2024-02-30"}, "grrb"),
                           (SitesSpider, {"site": "nfgb", "since": "x"}, "nfgb"),
                           (SitesSpider, {"start_url": "nope"}, None)):
        made = cls.from_crawler(get_crawler(cls), **args)
        assert made.argument_error and made.site_key == key


# -- articles ----------------------------------------------------------------------------------

def test_single_page_article_is_one_item(workercn):
    path = "c/2024-05-20/7100001.shtml"
    page = response("workercn", path, charset="utf-8", meta={"nav": {"list_url": f"{BASE}/acftu"}})
    (item,) = list(workercn.parse_article(page))
    assert isinstance(item, PageItem)
    assert (item.url, item.status, item.kind, item.more_pages) == (f"{BASE}/{path}", 200, "article", [])
    assert item.body == (site_dir("workercn") / path).read_bytes()
    assert item.headers["Content-Type"] == "text/html; charset=utf-8"
    assert item.nav == {"list_url": f"{BASE}/acftu"} and item.spider == "workercn"
    assert "7100001" in repr(item) and "<html" not in repr(item)


def test_two_page_article_becomes_one_item(workercn):
    first = response("workercn", "27/202105/10/210510160218904.shtml")
    (follow,) = list(workercn.parse_article(first))
    assert isinstance(follow, Request)
    assert follow.url == f"{BASE}/27/202105/10/210510160218904_2.shtml"
    assert follow.dont_filter and follow.callback.__name__ == "parse_continuation"

    second = response("workercn", "27/202105/10/210510160218904_2.shtml", meta=follow.meta)
    (item,) = list(workercn.parse_continuation(second))
    assert item.url == f"{BASE}/27/202105/10/210510160218904.shtml"
    assert [p.url for p in item.more_pages] == [follow.url]
    assert len(item.pages) == 2 and item.nav["total_pages"] == 2


def test_failed_continuation_keeps_page_one(workercn):
    first = response("workercn", "27/202105/10/210510160218904.shtml")
    (follow,) = list(workercn.parse_article(first))
    missing = Response(follow.url, status=404, request=follow)
    failed, item = list(workercn.on_continuation_error(failure(HttpError(missing), follow)))
    assert failed.url == follow.url
    assert (failed.kind, failed.status, failed.error["reason"]) == ("continuation", 404, "http-error")
    assert item.more_pages == [] and "failed" in item.nav["incomplete"]


def test_errback_records_http_errors_and_robots(workercn):
    request = workercn.article_request(f"{BASE}/c/2024-05-16/7100008.shtml")
    gone = Response(request.url, status=404, request=request)
    (item,) = list(workercn.on_error(failure(HttpError(gone, "Ignoring non-200 response"), request)))
    assert (item.url, item.status, item.error["reason"], item.body) == (request.url, 404, "http-error", b"")

    (item,) = list(workercn.on_error(failure(IgnoreRequest("Forbidden by robots.txt"), request)))
    assert item.error == {"reason": "robots-disallowed", "detail": "forbidden by robots.txt"}


def test_allowed_hosts_middleware_blocks_other_hosts_and_ports(workercn):
    middleware = AllowedHostsMiddleware.from_crawler(workercn.crawler)
    workercn.crawler.spider = workercn
    assert middleware.process_request(Request(f"{BASE}/c/2024-05-20/7100001.shtml")) is None
    for url in (f"{MIRROR}/c/2024-05-20/7100001.shtml", "http://spam-mirror.example/c/2024-05-20/1.shtml"):
        with pytest.raises(IgnoreRequest):
            middleware.process_request(Request(url, dont_filter=True))


# -- grrb e-paper ------------------------------------------------------------------------------

ISSUE = f"{BASE}/papers/grrb/2024/05/20"


@pytest.fixture
def grrb():
    return spider(GrrbSpider, date="2024-05-20", start_url=f"{BASE}/")


def test_grrb_page_one(grrb):
    page = response("grrb", "papers/grrb/2024/05/20/1/page.html", meta={"nav": {"issue_date": "2024-05-20"}})
    out = list(grrb.parse_nav(page))
    articles = [r for r in out if r.callback.__name__ == "parse_article"]
    pages = page_requests(out)
    assert [r.url for r in articles] == [f"{ISSUE}/1/news-1.html", f"{ISSUE}/1/news-2.html"]
    assert articles[0].meta["nav"] == {
        "issue_date": "2024-05-20", "page_no": "1", "page_name": "要闻", "page_url": f"{ISSUE}/1/page.html"}
    # the issue's other pages, labelled from ul#pageUrl ("02版：工会"); page 1 is this page
    assert [(r.url, r.meta["nav"]["page_no"], r.meta["nav"]["page_name"]) for r in pages] == [
        (f"{ISSUE}/2/page.html", "2", "工会"), (f"{ISSUE}/3/page.html", "3", "权益"), (f"{ISSUE}/4/page.html", "4", "广告")]
    assert not [r for r in out if ".pdf" in r.url]


def test_grrb_page_without_articles(grrb):
    page = response("grrb", "papers/grrb/2024/05/20/4/page.html")
    out = list(grrb.parse_nav(page))
    assert [r for r in out if r.callback.__name__ == "parse_article"] == []
    assert len(out) == len(page_requests(out)) == 3


def test_grrb_index_page_without_date():
    index = spider(GrrbSpider, start_url=f"{BASE}/")
    assert index.entry_urls() == [f"{BASE}/"]
    body = f"""<html><body><a href="/papers/grrb/2024/05/21/1/page.html">5月21日</a>
      <a href="/papers/grrb/2024/05/20/1/page.html">5月20日</a><a href="/papers/grrb/2024/05/20/1/news-2.html">头条</a>
      <a href="{MIRROR}/papers/grrb/2024/05/19/1/page.html">镜像</a></body></html>""".encode()
    hub = Request(f"{BASE}/", meta={"start": True, "hops": 0})
    out = list(index.parse_nav(HtmlResponse(f"{BASE}/", body=body, encoding="utf-8", request=hub)))
    assert [(r.url, r.callback.__name__, r.meta["kind"]) for r in out] == [
        (f"{ISSUE}/1/news-2.html", "parse_article", "article"),
        (f"{BASE}/papers/grrb/2024/05/21/1/page.html", "parse_nav", "issue-page"),
        (f"{ISSUE}/1/page.html", "parse_nav", "issue-page"),
    ]


def test_grrb_entry_urls():
    assert spider(GrrbSpider, date="2024-05-20").entry_urls() == [
        "https://www.workercn.cn/papers/grrb/2024/05/20/1/page.html"]
    ranged = spider(GrrbSpider, since="2024-05-19", until="2024-05-21", start_url=f"{BASE}/mirror/")
    assert ranged.entry_urls() == [f"{BASE}/mirror/papers/grrb/2024/05/{d}/1/page.html" for d in (19, 20, 21)]
    from_url = spider(GrrbSpider, start_url=f"{BASE}/papers/grrb/2024/05/21/")
    assert from_url.entry_urls() == [f"{BASE}/papers/grrb/2024/05/21/1/page.html"]
    given_page = spider(GrrbSpider, date="2024-05-20", start_url=f"{ISSUE}/3/page.html")
    assert given_page.entry_urls() == [f"{ISSUE}/3/page.html"]


def test_grrb_date_arguments():
    import datetime as dt

    assert issue_dates(date="20240520") == [dt.date(2024, 5, 20)]
    assert issue_dates(since="2024-05-30", until="2024-06-01") == [
        dt.date(2024, 5, 30), dt.date(2024, 5, 31), dt.date(2024, 6, 1)]
    assert issue_dates(since="2024-05-30", today=dt.date(2024, 5, 31)) == [dt.date(2024, 5, 30), dt.date(2024, 5, 31)]
    for bad in ({"date": "2024-02-30"}, {"date": "x", "since": "2024-01-01"},
                {"since": "2024-05-02", "until": "2024-05-01"}, {"since": "2000-01-01", "until": "2024-01-01"}):
        with pytest.raises(ValueError):
            issue_dates(**bad)
