"""`scrapy crawl sites` subprocesses against the replica sites of each family, then the SQLite rows.

One run per family (-a site=KEY -a start_url=<replica>), three unknown union sites crawled with
-a start_url only (one of them with TRS article folders), and a site answering with anti-bot
challenges.
"""

from __future__ import annotations

import json
from pathlib import Path

from sqlite_utils import Database

def rows(db_path: Path, sql: str, params=()) -> list[dict]:
    return list(Database(db_path).query(sql, params))


FIELDS = ("title", "pretitle", "subtitle", "published_at", "source", "authors", "editors", "site", "channel")


def articles_of(result, base) -> dict[str, dict]:
    found = {}
    for row in rows(result.db, "SELECT * FROM articles"):
        row["authors"], row["editors"] = json.loads(row["authors"]), json.loads(row["editors"])
        found[row["url"].removeprefix(base)] = row
    return found


def rejects_of(result, base) -> set[tuple]:
    return {(r["url"].removeprefix(base), r["kind"], r["reason"], r["status"])
            for r in rows(result.db, "SELECT * FROM rejects")}


def check(found: dict, expected: dict, fields=FIELDS):
    assert set(found) == set(expected)
    for path, values in expected.items():
        row = found[path]
        assert {k: row[k] for k in fields} == dict(zip(fields, values)), path
        assert len(row["body"]) > 150 and row["spider"] == "sites"


def the_run(result) -> dict:
    (run,) = rows(result.db, "SELECT * FROM runs")
    assert (run["spider"], run["finish_reason"]) == ("sites", "finished")
    return run


# -- 劳动午报: Founder e-paper --------------------------------------------------------------------

LDWB = {
    "/content/2024-05/20/content_301001.htm": ("全市新建“暖心驿站”300个 户外劳动者歇脚有了好去处", "聚焦新就业形态劳动者权益保障", None,
                                               "2024-05-20", "劳动午报", ["刘畅"], [], "劳动午报", "要闻"),
    "/content/2024-05/20/content_301002.htm": ("市总工会启动2024年职工技能提升行动", None, "全年计划培训职工10万人次",
                                               "2024-05-20", "劳动午报", ["王晓萌"], [], "劳动午报", "要闻"),
    "/content/2024-05/20/content_301003.htm": ("海淀区总工会为一线职工送去“夏日清凉”", None, None,
                                               "2024-05-20", "劳动午报", ["李文"], [], "劳动午报", "工会"),
}


def test_founder_epaper_issue_by_date(replica, crawl):
    site, mirror = replica("ldwb")
    result = crawl("sites", site="ldwb", date="2024-05-20", start_url=f"{site.url}/")
    found = articles_of(result, site.url)
    check(found, LDWB)
    assert [(found[p]["page_no"], found[p]["page_name"]) for p in sorted(found)] == [("1", "要闻"), ("1", "要闻"), ("2", "工会")]
    assert rejects_of(result, site.url) == {("/content/2024-05/20/content_301004.htm", "article", "not-article", 200)}  # 图片新闻
    fetched = site.paths()
    assert sorted(p for p in fetched if "node_" in p) == [f"/content/2024-05/20/node_{n}.htm" for n in (1, 2, 3)]
    assert not [p for p in fetched if p.endswith(".pdf") or "/19/" in p or "period" in p or "/21/" in p]
    assert mirror.log == [] and len(fetched) == len(set(fetched))
    run = the_run(result)
    assert (run["articles"], run["rejects"], json.loads(run["args"])["site"]) == (3, 1, "ldwb")


def test_founder_epaper_latest_issue_from_the_root(replica, crawl):
    site, _ = replica("ldwb")
    result = crawl("sites", site="ldwb", start_url=f"{site.url}/")  # meta refresh → the latest issue
    found = articles_of(result, site.url)
    check(found, {"/content/2024-05/21/content_301101.htm": (
        "首都劳模工匠宣讲团走进建设工地", None, None, "2024-05-21", "劳动午报", ["赵婧"], [], "劳动午报", "要闻")})
    assert rejects_of(result, site.url) == set()
    assert site.paths() == ["/robots.txt", "/", "/content/2024-05/21/node_1.htm", "/content/2024-05/21/content_301101.htm"]


# -- 中国工会新闻: people.cn ----------------------------------------------------------------------

PEOPLE = {
    "/n1/2024/0521/c67502-40230010.html": ("全总部署开展“工会进万家”系列活动", "2024-05-21T08:15:00+08:00", "工人日报", ["马学礼"], ["赵红", "孙伟"]),
    "/n1/2024/0520/c67502-40230001.html": ("全总部署开展2024年“职工心向党”主题宣传教育活动", "2024-05-20T09:41:00+08:00", "工人日报", ["苏墨"], ["王静", "李丹"]),
    "/n1/2024/0519/c67502-40230002.html": ("多地工会推出新就业形态劳动者专属保障产品", "2024-05-19T16:05:00+08:00", "中工网", ["杨召奎"], ["周倩", "高远"]),
    "/n1/2024/0518/c67502-40230003.html": ("一堂安全课，让新职工懂得“安全第一”", "2024-05-18T08:30:00+08:00", "工人日报", ["张翀"], ["王静"]),
    "/n1/2024/0517/c67502-40230004.html": ("职工书屋进工地 农民工下班后有了“充电站”", "2024-05-17T10:12:00+08:00", "人民网", ["刘洋"], ["李丹", "高远"]),
}


def test_people_acftu_lists_and_articles(replica, crawl):
    site, mirror = replica("acftu-people")
    result = crawl("sites", site="acftu-people", start_url=f"{site.url}/GB/67502/index.html")
    found = articles_of(result, site.url)
    # `site` and the 引题 are left out: on a replica host the page is read by the generic path
    # (see the xfail in test_sites_spider.py)
    check(found, PEOPLE, ("title", "published_at", "source", "authors", "editors"))
    assert {row["channel"] for row in found.values()} == {"工会动态"}
    assert rejects_of(result, site.url) == {("/n1/2024/0516/c67502-40230009.html", "article", "not-article", 200)}  # video
    fetched = site.paths()
    assert "/GB/67502/index2.html" in fetched and "/n1/2023/1201/c67502-40129876.html" not in fetched
    assert mirror.log == [] and len(fetched) == len(set(fetched))
    assert json.loads(rows(result.raw, "SELECT headers FROM pages LIMIT 1")[0]["headers"])["Content-Type"] == "text/html"


# -- 南方工报 -------------------------------------------------------------------------------------

NFGB = {
    "/yw/content/post_1360001.html": ("广东启动新就业形态劳动者“暖心行动”", None, None, "2024-05-20", "南方工报", ["许接英", "王娅"], ["张苑"], "南方工报", "要闻"),
    "/yw/content/post_1360002.html": ("深圳工会“职工夜校”开课 首期报名超3000人", None, None, "2024-05-18", "南方工报", ["叶灿辉"], ["张苑"], "南方工报", "要闻"),
    "/yw/content/post_1360003.html": ("佛山工会为一线职工开展免费体检", None, None, "2024-05-16", "南方工报", ["王娅"], ["何永平"], "南方工报", "要闻"),
    "/yw/content/post_1360004.html": ("东莞举办职工技能大赛 500余名选手同台比武", None, None, "2024-05-14", "南方工报", ["陈思远", "林卓"], ["梁静"], "南方工报", "要闻"),
}


def test_nfgb_lists_and_articles(replica, crawl):
    site, _ = replica("nfgb")
    result = crawl("sites", site="nfgb", start_url=f"{site.url}/yw/")
    check(articles_of(result, site.url), NFGB)
    assert rejects_of(result, site.url) == {("/sp/content/post_1360009.html", "article", "not-article", 200)}  # video
    fetched = site.paths()
    assert "/yw/index_2.html" in fetched
    assert not [p for p in fetched if p.startswith("/wq/")]  # 热门推荐 sidebar: outside list_links


# -- 北京市总工会: a provincial site added by configuration only -------------------------------------

BJZGH = {
    "/202405/20240520/j_20240520093012345678901234567890.html": ("首都职工“云上健步走”活动吸引10万人参与", None, None, "2024-05-20T09:30:00+08:00", "劳动午报", ["刘畅"], ["孟凡"], "北京市总工会", "新闻动态"),
    "/202405/20240517/j_20240517150512345678901234567890.html": ("市总工会召开新就业形态劳动者入会工作推进会", None, None, "2024-05-17T15:05:00+08:00", "北京市总工会", [], ["李玥"], "北京市总工会", "新闻动态"),
    "/202405/20240515/j_20240515101012345678901234567890.html": ("劳模工匠助企行走进亦庄 为企业解决技术难题23项", None, None, "2024-05-15T10:10:00+08:00", "劳动午报", ["赵婧", "孙琳"], ["孟凡"], "北京市总工会", "新闻动态"),
}


def test_config_only_provincial_site(replica, crawl):
    site, _ = replica("bjzgh")
    base = f"{site.url}/ghzz/bjgt/xwdt"
    result = crawl("sites", site="bjzgh", start_url=f"{base}/")
    check(articles_of(result, base), BJZGH)
    assert rejects_of(result, base) == {("/202405/20240513/j_20240513090012345678901234567890.html", "article", "not-article", 200)}
    fetched = site.paths()
    assert "/ghzz/bjgt/xwdt/index_1.html" in fetched and not [p for p in fetched if "/tzgg/" in p or ".pdf" in p]


# -- unknown union sites: -a start_url only -----------------------------------------------------

UNION_A = {
    "/xwdt/ghyw/202405/t20240520_1023.html": ("市总工会召开全市工会工作会议", "2024-05-20T09:30:00+08:00", "东川工人报", [], ["陈立"]),
    "/xwdt/ghyw/202405/t20240518_1019.html": ("东川发布职工法律援助十大典型案例", "2024-05-18T15:20:00+08:00", "东川市总工会", ["周敏"], ["陈立"]),
    "/xwdt/ghyw/202405/t20240510_1008.html": ("“五一”前夕市总工会走访慰问一线劳动者", "2024-05-10T10:00:00+08:00", "东川工人报", [], ["王芳"]),
    "/xwdt/jcdt/202405/t20240516_1015.html": ("开发区工会为新就业形态劳动者办起“集中入会日”", "2024-05-16T08:45:00+08:00", "东川工人报", [], ["王芳"]),
}
GENERIC_FIELDS = ("title", "published_at", "source", "authors", "editors")


def test_unknown_trs_site_generic_crawl(replica, crawl):
    site, _ = replica("union-a")
    result = crawl("sites", start_url=f"{site.url}/")
    found = articles_of(result, site.url)
    check(found, UNION_A, GENERIC_FIELDS)
    assert {row["site"] for row in found.values()} == {"东川市总工会"}
    # the photo page at an article-shaped URL is the only reject; the home, lists, 机构简介
    # (undated), 联系我们, the robots-disallowed /member/ page and the rest are never stored
    assert rejects_of(result, site.url) == {("/xwdt/jcdt/202405/t20240515_1014.html", "article", "not-article", 200)}
    fetched = site.paths()
    assert {"/xwdt/ghyw/index_1.html", "/gywm/jgjj.html"} <= set(fetched)
    assert not [p for p in fetched if p.startswith(("/search/", "/member/", "/uploads/"))]
    assert rows(result.raw, "SELECT count(*) AS n FROM pages")[0]["n"] == 5
    stats = json.loads(the_run(result)["stats"])
    assert stats["workercrawl/probed_not_article"] == 2 and stats["workercrawl/nav_failed/robots-disallowed"] == 1


UNION_B = {
    "/Item/2345.aspx": ("青石市举办首届新就业形态劳动者技能比武", "2024-05-20T09:15:32+08:00", "青石工人报", ["林晓"], ["郭峰"]),
    "/Item/2338.aspx": ("市总工会开展“工会进万家”送法律服务活动", "2024-05-16T14:02:10+08:00", "青石市总工会", ["郑雨"], ["郭峰"]),
    "/Item/2331.aspx": ("青石工会职工疗休养基地挂牌", "2024-05-09T10:30:00+08:00", "青石工人报", ["林晓"], ["何琴"]),
}


def test_unknown_site_without_dates_in_urls_generic_crawl(replica, crawl):
    site, _ = replica("union-b")
    result = crawl("sites", start_url=f"{site.url}/", max_pages="50")
    found = articles_of(result, site.url)
    check(found, UNION_B, GENERIC_FIELDS)  # found by page shape: /Item/N.aspx says nothing
    assert rows(result.db, "SELECT * FROM rejects") == []  # nothing else stored
    fetched = site.paths()
    assert "/Category_12/Index_2.aspx" in fetched and {"/About.aspx", "/Item/2340.aspx"} <= set(fetched)
    assert not [p for p in fetched if p.startswith("/User/") or p.endswith(".xml")]
    assert json.loads(the_run(result)["args"]) == {"start_url": f"{site.url}/", "max_pages": "50"}


UNION_C = {  # TRS article folders: …/201709/t20170919_183870/ (served as its index.html)
    "/gzdt/201709/t20170919_183870/": ("西山市总工会启动第五届职工技能大赛", "2017-09-19T10:30:00+08:00", "西山工人报", [], ["刘洋"]),
    "/gzdt/201709/t20170915_183702/": ("“金秋助学”活动为120名职工子女送去助学金", "2017-09-15T16:05:00+08:00", "西山市总工会", [], ["王静"]),
    "/gzdt/201709/t20170908_183511/": ("市总工会开展新入职职工劳动法律知识培训", "2017-09-08T09:00:00+08:00", "西山工人报", [], ["刘洋"]),
}


def test_trs_article_folders_generic_crawl(replica, crawl):
    site, _ = replica("union-c")
    result = crawl("sites", start_url=f"{site.url}/")
    found = articles_of(result, site.url)
    check(found, UNION_C, GENERIC_FIELDS)  # articles, though their URLs end in '/' like a channel
    assert {row["channel"] for row in found.values()} == {"工作动态"}
    assert rows(result.db, "SELECT * FROM rejects") == []
    fetched = site.paths()
    assert "/gzdt/index_1.html" in fetched and len(fetched) == len(set(fetched))
    assert rows(result.raw, "SELECT count(*) AS n FROM pages")[0]["n"] == 3  # the articles, fetched as articles
    stats = json.loads(the_run(result)["stats"])
    assert stats["workercrawl/articles/new"] == 3


# -- anti-bot challenges ------------------------------------------------------------------------

def test_antibot_challenges_are_rejects_never_articles(replica, crawl):
    site, _ = replica("antibot")
    result = crawl("sites", start_url=f"{site.url}/xwdt/ghyw/,{site.url}/xwdt/zt/")
    found = articles_of(result, site.url)
    assert list(found) == ["/xwdt/ghyw/202403/t20240314_851260.html"]
    assert rejects_of(result, site.url) == {
        ("/xwdt/zt/", "list", "anti-bot-challenge", 412),                                # a start page
        ("/xwdt/ghyw/202403/t20240311_851234.html", "article", "anti-bot-challenge", 412),  # 瑞数 412
        ("/xwdt/ghyw/202403/t20240312_851240.html", "article", "anti-bot-challenge", 200),  # 瑞数 page as 200
        ("/xwdt/ghyw/202403/t20240313_851251.html", "article", "anti-bot-challenge", 521),  # 加速乐 521
    }
    details = [r["detail"] for r in rows(result.db, "SELECT detail FROM rejects")]
    assert all("anti-bot challenge" in d and "not supported" in d for d in details)
    assert "anti-bot JavaScript challenge" in result.proc.stderr
