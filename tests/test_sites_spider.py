"""The config-driven `sites` spider on saved replica pages (no reactor), the anti-bot middleware
and the pipeline pieces it relies on (probe pages, charset hint)."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from scrapy.exceptions import DropItem, IgnoreRequest
from scrapy.http import HtmlResponse, Request, Response
from scrapy.utils.test import get_crawler
from twisted.python.failure import Failure

from workercrawl.ingest import with_charset_hint
from pipelines.validation import ValidationPipeline
from workercrawl.extract import extract_article
from workercrawl.items import PageItem
from workercrawl.middlewares import AntiBotChallenge, AntiBotMiddleware, challenge
from workercrawl.spiders import failures
from workercrawl.spiders.configured import SitesSpider
from workercrawl.spiders.epaper import issue_key
from conftest import replica_file, site_dir

BASE = "http://127.0.0.1:8000"


def spider(**args) -> SitesSpider:
    crawler = get_crawler(SitesSpider, {"ROBOTSTXT_OBEY": False})
    made = SitesSpider.from_crawler(crawler, **args)
    if getattr(made, "argument_exception", None):  # a crawl would close it at start: bad-arguments
        raise made.argument_exception
    return made


def page(site: str, path: str, url: str | None = None, ctype="text/html", meta=None) -> HtmlResponse:
    url = url or f"{BASE}/{path}"
    body = (site_dir(site) / path).read_bytes().replace(b"__MIRROR__", b"http://127.0.0.1:8001")
    return HtmlResponse(url=url, body=body, headers={"Content-Type": ctype}, request=Request(url, meta=dict(meta or {})))


def out(requests, callback=None):
    return [r.url.removeprefix(BASE) for r in requests
            if isinstance(r, Request) and (callback is None or r.callback.__name__ == callback)]


def starts(sp) -> list[Request]:
    async def collect():
        return [r async for r in sp.start()]
    return asyncio.run(collect())


# -- arguments and entry points ----------------------------------------------------------------

def test_arguments():
    with pytest.raises(ValueError, match="site=KEY"):
        spider()
    with pytest.raises(ValueError, match="not supported.*acftu-people"):
        spider(site="acftu")
    with pytest.raises(KeyError):
        spider(site="nope")
    with pytest.raises(ValueError, match="issue_url"):
        spider(site="nfgb", date="2024-05-20")
    with pytest.raises(ValueError, match="depth"):
        spider(start_url=f"{BASE}/", depth="-1")
    generic = spider(start_url=f"{BASE}/")
    assert (generic.generic, generic.depth_limit, generic.max_pages, generic.probe) == (True, 4, 300, True)
    assert spider(start_url=f"{BASE}/", depth="1", max_pages="5").depth_limit == 1
    keyed = spider(site="nfgb")
    assert (keyed.generic, keyed.depth_limit, keyed.max_pages, keyed.probe) == (False, 0, 0, False)
    assert keyed.spider_args == {"site": "nfgb"}


def test_entry_urls_for_e_papers():
    assert spider(site="ldwb").entry_urls() == ["https://ldwb.workerbj.cn/"]
    assert spider(site="ldwb", date="2024-05-20").entry_urls() == [
        "https://ldwb.workerbj.cn/content/2024-05/20/node_1.htm"]
    assert spider(site="tsldrb", since="2024-05-20", until="2024-05-21").entry_urls() == [
        f"http://epaper.huanbohainews.com.cn/tsldrb/pc/layout/202405/{d}/node_01.html" for d in (20, 21)]
    replica = spider(site="ldwb", date="2024-05-20", start_url=f"{BASE}/mirror/")
    assert replica.entry_urls() == [f"{BASE}/mirror/content/2024-05/20/node_1.htm"]
    assert not replica.hosts.allows("https://ldwb.workerbj.cn/content/2024-05/20/node_1.htm")
    today = spider(site="gsgrb").entry_urls()[0]
    assert today.startswith("http://szb.gansudaily.com.cn/gsgrb/") and today.endswith("/col01.html")
    first = starts(spider(site="ldwb", date="2024-05-20", start_url=f"{BASE}/"))
    assert [(r.url, r.meta["kind"], r.meta["start"]) for r in first] == [
        (f"{BASE}/content/2024-05/20/node_1.htm", "issue-page", True)]


def test_issue_key():
    assert issue_key("http://h/content/2024-05/20/node_2.htm") == "2024-05-20"
    assert issue_key("http://h/tsldrb/pc/layout/202110/26/node_01.html") == "2021-10-26"
    assert issue_key("http://h/gsgrb/202305/09/c1234567.html") == "2023-05-09"
    assert issue_key("http://h/paper/a/b/node_1.htm") == "/paper/a/b"


# -- Founder e-paper ---------------------------------------------------------------------------

def test_founder_page_yields_articles_and_pages_of_the_same_issue():
    sp = spider(site="ldwb", start_url=f"{BASE}/")
    response = page("ldwb", "content/2024-05/20/node_1.htm", ctype="text/html; charset=utf-8")
    result = list(sp.parse_nav(response))
    assert out(result, "parse_article") == ["/content/2024-05/20/content_301001.htm", "/content/2024-05/20/content_301002.htm"]
    # the issue's other pages (a#pageLink), never 上一期 (another issue), 往期回顾 or the PDF
    assert out(result, "parse_nav") == ["/content/2024-05/20/node_2.htm", "/content/2024-05/20/node_3.htm"]
    article = result[0]
    assert article.meta["nav"] == {"page_url": f"{BASE}/content/2024-05/20/node_1.htm", "page_no": "1",
                                   "page_name": "要闻", "issue_date": "2024-05-20", "charset": "utf-8"}
    assert result[-1].meta["nav"] == {"page_no": "3", "page_name": "广告"}
    assert sp.crawler.stats.get_value("workercrawl/issue_pages") == 1


def test_founder_page_without_articles():
    sp = spider(site="ldwb", start_url=f"{BASE}/")
    result = list(sp.parse_nav(page("ldwb", "content/2024-05/20/node_3.htm")))
    assert out(result, "parse_article") == []
    assert out(result, "parse_nav") == ["/content/2024-05/20/node_2.htm", "/content/2024-05/20/node_1.htm"]  # 上一版 first


# -- list pages --------------------------------------------------------------------------------

def test_list_page_uses_list_links_and_paginates():
    sp = spider(site="nfgb", start_url=f"{BASE}/yw/")
    result = list(sp.parse_nav(page("nfgb", "yw/index.html", f"{BASE}/yw/", meta={"list_page": 1})))
    # 热门推荐 sidebar links are not in ul.news-list: not followed
    assert out(result, "parse_article") == [
        "/yw/content/post_1360001.html", "/yw/content/post_1360002.html", "/sp/content/post_1360009.html"]
    (following,) = [r for r in result if r.callback.__name__ == "parse_nav"]
    assert following.url == f"{BASE}/yw/index_2.html" and following.meta["list_page"] == 2
    last = list(sp.parse_nav(page("nfgb", "yw/index_2.html", meta={"list_page": 2})))
    assert out(last, "parse_nav") == []  # 上一页 / 1 lead back: page 1 is not page 3


def test_gbk_list_page_with_charset_hint_and_mirror_links():
    sp = spider(site="acftu-people", start_url=f"{BASE}/GB/67502/index.html")
    result = list(sp.parse_nav(page("acftu-people", "GB/67502/index.html", meta={"list_page": 1})))
    assert out(result, "parse_article") == [
        "/n1/2024/0521/c67502-40230010.html", "/n1/2024/0520/c67502-40230001.html", "/n1/2024/0519/c67502-40230002.html",
        "/n1/2024/0518/c67502-40230003.html"]
    assert out(result, "parse_nav") == ["/GB/67502/index2.html"]  # found by its GBK text 下一页
    assert sp.crawler.stats.get_value("workercrawl/offsite_links") == 2  # spam mirror, the real host
    assert all(r.meta["nav"]["charset"] == "gbk" for r in result if r.callback.__name__ == "parse_article")


def test_hub_page_follows_lists_only_once():
    sp = spider(site="bjzgh", start_url=f"{BASE}/ghzz/")
    body = """<html><body><a href="/ghzz/bjgt/xwdt/">新闻动态</a><a href="/ghzz/bjgt/xwdt/index.html">更多</a>
      <a href="/ghzz/about.html">关于</a><a href="/ghzz/bjgt/xwdt/201808/20180820/j_20180820093012345678901234567890.html">文章</a>
      <a href="/ghzz/bjgt/xwdt/">新闻动态</a></body></html>""".encode()
    hub = HtmlResponse(f"{BASE}/ghzz/", body=body, encoding="utf-8",
                       request=Request(f"{BASE}/ghzz/", meta={"start": True, "hops": 0}))
    sp.requested.add(f"{BASE}/ghzz/")
    result = list(sp.parse_nav(hub))
    assert out(result, "parse_nav") == ["/ghzz/bjgt/xwdt/", "/ghzz/bjgt/xwdt/index.html"]
    assert out(result, "parse_article") == ["/ghzz/bjgt/xwdt/201808/20180820/j_20180820093012345678901234567890.html"]


# -- generic crawl -----------------------------------------------------------------------------

def test_generic_crawl_follows_the_host_and_probes_leaf_pages():
    sp = spider(start_url=f"{BASE}/")
    assert out(starts(sp)) == ["/"]
    home = page("union-a", "index.html", f"{BASE}/", meta={"start": True, "hops": 0})
    result = list(sp.parse_nav(home))
    assert out(result, "parse_article") == ["/xwdt/ghyw/202405/t20240520_1023.html", "/xwdt/jcdt/202405/t20240516_1015.html"]
    navs = {r.url.removeprefix(BASE): r.meta["probe"] for r in result if r.callback.__name__ == "parse_nav"}
    # list-shaped pages are navigated, other pages also probed; /search/ (skip_paths), the PDF,
    # javascript: and other hosts are never requested; robots.txt decides about /member/
    assert navs == {"/xwdt/ghyw/": False, "/xwdt/jcdt/": False, "/gywm/jgjj.html": True,
                    "/lxwm.html": True, "/member/index.html": False}
    assert all(r.meta["hops"] == 1 and r.priority == -1 for r in result if r.callback.__name__ == "parse_nav")


def test_generic_crawl_reads_trs_article_folders_as_articles():
    sp = spider(start_url=f"{BASE}/")
    sp.requested.add(f"{BASE}/")  # the start page itself
    home = page("union-c", "index.html", f"{BASE}/", meta={"start": True, "hops": 0})
    result = list(sp.parse_nav(home))
    assert out(result, "parse_article") == ["/gzdt/201709/t20170919_183870/", "/gzdt/201709/t20170915_183702/"]
    assert out(result, "parse_nav") == ["/gzdt/", "/gywm/"]  # channel folders; /search/ and the .doc skipped


def test_generic_probe_item_and_depth_and_max_pages():
    sp = spider(start_url=f"{BASE}/", depth="1")
    about = page("union-a", "gywm/jgjj.html", meta={"probe": True, "hops": 1})
    result = list(sp.parse_nav(about))
    assert isinstance(result[0], PageItem) and result[0].nav == {"probe": True} and result[0].kind == "article"
    assert out(result) == []  # everything it links to is 2 hops away
    capped = spider(start_url=f"{BASE}/", max_pages="3")
    capped.requested.add(f"{BASE}/")
    result = list(capped.parse_nav(page("union-a", "index.html", f"{BASE}/", meta={"start": True})))
    assert len(out(result)) == 2 and capped.crawler.stats.get_value("workercrawl/max_pages_skipped") > 0


def test_generic_navigation_failures_are_not_recorded_but_challenges_are():
    sp = spider(start_url=f"{BASE}/")
    nav = sp.nav_request(f"{BASE}/member/index.html", 1, probe=True)
    robots = Failure(IgnoreRequest("Forbidden by robots.txt"))
    robots.request = nav
    assert list(sp.on_error(robots)) == []
    blocked = Failure(AntiBotChallenge(nav.url, 412, "瑞数-style HTTP 412"))
    blocked.request = nav
    (item,) = list(sp.on_error(blocked))
    assert (item.error["reason"], item.status) == ("anti-bot-challenge", 412)
    start = sp.nav_request(f"{BASE}/x/", 0, start=True)
    gone = Failure(IgnoreRequest("Forbidden by robots.txt"))
    gone.request = start
    assert len(list(sp.on_error(gone))) == 1  # a start URL's failure is always recorded


# -- anti-bot ----------------------------------------------------------------------------------

RUISHU = (site_dir("antibot") / "xwdt" / "zt" / "index.html").read_bytes()


def test_challenge_detection():
    assert "412" in challenge(412, RUISHU) and "瑞数" in challenge(412, RUISHU)
    assert "瑞数" in challenge(200, RUISHU)
    jsl = (site_dir("antibot") / "xwdt" / "ghyw" / "202403" / "t20240313_851251.html").read_bytes()
    assert "521" in challenge(521, jsl) and challenge(200, jsl)
    assert challenge(412, b"") and challenge(521, b"")
    for path in ("antibot/xwdt/ghyw/202403/t20240314_851260.html", "ldwb/content/2024-05/20/content_301001.htm",
                 "union-b/Item/2345.aspx", "acftu-people/GB/67502/index.html"):
        assert challenge(200, replica_file(path).read_bytes()) is None, path
    # an article that merely mentions a cookie script is not a challenge
    article = b"<html><body>" + "<p>工会新闻正文。</p>".encode() * 100 + b"<script>$_ts={}</script></body></html>"
    assert challenge(200, article) is None
    assert challenge(521, b"<html><body><h1>Web server is down</h1></body></html>") is None


def test_antibot_middleware_and_failure_reason():
    crawler = get_crawler(SitesSpider)
    crawler.stats.open_spider()
    middleware = AntiBotMiddleware.from_crawler(crawler)
    request = Request(f"{BASE}/xwdt/ghyw/202403/t20240311_851234.html")
    with pytest.raises(AntiBotChallenge) as raised:
        middleware.process_response(request, HtmlResponse(request.url, status=412, body=RUISHU, request=request))
    assert isinstance(raised.value, IgnoreRequest)
    failed = Failure(raised.value)
    failed.request = request
    reason, status, detail = failures.describe(failed)
    assert (reason, status) == ("anti-bot-challenge", 412) and "not supported" in detail
    ok = HtmlResponse(request.url, body=replica_file("ldwb/content/2024-05/20/content_301001.htm").read_bytes())
    assert middleware.process_response(request, ok) is ok
    robots = Request(f"{BASE}/robots.txt")
    assert middleware.process_response(robots, Response(robots.url, status=412, body=RUISHU)).status == 412
    assert crawler.stats.get_value("workercrawl/antibot_challenges") == 1


# -- pipelines ---------------------------------------------------------------------------------

def test_probe_pages_are_dropped_unless_dated_articles():
    validation = ValidationPipeline.from_crawler(get_crawler(SitesSpider))

    def probed(path):
        url = f"{BASE}/{path}"
        body = (site_dir("union-b") / path).read_bytes()
        result = extract_article(body, url, {"Content-Type": "text/html; charset=gb2312"}).to_dict()
        return PageItem(url=url, spider="sites", status=200, body=body, nav={"probe": True}, result=result)

    kept = validation.process_item(probed("Item/2345.aspx"))
    assert kept.result["status"] == "article" and kept.result["published_at"].startswith("2024-05-20")
    for path in ("About.aspx", "Item/2340.aspx", "Category_12/Index.aspx"):  # undated, photos only, a list
        with pytest.raises(DropItem):
            validation.process_item(probed(path))


def test_charset_hint_only_when_the_server_names_none():
    assert with_charset_hint({"Content-Type": "text/html"}, "gbk") == {"Content-Type": "text/html; charset=gbk"}
    assert with_charset_hint({}, "gbk") == {"Content-Type": "text/html; charset=gbk"}
    named = {"content-type": "text/html; charset=utf-8"}
    assert with_charset_hint(named, "gbk") is named
    assert with_charset_hint(named, None) is named


def test_dates_are_china_days():
    sp = spider(site="tsldrb")
    day = dt.date.fromisoformat(issue_key(sp.entry_urls()[0]))
    assert abs((day - dt.datetime.now(dt.timezone.utc).date()).days) <= 1


# -- extraction on replica hosts (reported, not worked around in the spider) -------------------

def test_people_article_on_a_replica_host_reads_like_the_original():
    path = "acftu-people/n1/2024/0518/c67502-40230003.html"
    replica = extract_article(replica_file(path).read_bytes(), f"{BASE}/{path.split('/', 1)[1]}")
    assert (replica.site, replica.pretitle) == ("中国工会新闻", "走进企业班组")
