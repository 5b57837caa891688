"""Real `scrapy crawl` subprocesses against the replica sites, then assertions on the SQLite rows."""

from __future__ import annotations

import collections
import hashlib
import json
from pathlib import Path

from sqlite_utils import Database

from conftest import site_dir
from workercrawl.store import raw_body


# path → (title, published_at, source, site, channel)
WORKERCN = {
    "/c/2024-05-20/7100010.shtml": ("“工会进万家”系列活动启动 工会干部走进车间和职工家庭", "2024-05-20T10:26:40+08:00", "工人日报", "中工网", "工会"),
    "/c/2024-05-20/7100001.shtml": ("全国总工会部署开展2024年职工技能竞赛活动", "2024-05-20T09:12:33+08:00", "工人日报", "中工网", "工会"),
    "/c/2024-05-20/7100002.shtml": ("杭州新建户外劳动者服务站点120个 快递小哥有了“暖心驿站”", "2024-05-20T10:05:18+08:00", "浙江工人日报", "中工网", "权益"),
    "/c/2024-05-19/7100003.shtml": ("多地工会开展“安康杯”竞赛 筑牢安全生产防线", "2024-05-19T16:40:02+08:00", "中工网", "中工网", "工会"),
    "/c/2024-05-17/7100005.shtml": ("职工书屋建设五年间：从“有书读”到“读好书”", "2024-05-17T08:30:00+08:00", "工人日报", "中工网", "工会"),
    "/27/202105/12/210512083015237.shtml": ("基层工会经费使用有了新规范", "2021-05-12T08:30:17+08:00", "工人日报", "中工网", "工会"),
    "/27/202105/10/210510160218904.shtml": ("一线职工代表建言企业高质量发展", "2021-05-10T16:02:20+08:00", "中工网", "中工网", "工会"),
    "/27/202105/08/210508093001115.shtml": ("工会法律援助让农民工讨薪不再难", "2021-05-08T09:30:03+08:00", "中工网", "中工网", "工会"),
    "/32841/202104/30/210430101522648.shtml": ("五一假期前夕多地开展劳动者权益保障专项检查", "2021-04-30T10:15:24+08:00", "新华社", "中工网", "新闻"),
    "/papers/grrb/2024/05/18/1/news-1.html": ("让技术工人成长有通道、发展有空间", "2024-05-18", "工人日报", "工人日报", None),
    "/papers/grrb/2024/05/18/3/news-2.html": ("外卖骑手遭遇交通事故 工会帮助申请职业伤害保障", "2024-05-18", "工人日报", "工人日报", None),
}
TWO_PAGES = "/27/202105/10/210510160218904.shtml"


def rows(db_path: Path, sql: str, params=()) -> list[dict]:
    return list(Database(db_path).query(sql, params))


def crawl_workercn(crawl, site, **args):
    return crawl("workercn", start_url=f"{site.url}/acftu,{site.url}/27/27.shtml", **args)


def test_workercn_end_to_end(replica, crawl):
    site, mirror = replica("workercn")
    result = crawl_workercn(crawl, site)

    articles = {r["url"].removeprefix(site.url): r for r in rows(result.db, "SELECT * FROM articles")}
    assert set(articles) == set(WORKERCN)
    for path, (title, published, source, site_name, channel) in WORKERCN.items():
        row = articles[path]
        assert (row["title"], row["published_at"], row["source"], row["site"], row["channel"]) == (
            title, published, source, site_name, channel), path
        assert row["body"] and row["content_hash"] and row["first_seen"] == row["last_seen"]
    assert json.loads(articles["/c/2024-05-20/7100001.shtml"]["authors"]) == ["李国", "孙欣"]
    assert json.loads(articles["/c/2024-05-20/7100001.shtml"]["editors"]) == ["李方"]
    assert json.loads(articles["/c/2024-05-20/7100002.shtml"]["images"])[0]["src"].endswith("20240520100518123.jpg")
    epaper = articles["/papers/grrb/2024/05/18/1/news-1.html"]
    assert (epaper["pretitle"], epaper["subtitle"]) == ("聚焦产业工人队伍建设改革", "多地出台措施畅通技能人才职业发展路径")

    # The two-page article is one row holding both halves.
    merged = articles[TWO_PAGES]
    assert merged["pages"] == 2
    assert "炼铁厂职工代表老张" in merged["body"] and "提案落实率达到95%以上" in merged["body"]
    # page 2 is one short sentence: read from page 1's box, not with the 全总领导 sidebar around it
    assert "全总领导" not in merged["body"] and "全国总工会主席" not in merged["body"]

    # Everything that is not an article is accounted for, with its reason.
    rejects = {(r["url"].removeprefix(site.url), r["reason"], r["status"]) for r in rows(result.db, "SELECT * FROM rejects")}
    assert rejects == {
        ("/c/2024-05-19/7100004.shtml", "not-article", 200),          # video stub
        ("/preview/c/2024-05-20/7100009.shtml", "robots-disallowed", None),
        ("/c/2024-05-16/7100008.shtml", "http-error", 404),           # dead link
    }

    # Never requested: robots-disallowed paths, the spam mirror, the real site's hosts.
    fetched = site.paths()
    assert not [p for p in fetched if p.startswith(("/preview/", "/search/"))]
    assert mirror.log == []
    assert all(count == 1 for count in collections.Counter(fetched).values()), fetched  # each URL once
    assert "/acftu/index_2.shtml" in fetched and "/27/27_2.shtml" in fetched

    # Raw pages: every fetched article page (page 2 included), compressed and intact.
    raw = {r["url"].removeprefix(site.url): r for r in rows(result.raw, "SELECT * FROM pages")}
    assert set(raw) == set(WORKERCN) | {"/c/2024-05-19/7100004.shtml", "/27/202105/10/210510160218904_2.shtml"}
    for path, row in raw.items():
        original = (site_dir("workercn") / path.lstrip("/")).read_bytes()
        assert raw_body(row) == original and row["sha256"] == hashlib.sha256(original).hexdigest()
        assert row["size"] == len(original) > len(row["body"])
    assert raw["/27/202105/10/210510160218904_2.shtml"]["article_url"] == site.url + TWO_PAGES
    assert raw["/27/202105/10/210510160218904_2.shtml"]["part"] == 2
    assert "charset" not in json.loads(raw[TWO_PAGES]["headers"])["Content-Type"]  # GBK: charset in <meta> only

    (run,) = rows(result.db, "SELECT * FROM runs")
    assert (run["spider"], run["finish_reason"], run["articles"], run["rejects"]) == ("workercn", "finished", 11, 3)
    assert json.loads(run["args"])["start_url"].startswith(site.url)
    assert json.loads(run["settings"])["DOWNLOAD_DELAY"] == "0"
    stats = json.loads(run["stats"])
    assert stats["workercrawl/articles/new"] == 11 and stats["workercrawl/rejected/not-article"] == 1


def test_sites_spider_with_the_workercn_key_is_the_same_crawl(replica, crawl):
    site, mirror = replica("workercn")
    result = crawl("sites", site="workercn", start_url=f"{site.url}/acftu,{site.url}/27/27.shtml")
    assert {r["url"].removeprefix(site.url) for r in rows(result.db, "SELECT url FROM articles")} == set(WORKERCN)
    assert len(rows(result.db, "SELECT url FROM rejects")) == 3 and mirror.log == []
    (run,) = rows(result.db, "SELECT * FROM runs")
    assert (run["spider"], json.loads(run["args"])["site"]) == ("sites", "workercn")


def test_recrawl_never_duplicates(replica, crawl):
    site, _ = replica("workercn")
    crawl_workercn(crawl, site)
    # refresh=1: fetch the known articles again (tests/test_incremental.py: the default skips them)
    before = {r["url"]: r for r in rows(crawl_workercn(crawl, site, refresh=1).db, "SELECT * FROM articles")}
    result = crawl_workercn(crawl, site, refresh=1)  # third run: same files, same tmp_path
    after = {r["url"]: r for r in rows(result.db, "SELECT * FROM articles")}
    assert len(after) == len(WORKERCN) and set(after) == set(before)
    runs = rows(result.db, "SELECT * FROM runs ORDER BY id")
    assert [r["finish_reason"] for r in runs] == ["finished"] * 3
    assert json.loads(runs[-1]["stats"])["workercrawl/articles/unchanged"] == len(WORKERCN)
    for url, row in after.items():
        assert row["first_seen"] == before[url]["first_seen"] and row["run_id"] == runs[-1]["id"]
    counts = rows(result.db, "SELECT run_id, count(*) AS n FROM rejects GROUP BY run_id ORDER BY run_id")
    assert [c["n"] for c in counts] == [3, 3, 3]  # rejects are a per-run log
    assert rows(result.raw, "SELECT count(*) AS n FROM pages")[0]["n"] == len(WORKERCN) + 2


GRRB_0520 = {
    "/1/news-1.html": ("1", "要闻", "全国劳动模范和先进工作者表彰五周年回访", "劳模精神激励一代又一代奋斗者", None),
    "/1/news-2.html": ("1", "要闻", None, "全总部署开展“工会进万家”系列活动", "突出服务职工、凝聚职工"),
    "/2/news-3.html": ("2", "工会", None, "小微企业工会联合会破解建会难题", None),
    "/2/news-4.html": ("2", "工会", "深化职工思想政治引领", "“劳模工匠宣讲团”走进车间班组", None),
    "/3/news-5.html": ("3", "权益", None, "劳动合同到期未续签 双倍工资如何计算", "律师：用人单位应及时续订书面劳动合同"),
}


def test_grrb_one_issue_with_extraction_workers(replica, crawl):
    site, mirror = replica("grrb")
    result = crawl("grrb", {"WORKERCRAWL_EXTRACT_WORKERS": "2"}, date="2024-05-20", start_url=f"{site.url}/")
    issue = f"{site.url}/papers/grrb/2024/05/20"
    articles = {r["url"].removeprefix(issue): r for r in rows(result.db, "SELECT * FROM articles")}
    assert set(articles) == set(GRRB_0520)
    for path, (page_no, page_name, pretitle, title, subtitle) in GRRB_0520.items():
        row = articles[path]
        assert (row["page_no"], row["page_name"], row["pretitle"], row["title"], row["subtitle"]) == (
            page_no, page_name, pretitle, title, subtitle), path
        assert (row["published_at"], row["site"], row["spider"]) == ("2024-05-20", "工人日报", "grrb")
    assert json.loads(articles["/1/news-1.html"]["authors"]) == ["王群", "郑莉"]
    assert json.loads(articles["/1/news-1.html"]["images"])[0]["src"].endswith("pic/20240520001.jpg")
    assert rows(result.db, "SELECT * FROM rejects") == []

    fetched = site.paths()
    assert not [p for p in fetched if p.endswith(".pdf")]
    assert sorted(p for p in fetched if p.endswith("page.html")) == [
        f"/papers/grrb/2024/05/20/{n}/page.html" for n in (1, 2, 3, 4)]
    assert mirror.log == []
    (run,) = rows(result.db, "SELECT * FROM runs")
    assert run["finish_reason"] == "finished" and json.loads(run["args"])["date"] == "2024-05-20"
    assert rows(result.raw, "SELECT count(*) AS n FROM pages")[0]["n"] == 5


def test_grrb_date_range_records_missing_issue(replica, crawl):
    site, _ = replica("grrb")
    result = crawl("grrb", since="2024-05-19", until="2024-05-21", start_url=f"{site.url}/")
    urls = [r["url"] for r in rows(result.db, "SELECT url FROM articles")]
    assert len(urls) == 6 and f"{site.url}/papers/grrb/2024/05/21/1/news-1.html" in urls
    (reject,) = rows(result.db, "SELECT * FROM rejects")
    assert (reject["url"], reject["kind"], reject["reason"], reject["status"]) == (
        f"{site.url}/papers/grrb/2024/05/19/1/page.html", "issue-page", "http-error", 404)


SEARCH_WORDS = ["工会", "职工", "权益", "竞赛", "农民工", "劳动者", "总工会", "技能竞赛", "劳动合同", "劳动模范", "快递小哥"]


def test_crawled_corpus_is_searchable_and_runs_are_counted(replica, crawl):
    from workercrawl.store import Store

    workercn, _ = replica("workercn")
    grrb, _ = replica("grrb")
    crawl_workercn(crawl, workercn)
    result = crawl("grrb", since="2024-05-18", until="2024-05-21", start_url=f"{grrb.url}/")
    store = Store(result.db)
    try:
        articles = list(store.db.query("SELECT url, title, pretitle, subtitle, body FROM articles"))
        assert len(articles) > 15
        for word in SEARCH_WORDS:  # recall and precision against plain substring search
            expected = {a["url"] for a in articles
                        if any(word in (a[f] or "") for f in ("title", "pretitle", "subtitle", "body"))}
            found = {hit["url"] for hit in store.search(word, limit=1000)}
            assert expected and found == expected, word
        runs = list(store.db.query("SELECT * FROM runs ORDER BY id"))
        assert [r["spider"] for r in runs] == ["workercn", "grrb"]
        for run in runs:
            stats = json.loads(run["stats"])
            # second resolution: a fast run starts and finishes within the same second
            assert run["started_at"] <= run["finished_at"] and run["finish_reason"] == "finished"
            assert run["pages"] == stats["response_received_count"] and run["items"] == stats["item_scraped_count"]
            assert run["bytes"] == stats["downloader/response_bytes"] > 0
            assert run["requests"] == stats["downloader/request_count"] and run["elapsed"] > 0
            assert run["errors"] == stats.get("log_count/ERROR", 0) and run["retries"] == stats.get("retry/count", 0)
    finally:
        store.close()
